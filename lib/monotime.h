/* monotime: the monotonic clock in nanoseconds, for rates and deadlines
 * (the daemon's rate limiter; pktbench's latencies and timeouts). */
#ifndef PKTINFOD_MONOTIME_H
#define PKTINFOD_MONOTIME_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds since an arbitrary start that never steps back. */
static inline uint64_t
monotime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
