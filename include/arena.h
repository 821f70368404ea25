/* arena: a per-thread bump allocator behind cJSON's hooks, reset after each
 * datagram, so the datagram path allocates nothing from the heap once warm.
 * A thread with no arena bound (pktq, tests, setup code) uses malloc. */
#ifndef PKTINFOD_ARENA_H
#define PKTINFOD_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct arena {
	unsigned char *base;
	size_t size;
	size_t used;
	uint64_t overflows;	/* allocations that fell back to malloc */
};

/* Route cJSON's allocations through the calling thread's arena; call once
 * before any thread starts. */
void arena_install(void);
/* Allocate size bytes for a; 0 / -1 (ENOMEM). */
int arena_init(struct arena *a, size_t size);
/* Free a's memory. */
void arena_free(struct arena *a);
/* Make a the calling thread's arena (NULL: back to malloc). */
void arena_bind(struct arena *a);
/* Forget everything allocated from a since the last reset. */
void arena_reset(struct arena *a);

#endif
