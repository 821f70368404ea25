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

/* Each form pktq(1) accepts, with pktq's flags and default port. */
static const struct {
	const char *arg, *host, *port;
} accepted[] = {
	{ "localhost", "localhost", "4242" },
	{ "pktinfod.example:4243", "pktinfod.example", "4243" },
	{ "192.0.2.1:53", "192.0.2.1", "53" },
	{ "[2001:db8::1]:53", "2001:db8::1", "53" },
	{ "[2001:db8::1]", "2001:db8::1", "4242" },
	{ "[fe80::1%eth0]:53", "fe80::1%eth0", "53" },
	{ "[::1:4242]", "::1:4242", "4242" },	/* brackets: all address */
	{ "::1", "::1", "4242" },
	{ "fe80::1%eth0", "fe80::1%eth0", "4242" },
	/* 2001:db8: is no address, so 53 cannot be a port. */
	{ "2001:db8::53", "2001:db8::53", "4242" },
	{ "h:1", "h", "1" },
	{ "h:65535", "h", "65535" },
};

START_TEST(accepted_form_splits_into_host_and_port)
{
	struct hostport hp = split_ok(accepted[_i].arg, 4242, HAS_P);

	ck_assert_str_eq(hp.host, accepted[_i].host);
	ck_assert_str_eq(hp.port, accepted[_i].port);
}
END_TEST

START_TEST(host_without_port_takes_default_port)
{
	struct hostport hp = split_ok("localhost", 53, HAS_P);

	ck_assert_str_eq(hp.port, "53");
}
END_TEST

START_TEST(own_port_wins_over_given_port)
{
	struct hostport hp = split_ok("192.0.2.1:53", 9, P_GIVEN);

	ck_assert_str_eq(hp.port, "53");
}
END_TEST

START_TEST(given_port_makes_bare_ipv6_the_address)
{
	struct hostport hp = split_ok("::1:4242", 53, P_GIVEN);

	ck_assert_str_eq(hp.host, "::1:4242");
	ck_assert_str_eq(hp.port, "53");
}
END_TEST

#define BAD_PORT(arg) \
	{ arg, HAS_P, "bad port in HOST '" arg "' (expected 1 to 65535)" }

/* Each form refused, and the whole reason given for it. */
static const struct {
	const char *arg;
	int flags;
	const char *reason;
} refused[] = {
	/* 65535 has five hex digits: ::1:65535 is no address. */
	{ "::1:65535", HAS_P, "::1:65535: an IPv6 address with a port needs "
	    "brackets: [::1]:65535" },
	{ "::1:4242", HAS_P, "::1:4242: an IPv6 address with a port needs "
	    "brackets: [::1]:4242\n::1:4242: for the address ::1:4242 "
	    "itself, write [::1:4242] or give -p" },
	{ "2001:db8::1:53", HAS_P, "2001:db8::1:53: an IPv6 address with a "
	    "port needs brackets: [2001:db8::1]:53\n2001:db8::1:53: for the "
	    "address 2001:db8::1:53 itself, write [2001:db8::1:53] or give "
	    "-p" },
	/* A program without -p (pktbench) names the brackets only. */
	{ "::1:4242", 0, "::1:4242: an IPv6 address with a port needs "
	    "brackets: [::1]:4242\n::1:4242: for the address ::1:4242 "
	    "itself, write [::1:4242]" },
	BAD_PORT("h:0"), BAD_PORT("h:65536"), BAD_PORT("h:"),
	BAD_PORT("h:+1"), BAD_PORT("h: 1"), BAD_PORT("h:0x10"),
	BAD_PORT("[::1]:"), BAD_PORT("[::1]:x"),
	{ "[::1", HAS_P, "bad HOST '[::1': missing ']'" },
	{ "[::1]53", HAS_P, "bad HOST '[::1]53': junk after ']'" },
	{ "", HAS_P, "bad HOST '': empty host" },
	{ "[]", HAS_P, "bad HOST '[]': empty host" },
	{ ":53", HAS_P, "bad HOST ':53': empty host" },
};

START_TEST(refused_form_gives_its_reason)
{
	struct hostport hp;
	char err[512] = "";

	ck_assert_int_eq(hostport_parse(&hp, refused[_i].arg, 4242,
	    refused[_i].flags, err, sizeof(err)), -1);
	ck_assert_str_eq(err, refused[_i].reason);
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

/* arg, resolved for real, is one address of want_family: addr, port. */
static void
assert_resolves_to(const char *arg, int family, int want_family,
    const char *addr, unsigned int port)
{
	struct hostport hp = split_ok(arg, 4242, HAS_P);
	struct hostport_addr *list;
	const char *why = NULL;
	size_t n;

	ck_assert_msg(hostport_resolve(&hp, family, fake_gai_text, &list, &n,
	    &why) == 0, "%s: %s", arg, why);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(list[0].family, want_family);
	ck_assert_uint_eq(list[0].salen, want_family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	assert_dst(&list[0], addr, port);
	free(list);
}

START_TEST(numeric_ipv4_resolves_to_one_v4mapped_address)
{
	assert_resolves_to("127.0.0.1:4243", AF_UNSPEC, AF_INET, "127.0.0.1",
	    4243);
}
END_TEST

START_TEST(numeric_ipv6_resolves_to_one_ipv6_address)
{
	assert_resolves_to("[::1]:53", AF_INET6, AF_INET6, "::1", 53);
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

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static Suite *
hostport_suite(void)
{
	Suite *s = suite_create("hostport");
	TCase *parse = tcase_create("tc_parse");
	TCase *list = tcase_create("tc_from_addrinfo");
	TCase *resolve = tcase_create("tc_resolve");

	tcase_add_loop_test(parse, accepted_form_splits_into_host_and_port, 0,
	    (int)NELEM(accepted));
	tcase_add_test(parse, host_without_port_takes_default_port);
	tcase_add_test(parse, own_port_wins_over_given_port);
	tcase_add_test(parse, given_port_makes_bare_ipv6_the_address);
	tcase_add_loop_test(parse, refused_form_gives_its_reason, 0,
	    (int)NELEM(refused));
	tcase_add_test(parse, overlong_host_is_refused);
	tcase_add_test(parse, long_reason_is_cut_and_terminated);
	tcase_add_test(list,
	    addrinfo_entries_are_kept_in_order_with_their_family);
	tcase_add_test(list, addrinfo_duplicates_are_kept_once);
	tcase_add_test(list, addrinfo_other_port_or_scope_is_another_address);
	tcase_add_test(list,
	    addrinfo_other_families_and_short_entries_are_skipped);
	tcase_add_test(resolve, numeric_ipv4_resolves_to_one_v4mapped_address);
	tcase_add_test(resolve, numeric_ipv6_resolves_to_one_ipv6_address);
	tcase_add_test(resolve, resolver_error_is_worded_by_gai_text);
	tcase_add_test(resolve, pktq_words_resolver_errors);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, list);
	suite_add_tcase(s, resolve);
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
