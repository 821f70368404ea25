/* Unit tests for ratelimit: per-prefix token buckets (SPEC section 4,
 * rate_limit) on an injected clock, the fixed table under a flood of
 * distinct sources, and its eviction rule. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "addr.h"
#include "ratelimit.h"
#include "testutil.h"

#define SEC	1000000000ULL
#define MS	1000000ULL
#define T0	(1000 * SEC)	/* an arbitrary start, well away from 0 */

static const struct siphash_key key_a = {
	0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL
};
static const struct siphash_key key_b = {
	0x1716151413121110ULL, 0x1f1e1d1c1b1a1918ULL
};

static struct ratelimit_conf
conf_of(unsigned int qps, unsigned int burst)
{
	struct ratelimit_conf c = { qps, burst, 32, 64 };

	return c;
}

static struct ratelimit *
table(size_t slots)
{
	struct ratelimit *rl = ratelimit_new(slots, &key_a);

	ck_assert_ptr_nonnull(rl);
	return rl;
}

static int
hit(struct ratelimit *rl, const struct ratelimit_conf *c, const char *src,
    uint64_t now)
{
	struct in6_addr a = tu_ip(src);

	return ratelimit_allow(rl, c, &a, now);
}

/* How many of n datagrams from src at now are allowed. */
static unsigned int
burst_of(struct ratelimit *rl, const struct ratelimit_conf *c,
    const char *src, uint64_t now, unsigned int n)
{
	unsigned int i, ok = 0;

	for (i = 0; i < n; i++)
		ok += (unsigned int)hit(rl, c, src, now);
	return ok;
}

/* The i-th of many distinct sources: in the private 10/8 for even i, else
 * 2001:db8:I::/64 (I the high and low 16 bits of i), each in its own
 * bucket.  Built from bytes: this runs 100 000 times under valgrind. */
static struct in6_addr
nth_source(uint32_t i)
{
	struct in6_addr a;
	struct in_addr v4;

	if (i % 2 == 0) {
		v4.s_addr = htonl(0x0a000000u + i / 2);
		addr_set_v4mapped(&a, &v4);
		return a;
	}
	memset(&a, 0, sizeof(a));
	a.s6_addr[0] = 0x20;
	a.s6_addr[1] = 0x01;
	a.s6_addr[2] = 0x0d;
	a.s6_addr[3] = 0xb8;
	a.s6_addr[4] = (unsigned char)(i >> 24);
	a.s6_addr[5] = (unsigned char)(i >> 16);
	a.s6_addr[6] = (unsigned char)(i >> 8);
	a.s6_addr[7] = (unsigned char)i;
	a.s6_addr[15] = 1;
	return a;
}

/* n IPv6 sources, text in out, whose buckets share set number set. */
static void
same_set(const struct ratelimit *rl, const struct ratelimit_conf *c,
    size_t set, char out[][64], size_t n)
{
	struct in6_addr a;
	uint32_t i;
	size_t found = 0;

	for (i = 0; found < n && i < 1000000; i++) {
		snprintf(out[found], 64, "2001:db8:%x::1", (unsigned int)i);
		a = tu_ip(out[found]);
		if (ratelimit_set_of(rl, c, &a) == set)
			found++;
	}
	ck_assert_uint_eq(found, n);
}

START_TEST(slots_must_be_a_power_of_two_and_hold_a_set)
{
	static const size_t bad[] = { 0, 1, RATELIMIT_WAYS / 2, 12, 100,
		RATELIMIT_WAYS * 3 };
	struct ratelimit *rl;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_ptr_null(ratelimit_new(bad[i], &key_a));
		ck_assert_int_eq(errno, EINVAL);
	}
	rl = table(RATELIMIT_WAYS);
	ratelimit_free(rl);
	rl = table(RATELIMIT_DEFAULT_SLOTS);
	ck_assert_uint_eq(ratelimit_used(rl), 0);
	ratelimit_free(rl);
}
END_TEST

START_TEST(free_null_is_a_no_op)
{
	ratelimit_free(NULL);
}
END_TEST

