/* pktbench_hist: a latency histogram in nanoseconds with log-linear
 * buckets (the HdrHistogram layout): exact below 128 ns, then 64 buckets
 * per power of two, so every recorded value is within 1/64 (1.6 %) of the
 * one reported.  Fixed size, no allocation: one per thread, merged. */
#ifndef PKTINFOD_PKTBENCH_HIST_H
#define PKTINFOD_PKTBENCH_HIST_H

#include <stdint.h>

/* 2^HIST_SUB_BITS values per bucket group; the first group is exact. */
#define HIST_SUB_BITS	7
/* Up to 2^42 ns (73 minutes); anything larger lands in the last bucket. */
#define HIST_MAX_BITS	42
#define HIST_BUCKETS	((HIST_MAX_BITS - HIST_SUB_BITS + 2) << (HIST_SUB_BITS - 1))

struct bench_hist {
	uint64_t count[HIST_BUCKETS];
	uint64_t total;
	uint64_t max_ns;
};

/* Empty h. */
void bench_hist_init(struct bench_hist *h);
/* Count one value of ns nanoseconds. */
void bench_hist_add(struct bench_hist *h, uint64_t ns);
/* Add every count of from into into. */
void bench_hist_merge(struct bench_hist *into, const struct bench_hist *from);
/* The value at quantile q (0 < q <= 1): the middle of the bucket holding
 * the ceil(q * total)-th smallest value, exact below 128 ns; 0 when empty. */
uint64_t bench_hist_quantile(const struct bench_hist *h, double q);

#endif
