/* ratelimit: per-prefix token buckets in a fixed, set-associative table.
 *
 * Unlike DNS Response Rate Limiting (Vixie and Schryver, 2012), which
 * counts identical answers per prefix and "slips" some through truncated,
 * this limits every request of a prefix and drops the rest silently: the
 * answers are small, the amplification rule (doc/protocol.md, "Size")
 * already bounds their size, and a slip would only add answers.
 *
 * A bucket holds tokens in units of 1e-9 token, so refilling by elapsed
 * nanoseconds times qps is exact integer arithmetic: no float, no drift.
 *
 * Eviction.  A source hashes (SipHash-1-3 of its masked prefix under the
 * process's random key) to one set of RATELIMIT_WAYS entries.  A new
 * source takes an empty entry of its set, else it evicts the entry whose
 * bucket is fullest now.  Forgetting an entry that holds t tokens gives
 * its source at most depth - t tokens back, since it returns as a fresh,
 * full bucket; the fullest entry is the one whose loss is smallest, and a
 * source quiet long enough to have refilled loses nothing.  So a source
 * that is over its limit and keeps sending (near 0 tokens) is evicted
 * only when every other entry of its set is as empty as it is: a flood
 * of one-shot sources (each depth - 1 tokens or more) only ever evicts
 * itself, however many distinct addresses it uses.  To free an abuser,
 * an attacker must hold RATELIMIT_WAYS depleted buckets in that one set,
 * and without the key it cannot choose which set its prefixes land in;
 * with depth 1 a one-shot source ties with an abuser, which then regains
 * at most the one token it would have refilled anyway. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "ratelimit.h"

#define UNIT		1000000000ULL	/* bucket units per token */
#define EMPTY		UINT64_MAX	/* units of an unused entry */

struct rl_entry {
	struct in6_addr	prefix;
	uint64_t	units;		/* EMPTY, or at most depth * UNIT */
	uint64_t	last_ns;	/* when units was last brought up to date */
};

/* One table serves every worker: SO_REUSEPORT spreads a source's ports
 * over the workers, so buckets per worker would let one source have a
 * worker count's worth of rate.  Each set has a lock of its own, so
 * workers wait for each other only on the same set. */
struct rl_set {
	unsigned int	lock;
	struct rl_entry	e[RATELIMIT_WAYS];
};

struct ratelimit {
	struct siphash_key key;
	size_t		nsets;		/* a power of two */
	size_t		used;		/* atomic: workers add to it */
	struct rl_set	set[];
};

static void
set_lock(struct rl_set *set)
{
	while (__atomic_exchange_n(&set->lock, 1, __ATOMIC_ACQUIRE) != 0)
		while (__atomic_load_n(&set->lock, __ATOMIC_RELAXED) != 0)
			;
}

static void
set_unlock(struct rl_set *set)
{
	__atomic_store_n(&set->lock, 0, __ATOMIC_RELEASE);
}