START_TEST(burst_is_allowed_then_refused)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 5);

	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", T0, 5), 5);
	ck_assert(!hit(rl, &c, "192.0.2.1", T0));
	ck_assert(!hit(rl, &c, "192.0.2.1", T0));
	ratelimit_free(rl);
}
END_TEST

START_TEST(zero_burst_means_a_depth_of_qps)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(3, 0);

	ck_assert_uint_eq(burst_of(rl, &c, "2001:db8::1", T0, 10), 3);
	ratelimit_free(rl);
}
END_TEST

/* At 10 qps a token takes 100 ms: not one ns less. */
START_TEST(refill_after_one_interval_gives_exactly_one)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 5);

	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", T0, 6), 5);
	ck_assert(!hit(rl, &c, "192.0.2.1", T0 + 100 * MS - 1));
	ck_assert(hit(rl, &c, "192.0.2.1", T0 + 100 * MS));
	ck_assert(!hit(rl, &c, "192.0.2.1", T0 + 100 * MS));
	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", T0 + 300 * MS, 5), 2);
	ratelimit_free(rl);
}
END_TEST

/* 1/3 s is no whole number of ns; integer units must not drift.  Polled
 * every ms for 10 s, a drained 3 qps bucket yields exactly 30 (with a
 * depth of 2 it never fills between polls, so no refill overflows). */
START_TEST(refill_does_not_drift_when_qps_does_not_divide_a_second)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(3, 2);
	unsigned int ok = 0;
	uint64_t t;

	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", T0, 3), 2);
	for (t = T0 + MS; t <= T0 + 10 * SEC; t += MS)
		ok += (unsigned int)hit(rl, &c, "192.0.2.1", t);
	ck_assert_uint_eq(ok, 30);
	ratelimit_free(rl);
}
END_TEST

START_TEST(long_idle_refills_to_burst_not_beyond)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(4000000, 7);
	uint64_t ten_years = 10ULL * 366 * 86400 * SEC;

	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", T0, 8), 7);
	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", T0 + ten_years, 20),
	    7);
	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", UINT64_MAX, 20), 7);
	c = conf_of(1, UINT32_MAX);
	ck_assert(hit(rl, &c, "2001:db8::1", 0));
	ck_assert(hit(rl, &c, "2001:db8::1", UINT64_MAX));
	ratelimit_free(rl);
}
END_TEST

/* A monotonic clock never steps back, but an injected one might: no
 * refill, and the next refill counts from the latest time seen. */
START_TEST(clock_stepping_back_refills_nothing)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 1);

	ck_assert(hit(rl, &c, "192.0.2.1", T0));
	ck_assert(!hit(rl, &c, "192.0.2.1", T0 - 5 * SEC));
	ck_assert(!hit(rl, &c, "192.0.2.1", T0 + 100 * MS - 1));
	ck_assert(hit(rl, &c, "192.0.2.1", T0 + 100 * MS));
	ratelimit_free(rl);
}
END_TEST

START_TEST(v6_sources_in_one_64_share_a_bucket)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 2);

	ck_assert(hit(rl, &c, "2001:db8:1:2::1", T0));
	ck_assert(hit(rl, &c, "2001:db8:1:2:ffff:ffff:ffff:ffff", T0));
	ck_assert(!hit(rl, &c, "2001:db8:1:2::9", T0));
	ck_assert_uint_eq(burst_of(rl, &c, "2001:db8:1:3::1", T0, 3), 2);
	ck_assert_uint_eq(ratelimit_used(rl), 2);
	ratelimit_free(rl);
}
END_TEST

START_TEST(v4_sources_in_one_24_share_with_prefix_v4_24)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 2);

	c.prefix_v4 = 24;
	ck_assert(hit(rl, &c, "192.0.2.1", T0));
	ck_assert(hit(rl, &c, "192.0.2.255", T0));
	ck_assert(!hit(rl, &c, "192.0.2.0", T0));
	ck_assert_uint_eq(burst_of(rl, &c, "198.51.100.1", T0, 3), 2);
	ck_assert_uint_eq(ratelimit_used(rl), 2);
	ratelimit_free(rl);
}
END_TEST

