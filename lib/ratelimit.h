/* ratelimit: a token bucket (RFC 2697's single-rate bucket, without the
 * colours) per source prefix, in one fixed-size, set-associative table
 * that every worker shares (a lock per set), keyed with SipHash-1-3, so
 * memory is bounded and an attacker can neither grow the table nor aim
 * sources at one set.  Pure: the caller passes the monotonic clock. */
#ifndef PKTINFOD_RATELIMIT_H
#define PKTINFOD_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "netinc.h"
#include "siphash.h"

/* Entries per set: a source is evicted only when it is the fullest of
 * this many (see ratelimit.c). */
#define RATELIMIT_WAYS 8
/* The table size the daemon uses: 2 MiB. */
#define RATELIMIT_DEFAULT_SLOTS 65536

/* The config file's rate_limit object.  qps 0 turns limiting off; burst
 * 0 means a depth of qps (one second's worth).  A source's bucket is its
 * prefix_v4 bits (of the IPv4 address, for v4-mapped sources) or its
 * prefix_v6 bits; longer values count as 32 and 128. */
struct ratelimit_conf {
	unsigned int	qps;
	unsigned int	burst;
	unsigned int	prefix_v4;
	unsigned int	prefix_v6;
};

struct ratelimit;

/* A table of slots entries (a power of two, at least RATELIMIT_WAYS),
 * hashed under key, allocated once.  NULL with errno EINVAL or ENOMEM. */
struct ratelimit *ratelimit_new(size_t slots, const struct siphash_key *key);
/* Release rl; NULL is a no-op. */
void ratelimit_free(struct ratelimit *rl);
/* 1 when src may be answered at now_ns (a token is taken), 0 when its
 * prefix is over the limit. */
int ratelimit_allow(struct ratelimit *rl, const struct ratelimit_conf *conf,
    const struct in6_addr *src, uint64_t now_ns);
/* Forget every source (safe while workers use the table).  Call on a
 * reload that changes qps, burst or a prefix length: old entries are
 * safe to keep (a bucket is clamped to the new depth when next used) but
 * those keyed by the old prefixes only hold slots until evicted. */
void ratelimit_reset(struct ratelimit *rl);
/* How many entries hold a source, for tests and metrics. */
size_t ratelimit_used(const struct ratelimit *rl);
/* The set src's bucket lives in under conf, for tests and diagnostics. */
size_t ratelimit_set_of(const struct ratelimit *rl,
    const struct ratelimit_conf *conf, const struct in6_addr *src);

#endif
