/* metrics_http: the metrics_listen endpoint — GET /metrics over HTTP with
 * libevent's evhttp, on the control thread's event base (never a
 * worker's), serving the page metrics_format writes. */
#ifndef PKTINFOD_METRICS_HTTP_H
#define PKTINFOD_METRICS_HTTP_H

#include <stddef.h>

#include "netinc.h"

struct event_base;
struct metrics_http;

/* The page: write it into buf (cap bytes) and return its length, which is
 * cap or more when it did not fit (as snprintf). */
typedef size_t (*metrics_http_page)(void *arg, char *buf, size_t cap);

/* Bind and listen on addr (before privileges are dropped, like every
 * socket of the daemon).  NULL / -1 logged, naming the address. */
struct metrics_http *metrics_http_open(const struct sockaddr_in6 *addr);
/* Serve on base: page(arg) for GET /metrics.  0 / -1 (logged). */
int metrics_http_start(struct metrics_http *mh, struct event_base *base,
    metrics_http_page page, void *arg);
/* The bound port (for metrics_listen port 0). */
uint16_t metrics_http_port(const struct metrics_http *mh);
/* Close and free mh (NULL is nothing). */
void metrics_http_free(struct metrics_http *mh);

#endif