START_TEST(v4_sources_are_apart_with_the_default_prefix)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 1);

	ck_assert(hit(rl, &c, "192.0.2.1", T0));
	ck_assert(hit(rl, &c, "192.0.2.2", T0));
	ck_assert(!hit(rl, &c, "::ffff:192.0.2.1", T0));
	ratelimit_free(rl);
}
END_TEST

/* A v4-mapped source is IPv4: prefix_v4 applies to its last 32 bits and
 * prefix_v6 not at all, and IPv4 never shares a bucket with IPv6. */
START_TEST(v4mapped_sources_use_prefix_v4)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 1);

	c.prefix_v4 = 24;
	c.prefix_v6 = 128;
	ck_assert(hit(rl, &c, "::ffff:192.0.2.1", T0));
	ck_assert(!hit(rl, &c, "::ffff:192.0.2.77", T0));
	ratelimit_reset(rl);
	c.prefix_v4 = 32;
	c.prefix_v6 = 0;
	ck_assert(hit(rl, &c, "::ffff:192.0.2.1", T0));
	ck_assert(hit(rl, &c, "::ffff:192.0.2.2", T0));
	ratelimit_reset(rl);
	c.prefix_v4 = 0;
	ck_assert(hit(rl, &c, "192.0.2.1", T0));
	ck_assert(!hit(rl, &c, "198.51.100.1", T0));
	ck_assert(hit(rl, &c, "2001:db8::1", T0));
	ck_assert(!hit(rl, &c, "::", T0));
	ratelimit_free(rl);
}
END_TEST

START_TEST(prefix_lengths_past_the_family_count_as_the_whole_address)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 1);

	c.prefix_v4 = 99;
	c.prefix_v6 = 200;
	ck_assert(hit(rl, &c, "192.0.2.1", T0));
	ck_assert(hit(rl, &c, "192.0.2.2", T0));
	ck_assert(hit(rl, &c, "2001:db8::1", T0));
	ck_assert(hit(rl, &c, "2001:db8::2", T0));
	ck_assert(!hit(rl, &c, "2001:db8::1", T0));
	ratelimit_free(rl);
}
END_TEST

START_TEST(qps_zero_always_allows_and_leaves_the_table_empty)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(0, 5);
	struct in6_addr a;
	uint32_t i;

	for (i = 0; i < 1000; i++) {
		a = nth_source(i % 3);
		ck_assert(ratelimit_allow(rl, &c, &a, T0));
	}
	ck_assert_uint_eq(ratelimit_used(rl), 0);
	ratelimit_free(rl);
}
END_TEST

/* A reload that lowers the depth without ratelimit_reset: the bucket is
 * clamped when next used. */
START_TEST(lowered_burst_clamps_a_kept_bucket)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 50);

	ck_assert(hit(rl, &c, "192.0.2.1", T0));
	c.burst = 2;
	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", T0 + SEC, 5), 2);
	ratelimit_free(rl);
}
END_TEST

/* 100 000 one-shot sources through 1024 slots: every one is allowed (a
 * new source starts full), the table never grows past its slots, and a
 * source over its limit that keeps sending through it all stays limited:
 * its set always holds fuller flood entries to evict first. */
START_TEST(abuser_stays_limited_through_a_flood_of_sources)
{
	struct ratelimit *rl = table(1024);
	struct ratelimit_conf c = conf_of(10, 5);
	struct in6_addr a, abuser = tu_ip("203.0.113.66");
	unsigned int ok = 0, abuser_ok = 0;
	uint64_t now = T0;
	size_t most = 0;
	uint32_t i;

	for (i = 0; i < 100000; i++, now += 2000) {
		a = nth_source(i);
		ok += (unsigned int)ratelimit_allow(rl, &c, &a, now);
		if (ratelimit_used(rl) > most)
			most = ratelimit_used(rl);
		if (i % 10 == 0)
			abuser_ok += (unsigned int)ratelimit_allow(rl, &c,
			    &abuser, now);
	}
	ck_assert_uint_eq(ok, 100000);
	ck_assert_uint_eq(most, 1024);
	ck_assert_uint_eq(ratelimit_used(rl), 1024);
	/* The burst, then 10 qps over the 0.2 s the flood took. */
	ck_assert_uint_eq(abuser_ok, 5 + 1);
	ratelimit_free(rl);
}
END_TEST

