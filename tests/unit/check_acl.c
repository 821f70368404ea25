/* Unit tests for acl: allow and deny lists (SPEC section 4), checked
 * prefix by prefix at the edges and against addr_cidr_list_match, the
 * naive linear matcher, on seeded random lists. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "acl.h"
#include "addr.h"
#include "testutil.h"

#define MAXLIST 16

static struct addr_cidr
cidr(const char *text)
{
	struct addr_cidr c;

	ck_assert_msg(addr_cidr_parse(&c, text) == 0, "not a prefix: %s", text);
	return c;
}

/* An ACL from NULL-terminated lists of prefix text (NULL: empty). */
static struct acl *
mk(const char *const *allow, const char *const *deny)
{
	struct addr_cidr a[MAXLIST], d[MAXLIST];
	struct acl *acl;
	size_t na = 0, nd = 0;

	for (; allow != NULL && allow[na] != NULL; na++)
		a[na] = cidr(allow[na]);
	for (; deny != NULL && deny[nd] != NULL; nd++)
		d[nd] = cidr(deny[nd]);
	acl = acl_new(a, na, d, nd);
	ck_assert_ptr_nonnull(acl);
	return acl;
}

static int
allows(const struct acl *acl, const char *addr)
{
	struct in6_addr a = tu_ip(addr);

	return acl_allows(acl, &a);
}

#define ALLOWED(acl, addr) \
	ck_assert_msg(allows(acl, addr), "%s should be allowed", addr)
#define REFUSED(acl, addr) \
	ck_assert_msg(!allows(acl, addr), "%s should be refused", addr)

