/* Unit tests for srcsel: SPEC section 3 source selection. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addr.h"
#include "srcsel.h"
#include "testutil.h"

static struct dgram_meta
meta(const char *peer, const char *dst, const char *spec_dst,
    unsigned int ifindex)
{
	struct dgram_meta m;

	memset(&m, 0, sizeof(m));
	m.peer.sin6_family = AF_INET6;
	m.peer.sin6_port = htons(40000);
	m.peer.sin6_addr = tu_ip(peer);
	m.dst = tu_ip(dst);
	m.spec_dst = tu_ip(spec_dst);
	m.ifindex = ifindex;
	return m;
}

static void
assert_src(const struct srcsel *sel, const char *want)
{
	struct in6_addr w = tu_ip(want);

	ck_assert_mem_eq(&sel->src, &w, sizeof(w));
}

START_TEST(v4mapped_client_gets_in_pktinfo_from_dst)
{
	struct dgram_meta m = meta("192.0.2.10", "198.51.100.2",
	    "198.51.100.2", 3);
	struct srcsel sel;

	srcsel_choose(&sel, &m);
	ck_assert_int_eq(sel.family, AF_INET);
	assert_src(&sel, "198.51.100.2");
	ck_assert_uint_eq(sel.ifindex, 0);
	ck_assert_mem_eq(&sel.to, &m.peer, sizeof(m.peer));
}
END_TEST

START_TEST(v4_broadcast_dst_answers_from_spec_dst)
{
	struct dgram_meta m = meta("192.0.2.10", "192.0.2.255", "192.0.2.1", 2);
	struct srcsel sel;

	srcsel_choose(&sel, &m);
	ck_assert_int_eq(sel.family, AF_INET);
	assert_src(&sel, "192.0.2.1");
	ck_assert_uint_eq(sel.ifindex, 0);
}
END_TEST

START_TEST(v4_multicast_dst_without_spec_dst_lets_kernel_choose)
{
	struct dgram_meta m = meta("192.0.2.10", "239.1.2.3", "239.1.2.3", 2);
	struct srcsel sel;

	srcsel_choose(&sel, &m);
	assert_src(&sel, "0.0.0.0");
}
END_TEST

START_TEST(v4_limited_broadcast_never_becomes_source)
{
	struct dgram_meta m = meta("192.0.2.10", "255.255.255.255",
	    "255.255.255.255", 2);
	struct srcsel sel;

	srcsel_choose(&sel, &m);
	assert_src(&sel, "0.0.0.0");
}
END_TEST

START_TEST(v6_global_client_gets_in6_pktinfo_without_ifindex)
{
	struct dgram_meta m = meta("2001:db8:1::10", "2001:db8::1",
	    "2001:db8::1", 4);
	struct srcsel sel;

	srcsel_choose(&sel, &m);
	ck_assert_int_eq(sel.family, AF_INET6);
	assert_src(&sel, "2001:db8::1");
	ck_assert_uint_eq(sel.ifindex, 0);
	ck_assert_uint_eq(sel.to.sin6_scope_id, 0);
}
END_TEST

START_TEST(v6_linklocal_dst_pins_ingress_interface)
{
	struct dgram_meta m = meta("2001:db8:1::10", "fe80::1", "fe80::1", 4);
	struct srcsel sel;

	srcsel_choose(&sel, &m);
	assert_src(&sel, "fe80::1");
	ck_assert_uint_eq(sel.ifindex, 4);
}
END_TEST

START_TEST(v6_linklocal_client_gets_scope_and_ifindex)
{
	struct dgram_meta m = meta("fe80::2", "fe80::1", "fe80::1", 5);
	struct srcsel sel;

	srcsel_choose(&sel, &m);
	ck_assert_uint_eq(sel.ifindex, 5);
	ck_assert_uint_eq(sel.to.sin6_scope_id, 5);
	ck_assert_uint_eq(ntohs(sel.to.sin6_port), 40000);
}
END_TEST

START_TEST(v6_multicast_dst_sends_from_unspecified_on_ingress)
{
	struct dgram_meta m = meta("2001:db8:1::10", "ff02::1", "ff02::1", 6);
	struct srcsel sel;

	srcsel_choose(&sel, &m);
	assert_src(&sel, "::");
	ck_assert_uint_eq(sel.ifindex, 6);
}
END_TEST

START_TEST(loopback_alias_answers_from_alias)
{
	struct dgram_meta m = meta("127.0.0.1", "127.0.0.3", "127.0.0.3", 1);
	struct srcsel sel;

	srcsel_choose(&sel, &m);
	assert_src(&sel, "127.0.0.3");
}
END_TEST

START_TEST(group_destinations_are_recognised)
{
	struct dgram_meta bcast = meta("192.0.2.10", "192.0.2.255",
	    "192.0.2.1", 2);
	struct dgram_meta mcast4 = meta("192.0.2.10", "239.1.2.3",
	    "192.0.2.1", 2);
	struct dgram_meta mcast6 = meta("2001:db8:1::10", "ff02::1", "ff02::1",
	    2);
	struct dgram_meta ucast4 = meta("192.0.2.10", "192.0.2.1", "192.0.2.1",
	    2);
	struct dgram_meta ucast6 = meta("2001:db8:1::10", "2001:db8::1",
	    "2001:db8::1", 2);

	ck_assert_int_ne(srcsel_dst_is_group(&bcast), 0);
	ck_assert_int_ne(srcsel_dst_is_group(&mcast4), 0);
	ck_assert_int_ne(srcsel_dst_is_group(&mcast6), 0);
	ck_assert_int_eq(srcsel_dst_is_group(&ucast4), 0);
	ck_assert_int_eq(srcsel_dst_is_group(&ucast6), 0);
}
END_TEST

static Suite *
srcsel_suite(void)
{
	Suite *s = suite_create("srcsel");
	TCase *tc = tcase_create("srcsel_choose");

	tcase_add_test(tc, v4mapped_client_gets_in_pktinfo_from_dst);
	tcase_add_test(tc, v4_broadcast_dst_answers_from_spec_dst);
	tcase_add_test(tc, v4_multicast_dst_without_spec_dst_lets_kernel_choose);
	tcase_add_test(tc, v4_limited_broadcast_never_becomes_source);
	tcase_add_test(tc, v6_global_client_gets_in6_pktinfo_without_ifindex);
	tcase_add_test(tc, v6_linklocal_dst_pins_ingress_interface);
	tcase_add_test(tc, v6_linklocal_client_gets_scope_and_ifindex);
	tcase_add_test(tc, v6_multicast_dst_sends_from_unspecified_on_ingress);
	tcase_add_test(tc, loopback_alias_answers_from_alias);
	suite_add_tcase(s, tc);
	tc = tcase_create("srcsel_dst_is_group");
	tcase_add_test(tc, group_destinations_are_recognised);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(srcsel_suite());
}
