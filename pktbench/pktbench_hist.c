/* pktbench_hist: log-linear latency buckets. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "pktbench_hist.h"

#define HALF	(1u << (HIST_SUB_BITS - 1))

/* Values below 2^SUB are their own bucket; above, a value whose top bit is
 * b keeps its SUB top bits: bucket (b - SUB + 1) * HALF + (v >> shift). */
static unsigned int
bucket_of(uint64_t v)
{
	unsigned int msb, shift, idx;

	if (v < (1u << HIST_SUB_BITS))
		return (unsigned int)v;
	msb = 63u - (unsigned int)__builtin_clzll(v);
	shift = msb - HIST_SUB_BITS + 1;
	idx = shift * HALF + (unsigned int)(v >> shift);
	return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

static uint64_t
middle_of(unsigned int idx)
{
	unsigned int shift;
	uint64_t low;

	if (idx < (1u << HIST_SUB_BITS))
		return idx;
	shift = idx / HALF - 1;
	low = (uint64_t)(idx - shift * HALF) << shift;
	return low + ((uint64_t)1 << shift) / 2;
}

void
bench_hist_init(struct bench_hist *h)
{
	memset(h, 0, sizeof(*h));
}

void
bench_hist_add(struct bench_hist *h, uint64_t ns)
{
	h->count[bucket_of(ns)]++;
	h->total++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

void
bench_hist_merge(struct bench_hist *into, const struct bench_hist *from)
{
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		into->count[i] += from->count[i];
	into->total += from->total;
	if (from->max_ns > into->max_ns)
		into->max_ns = from->max_ns;
}

uint64_t
bench_hist_quantile(const struct bench_hist *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (h->total == 0)
		return 0;
	rank = (uint64_t)(q * (double)h->total);
	if ((double)rank < q * (double)h->total)
		rank++;
	if (rank == 0)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= rank)
			return middle_of(i) < h->max_ns ? middle_of(i) : h->max_ns;
	}
	return h->max_ns;
}
