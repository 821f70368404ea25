/* check_hostport: unit tests for hostport.c — HOST[:PORT] split by the
 * clients' one rule (names, IPv4, bracketed and bare IPv6, the bare IPv6
 * that ends in what could be a port), the addresses kept from a
 * hand-built getaddrinfo list, and numeric hosts resolved for real. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hostport.h"
#include "pktq_net.h"
#include "testutil.h"

#define HAS_P		HOSTPORT_HAS_P
#define P_GIVEN		(HOSTPORT_HAS_P | HOSTPORT_P_GIVEN)

static struct hostport
split_ok(const char *arg, unsigned int default_port, int flags)
{
	struct hostport hp;
	char err[512] = "";

	ck_assert_msg(hostport_parse(&hp, arg, default_port, flags, err,
	    sizeof(err)) == 0, "hostport_parse(\"%s\"): %s", arg, err);
	return hp;
}

static void
assert_split(const char *arg, int flags, const char *host, const char *port)
{
	struct hostport hp = split_ok(arg, 4242, flags);

	ck_assert_str_eq(hp.host, host);
	ck_assert_str_eq(hp.port, port);
}

/* The whole reason hostport_parse gives for arg. */
static void
assert_refused(const char *arg, int flags, const char *want)
{
	struct hostport hp;
	char err[512] = "";

	ck_assert_int_eq(hostport_parse(&hp, arg, 4242, flags, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, want);
}

START_TEST(name_without_port_gets_default_port)
{
	struct hostport hp = split_ok("localhost", 53, HAS_P);

	ck_assert_str_eq(hp.host, "localhost");
	ck_assert_str_eq(hp.port, "53");
}
END_TEST

START_TEST(name_with_port_splits)
{
	assert_split("pktinfod.example:4243", HAS_P, "pktinfod.example",
	    "4243");
}
END_TEST

START_TEST(ipv4_with_port_splits)
{
	assert_split("192.0.2.1:53", HAS_P, "192.0.2.1", "53");
}
END_TEST

START_TEST(own_port_wins_over_given_port)
{
	struct hostport hp = split_ok("192.0.2.1:53", 9, P_GIVEN);

	ck_assert_str_eq(hp.port, "53");
}
END_TEST

START_TEST(bracketed_ipv6_with_port_loses_its_brackets)
{
	assert_split("[2001:db8::1]:53", HAS_P, "2001:db8::1", "53");
}
END_TEST

START_TEST(bracketed_ipv6_without_port_gets_default_port)
{
	assert_split("[2001:db8::1]", HAS_P, "2001:db8::1", "4242");
}
END_TEST

START_TEST(bracketed_scope_is_kept_in_host)
{
	assert_split("[fe80::1%eth0]:53", HAS_P, "fe80::1%eth0", "53");
}
END_TEST

START_TEST(bracketed_ambiguous_text_is_the_address)
{
	assert_split("[::1:4242]", HAS_P, "::1:4242", "4242");
}
END_TEST

START_TEST(bare_ipv6_is_the_whole_address)
{
	assert_split("::1", HAS_P, "::1", "4242");
	assert_split("fe80::1%eth0", HAS_P, "fe80::1%eth0", "4242");
}
END_TEST

/* "2001:db8:" is no address, so the last group cannot be a port. */
START_TEST(bare_ipv6_whose_head_is_no_address_is_the_address)
{
	assert_split("2001:db8::53", HAS_P, "2001:db8::53", "4242");
}
END_TEST

START_TEST(bare_ipv6_ending_in_port_is_refused_with_bracket_form)
{
	assert_refused("::1:65535", HAS_P, "::1:65535: an IPv6 address with "
	    "a port needs brackets: [::1]:65535");
	assert_refused("2001:db8::1:53", HAS_P, "2001:db8::1:53: an IPv6 "
	    "address with a port needs brackets: [2001:db8::1]:53\n"
	    "2001:db8::1:53: for the address 2001:db8::1:53 itself, write "
	    "[2001:db8::1:53] or give -p");
}
END_TEST

START_TEST(bare_ipv6_that_is_an_address_too_names_both_readings)
{
	assert_refused("::1:4242", HAS_P, "::1:4242: an IPv6 address with a "
	    "port needs brackets: [::1]:4242\n::1:4242: for the address "
	    "::1:4242 itself, write [::1:4242] or give -p");
}
END_TEST

START_TEST(without_p_flag_the_hint_names_brackets_only)
{
	assert_refused("::1:4242", 0, "::1:4242: an IPv6 address with a port "
	    "needs brackets: [::1]:4242\n::1:4242: for the address ::1:4242 "
	    "itself, write [::1:4242]");
}
END_TEST

START_TEST(given_port_makes_bare_ipv6_the_address)
{
	struct hostport hp = split_ok("::1:4242", 53, P_GIVEN);

	ck_assert_str_eq(hp.host, "::1:4242");
	ck_assert_str_eq(hp.port, "53");
}
END_TEST

START_TEST(port_bounds_are_accepted)
{
	assert_split("h:1", HAS_P, "h", "1");
	assert_split("h:65535", HAS_P, "h", "65535");
}
END_TEST

START_TEST(bad_ports_are_refused)
{
	static const char *const args[] = {
		"h:0", "h:65536", "h:", "h:+1", "h: 1", "h:0x10", "[::1]:",
		"[::1]:x"
	};
	char want[64];

	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		snprintf(want, sizeof(want), "bad port in HOST '%s' (expected "
		    "1 to 65535)", args[i]);
		assert_refused(args[i], HAS_P, want);
	}
}
END_TEST

