/* stats: the daemon's counters (doc/protocol.md, "Counters"), one struct
 * per worker, summed for the stats answer, the metrics page and the
 * stats log lines (SIGUSR1, the stop). */
#ifndef PKTINFOD_STATS_H
#define PKTINFOD_STATS_H

#include <stdint.h>

#include "netinc.h"
#include "policy.h"
#include "proto.h"

#define STATS_LOCAL_SLOTS 32
#define STATS_ERRNO_SLOTS 8

enum stats_counter {
	STATS_RX4,
	STATS_RX6,
	STATS_TX4,
	STATS_TX6,
	STATS_TRUNCATED,	/* a "truncated" answer sent instead (3x rule) */
	STATS_DROPPED,		/* nothing sent: even "truncated" was over 3x */
	STATS_NO_PKTINFO,	/* dropped: control data cut or no pktinfo */
	STATS_SEND_ERRORS,
	STATS_RXQ_DROPPED,	/* the kernel's drops (SO_RXQ_OVFL) */
	STATS_COUNTER_MAX
};

struct stats_local {
	struct in6_addr addr;
	uint64_t rx;
};

struct stats_errno {
	int err;
	uint64_t n;
};

struct stats {
	uint64_t counter[STATS_COUNTER_MAX];
	uint64_t result[PROTO_RESULT_MAX];	/* requests by cause */
	uint64_t policy[POLICY_VERDICT_MAX];	/* by policy_check verdict */
	struct stats_local local[STATS_LOCAL_SLOTS];
	unsigned int nlocal;
	uint64_t local_other;		/* local addresses past the table */
	struct stats_errno send_err[STATS_ERRNO_SLOTS];
	uint64_t send_err_other;
	/* gauges of a sum (the server fills them in): the rate limiter's
	 * table, entries in use and slots */
	uint64_t rl_entries;
	uint64_t rl_slots;
};

/*
 * Each worker writes only its own struct stats; the stats answer reads every
 * worker's while they run.  Counters therefore change through relaxed
 * atomic loads and stores (plain moves on common CPUs, no locked
 * instructions): the reader sees each counter whole, perhaps a little old.
 */
/* Add n to the counter c of the calling worker's own stats. */
static inline void
stats_add_n(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n,
	    __ATOMIC_RELAXED);
}

/* Add one to the counter c of the calling worker's own stats. */
static inline void
stats_inc(uint64_t *c)
{
	stats_add_n(c, 1);
}

/* Count one datagram received on local address dst. */
void stats_count_local(struct stats *st, const struct in6_addr *dst);
/* Count one failed send with errno err. */
void stats_count_send_error(struct stats *st, int err);
/* Datagrams received, both families. */
uint64_t stats_rx_total(const struct stats *st);
/* Add src's counts into dst (summing workers). */
void stats_add(struct stats *dst, const struct stats *src);
/* Add st's counters as members of the JSON object obj. */
void stats_to_json(const struct stats *st, struct cJSON *obj);
/* Log st on one line at info. */
void stats_log(const struct stats *st);

#endif