/* Eight sources fill one set; a ninth evicts the only one with a token
 * left, whatever its place in the set.  The drained ones stay (refused:
 * a forgotten source would start full), and the evicted one comes back
 * as a fresh, full bucket. */
START_TEST(new_source_evicts_the_fullest_entry_of_its_set)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(1, 2);
	char src[RATELIMIT_WAYS + 1][64];
	size_t i, full = RATELIMIT_WAYS / 2 + 1;

	same_set(rl, &c, 3, src, RATELIMIT_WAYS + 1);
	for (i = 0; i < RATELIMIT_WAYS; i++)
		ck_assert_uint_eq(burst_of(rl, &c, src[i], T0,
		    i == full ? 1 : 3), i == full ? 1 : 2);
	ck_assert_uint_eq(ratelimit_used(rl), RATELIMIT_WAYS);
	ck_assert(hit(rl, &c, src[RATELIMIT_WAYS], T0));
	for (i = 0; i < RATELIMIT_WAYS; i++)
		ck_assert_msg(i == full || !hit(rl, &c, src[i], T0),
		    "%s was evicted", src[i]);
	ck_assert_uint_eq(ratelimit_used(rl), RATELIMIT_WAYS);
	/* Kept, it would have one token; forgotten, it has two. */
	ck_assert_uint_eq(burst_of(rl, &c, src[full], T0, 3), 2);
	ratelimit_free(rl);
}
END_TEST

/* When every entry is drained, the one drained longest ago has refilled
 * most and is the one forgotten.  All are drained to exactly 0 from a
 * full bucket, in an order unlike their places in the set. */
START_TEST(among_drained_entries_the_most_refilled_goes)
{
	static const size_t order[RATELIMIT_WAYS] = { 5, 2, 7, 0, 3, 6, 1, 4 };
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(1, 2);
	char src[RATELIMIT_WAYS + 1][64];
	uint64_t t1 = T0 + 10 * SEC, t2 = t1 + SEC;
	size_t i, k;

	same_set(rl, &c, 5, src, RATELIMIT_WAYS + 1);
	for (i = 0; i < RATELIMIT_WAYS; i++)
		ck_assert_uint_eq(burst_of(rl, &c, src[i], T0, 3), 2);
	for (k = 0; k < RATELIMIT_WAYS; k++)
		ck_assert_uint_eq(burst_of(rl, &c, src[order[k]],
		    t1 + k * 100 * MS, 3), 2);
	ck_assert(hit(rl, &c, src[RATELIMIT_WAYS], t2));
	for (k = 1; k < RATELIMIT_WAYS; k++)
		ck_assert_msg(!hit(rl, &c, src[order[k]], t2),
		    "%s was evicted", src[order[k]]);
	/* Kept, order[0] would have one token; forgotten, it has two. */
	ck_assert_uint_eq(burst_of(rl, &c, src[order[0]], t2, 3), 2);
	ratelimit_free(rl);
}
END_TEST

START_TEST(reset_forgets_every_source)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 2);

	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", T0, 3), 2);
	ck_assert_uint_eq(burst_of(rl, &c, "2001:db8::1", T0, 3), 2);
	ck_assert_uint_eq(ratelimit_used(rl), 2);
	ratelimit_reset(rl);
	ck_assert_uint_eq(ratelimit_used(rl), 0);
	ck_assert_uint_eq(burst_of(rl, &c, "192.0.2.1", T0, 3), 2);
	ratelimit_free(rl);
}
END_TEST