START_TEST(missing_bracket_is_refused)
{
	assert_refused("[::1", HAS_P, "bad HOST '[::1': missing ']'");
}
END_TEST

START_TEST(junk_after_bracket_is_refused)
{
	assert_refused("[::1]53", HAS_P, "bad HOST '[::1]53': junk after ']'");
}
END_TEST

START_TEST(empty_hosts_are_refused)
{
	assert_refused("", HAS_P, "bad HOST '': empty host");
	assert_refused("[]", HAS_P, "bad HOST '[]': empty host");
	assert_refused(":53", HAS_P, "bad HOST ':53': empty host");
}
END_TEST

START_TEST(overlong_host_is_refused)
{
	static char arg[HOSTPORT_HOST_MAX + 1];
	struct hostport hp;
	char err[2 * HOSTPORT_HOST_MAX];

	memset(arg, 'a', sizeof(arg) - 1);
	ck_assert_int_eq(hostport_parse(&hp, arg, 4242, HAS_P, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "': too long"));
	arg[sizeof(arg) - 2] = '\0';
	hp = split_ok(arg, 4242, HAS_P);
	ck_assert_uint_eq(strlen(hp.host), HOSTPORT_HOST_MAX - 1);
}
END_TEST

START_TEST(long_reason_is_cut_and_terminated)
{
	struct hostport hp;
	char err[16];

	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(hostport_parse(&hp, "::1:4242", 4242, HAS_P, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "::1:4242: an IP");
}
END_TEST

/* One entry of a hand-built getaddrinfo list. */
struct entry {
	struct addrinfo ai;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;
};

static void
entry_v4(struct entry *e, const char *text, unsigned int port)
{
	memset(e, 0, sizeof(*e));
	e->sa.v4.sin_family = AF_INET;
	e->sa.v4.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET, text, &e->sa.v4.sin_addr), 1);
	e->ai.ai_family = AF_INET;
	e->ai.ai_addrlen = sizeof(e->sa.v4);
	e->ai.ai_addr = (struct sockaddr *)&e->sa;
}

static void
entry_v6(struct entry *e, const char *text, unsigned int port,
    unsigned int scope)
{
	memset(e, 0, sizeof(*e));
	e->sa.v6.sin6_family = AF_INET6;
	e->sa.v6.sin6_port = htons((uint16_t)port);
	e->sa.v6.sin6_scope_id = scope;
	ck_assert_int_eq(inet_pton(AF_INET6, text, &e->sa.v6.sin6_addr), 1);
	e->ai.ai_family = AF_INET6;
	e->ai.ai_addrlen = sizeof(e->sa.v6);
	e->ai.ai_addr = (struct sockaddr *)&e->sa;
}

