/* Unit tests for policy: the source checks that keep reflection loops
 * from starting (SPEC section 2, "Loops"). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <check.h>

#include "acl.h"
#include "policy.h"
#include "testutil.h"

static struct policy pol;

static void
setup(void)
{
	memset(&pol, 0, sizeof(pol));
	pol.min_source_port = 1024;
	pol.own_port[0] = 4242;
	pol.own_port[1] = 5353;
	pol.nown = 2;
}

static enum policy_verdict
from(const char *addr, uint16_t port)
{
	struct sockaddr_in6 peer;

	memset(&peer, 0, sizeof(peer));
	peer.sin6_family = AF_INET6;
	peer.sin6_addr = tu_ip(addr);
	peer.sin6_port = htons(port);
	return policy_check(&pol, &peer);
}

START_TEST(ephemeral_ports_pass)
{
	ck_assert_int_eq(from("::ffff:192.0.2.1", 1024), POLICY_PASS);
	ck_assert_int_eq(from("2001:db8::1", 40000), POLICY_PASS);
	ck_assert_int_eq(from("2001:db8::1", 65535), POLICY_PASS);
}
END_TEST

/* Service ports are where loops run (CERT/CC VU#417980): DNS, NTP,
 * chargen and the rest are all below 1024. */
START_TEST(ports_below_min_source_port_are_low)
{
	ck_assert_int_eq(from("::ffff:192.0.2.1", 1023), POLICY_LOW_PORT);
	ck_assert_int_eq(from("2001:db8::1", 53), POLICY_LOW_PORT);
	ck_assert_int_eq(from("2001:db8::1", 123), POLICY_LOW_PORT);
}
END_TEST

START_TEST(port_zero_is_low_even_when_all_are_allowed)
{
	pol.min_source_port = 0;
	ck_assert_int_eq(from("::ffff:192.0.2.1", 0), POLICY_LOW_PORT);
	ck_assert_int_eq(from("::ffff:192.0.2.1", 1), POLICY_PASS);
	ck_assert_int_eq(from("2001:db8::1", 53), POLICY_PASS);
}
END_TEST

/* Another pktinfod on the same port, or this one through a forged
 * source, whatever the address. */
START_TEST(listening_ports_are_own)
{
	ck_assert_int_eq(from("::ffff:192.0.2.7", 4242), POLICY_OWN_PORT);
	ck_assert_int_eq(from("2001:db8::7", 5353), POLICY_OWN_PORT);
	ck_assert_int_eq(from("::ffff:127.0.0.1", 4243), POLICY_PASS);
	pol.min_source_port = 0;
	pol.own_port[2] = 80;
	pol.nown = 3;
	ck_assert_int_eq(from("2001:db8::7", 80), POLICY_OWN_PORT);
}
END_TEST

/* Deny wins, and the port rules come first: a loop from a denied source
 * still counts as the loop it is. */
START_TEST(acl_denies_after_the_port_rules)
{
	struct addr_cidr allow[2], deny[1];
	struct acl *acl;

	ck_assert_int_eq(addr_cidr_parse(&allow[0], "192.0.2.0/24"), 0);
	ck_assert_int_eq(addr_cidr_parse(&allow[1], "2001:db8::/32"), 0);
	ck_assert_int_eq(addr_cidr_parse(&deny[0], "192.0.2.128/25"), 0);
	ck_assert_ptr_nonnull(acl = acl_new(allow, 2, deny, 1));
	pol.acl = acl;
	ck_assert_int_eq(from("::ffff:192.0.2.1", 40000), POLICY_PASS);
	ck_assert_int_eq(from("::ffff:192.0.2.200", 40000), POLICY_DENIED);
	ck_assert_int_eq(from("::ffff:198.51.100.1", 40000), POLICY_DENIED);
	ck_assert_int_eq(from("2001:db8::5", 40000), POLICY_PASS);
	ck_assert_int_eq(from("::ffff:198.51.100.1", 4242), POLICY_OWN_PORT);
	ck_assert_int_eq(from("::ffff:198.51.100.1", 53), POLICY_LOW_PORT);
	acl_free(acl);
}
END_TEST

START_TEST(verdicts_are_the_counter_names)
{
	ck_assert_str_eq(policy_verdict_name(POLICY_LOW_PORT), "low_port");
	ck_assert_str_eq(policy_verdict_name(POLICY_OWN_PORT), "own_port");
	ck_assert_str_eq(policy_verdict_name(POLICY_DENIED), "denied");
	ck_assert_str_eq(policy_verdict_name(POLICY_RATE_LIMITED),
	    "rate_limited");
	ck_assert_str_eq(policy_verdict_name(POLICY_VERDICT_MAX), "unknown");
	ck_assert_ptr_nonnull(strstr(policy_verdict_reason(POLICY_LOW_PORT),
	    "min_source_port"));
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy_check");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, ephemeral_ports_pass);
	tcase_add_test(tc, ports_below_min_source_port_are_low);
	tcase_add_test(tc, port_zero_is_low_even_when_all_are_allowed);
	tcase_add_test(tc, listening_ports_are_own);
	tcase_add_test(tc, acl_denies_after_the_port_rules);
	suite_add_tcase(s, tc);
	tc = tcase_create("policy_verdict_name");
	tcase_add_test(tc, verdicts_are_the_counter_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(policy_suite());
}