START_TEST(used_counts_prefixes_not_sources)
{
	struct ratelimit *rl = table(64);
	struct ratelimit_conf c = conf_of(10, 2);

	ck_assert(hit(rl, &c, "2001:db8:0:1::1", T0));
	ck_assert(hit(rl, &c, "2001:db8:0:1::2", T0));
	ck_assert(hit(rl, &c, "192.0.2.1", T0));
	ck_assert(!hit(rl, &c, "2001:db8:0:1::3", T0));
	ck_assert_uint_eq(ratelimit_used(rl), 2);
	ratelimit_free(rl);
}
END_TEST

/* Over 1000 prefixes in 8192 sets: one key always picks the same set,
 * the prefixes spread (about 941 distinct sets expected), and another
 * key agrees by chance only (about 0.12 expected). */
START_TEST(the_key_decides_the_set)
{
	static unsigned char seen[RATELIMIT_DEFAULT_SLOTS / RATELIMIT_WAYS];
	struct ratelimit *a = table(RATELIMIT_DEFAULT_SLOTS);
	struct ratelimit *a2 = table(RATELIMIT_DEFAULT_SLOTS);
	struct ratelimit *b = ratelimit_new(RATELIMIT_DEFAULT_SLOTS, &key_b);
	struct ratelimit_conf c = conf_of(10, 2);
	struct in6_addr src;
	unsigned int same = 0, distinct = 0;
	size_t set;
	uint32_t i;

	ck_assert_ptr_nonnull(b);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 1000; i++) {
		src = nth_source(i);
		set = ratelimit_set_of(a, &c, &src);
		ck_assert_uint_lt(set, sizeof(seen));
		ck_assert_uint_eq(ratelimit_set_of(a2, &c, &src), set);
		same += ratelimit_set_of(b, &c, &src) == set;
		distinct += seen[set] == 0;
		seen[set] = 1;
	}
	ck_assert_uint_ge(distinct, 900);
	ck_assert_uint_le(same, 5);
	ratelimit_free(a);
	ratelimit_free(a2);
	ratelimit_free(b);
}
END_TEST

static Suite *
ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("ratelimit_new");

	tcase_add_test(tc, slots_must_be_a_power_of_two_and_hold_a_set);
	suite_add_tcase(s, tc);
	tc = tcase_create("ratelimit_free");
	tcase_add_test(tc, free_null_is_a_no_op);
	suite_add_tcase(s, tc);
	tc = tcase_create("ratelimit_allow");
	tcase_add_test(tc, burst_is_allowed_then_refused);
	tcase_add_test(tc, zero_burst_means_a_depth_of_qps);
	tcase_add_test(tc, refill_after_one_interval_gives_exactly_one);
	tcase_add_test(tc,
	    refill_does_not_drift_when_qps_does_not_divide_a_second);
	tcase_add_test(tc, long_idle_refills_to_burst_not_beyond);
	tcase_add_test(tc, clock_stepping_back_refills_nothing);
	tcase_add_test(tc, v6_sources_in_one_64_share_a_bucket);
	tcase_add_test(tc, v4_sources_in_one_24_share_with_prefix_v4_24);
	tcase_add_test(tc, v4_sources_are_apart_with_the_default_prefix);
	tcase_add_test(tc, v4mapped_sources_use_prefix_v4);
	tcase_add_test(tc,
	    prefix_lengths_past_the_family_count_as_the_whole_address);
	tcase_add_test(tc, qps_zero_always_allows_and_leaves_the_table_empty);
	tcase_add_test(tc, lowered_burst_clamps_a_kept_bucket);
	tcase_add_test(tc, abuser_stays_limited_through_a_flood_of_sources);
	tcase_add_test(tc, new_source_evicts_the_fullest_entry_of_its_set);
	tcase_add_test(tc, among_drained_entries_the_most_refilled_goes);
	suite_add_tcase(s, tc);
	tc = tcase_create("ratelimit_reset");
	tcase_add_test(tc, reset_forgets_every_source);
	suite_add_tcase(s, tc);
	tc = tcase_create("ratelimit_used");
	tcase_add_test(tc, used_counts_prefixes_not_sources);
	suite_add_tcase(s, tc);
	tc = tcase_create("ratelimit_set_of");
	tcase_add_test(tc, the_key_decides_the_set);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(ratelimit_suite());
}