static void
link_entries(struct entry *e, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		e[i].ai.ai_next = &e[i + 1].ai;
}

static void
assert_dst(const struct hostport_addr *a, const char *text,
    unsigned int port)
{
	struct in6_addr want = tu_ip(text);

	ck_assert_msg(memcmp(&a->dst.sin6_addr, &want, sizeof(want)) == 0,
	    "not %s", text);
	ck_assert_uint_eq(ntohs(a->dst.sin6_port), port);
}

START_TEST(addrinfo_entries_are_kept_in_order_with_their_family)
{
	struct entry e[2];
	struct hostport_addr out[2];

	entry_v6(&e[0], "2001:db8::1", 53, 0);
	entry_v4(&e[1], "192.0.2.1", 53);
	link_entries(e, 2);
	ck_assert_uint_eq(hostport_from_addrinfo(out, &e[0].ai), 2);
	ck_assert_int_eq(out[0].family, AF_INET6);
	ck_assert_uint_eq(out[0].salen, sizeof(struct sockaddr_in6));
	assert_dst(&out[0], "2001:db8::1", 53);
	ck_assert_int_eq(out[1].family, AF_INET);
	ck_assert_uint_eq(out[1].salen, sizeof(struct sockaddr_in));
	assert_dst(&out[1], "192.0.2.1", 53);
	ck_assert_mem_eq(&out[1].sa, &e[1].sa.v4, sizeof(e[1].sa.v4));
}
END_TEST

START_TEST(addrinfo_duplicates_are_kept_once)
{
	struct entry e[3];
	struct hostport_addr out[3];

	entry_v4(&e[0], "127.0.0.1", 4242);
	entry_v6(&e[1], "::1", 4242, 0);
	entry_v4(&e[2], "127.0.0.1", 4242);
	link_entries(e, 3);
	ck_assert_uint_eq(hostport_from_addrinfo(out, &e[0].ai), 2);
	assert_dst(&out[0], "127.0.0.1", 4242);
	assert_dst(&out[1], "::1", 4242);
}
END_TEST

/* The same address with another port or scope is another destination. */
START_TEST(addrinfo_other_port_or_scope_is_another_address)
{
	struct entry e[3];
	struct hostport_addr out[3];

	entry_v6(&e[0], "fe80::1", 53, 1);
	entry_v6(&e[1], "fe80::1", 53, 2);
	entry_v6(&e[2], "fe80::1", 54, 1);
	link_entries(e, 3);
	ck_assert_uint_eq(hostport_from_addrinfo(out, &e[0].ai), 3);
}
END_TEST

START_TEST(addrinfo_other_families_and_short_entries_are_skipped)
{
	struct entry e[3];
	struct hostport_addr out[3];

	entry_v4(&e[0], "192.0.2.1", 53);
	e[0].ai.ai_family = AF_UNIX;
	entry_v6(&e[1], "2001:db8::1", 53, 0);
	e[1].ai.ai_addrlen = sizeof(struct sockaddr_in);
	entry_v4(&e[2], "192.0.2.2", 53);
	link_entries(e, 3);
	ck_assert_uint_eq(hostport_from_addrinfo(out, &e[0].ai), 1);
	assert_dst(&out[0], "192.0.2.2", 53);
	ck_assert_uint_eq(hostport_from_addrinfo(out, NULL), 0);
}
END_TEST

static int gai_code;

static const char *
fake_gai_text(int code)
{
	gai_code = code;
	return "fake resolver text";
}

static void
resolve_ok(const char *arg, int family, struct hostport_addr **out,
    size_t *n)
{
	struct hostport hp = split_ok(arg, 4242, HAS_P);
	const char *why = NULL;

	ck_assert_msg(hostport_resolve(&hp, family, fake_gai_text, out, n,
	    &why) == 0, "%s: %s", arg, why);
}

