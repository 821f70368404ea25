/* siphash: SipHash-1-3 over a byte string, little-endian as specified. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "siphash.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

struct sip {
	uint64_t v0, v1, v2, v3;
};

/* Inlined by hand: a call per round cost SipHash a third of its time. */
static inline void
sip_round(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = ROTL(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = ROTL(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = ROTL(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = ROTL(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = ROTL(s->v2, 32);
}

static uint64_t
load_le(const unsigned char *p, size_t n)
{
	uint64_t m = 0;

	while (n-- > 0)
		m |= (uint64_t)p[n] << (8 * n);
	return m;
}

static inline void
sip_compress(struct sip *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	s->v0 ^= m;
}

uint64_t
siphash13(const struct siphash_key *key, const void *data, size_t n)
{
	const unsigned char *p = data;
	struct sip s;
	size_t i;

	s.v0 = key->k0 ^ 0x736f6d6570736575ULL;
	s.v1 = key->k1 ^ 0x646f72616e646f6dULL;
	s.v2 = key->k0 ^ 0x6c7967656e657261ULL;
	s.v3 = key->k1 ^ 0x7465646279746573ULL;
	for (i = 0; i + 8 <= n; i += 8)
		sip_compress(&s, load_le(p + i, 8));
	sip_compress(&s, load_le(p + i, n - i) | (uint64_t)n << 56);
	s.v2 ^= 0xff;
	sip_round(&s);
	sip_round(&s);
	sip_round(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