START_TEST(empty_lists_allow_nothing)
{
	static const char *const deny[] = { "192.0.2.0/24", NULL };
	struct acl *acl = acl_new(NULL, 0, NULL, 0);

	ck_assert_ptr_nonnull(acl);
	ck_assert_uint_eq(acl_intervals(acl), 0);
	REFUSED(acl, "192.0.2.1");
	REFUSED(acl, "::");
	REFUSED(acl, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	acl_free(acl);
	acl = mk(NULL, deny);
	REFUSED(acl, "198.51.100.1");
	acl_free(acl);
}
END_TEST

START_TEST(prefix_longer_than_128_is_einval)
{
	struct addr_cidr c = cidr("2001:db8::/32");

	c.len = 129;
	errno = 0;
	ck_assert_ptr_null(acl_new(&c, 1, NULL, 0));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(acl_new(NULL, 0, &c, 1));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* Operators write 192.0.2.1/25; the host bits must not shift the range.
 * (Prefixes inside the documentation ranges, edges included.) */
START_TEST(host_bits_in_a_prefix_are_ignored)
{
	struct addr_cidr c = cidr("192.0.2.0/25");
	struct in6_addr lo = tu_ip("192.0.2.0"), hi = tu_ip("192.0.2.127");
	struct in6_addr out = tu_ip("192.0.2.128");
	struct acl *acl;

	c.net.s6_addr[15] = 0x77;
	acl = acl_new(&c, 1, NULL, 0);
	ck_assert_ptr_nonnull(acl);
	ck_assert(acl_allows(acl, &lo));
	ck_assert(acl_allows(acl, &hi));
	ck_assert(!acl_allows(acl, &out));
	acl_free(acl);
}
END_TEST

START_TEST(free_null_is_a_no_op)
{
	acl_free(NULL);
}
END_TEST

START_TEST(v4_prefix_matches_v4_sources)
{
	static const char *const allow[] = { "192.0.2.0/24", NULL };
	struct acl *acl = mk(allow, NULL);

	ALLOWED(acl, "192.0.2.1");
	ALLOWED(acl, "192.0.2.200");
	REFUSED(acl, "198.51.100.1");
	acl_free(acl);
}
END_TEST

/* SPEC section 4: an IPv4 CIDR also matches the v4-mapped form, which is
 * what the dual-stack socket reports. */
START_TEST(v4_prefix_matches_v4mapped_sources)
{
	static const char *const allow[] = { "192.0.2.0/24", NULL };
	struct acl *acl = mk(allow, NULL);

	ALLOWED(acl, "::ffff:192.0.2.1");
	ALLOWED(acl, "::ffff:c000:2ff");
	REFUSED(acl, "::ffff:198.51.100.1");
	/* The same 32 bits outside ::ffff:0:0/96 are not IPv4. */
	REFUSED(acl, "::192.0.2.1");
	REFUSED(acl, "64:ff9b::192.0.2.1");
	acl_free(acl);
}
END_TEST

START_TEST(v4mapped_prefix_matches_v4_sources)
{
	static const char *const allow[] = { "::ffff:192.0.2.0/121", NULL };
	struct acl *acl = mk(allow, NULL);

	ALLOWED(acl, "192.0.2.9");
	REFUSED(acl, "192.0.2.137");
	acl_free(acl);
}
END_TEST

START_TEST(v6_prefix_matches_v6_sources)
{
	static const char *const allow[] = { "2001:db8:1::/48", "::1", NULL };
	struct acl *acl = mk(allow, NULL);

	ALLOWED(acl, "2001:db8:1::1");
	ALLOWED(acl, "2001:db8:1:ffff::1");
	ALLOWED(acl, "::1");
	REFUSED(acl, "2001:db8:2::1");
	REFUSED(acl, "::2");
	REFUSED(acl, "127.0.0.1");
	acl_free(acl);
}
END_TEST

/* 0.0.0.0/0 is ::ffff:0:0/96: all of IPv4, nothing else, and its edges
 * are the v4-mapped 0.0.0.0 and 255.255.255.255. */
START_TEST(v4_any_matches_every_v4_and_no_v6)
{
	static const char *const allow[] = { "0.0.0.0/0", NULL };
	struct acl *acl = mk(allow, NULL);

	ALLOWED(acl, "0.0.0.0");
	ALLOWED(acl, "192.0.2.1");
	ALLOWED(acl, "255.255.255.255");
	REFUSED(acl, "::fffe:ffff:ffff");
	REFUSED(acl, "::1:0:0:0");
	REFUSED(acl, "::");
	REFUSED(acl, "::1");
	REFUSED(acl, "2001:db8::1");
	acl_free(acl);
}
END_TEST

/* ::/0 covers all 128-bit addresses, v4-mapped ones among them. */
START_TEST(v6_any_matches_everything_v4mapped_too)
{
	static const char *const allow[] = { "::/0", NULL };
	struct acl *acl = mk(allow, NULL);

	ck_assert_uint_eq(acl_intervals(acl), 1);
	ALLOWED(acl, "::");
	ALLOWED(acl, "2001:db8::1");
	ALLOWED(acl, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	ALLOWED(acl, "192.0.2.1");
	ALLOWED(acl, "0.0.0.0");
	acl_free(acl);
}
END_TEST

START_TEST(host_prefixes_match_one_address)
{
	static const char *const allow[] = { "192.0.2.7/32",
		"2001:db8::7/128", NULL };
	struct acl *acl = mk(allow, NULL);

	ALLOWED(acl, "192.0.2.7");
	REFUSED(acl, "192.0.2.6");
	REFUSED(acl, "192.0.2.8");
	ALLOWED(acl, "2001:db8::7");
	REFUSED(acl, "2001:db8::6");
	REFUSED(acl, "2001:db8::8");
	acl_free(acl);
}
END_TEST

/* First and last address of each prefix, and one either side. */
START_TEST(prefix_edges_are_inclusive)
{
	static const char *const allow[] = { "198.51.100.64/26",
		"2001:db8::/32", NULL };
	struct acl *acl = mk(allow, NULL);

	REFUSED(acl, "198.51.100.63");
	ALLOWED(acl, "198.51.100.64");
	ALLOWED(acl, "198.51.100.127");
	REFUSED(acl, "198.51.100.128");
	REFUSED(acl, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff");
	ALLOWED(acl, "2001:db8::");
	ALLOWED(acl, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
	REFUSED(acl, "2001:db9::");
	acl_free(acl);
}
END_TEST

/* The interval is held as two 64-bit halves: /63, /64 and /65 put the
 * edge on either side of the split. */
START_TEST(prefix_edges_around_the_64_bit_split)
{
	static const char *const allow[] = { "2001:db8:0:2::/63",
		"2001:db8:0:8::/64", "2001:db8:0:10::/65", NULL };
	struct acl *acl = mk(allow, NULL);

	REFUSED(acl, "2001:db8:0:1:ffff:ffff:ffff:ffff");
	ALLOWED(acl, "2001:db8:0:2::");
	ALLOWED(acl, "2001:db8:0:3:ffff:ffff:ffff:ffff");
	REFUSED(acl, "2001:db8:0:4::");
	REFUSED(acl, "2001:db8:0:7:ffff:ffff:ffff:ffff");
	ALLOWED(acl, "2001:db8:0:8::");
	ALLOWED(acl, "2001:db8:0:8:ffff:ffff:ffff:ffff");
	REFUSED(acl, "2001:db8:0:9::");
	ALLOWED(acl, "2001:db8:0:10::");
	ALLOWED(acl, "2001:db8:0:10:7fff:ffff:ffff:ffff");
	REFUSED(acl, "2001:db8:0:10:8000::");
	acl_free(acl);
}
END_TEST

/* The lowest and highest addresses, where the interval arithmetic would
 * wrap. */
START_TEST(ends_of_the_address_space)
{
	static const char *const allow[] = { "::/0", NULL };
	static const char *const deny[] = { "::/128",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", NULL };
	struct acl *acl = mk(allow, deny);

	ck_assert_uint_eq(acl_intervals(acl), 1);
	REFUSED(acl, "::");
	ALLOWED(acl, "::1");
	ALLOWED(acl, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
	REFUSED(acl, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	acl_free(acl);
}
END_TEST

START_TEST(nested_prefixes_merge_into_the_outer)
{
	static const char *const allow[] = { "192.0.2.64/26",
		"192.0.2.0/25", "192.0.2.7", "192.0.2.0/25", NULL };
	struct acl *acl = mk(allow, NULL);

	ck_assert_uint_eq(acl_intervals(acl), 1);
	ALLOWED(acl, "192.0.2.0");
	ALLOWED(acl, "192.0.2.7");
	ALLOWED(acl, "192.0.2.127");
	REFUSED(acl, "192.0.2.128");
	acl_free(acl);
}
END_TEST

START_TEST(adjacent_prefixes_merge)
{
	static const char *const allow[] = { "192.0.2.128/25",
		"192.0.2.0/25", "2001:db8:8000::/33", "2001:db8::/33", NULL };
	struct acl *acl = mk(allow, NULL);

	ck_assert_uint_eq(acl_intervals(acl), 2);
	ALLOWED(acl, "192.0.2.127");
	ALLOWED(acl, "192.0.2.128");
	ALLOWED(acl, "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff");
	ALLOWED(acl, "2001:db8:8000::");
	REFUSED(acl, "2001:db9::");
	acl_free(acl);
}
END_TEST

/* A gap of one address keeps two intervals. */
START_TEST(prefixes_with_a_gap_stay_apart)
{
	static const char *const allow[] = { "192.0.2.0/31", "192.0.2.3",
		NULL };
	struct acl *acl = mk(allow, NULL);

	ck_assert_uint_eq(acl_intervals(acl), 2);
	ALLOWED(acl, "192.0.2.1");
	REFUSED(acl, "192.0.2.2");
	ALLOWED(acl, "192.0.2.3");
	acl_free(acl);
}
END_TEST

START_TEST(deny_wins_over_the_same_allow)
{
	static const char *const list[] = { "192.0.2.0/24", NULL };
	struct acl *acl = mk(list, list);

	ck_assert_uint_eq(acl_intervals(acl), 0);
	REFUSED(acl, "192.0.2.1");
	acl_free(acl);
}
END_TEST

START_TEST(deny_inside_allow_punches_a_hole)
{
	static const char *const allow[] = { "192.0.2.0/24", NULL };
	static const char *const deny[] = { "192.0.2.64/26", NULL };
	struct acl *acl = mk(allow, deny);

	ck_assert_uint_eq(acl_intervals(acl), 2);
	ALLOWED(acl, "192.0.2.0");
	ALLOWED(acl, "192.0.2.63");
	REFUSED(acl, "192.0.2.64");
	REFUSED(acl, "192.0.2.127");
	ALLOWED(acl, "192.0.2.128");
	ALLOWED(acl, "192.0.2.255");
	acl_free(acl);
}
END_TEST

START_TEST(deny_at_the_edges_of_an_allow)
{
	static const char *const allow[] = { "192.0.2.0/24", NULL };
	static const char *const deny[] = { "192.0.2.0", "192.0.2.255",
		NULL };
	struct acl *acl = mk(allow, deny);

	ck_assert_uint_eq(acl_intervals(acl), 1);
	REFUSED(acl, "192.0.2.0");
	ALLOWED(acl, "192.0.2.1");
	ALLOWED(acl, "192.0.2.254");
	REFUSED(acl, "192.0.2.255");
	acl_free(acl);
}
END_TEST

START_TEST(allow_inside_deny_stays_denied)
{
	static const char *const allow[] = { "192.0.2.0/26",
		"2001:db8:1::/48", NULL };
	static const char *const deny[] = { "192.0.2.0/24", "2001:db8::/32",
		NULL };
	struct acl *acl = mk(allow, deny);

	ck_assert_uint_eq(acl_intervals(acl), 0);
	REFUSED(acl, "192.0.2.1");
	REFUSED(acl, "2001:db8:1::1");
	acl_free(acl);
}
END_TEST

/* One deny range over several allow ranges removes them all and
 * nothing past its end. */
START_TEST(deny_spanning_several_allows)
{
	static const char *const allow[] = { "192.0.2.0/28",
		"192.0.2.32/28", "192.0.2.128/25", "198.51.100.0/24", NULL };
	static const char *const deny[] = { "192.0.2.0/26", NULL };
	struct acl *acl = mk(allow, deny);

	ck_assert_uint_eq(acl_intervals(acl), 2);
	REFUSED(acl, "192.0.2.1");
	REFUSED(acl, "192.0.2.33");
	ALLOWED(acl, "192.0.2.128");
	ALLOWED(acl, "198.51.100.1");
	acl_free(acl);
}
END_TEST

START_TEST(deny_v4_any_keeps_v6)
{
	static const char *const allow[] = { "::/0", NULL };
	static const char *const deny[] = { "0.0.0.0/0", NULL };
	struct acl *acl = mk(allow, deny);

	ck_assert_uint_eq(acl_intervals(acl), 2);
	REFUSED(acl, "192.0.2.1");
	REFUSED(acl, "0.0.0.0");
	REFUSED(acl, "255.255.255.255");
	ALLOWED(acl, "::fffe:ffff:ffff");
	ALLOWED(acl, "::1:0:0:0");
	ALLOWED(acl, "2001:db8::1");
	acl_free(acl);
}
END_TEST

/* xorshift64*: a fixed seed, so a failure replays. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* Random addresses near a few seeds, so that random prefixes nest,
 * touch and overlap instead of lying far apart. */
static struct in6_addr
rnd_addr(uint64_t *s)
{
	static const char *const seeds[] = { "192.0.2.0", "198.51.100.128",
		"0.0.0.0", "255.255.255.255", "2001:db8::", "2001:db8:8000::",
		"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" };
	uint64_t r = rnd(s);
	size_t which = r % 8;
	struct in6_addr a = tu_ip(seeds[which]);
	unsigned int bits = (unsigned int)(r >> 8) % (which < 4 ? 33 : 129);
	unsigned int i;

	/* Randomize the last bits bits. */
	for (i = 0; i < bits; i++)
		if (rnd(s) & 1)
			a.s6_addr[15 - i / 8] ^= (unsigned char)(1u << (i % 8));
	return a;
}

static struct addr_cidr
rnd_cidr(uint64_t *s)
{
	struct addr_cidr c;

	unsigned int min = 0, max = 128;
	uint64_t r = rnd(s);

	c.net = rnd_addr(s);
	if (addr_is_v4mapped(&c.net))
		min = 96;
	/* Mostly long prefixes, which stay disjoint, and some short ones
	 * that swallow them. */
	if (r % 8 == 0)
		c.len = min + (unsigned int)(r / 8 % (max - min + 1));
	else
		c.len = max - (unsigned int)(r / 8 % 25);
	return c;
}

/* a with the bits past len all set (last) or cleared (first), then
 * stepped by one (step -1, 0 or 1), wrapping at the ends. */
static struct in6_addr
edge(const struct addr_cidr *c, int last, int step)
{
	struct in6_addr a = c->net;
	unsigned int i;
	int j;

	for (i = c->len; i < 128; i++) {
		if (last)
			a.s6_addr[i / 8] |= (unsigned char)(0x80u >> (i % 8));
		else
			a.s6_addr[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	}
	for (j = 15; step != 0 && j >= 0; j--) {
		a.s6_addr[j] = (unsigned char)(a.s6_addr[j] + step);
		if (a.s6_addr[j] != (step > 0 ? 0x00 : 0xff))
			break;
	}
	return a;
}

/* 20 rounds of 100 allow and 50 deny prefixes, each with 250 addresses:
 * random ones near the seeds and the edges of listed prefixes. */
START_TEST(matches_the_linear_matcher_on_random_lists)
{
	struct addr_cidr allow[100], deny[50], *c;
	struct in6_addr a;
	struct acl *acl;
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	size_t round, i, na, nd;
	int want;

	for (round = 0; round < 20; round++) {
		/* Some rounds with short lists, where gaps are wide. */
		na = round % 4 == 0 ? 3 : 100;
		nd = round % 5 == 0 ? 0 : round % 3 == 0 ? 2 : 50;
		for (i = 0; i < na; i++)
			allow[i] = rnd_cidr(&s);
		for (i = 0; i < nd; i++)
			deny[i] = rnd_cidr(&s);
		acl = acl_new(allow, na, deny, nd);
		ck_assert_ptr_nonnull(acl);
		ck_assert_uint_le(acl_intervals(acl), na + nd);
		for (i = 0; i < 250; i++) {
			if (i % 2 == 0)
				a = rnd_addr(&s);
			else {
				c = rnd(&s) % 2 ? &allow[rnd(&s) % na] :
				    nd > 0 ? &deny[rnd(&s) % nd] : &allow[0];
				a = edge(c, (int)(rnd(&s) % 2),
				    (int)(rnd(&s) % 3) - 1);
			}
			want = addr_cidr_list_match(allow, na, &a) &&
			    !addr_cidr_list_match(deny, nd, &a);
			ck_assert_msg(acl_allows(acl, &a) == want,
			    "round %u address %u: want %d", (unsigned int)round,
			    (unsigned int)i, want);
		}
		acl_free(acl);
	}
}
END_TEST

static Suite *
acl_suite(void)
{
	Suite *s = suite_create("acl");
	TCase *tc = tcase_create("acl_new");

	tcase_add_test(tc, empty_lists_allow_nothing);
	tcase_add_test(tc, prefix_longer_than_128_is_einval);
	tcase_add_test(tc, host_bits_in_a_prefix_are_ignored);
	suite_add_tcase(s, tc);
	tc = tcase_create("acl_free");
	tcase_add_test(tc, free_null_is_a_no_op);
	suite_add_tcase(s, tc);
	tc = tcase_create("acl_allows");
	tcase_add_test(tc, v4_prefix_matches_v4_sources);
	tcase_add_test(tc, v4_prefix_matches_v4mapped_sources);
	tcase_add_test(tc, v4mapped_prefix_matches_v4_sources);
	tcase_add_test(tc, v6_prefix_matches_v6_sources);
	tcase_add_test(tc, v4_any_matches_every_v4_and_no_v6);
	tcase_add_test(tc, v6_any_matches_everything_v4mapped_too);
	tcase_add_test(tc, host_prefixes_match_one_address);
	tcase_add_test(tc, prefix_edges_are_inclusive);
	tcase_add_test(tc, prefix_edges_around_the_64_bit_split);
	tcase_add_test(tc, ends_of_the_address_space);
	tcase_add_test(tc, deny_wins_over_the_same_allow);
	tcase_add_test(tc, deny_inside_allow_punches_a_hole);
	tcase_add_test(tc, deny_at_the_edges_of_an_allow);
	tcase_add_test(tc, allow_inside_deny_stays_denied);
	tcase_add_test(tc, deny_spanning_several_allows);
	tcase_add_test(tc, deny_v4_any_keeps_v6);
	tcase_add_test(tc, matches_the_linear_matcher_on_random_lists);
	suite_add_tcase(s, tc);
	tc = tcase_create("acl_intervals");
	tcase_add_test(tc, nested_prefixes_merge_into_the_outer);
	tcase_add_test(tc, adjacent_prefixes_merge);
	tcase_add_test(tc, prefixes_with_a_gap_stay_apart);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(acl_suite());
}