START_TEST(numeric_ipv4_resolves_to_one_v4mapped_address)
{
	struct hostport_addr *list;
	size_t n;

	resolve_ok("127.0.0.1:4243", AF_UNSPEC, &list, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(list[0].family, AF_INET);
	assert_dst(&list[0], "127.0.0.1", 4243);
	free(list);
}
END_TEST

START_TEST(numeric_ipv6_resolves_to_one_ipv6_address)
{
	struct hostport_addr *list;
	size_t n;

	resolve_ok("[::1]:53", AF_INET6, &list, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(list[0].family, AF_INET6);
	ck_assert_uint_eq(list[0].salen, sizeof(struct sockaddr_in6));
	assert_dst(&list[0], "::1", 53);
	free(list);
}
END_TEST

START_TEST(resolver_error_is_worded_by_gai_text)
{
	struct hostport hp = split_ok("127.0.0.1", 4242, HAS_P);
	struct hostport_addr *list = (void *)&hp;
	const char *why = NULL;
	size_t n = 7;

	gai_code = 0;
	ck_assert_int_eq(hostport_resolve(&hp, AF_INET6, fake_gai_text, &list,
	    &n, &why), -1);
	ck_assert_int_ne(gai_code, 0);
	ck_assert_str_eq(why, "fake resolver text");
	ck_assert_ptr_null(list);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* pktq's own wording names the error, whatever the platform. */
START_TEST(pktq_words_resolver_errors)
{
	struct hostport hp = split_ok("127.0.0.1", 4242, HAS_P);
	struct hostport_addr *list;
	const char *why = NULL;
	size_t n;

	ck_assert_int_eq(hostport_resolve(&hp, AF_INET6,
	    pktq_net_gai_strerror, &list, &n, &why), -1);
	ck_assert_ptr_nonnull(why);
	ck_assert_uint_gt(strlen(why), 0);
}
END_TEST

#define ADD(tc, name)	tcase_add_test((tc), (name))

static TCase *
tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
hostport_suite(void)
{
	Suite *s = suite_create("hostport");
	TCase *tc;

	tc = tcase(s, "tc_parse");
	ADD(tc, name_without_port_gets_default_port);
	ADD(tc, name_with_port_splits);
	ADD(tc, ipv4_with_port_splits);
	ADD(tc, own_port_wins_over_given_port);
	ADD(tc, bracketed_ipv6_with_port_loses_its_brackets);
	ADD(tc, bracketed_ipv6_without_port_gets_default_port);
	ADD(tc, bracketed_scope_is_kept_in_host);
	ADD(tc, bracketed_ambiguous_text_is_the_address);
	ADD(tc, bare_ipv6_is_the_whole_address);
	ADD(tc, bare_ipv6_whose_head_is_no_address_is_the_address);
	ADD(tc, bare_ipv6_ending_in_port_is_refused_with_bracket_form);
	ADD(tc, bare_ipv6_that_is_an_address_too_names_both_readings);
	ADD(tc, without_p_flag_the_hint_names_brackets_only);
	ADD(tc, given_port_makes_bare_ipv6_the_address);
	ADD(tc, port_bounds_are_accepted);
	ADD(tc, bad_ports_are_refused);
	ADD(tc, missing_bracket_is_refused);
	ADD(tc, junk_after_bracket_is_refused);
	ADD(tc, empty_hosts_are_refused);
	ADD(tc, overlong_host_is_refused);
	ADD(tc, long_reason_is_cut_and_terminated);
	tc = tcase(s, "tc_from_addrinfo");
	ADD(tc, addrinfo_entries_are_kept_in_order_with_their_family);
	ADD(tc, addrinfo_duplicates_are_kept_once);
	ADD(tc, addrinfo_other_port_or_scope_is_another_address);
	ADD(tc, addrinfo_other_families_and_short_entries_are_skipped);
	tc = tcase(s, "tc_resolve");
	ADD(tc, numeric_ipv4_resolves_to_one_v4mapped_address);
	ADD(tc, numeric_ipv6_resolves_to_one_ipv6_address);
	ADD(tc, resolver_error_is_worded_by_gai_text);
	ADD(tc, pktq_words_resolver_errors);
	return s;
}

int
main(void)
{
	if (pktq_net_init() == -1) {
		fprintf(stderr, "check_hostport: socket set-up failed\n");
		return EXIT_FAILURE;
	}
	return tu_run(hostport_suite());
}
