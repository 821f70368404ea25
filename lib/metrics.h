/* metrics: the daemon's counters in the Prometheus text exposition format
 * (version 0.0.4), for the metrics_listen endpoint.  Pure: counters in,
 * text out; the HTTP side is metrics_http's. */
#ifndef PKTINFOD_METRICS_H
#define PKTINFOD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/* The Content-Type of what metrics_format writes. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* What the page shows besides the summed counters. */
struct metrics_info {
	const char	*version;
	long long	 uptime_s;
	const uint64_t	*worker_rx;	/* datagrams received, per worker */
	unsigned int	 nworkers;
};

/* Write the page for sum and info into buf (cap bytes, NUL-terminated
 * when cap > 0); its length, which is cap or more when it did not fit
 * (as snprintf). */
size_t metrics_format(char *buf, size_t cap, const struct stats *sum,
    const struct metrics_info *info);

#endif
