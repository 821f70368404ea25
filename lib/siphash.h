/* siphash: SipHash-1-3, a keyed hash for tables whose keys an attacker
 * picks (member names, source prefixes): without the key, colliding
 * inputs cannot be aimed (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012; 1-3 rounds as in Rust's and Python's tables). */
#ifndef PKTINFOD_SIPHASH_H
#define PKTINFOD_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct siphash_key {
	uint64_t k0, k1;
};

/* The hash of the n bytes at p under key. */
uint64_t siphash13(const struct siphash_key *key, const void *p, size_t n);

#endif