struct ratelimit *
ratelimit_new(size_t slots, const struct siphash_key *key)
{
	struct ratelimit *rl;

	if (slots < RATELIMIT_WAYS || (slots & (slots - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	if (slots / RATELIMIT_WAYS > (SIZE_MAX - sizeof(*rl)) /
	    sizeof(rl->set[0])) {
		errno = ENOMEM;
		return NULL;
	}
	if ((rl = calloc(1, sizeof(*rl) + slots / RATELIMIT_WAYS *
	    sizeof(rl->set[0]))) == NULL)
		return NULL;
	rl->key = *key;
	rl->nsets = slots / RATELIMIT_WAYS;
	ratelimit_reset(rl);
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	free(rl);
}

void
ratelimit_reset(struct ratelimit *rl)
{
	size_t i, j;

	for (i = 0; i < rl->nsets; i++) {
		set_lock(&rl->set[i]);
		for (j = 0; j < RATELIMIT_WAYS; j++) {
			memset(&rl->set[i].e[j], 0, sizeof(rl->set[i].e[j]));
			rl->set[i].e[j].units = EMPTY;
		}
		set_unlock(&rl->set[i]);
	}
	__atomic_store_n(&rl->used, 0, __ATOMIC_RELAXED);
}

size_t
ratelimit_used(const struct ratelimit *rl)
{
	return __atomic_load_n(&rl->used, __ATOMIC_RELAXED);
}

/* src reduced to its bucket's prefix; v4-mapped sources count as IPv4,
 * so prefix_v4 applies to their last 32 bits. */
static struct in6_addr
prefix_of(const struct ratelimit_conf *conf, const struct in6_addr *src)
{
	struct in6_addr p = *src;
	unsigned int len, i;

	if (addr_is_v4mapped(src))
		len = 96 + (conf->prefix_v4 < 32 ? conf->prefix_v4 : 32);
	else
		len = conf->prefix_v6 < 128 ? conf->prefix_v6 : 128;
	for (i = 0; i < 16; i++, len = len > 8 ? len - 8 : 0)
		p.s6_addr[i] &= (unsigned char)(0xff00 >> (len < 8 ? len : 8));
	return p;
}

static size_t
set_index(const struct ratelimit *rl, const struct in6_addr *prefix)
{
	return (size_t)(siphash13(&rl->key, prefix->s6_addr, 16) &
	    (rl->nsets - 1));
}

size_t
ratelimit_set_of(const struct ratelimit *rl, const struct ratelimit_conf *conf,
    const struct in6_addr *src)
{
	struct in6_addr p = prefix_of(conf, src);

	return set_index(rl, &p);
}

/* The bucket's depth in units; capped so that depth * UNIT fits, however
 * wide unsigned int is. */
static uint64_t
depth_units(const struct ratelimit_conf *conf)
{
	uint64_t depth = conf->burst != 0 ? conf->burst : conf->qps;

	if (depth > UINT32_MAX)
		depth = UINT32_MAX;
	return depth * UNIT;
}

/* Bring e up to now: qps units per elapsed ns, capped at cap.  The cap is
 * tested before the product, so idle years cannot overflow it; a clock
 * that steps back adds nothing and keeps last_ns. */
static void
refill(struct rl_entry *e, uint64_t qps, uint64_t cap, uint64_t now_ns)
{
	uint64_t elapsed, need;

	if (e->units >= cap) {
		e->units = cap;	/* a reload lowered the depth */
		if (now_ns > e->last_ns)
			e->last_ns = now_ns;
		return;
	}
	if (now_ns <= e->last_ns)
		return;
	elapsed = now_ns - e->last_ns;
	need = cap - e->units;
	if (elapsed >= (need + qps - 1) / qps)
		e->units = cap;
	else
		e->units += elapsed * qps;
	e->last_ns = now_ns;
}

/* The entry to give a new source: an empty one, else the fullest. */
static struct rl_entry *
victim(struct rl_entry *set, uint64_t qps, uint64_t cap, uint64_t now_ns)
{
	struct rl_entry *best = &set[0];
	size_t i;

	for (i = 0; i < RATELIMIT_WAYS; i++) {
		if (set[i].units == EMPTY)
			return &set[i];
		refill(&set[i], qps, cap, now_ns);
		if (set[i].units > best->units)
			best = &set[i];
	}
	return best;
}

int
ratelimit_allow(struct ratelimit *rl, const struct ratelimit_conf *conf,
    const struct in6_addr *src, uint64_t now_ns)
{
	struct in6_addr p;
	struct rl_set *set;
	struct rl_entry *e;
	uint64_t cap;
	size_t i;
	int ok;

	if (conf->qps == 0)
		return 1;
	p = prefix_of(conf, src);
	set = &rl->set[set_index(rl, &p)];
	cap = depth_units(conf);
	set_lock(set);
	for (i = 0; i < RATELIMIT_WAYS; i++) {
		e = &set->e[i];
		if (e->units == EMPTY ||
		    memcmp(&e->prefix, &p, sizeof(p)) != 0)
			continue;
		refill(e, conf->qps, cap, now_ns);
		if ((ok = e->units >= UNIT))
			e->units -= UNIT;
		set_unlock(set);
		return ok;
	}
	e = victim(set->e, conf->qps, cap, now_ns);
	if (e->units == EMPTY)
		__atomic_add_fetch(&rl->used, 1, __ATOMIC_RELAXED);
	e->prefix = p;
	e->units = cap - UNIT;
	e->last_ns = now_ns;
	set_unlock(set);
	return 1;
}
