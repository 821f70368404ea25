/* check_addr: unit tests for addr.c (parsing, RFC 5952 text, CIDR). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addr.h"
#include "testutil.h"

static struct in6_addr
a6(const char *text)
{
	struct in6_addr a;

	ck_assert_msg(inet_pton(AF_INET6, text, &a) == 1, "bad literal %s", text);
	return a;
}

static struct in6_addr
mapped(const char *v4text)
{
	struct in_addr v4;
	struct in6_addr a;

	ck_assert_msg(inet_pton(AF_INET, v4text, &v4) == 1, "bad %s", v4text);
	addr_set_v4mapped(&a, &v4);
	return a;
}

static void
assert_addr_eq(const struct in6_addr *got, const struct in6_addr *want)
{
	char g[ADDR_STRLEN], w[ADDR_STRLEN];

	inet_ntop(AF_INET6, got, g, sizeof(g));
	inet_ntop(AF_INET6, want, w, sizeof(w));
	ck_assert_msg(memcmp(got, want, sizeof(*got)) == 0,
	    "address %s, want %s", g, w);
}

static struct sockaddr_in6
parse_ok(const char *text, uint16_t default_port)
{
	struct sockaddr_in6 sin;

	ck_assert_msg(addr_parse(&sin, text, default_port) == 0,
	    "addr_parse(\"%s\") failed", text);
	ck_assert_int_eq(sin.sin6_family, AF_INET6);
	ck_assert_uint_eq(sin.sin6_flowinfo, 0);
	return sin;
}

static void
assert_parse_rejects(const char *text)
{
	struct sockaddr_in6 sin;

	errno = 0;
	ck_assert_msg(addr_parse(&sin, text, 4242) == -1,
	    "addr_parse(\"%s\") accepted", text);
	ck_assert_int_eq(errno, EINVAL);
}

static void
assert_ntop(const char *in, uint32_t scope_id, const char *want)
{
	char buf[ADDR_STRLEN];
	struct in6_addr a = a6(in);

	ck_assert_ptr_eq(addr_ntop(buf, sizeof(buf), &a, scope_id), buf);
	ck_assert_str_eq(buf, want);
}

static void
assert_format(const char *in, uint32_t scope_id, uint16_t port,
    const char *want)
{
	char buf[ADDR_STRLEN];
	struct sockaddr_in6 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	sin.sin6_addr = a6(in);
	sin.sin6_scope_id = scope_id;
	sin.sin6_port = htons(port);
	ck_assert_ptr_eq(addr_format(buf, sizeof(buf), &sin), buf);
	ck_assert_str_eq(buf, want);
}

static struct addr_cidr
cidr_ok(const char *text)
{
	struct addr_cidr c;

	ck_assert_msg(addr_cidr_parse(&c, text) == 0,
	    "addr_cidr_parse(\"%s\") failed", text);
	return c;
}

static void
assert_cidr_rejects(const char *text)
{
	struct addr_cidr c;

	errno = 0;
	ck_assert_msg(addr_cidr_parse(&c, text) == -1,
	    "addr_cidr_parse(\"%s\") accepted", text);
	ck_assert_int_eq(errno, EINVAL);
}

static int
cidr_matches(const char *cidr, const struct in6_addr *a)
{
	struct addr_cidr c = cidr_ok(cidr);

	return addr_cidr_match(&c, a);
}

static unsigned int
lo_index(void)
{
	unsigned int idx = tu_loopback_index();

	ck_assert_uint_ne(idx, 0);
	return idx;
}

/* before, the loopback's name ("lo" on Linux, "loopback_N" on Windows),
 * then after. */
static const char *
with_lo(char *buf, size_t len, const char *before, const char *after)
{
	ck_assert_int_lt(snprintf(buf, len, "%s%s%s", before,
	    tu_loopback_name(), after), (int)len);
	return buf;
}

/* An interface index that names no interface on this host. */
static uint32_t
unnamed_index(void)
{
	char name[IF_NAMESIZE];
	uint32_t idx = 0x7ffffff0;

	ck_assert_ptr_null(if_indextoname(idx, name));
	return idx;
}

/* addr_set_v4mapped */

START_TEST(set_v4mapped_writes_ffff_prefix_and_address)
{
	static const unsigned char want[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1
	};
	struct in_addr v4;
	struct in6_addr a;

	inet_pton(AF_INET, "192.0.2.1", &v4);
	addr_set_v4mapped(&a, &v4);
	ck_assert_mem_eq(a.s6_addr, want, 16);
}
END_TEST

START_TEST(set_v4mapped_overwrites_previous_contents)
{
	struct in_addr v4;
	struct in6_addr a, want = a6("::ffff:203.0.113.7");

	memset(&a, 0xaa, sizeof(a));
	inet_pton(AF_INET, "203.0.113.7", &v4);
	addr_set_v4mapped(&a, &v4);
	assert_addr_eq(&a, &want);
}
END_TEST

/* addr_is_v4mapped */

START_TEST(v4mapped_address_is_v4mapped)
{
	struct in6_addr a = a6("::ffff:192.0.2.1");

	ck_assert(addr_is_v4mapped(&a));
}
END_TEST

START_TEST(native_ipv6_is_not_v4mapped)
{
	struct in6_addr a = a6("2001:db8::1");

	ck_assert(!addr_is_v4mapped(&a));
}
END_TEST

START_TEST(v4compatible_is_not_v4mapped)
{
	struct in6_addr a = a6("::192.0.2.1");

	ck_assert(!addr_is_v4mapped(&a));
}
END_TEST

START_TEST(unspecified_ipv6_is_not_v4mapped)
{
	struct in6_addr a = a6("::");

	ck_assert(!addr_is_v4mapped(&a));
}
END_TEST

/* addr_get_v4 */

START_TEST(get_v4_returns_embedded_address)
{
	struct in6_addr a = a6("::ffff:198.51.100.2");
	struct in_addr v4, want;

	inet_pton(AF_INET, "198.51.100.2", &want);
	addr_get_v4(&v4, &a);
	ck_assert_mem_eq(&v4, &want, sizeof(v4));
}
END_TEST

/* addr_is_linklocal */

START_TEST(fe80_is_linklocal)
{
	struct in6_addr a = a6("fe80::1");

	ck_assert(addr_is_linklocal(&a));
}
END_TEST

START_TEST(febf_top_of_fe80_slash_10_is_linklocal)
{
	struct in6_addr a = a6("febf:ffff::1");

	ck_assert(addr_is_linklocal(&a));
}
END_TEST

START_TEST(fec0_is_not_linklocal)
{
	struct in6_addr a = a6("fec0::1");

	ck_assert(!addr_is_linklocal(&a));
}
END_TEST

START_TEST(global_and_loopback_are_not_linklocal)
{
	struct in6_addr g = a6("2001:db8::1"), lo = a6("::1");

	ck_assert(!addr_is_linklocal(&g));
	ck_assert(!addr_is_linklocal(&lo));
}
END_TEST

/* addr_is_multicast */

START_TEST(ipv6_ff00_slash_8_is_multicast)
{
	struct in6_addr a = a6("ff02::1"), b = a6("ff0e::101");

	ck_assert(addr_is_multicast(&a));
	ck_assert(addr_is_multicast(&b));
}
END_TEST

START_TEST(v4mapped_224_slash_4_is_multicast)
{
	struct in6_addr lo = mapped("224.0.0.1"), hi = mapped("239.255.255.250");

	ck_assert(addr_is_multicast(&lo));
	ck_assert(addr_is_multicast(&hi));
}
END_TEST

START_TEST(unicast_is_not_multicast)
{
	struct in6_addr v4 = mapped("192.0.2.1"), v6 = a6("2001:db8::1");

	ck_assert(!addr_is_multicast(&v4));
	ck_assert(!addr_is_multicast(&v6));
}
END_TEST

START_TEST(v4_broadcast_is_not_multicast)
{
	struct in6_addr a = mapped("255.255.255.255");

	ck_assert(!addr_is_multicast(&a));
}
END_TEST

START_TEST(v4compatible_224_is_not_multicast)
{
	struct in6_addr a = a6("::224.0.0.1");

	ck_assert(!addr_is_multicast(&a));
}
END_TEST

/* addr_is_v4_broadcast */

START_TEST(v4mapped_all_ones_is_broadcast)
{
	struct in6_addr a = mapped("255.255.255.255");

	ck_assert(addr_is_v4_broadcast(&a));
}
END_TEST

START_TEST(subnet_broadcast_is_not_limited_broadcast)
{
	struct in6_addr a = mapped("192.0.2.255");

	ck_assert(!addr_is_v4_broadcast(&a));
}
END_TEST

START_TEST(ipv6_is_never_v4_broadcast)
{
	struct in6_addr compat = a6("::255.255.255.255"), mc = a6("ff02::1");

	ck_assert(!addr_is_v4_broadcast(&compat));
	ck_assert(!addr_is_v4_broadcast(&mc));
}
END_TEST

/* addr_is_unspecified */

START_TEST(ipv6_unspecified_is_unspecified)
{
	struct in6_addr a = a6("::");

	ck_assert(addr_is_unspecified(&a));
}
END_TEST

START_TEST(v4mapped_zero_is_unspecified)
{
	struct in6_addr a = mapped("0.0.0.0");

	ck_assert(addr_is_unspecified(&a));
}
END_TEST

START_TEST(unicast_is_not_unspecified)
{
	struct in6_addr lo6 = a6("::1"), lo4 = mapped("127.0.0.1");

	ck_assert(!addr_is_unspecified(&lo6));
	ck_assert(!addr_is_unspecified(&lo4));
}
END_TEST

/* addr_family_name */

START_TEST(v4mapped_family_is_ipv4)
{
	struct in6_addr a = mapped("192.0.2.1");

	ck_assert_str_eq(addr_family_name(&a), "ipv4");
}
END_TEST

START_TEST(native_family_is_ipv6)
{
	struct in6_addr a = a6("2001:db8::1"), u = a6("::");

	ck_assert_str_eq(addr_family_name(&a), "ipv6");
	ck_assert_str_eq(addr_family_name(&u), "ipv6");
}
END_TEST

/* addr_from_sockaddr */

START_TEST(ipv4_sockaddr_becomes_v4mapped_with_port)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 out;
	struct in6_addr want = mapped("192.0.2.1");

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
	memset(&out, 0xaa, sizeof(out));
	ck_assert_int_eq(addr_from_sockaddr(&out, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	ck_assert_int_eq(out.sin6_family, AF_INET6);
	ck_assert_uint_eq(ntohs(out.sin6_port), 53);
	ck_assert_uint_eq(out.sin6_scope_id, 0);
	ck_assert_uint_eq(out.sin6_flowinfo, 0);
	assert_addr_eq(&out.sin6_addr, &want);
}
END_TEST

START_TEST(ipv6_sockaddr_is_copied)
{
	struct sockaddr_in6 sin, out;

	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	sin.sin6_port = htons(4242);
	sin.sin6_addr = a6("fe80::1");
	sin.sin6_scope_id = 7;
	ck_assert_int_eq(addr_from_sockaddr(&out, (struct sockaddr *)&sin,
	    sizeof(sin)), 0);
	ck_assert_mem_eq(&out, &sin, sizeof(sin));
}
END_TEST

START_TEST(sockaddr_storage_length_is_accepted)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 out;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	ck_assert_int_eq(addr_from_sockaddr(&out, (struct sockaddr *)&ss,
	    sizeof(ss)), 0);
	ss.ss_family = AF_INET6;
	ck_assert_int_eq(addr_from_sockaddr(&out, (struct sockaddr *)&ss,
	    sizeof(ss)), 0);
}
END_TEST

START_TEST(short_ipv4_salen_is_einval)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 out;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	errno = 0;
	ck_assert_int_eq(addr_from_sockaddr(&out, (struct sockaddr *)&sin,
	    sizeof(sin) - 1), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(short_ipv6_salen_is_einval)
{
	struct sockaddr_in6 sin, out;

	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	errno = 0;
	ck_assert_int_eq(addr_from_sockaddr(&out, (struct sockaddr *)&sin,
	    sizeof(struct sockaddr_in)), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(zero_salen_is_einval)
{
	struct sockaddr_in6 sin, out;

	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	errno = 0;
	ck_assert_int_eq(addr_from_sockaddr(&out, (struct sockaddr *)&sin, 0),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(unknown_family_is_eafnosupport)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 out;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNSPEC;
	errno = 0;
	ck_assert_int_eq(addr_from_sockaddr(&out, (struct sockaddr *)&ss,
	    sizeof(ss)), -1);
	ck_assert_int_eq(errno, EAFNOSUPPORT);
}
END_TEST

/* addr_to_sockaddr_in */

START_TEST(v4mapped_becomes_sockaddr_in)
{
	struct sockaddr_in6 sin6 = parse_ok("198.51.100.2:53", 0);
	struct sockaddr_in out;
	struct in_addr want;

	inet_pton(AF_INET, "198.51.100.2", &want);
	memset(&out, 0xaa, sizeof(out));
	ck_assert_int_eq(addr_to_sockaddr_in(&out, &sin6), 0);
	ck_assert_int_eq(out.sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(out.sin_port), 53);
	ck_assert_mem_eq(&out.sin_addr, &want, sizeof(want));
}
END_TEST

START_TEST(native_ipv6_is_eafnosupport)
{
	struct sockaddr_in6 sin6 = parse_ok("[2001:db8::1]:53", 0);
	struct sockaddr_in out;

	errno = 0;
	ck_assert_int_eq(addr_to_sockaddr_in(&out, &sin6), -1);
	ck_assert_int_eq(errno, EAFNOSUPPORT);
}
END_TEST

/* addr_parse: accepted forms */

START_TEST(v4_without_port_gets_default_port)
{
	struct sockaddr_in6 sin = parse_ok("192.0.2.1", 4242);
	struct in6_addr want = mapped("192.0.2.1");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(ntohs(sin.sin6_port), 4242);
	ck_assert_uint_eq(sin.sin6_scope_id, 0);
}
END_TEST

START_TEST(v4_with_port_parses_to_v4mapped)
{
	struct sockaddr_in6 sin = parse_ok("192.0.2.1:53", 4242);
	struct in6_addr want = mapped("192.0.2.1");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(ntohs(sin.sin6_port), 53);
	ck_assert_uint_eq(sin.sin6_scope_id, 0);
}
END_TEST

START_TEST(bracketed_v6_with_port_parses)
{
	struct sockaddr_in6 sin = parse_ok("[2001:db8::1]:53", 4242);
	struct in6_addr want = a6("2001:db8::1");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(ntohs(sin.sin6_port), 53);
	ck_assert_uint_eq(sin.sin6_scope_id, 0);
}
END_TEST

START_TEST(bracketed_v6_without_port_gets_default_port)
{
	struct sockaddr_in6 sin = parse_ok("[2001:db8::1]", 4242);
	struct in6_addr want = a6("2001:db8::1");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(ntohs(sin.sin6_port), 4242);
}
END_TEST

START_TEST(bare_v6_gets_default_port)
{
	struct sockaddr_in6 sin = parse_ok("2001:db8::1", 4242);
	struct in6_addr want = a6("2001:db8::1");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(ntohs(sin.sin6_port), 4242);
}
END_TEST

START_TEST(bare_v6_trailing_group_is_not_a_port)
{
	struct sockaddr_in6 sin = parse_ok("2001:db8::1:53", 4242);
	struct in6_addr want = a6("2001:db8::1:53");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(ntohs(sin.sin6_port), 4242);
}
END_TEST

START_TEST(bracketed_linklocal_with_ifname_scope_parses)
{
	char text[ADDR_STRLEN];
	struct sockaddr_in6 sin = parse_ok(with_lo(text,
	    sizeof(text), "[fe80::1%", "]:53"), 4242);
	struct in6_addr want = a6("fe80::1");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(sin.sin6_scope_id, lo_index());
	ck_assert_uint_eq(ntohs(sin.sin6_port), 53);
}
END_TEST

START_TEST(bare_linklocal_with_ifname_scope_parses)
{
	char text[ADDR_STRLEN];
	struct sockaddr_in6 sin = parse_ok(with_lo(text,
	    sizeof(text), "fe80::1%", ""), 4242);
	struct in6_addr want = a6("fe80::1");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(sin.sin6_scope_id, lo_index());
	ck_assert_uint_eq(ntohs(sin.sin6_port), 4242);
}
END_TEST

START_TEST(numeric_scope_parses)
{
	struct sockaddr_in6 sin = parse_ok("fe80::1%2", 4242);

	ck_assert_uint_eq(sin.sin6_scope_id, 2);
}
END_TEST

START_TEST(scope_on_global_v6_is_allowed)
{
	char text[ADDR_STRLEN];
	struct sockaddr_in6 sin = parse_ok(with_lo(text,
	    sizeof(text), "[2001:db8::1%", "]:53"), 4242);

	ck_assert_uint_eq(sin.sin6_scope_id, lo_index());
}
END_TEST

START_TEST(unspecified_v6_parses)
{
	struct sockaddr_in6 sin = parse_ok("::", 4242);
	struct in6_addr want = a6("::");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(ntohs(sin.sin6_port), 4242);
}
END_TEST

START_TEST(bracketed_unspecified_with_port_parses)
{
	struct sockaddr_in6 sin = parse_ok("[::]:4242", 0);
	struct in6_addr want = a6("::");

	assert_addr_eq(&sin.sin6_addr, &want);
	ck_assert_uint_eq(ntohs(sin.sin6_port), 4242);
}
END_TEST

START_TEST(v4_unspecified_parses_to_v4mapped)
{
	struct sockaddr_in6 sin = parse_ok("0.0.0.0", 4242);
	struct in6_addr want = mapped("0.0.0.0");

	assert_addr_eq(&sin.sin6_addr, &want);
}
END_TEST

START_TEST(v6_text_of_v4mapped_equals_v4_text)
{
	struct sockaddr_in6 a = parse_ok("[::ffff:192.0.2.1]:53", 0);
	struct sockaddr_in6 b = parse_ok("192.0.2.1:53", 0);

	ck_assert_mem_eq(&a, &b, sizeof(a));
}
END_TEST

START_TEST(port_bounds_are_accepted)
{
	struct sockaddr_in6 lo = parse_ok("127.0.0.1:0", 4242);
	struct sockaddr_in6 hi = parse_ok("[::1]:65535", 4242);

	ck_assert_uint_eq(ntohs(lo.sin6_port), 0);
	ck_assert_uint_eq(ntohs(hi.sin6_port), 65535);
}
END_TEST

/* addr_parse: rejected forms */

START_TEST(empty_text_is_rejected)
{
	assert_parse_rejects("");
}
END_TEST

START_TEST(null_text_is_rejected)
{
	struct sockaddr_in6 sin;

	errno = 0;
	ck_assert_int_eq(addr_parse(&sin, NULL, 4242), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(unclosed_bracket_is_rejected)
{
	assert_parse_rejects("[::1");
	assert_parse_rejects("[::1:53");
}
END_TEST

START_TEST(garbage_after_bracket_is_rejected)
{
	assert_parse_rejects("[::1]x");
	assert_parse_rejects("[::1]]");
	assert_parse_rejects("[::1] :53");
}
END_TEST

START_TEST(empty_brackets_are_rejected)
{
	assert_parse_rejects("[]");
	assert_parse_rejects("[]:53");
}
END_TEST

START_TEST(bracketed_v4_is_rejected)
{
	assert_parse_rejects("[192.0.2.1]:53");
}
END_TEST

START_TEST(three_part_v4_is_rejected)
{
	assert_parse_rejects("1.2.3");
}
END_TEST

START_TEST(five_part_v4_is_rejected)
{
	assert_parse_rejects("192.0.2.1.5");
}
END_TEST

START_TEST(octet_over_255_is_rejected)
{
	assert_parse_rejects("256.0.2.1");
	assert_parse_rejects("192.0.2.256");
}
END_TEST

START_TEST(empty_octet_is_rejected)
{
	assert_parse_rejects("192.0..1");
	assert_parse_rejects(".192.0.2");
	assert_parse_rejects("192.0.2.1.");
}
END_TEST

START_TEST(v4_leading_zero_octet_is_rejected)
{
	assert_parse_rejects("192.0.02.1");
	assert_parse_rejects("0127.0.0.1");
}
END_TEST

START_TEST(hostname_is_rejected)
{
	assert_parse_rejects("localhost");
	assert_parse_rejects("localhost:53");
	assert_parse_rejects("[localhost]:53");
}
END_TEST

START_TEST(empty_port_is_rejected)
{
	assert_parse_rejects("192.0.2.1:");
	assert_parse_rejects("[::1]:");
}
END_TEST

START_TEST(signed_port_is_rejected)
{
	assert_parse_rejects("192.0.2.1:+1");
	assert_parse_rejects("[::1]:-1");
}
END_TEST

START_TEST(port_65536_is_rejected)
{
	assert_parse_rejects("192.0.2.1:65536");
	assert_parse_rejects("[::1]:99999999999999999999999");
}
END_TEST

START_TEST(port_with_trailing_garbage_is_rejected)
{
	assert_parse_rejects("192.0.2.1:1x");
	assert_parse_rejects("[::1]:53 ");
	assert_parse_rejects("192.0.2.1: 53");
}
END_TEST

START_TEST(port_without_address_is_rejected)
{
	assert_parse_rejects(":53");
}
END_TEST

START_TEST(unknown_interface_is_rejected)
{
	assert_parse_rejects("fe80::1%nosuchif0");
	assert_parse_rejects("[fe80::1%nosuchif0]:53");
}
END_TEST

START_TEST(empty_scope_is_rejected)
{
	assert_parse_rejects("fe80::1%");
	assert_parse_rejects("[fe80::1%]:53");
}
END_TEST

START_TEST(overlong_interface_name_is_rejected)
{
	assert_parse_rejects("fe80::1%an-interface-name-too-long");
}
END_TEST

START_TEST(numeric_scope_over_32_bits_is_rejected)
{
	assert_parse_rejects("fe80::1%4294967296");
}
END_TEST

START_TEST(scope_on_v4_is_rejected)
{
	assert_parse_rejects("192.0.2.1%lo");
	assert_parse_rejects("192.0.2.1%lo:53");
}
END_TEST

START_TEST(scope_on_v4mapped_is_rejected)
{
	assert_parse_rejects("[::ffff:192.0.2.1%lo]:53");
}
END_TEST

START_TEST(parse_failure_leaves_out_untouched)
{
	struct sockaddr_in6 sin, before;

	memset(&sin, 0x5a, sizeof(sin));
	before = sin;
	ck_assert_int_eq(addr_parse(&sin, "192.0.2.1:65536", 0), -1);
	ck_assert_mem_eq(&sin, &before, sizeof(sin));
}
END_TEST

/* addr_ntop */

START_TEST(v4mapped_is_shown_as_dotted_quad)
{
	assert_ntop("::ffff:192.0.2.1", 0, "192.0.2.1");
	assert_ntop("::ffff:0.0.0.0", 0, "0.0.0.0");
	assert_ntop("::ffff:255.255.255.255", 0, "255.255.255.255");
}
END_TEST

START_TEST(rfc5952_unspecified_is_double_colon)
{
	assert_ntop("0:0:0:0:0:0:0:0", 0, "::");
}
END_TEST

START_TEST(rfc5952_loopback_is_double_colon_one)
{
	assert_ntop("0:0:0:0:0:0:0:1", 0, "::1");
}
END_TEST

START_TEST(rfc5952_inner_run_is_compressed)
{
	assert_ntop("2001:db8:0:0:0:0:0:1", 0, "2001:db8::1");
}
END_TEST

START_TEST(rfc5952_trailing_run_is_compressed)
{
	assert_ntop("2001:db8:0:0:0:0:0:0", 0, "2001:db8::");
}
END_TEST

START_TEST(rfc5952_first_of_equal_runs_is_compressed)
{
	assert_ntop("2001:db8:0:0:1:0:0:1", 0, "2001:db8::1:0:0:1");
}
END_TEST

START_TEST(rfc5952_longest_run_is_compressed)
{
	assert_ntop("2001:0:0:1:0:0:0:1", 0, "2001:0:0:1::1");
}
END_TEST

START_TEST(rfc5952_single_zero_group_not_compressed)
{
	assert_ntop("2001:db8:0:1:1:1:1:1", 0, "2001:db8:0:1:1:1:1:1");
	assert_ntop("0:2001:db8:1:1:1:1:1", 0, "0:2001:db8:1:1:1:1:1");
	assert_ntop("2001:db8:1:1:1:1:1:0", 0, "2001:db8:1:1:1:1:1:0");
}
END_TEST

START_TEST(rfc5952_no_zero_groups_is_uncompressed)
{
	assert_ntop("2001:db8:1:2:3:4:5:6", 0, "2001:db8:1:2:3:4:5:6");
}
END_TEST

START_TEST(rfc5952_uppercase_input_gives_lowercase_output)
{
	assert_ntop("2001:DB8::ABCD:EF", 0, "2001:db8::abcd:ef");
}
END_TEST

START_TEST(rfc5952_leading_zeros_are_dropped)
{
	assert_ntop("2001:0db8:00a0:000b:0000:0000:0000:0001", 0,
	    "2001:db8:a0:b::1");
}
END_TEST

START_TEST(rfc5952_full_width_address)
{
	assert_ntop("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}
END_TEST

START_TEST(v4compatible_is_shown_in_hex)
{
	assert_ntop("::192.0.2.1", 0, "::c000:201");
}
END_TEST

START_TEST(linklocal_with_loopback_scope_shows_ifname)
{
	char want[ADDR_STRLEN];

	assert_ntop("fe80::1", lo_index(),
	    with_lo(want, sizeof(want), "fe80::1%", ""));
}
END_TEST

START_TEST(linklocal_with_unnamed_scope_shows_index)
{
	char want[32];
	uint32_t idx = unnamed_index();

	snprintf(want, sizeof(want), "fe80::1%%%lu", (unsigned long)idx);
	assert_ntop("fe80::1", idx, want);
}
END_TEST

START_TEST(linklocal_without_scope_has_no_suffix)
{
	assert_ntop("fe80::1", 0, "fe80::1");
}
END_TEST

START_TEST(scope_is_ignored_for_global_and_v4mapped)
{
	assert_ntop("2001:db8::1", lo_index(), "2001:db8::1");
	assert_ntop("::ffff:192.0.2.1", lo_index(), "192.0.2.1");
}
END_TEST

START_TEST(ntop_truncates_and_terminates)
{
	char buf[8];
	struct in6_addr a = a6("2001:db8::1");

	memset(buf, 'X', sizeof(buf));
	addr_ntop(buf, 5, &a, 0);
	ck_assert_str_eq(buf, "2001");
	ck_assert_int_eq(buf[5], 'X');
	addr_ntop(buf, 1, &a, 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(ntop_with_zero_len_writes_nothing)
{
	char buf[4] = "abc";
	struct in6_addr a = a6("::1");

	ck_assert_ptr_eq(addr_ntop(buf, 0, &a, 0), buf);
	ck_assert_str_eq(buf, "abc");
}
END_TEST

START_TEST(ntop_preserves_errno)
{
	char buf[ADDR_STRLEN];
	struct in6_addr a = a6("fe80::1");
	uint32_t idx = unnamed_index();

	errno = EADDRNOTAVAIL;
	addr_ntop(buf, sizeof(buf), &a, idx);
	ck_assert_int_eq(errno, EADDRNOTAVAIL);
}
END_TEST

/* addr_format */

START_TEST(v4mapped_formats_as_addr_colon_port)
{
	assert_format("::ffff:192.0.2.1", 0, 53, "192.0.2.1:53");
}
END_TEST

START_TEST(ipv6_formats_bracketed_with_port)
{
	assert_format("2001:db8::1", 0, 53, "[2001:db8::1]:53");
	assert_format("::", 0, 4242, "[::]:4242");
}
END_TEST

START_TEST(scoped_linklocal_formats_with_ifname)
{
	char want[ADDR_STRLEN];

	assert_format("fe80::1", lo_index(), 53,
	    with_lo(want, sizeof(want), "[fe80::1%", "]:53"));
}
END_TEST

START_TEST(longest_form_fits_addr_strlen)
{
	assert_format("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, 65535,
	    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	assert_format("fe80:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    unnamed_index(), 65535,
	    "[fe80:ffff:ffff:ffff:ffff:ffff:ffff:ffff%2147483632]:65535");
}
END_TEST

START_TEST(format_truncates_and_terminates)
{
	char buf[8];
	struct sockaddr_in6 sin = parse_ok("[2001:db8::1]:53", 0);

	memset(buf, 'X', sizeof(buf));
	addr_format(buf, 6, &sin);
	ck_assert_str_eq(buf, "[2001");
	ck_assert_int_eq(buf[6], 'X');
}
END_TEST

START_TEST(format_round_trips_through_parse)
{
	char scoped[ADDR_STRLEN];
	const char *const texts[] = {
		"192.0.2.1:53", "0.0.0.0:4242", "[::]:4242", "[::1]:53",
		"[2001:db8::1:0:0:1]:65535",
		with_lo(scoped, sizeof(scoped), "[fe80::1%", "]:53"),
	};
	char buf[ADDR_STRLEN];
	struct sockaddr_in6 sin;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		sin = parse_ok(texts[i], 0);
		ck_assert_str_eq(addr_format(buf, sizeof(buf), &sin), texts[i]);
	}
}
END_TEST

/* addr_cidr_parse */

START_TEST(ipv4_cidr_parses_to_v4mapped_with_len_plus_96)
{
	struct addr_cidr c = cidr_ok("192.0.2.0/24");
	struct in6_addr want = mapped("192.0.2.0");

	assert_addr_eq(&c.net, &want);
	ck_assert_uint_eq(c.len, 24 + 96);
}
END_TEST

START_TEST(ipv6_cidr_parses)
{
	struct addr_cidr c = cidr_ok("2001:db8::/32");
	struct in6_addr want = a6("2001:db8::");

	assert_addr_eq(&c.net, &want);
	ck_assert_uint_eq(c.len, 32);
}
END_TEST

START_TEST(bare_ipv4_is_host_prefix)
{
	struct addr_cidr c = cidr_ok("198.51.100.2");
	struct in6_addr want = mapped("198.51.100.2");

	assert_addr_eq(&c.net, &want);
	ck_assert_uint_eq(c.len, 128);
}
END_TEST

START_TEST(bare_ipv6_is_host_prefix)
{
	struct addr_cidr c = cidr_ok("2001:db8::1");
	struct in6_addr want = a6("2001:db8::1");

	assert_addr_eq(&c.net, &want);
	ck_assert_uint_eq(c.len, 128);
}
END_TEST

START_TEST(ipv4_zero_prefix_is_v4mapped_slash_96)
{
	struct addr_cidr c = cidr_ok("0.0.0.0/0");
	struct in6_addr want = a6("::ffff:0:0");

	assert_addr_eq(&c.net, &want);
	ck_assert_uint_eq(c.len, 96);
}
END_TEST

START_TEST(ipv6_zero_prefix_parses)
{
	struct addr_cidr c = cidr_ok("::/0");
	struct in6_addr want = a6("::");

	assert_addr_eq(&c.net, &want);
	ck_assert_uint_eq(c.len, 0);
}
END_TEST

START_TEST(full_length_prefixes_parse)
{
	ck_assert_uint_eq(cidr_ok("192.0.2.1/32").len, 128);
	ck_assert_uint_eq(cidr_ok("::1/128").len, 128);
}
END_TEST

START_TEST(host_bits_are_masked_off)
{
	struct addr_cidr v4 = cidr_ok("192.0.2.1/24");
	struct addr_cidr odd = cidr_ok("198.51.100.200/26");
	struct addr_cidr v6 = cidr_ok("2001:db8:ffff::1/33");
	struct in6_addr w4 = mapped("192.0.2.0"), wodd = mapped("198.51.100.192");
	struct in6_addr w6 = a6("2001:db8:8000::");

	assert_addr_eq(&v4.net, &w4);
	assert_addr_eq(&odd.net, &wodd);
	assert_addr_eq(&v6.net, &w6);
}
END_TEST

START_TEST(ipv4_len_over_32_is_rejected)
{
	assert_cidr_rejects("192.0.2.0/33");
	assert_cidr_rejects("192.0.2.0/120");
}
END_TEST

START_TEST(ipv6_len_over_128_is_rejected)
{
	assert_cidr_rejects("2001:db8::/129");
	assert_cidr_rejects("2001:db8::/99999999999999999999999");
}
END_TEST

START_TEST(non_digit_len_is_rejected)
{
	assert_cidr_rejects("192.0.2.0/2x");
	assert_cidr_rejects("192.0.2.0/+24");
	assert_cidr_rejects("192.0.2.0/-1");
	assert_cidr_rejects("192.0.2.0/ 24");
	assert_cidr_rejects("192.0.2.0/24/8");
}
END_TEST

START_TEST(empty_len_is_rejected)
{
	assert_cidr_rejects("192.0.2.0/");
	assert_cidr_rejects("2001:db8::/");
}
END_TEST

START_TEST(slash_alone_is_rejected)
{
	assert_cidr_rejects("/");
	assert_cidr_rejects("/24");
}
END_TEST

START_TEST(empty_cidr_is_rejected)
{
	assert_cidr_rejects("");
}
END_TEST

START_TEST(null_cidr_is_rejected)
{
	struct addr_cidr c;

	errno = 0;
	ck_assert_int_eq(addr_cidr_parse(&c, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(scope_in_cidr_is_rejected)
{
	assert_cidr_rejects("fe80::%lo/64");
	assert_cidr_rejects("fe80::1%2");
}
END_TEST

START_TEST(bad_cidr_address_is_rejected)
{
	assert_cidr_rejects("256.0.2.0/24");
	assert_cidr_rejects("192.0.2/24");
	assert_cidr_rejects("localhost/8");
	assert_cidr_rejects("[2001:db8::]/32");
}
END_TEST

START_TEST(cidr_failure_leaves_out_untouched)
{
	struct addr_cidr c, before;

	memset(&c, 0x5a, sizeof(c));
	before = c;
	ck_assert_int_eq(addr_cidr_parse(&c, "192.0.2.0/33"), -1);
	ck_assert_mem_eq(&c, &before, sizeof(c));
}
END_TEST

/* addr_cidr_match */

START_TEST(ipv4_cidr_matches_v4mapped_form)
{
	struct in6_addr a = mapped("192.0.2.77");

	ck_assert(cidr_matches("192.0.2.0/24", &a));
}
END_TEST

START_TEST(ipv4_cidr_does_not_match_outside)
{
	struct in6_addr a = mapped("198.51.100.1");

	ck_assert(!cidr_matches("192.0.2.0/24", &a));
}
END_TEST

START_TEST(ipv4_cidr_does_not_match_native_ipv6)
{
	struct in6_addr compat = a6("::192.0.2.77"), v6 = a6("2001:db8::1");

	ck_assert(!cidr_matches("192.0.2.0/24", &compat));
	ck_assert(!cidr_matches("0.0.0.0/0", &v6));
	ck_assert(!cidr_matches("0.0.0.0/0", &compat));
}
END_TEST

START_TEST(ipv4_zero_prefix_matches_every_ipv4)
{
	struct in6_addr a = mapped("0.0.0.0"), b = mapped("255.255.255.255");
	struct in6_addr c = mapped("203.0.113.9");

	ck_assert(cidr_matches("0.0.0.0/0", &a));
	ck_assert(cidr_matches("0.0.0.0/0", &b));
	ck_assert(cidr_matches("0.0.0.0/0", &c));
}
END_TEST

START_TEST(ipv6_zero_prefix_matches_everything)
{
	struct in6_addr v4 = mapped("192.0.2.1"), v6 = a6("2001:db8::1");
	struct in6_addr ll = a6("fe80::1");

	ck_assert(cidr_matches("::/0", &v4));
	ck_assert(cidr_matches("::/0", &v6));
	ck_assert(cidr_matches("::/0", &ll));
}
END_TEST

START_TEST(ipv6_cidr_matches_inside_only)
{
	struct in6_addr in = a6("2001:db8:ffff::1"), out = a6("2001:db9::1");

	ck_assert(cidr_matches("2001:db8::/32", &in));
	ck_assert(!cidr_matches("2001:db8::/32", &out));
}
END_TEST

START_TEST(unaligned_prefix_boundary_is_exact)
{
	struct in6_addr first = mapped("198.51.100.192");
	struct in6_addr last = mapped("198.51.100.255");
	struct in6_addr before = mapped("198.51.100.191");

	ck_assert(cidr_matches("198.51.100.192/26", &first));
	ck_assert(cidr_matches("198.51.100.192/26", &last));
	ck_assert(!cidr_matches("198.51.100.192/26", &before));
}
END_TEST

START_TEST(host_prefix_matches_only_itself)
{
	struct in6_addr self = mapped("127.0.0.1"), other = mapped("127.0.0.2");
	struct in6_addr lo6 = a6("::1"), other6 = a6("::2");

	ck_assert(cidr_matches("127.0.0.1", &self));
	ck_assert(!cidr_matches("127.0.0.1", &other));
	ck_assert(cidr_matches("::1/128", &lo6));
	ck_assert(!cidr_matches("::1/128", &other6));
}
END_TEST

START_TEST(v6_text_v4mapped_prefix_matches_ipv4)
{
	struct in6_addr a = mapped("192.0.2.9");

	ck_assert(cidr_matches("::ffff:192.0.2.0/120", &a));
}
END_TEST

START_TEST(len_over_128_matches_nothing)
{
	struct addr_cidr c;
	struct in6_addr a = a6("::");

	memset(&c, 0, sizeof(c));
	c.len = 129;
	ck_assert(!addr_cidr_match(&c, &a));
}
END_TEST

/* addr_cidr_list_match */

START_TEST(empty_list_matches_nothing)
{
	struct in6_addr a = a6("::1");

	ck_assert(!addr_cidr_list_match(NULL, 0, &a));
}
END_TEST

START_TEST(list_matches_when_any_prefix_matches)
{
	struct addr_cidr list[3];
	struct in6_addr a = mapped("203.0.113.5");

	list[0] = cidr_ok("192.0.2.0/24");
	list[1] = cidr_ok("203.0.113.0/24");
	list[2] = cidr_ok("2001:db8::/32");
	ck_assert(addr_cidr_list_match(list, 3, &a));
}
END_TEST

START_TEST(list_does_not_match_when_none_match)
{
	struct addr_cidr list[2];
	struct in6_addr a = mapped("198.51.100.1");

	list[0] = cidr_ok("192.0.2.0/24");
	list[1] = cidr_ok("2001:db8::/32");
	ck_assert(!addr_cidr_list_match(list, 2, &a));
}
END_TEST

START_TEST(default_admin_allow_matches_loopback_only)
{
	struct addr_cidr list[2];
	struct in6_addr lo4 = mapped("127.0.0.1"), lo6 = a6("::1");
	struct in6_addr v4 = mapped("192.0.2.1"), v6 = a6("2001:db8::1");

	list[0] = cidr_ok("127.0.0.0/8");
	list[1] = cidr_ok("::1/128");
	ck_assert(addr_cidr_list_match(list, 2, &lo4));
	ck_assert(addr_cidr_list_match(list, 2, &lo6));
	ck_assert(!addr_cidr_list_match(list, 2, &v4));
	ck_assert(!addr_cidr_list_match(list, 2, &v6));
}
END_TEST

/* addr_listen_overlap: what two listen sockets on one port would share. */
static int
overlap(const char *a, const char *b)
{
	struct sockaddr_in6 sa = parse_ok(a, 4242), sb = parse_ok(b, 4242);

	ck_assert_int_eq(addr_listen_overlap(&sa, &sb),
	    addr_listen_overlap(&sb, &sa));
	return addr_listen_overlap(&sa, &sb);
}

START_TEST(dualstack_wildcard_overlaps_ipv4_wildcard)
{
	ck_assert(overlap("[::]", "0.0.0.0"));
}
END_TEST

START_TEST(dualstack_wildcard_overlaps_every_address)
{
	ck_assert(overlap("[::]", "127.0.0.1"));
	ck_assert(overlap("[::]", "[::1]"));
	ck_assert(overlap("[::]", "[fe80::1%1]"));
}
END_TEST

START_TEST(ipv4_wildcard_overlaps_ipv4_only)
{
	ck_assert(overlap("0.0.0.0", "192.0.2.1"));
	ck_assert(!overlap("0.0.0.0", "[::1]"));
	ck_assert(!overlap("0.0.0.0", "[2001:db8::1]"));
}
END_TEST

START_TEST(same_address_twice_overlaps)
{
	ck_assert(overlap("127.0.0.1", "127.0.0.1:4242"));
	ck_assert(overlap("[::1]", "[::1]"));
	ck_assert(overlap("[::ffff:192.0.2.1]", "192.0.2.1"));
}
END_TEST

START_TEST(different_addresses_or_ports_do_not_overlap)
{
	ck_assert(!overlap("127.0.0.1", "127.0.0.2"));
	ck_assert(!overlap("[::]:4242", "0.0.0.0:4243"));
	ck_assert(!overlap("[::1]", "127.0.0.1"));
	ck_assert(!overlap("[fe80::1%1]", "[fe80::1%2]"));
}
END_TEST

START_TEST(port_0_never_overlaps)
{
	ck_assert(!overlap("[::]:0", "0.0.0.0:0"));
	ck_assert(!overlap("127.0.0.1:0", "127.0.0.1:0"));
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

static void
add_predicate_tests(Suite *s)
{
	TCase *tc;

	tc = tcase(s, "tc_set_v4mapped");
	ADD(tc, set_v4mapped_writes_ffff_prefix_and_address);
	ADD(tc, set_v4mapped_overwrites_previous_contents);
	tc = tcase(s, "tc_is_v4mapped");
	ADD(tc, v4mapped_address_is_v4mapped);
	ADD(tc, native_ipv6_is_not_v4mapped);
	ADD(tc, v4compatible_is_not_v4mapped);
	ADD(tc, unspecified_ipv6_is_not_v4mapped);
	tc = tcase(s, "tc_get_v4");
	ADD(tc, get_v4_returns_embedded_address);
	tc = tcase(s, "tc_is_linklocal");
	ADD(tc, fe80_is_linklocal);
	ADD(tc, febf_top_of_fe80_slash_10_is_linklocal);
	ADD(tc, fec0_is_not_linklocal);
	ADD(tc, global_and_loopback_are_not_linklocal);
	tc = tcase(s, "tc_is_multicast");
	ADD(tc, ipv6_ff00_slash_8_is_multicast);
	ADD(tc, v4mapped_224_slash_4_is_multicast);
	ADD(tc, unicast_is_not_multicast);
	ADD(tc, v4_broadcast_is_not_multicast);
	ADD(tc, v4compatible_224_is_not_multicast);
	tc = tcase(s, "tc_is_v4_broadcast");
	ADD(tc, v4mapped_all_ones_is_broadcast);
	ADD(tc, subnet_broadcast_is_not_limited_broadcast);
	ADD(tc, ipv6_is_never_v4_broadcast);
	tc = tcase(s, "tc_is_unspecified");
	ADD(tc, ipv6_unspecified_is_unspecified);
	ADD(tc, v4mapped_zero_is_unspecified);
	ADD(tc, unicast_is_not_unspecified);
	tc = tcase(s, "tc_family_name");
	ADD(tc, v4mapped_family_is_ipv4);
	ADD(tc, native_family_is_ipv6);
}

static void
add_sockaddr_tests(Suite *s)
{
	TCase *tc;

	tc = tcase(s, "tc_from_sockaddr");
	ADD(tc, ipv4_sockaddr_becomes_v4mapped_with_port);
	ADD(tc, ipv6_sockaddr_is_copied);
	ADD(tc, sockaddr_storage_length_is_accepted);
	ADD(tc, short_ipv4_salen_is_einval);
	ADD(tc, short_ipv6_salen_is_einval);
	ADD(tc, zero_salen_is_einval);
	ADD(tc, unknown_family_is_eafnosupport);
	tc = tcase(s, "tc_to_sockaddr_in");
	ADD(tc, v4mapped_becomes_sockaddr_in);
	ADD(tc, native_ipv6_is_eafnosupport);
}

static void
add_parse_tests(Suite *s)
{
	TCase *tc = tcase(s, "tc_parse");

	ADD(tc, v4_without_port_gets_default_port);
	ADD(tc, v4_with_port_parses_to_v4mapped);
	ADD(tc, bracketed_v6_with_port_parses);
	ADD(tc, bracketed_v6_without_port_gets_default_port);
	ADD(tc, bare_v6_gets_default_port);
	ADD(tc, bare_v6_trailing_group_is_not_a_port);
	ADD(tc, bracketed_linklocal_with_ifname_scope_parses);
	ADD(tc, bare_linklocal_with_ifname_scope_parses);
	ADD(tc, numeric_scope_parses);
	ADD(tc, scope_on_global_v6_is_allowed);
	ADD(tc, unspecified_v6_parses);
	ADD(tc, bracketed_unspecified_with_port_parses);
	ADD(tc, v4_unspecified_parses_to_v4mapped);
	ADD(tc, v6_text_of_v4mapped_equals_v4_text);
	ADD(tc, port_bounds_are_accepted);
	ADD(tc, empty_text_is_rejected);
	ADD(tc, null_text_is_rejected);
	ADD(tc, unclosed_bracket_is_rejected);
	ADD(tc, garbage_after_bracket_is_rejected);
	ADD(tc, empty_brackets_are_rejected);
	ADD(tc, bracketed_v4_is_rejected);
	ADD(tc, three_part_v4_is_rejected);
	ADD(tc, five_part_v4_is_rejected);
	ADD(tc, octet_over_255_is_rejected);
	ADD(tc, empty_octet_is_rejected);
	ADD(tc, v4_leading_zero_octet_is_rejected);
	ADD(tc, hostname_is_rejected);
	ADD(tc, empty_port_is_rejected);
	ADD(tc, signed_port_is_rejected);
	ADD(tc, port_65536_is_rejected);
	ADD(tc, port_with_trailing_garbage_is_rejected);
	ADD(tc, port_without_address_is_rejected);
	ADD(tc, unknown_interface_is_rejected);
	ADD(tc, empty_scope_is_rejected);
	ADD(tc, overlong_interface_name_is_rejected);
	ADD(tc, numeric_scope_over_32_bits_is_rejected);
	ADD(tc, scope_on_v4_is_rejected);
	ADD(tc, scope_on_v4mapped_is_rejected);
	ADD(tc, parse_failure_leaves_out_untouched);
}

static void
add_text_tests(Suite *s)
{
	TCase *tc;

	tc = tcase(s, "tc_ntop");
	ADD(tc, v4mapped_is_shown_as_dotted_quad);
	ADD(tc, rfc5952_unspecified_is_double_colon);
	ADD(tc, rfc5952_loopback_is_double_colon_one);
	ADD(tc, rfc5952_inner_run_is_compressed);
	ADD(tc, rfc5952_trailing_run_is_compressed);
	ADD(tc, rfc5952_first_of_equal_runs_is_compressed);
	ADD(tc, rfc5952_longest_run_is_compressed);
	ADD(tc, rfc5952_single_zero_group_not_compressed);
	ADD(tc, rfc5952_no_zero_groups_is_uncompressed);
	ADD(tc, rfc5952_uppercase_input_gives_lowercase_output);
	ADD(tc, rfc5952_leading_zeros_are_dropped);
	ADD(tc, rfc5952_full_width_address);
	ADD(tc, v4compatible_is_shown_in_hex);
	ADD(tc, linklocal_with_loopback_scope_shows_ifname);
	ADD(tc, linklocal_with_unnamed_scope_shows_index);
	ADD(tc, linklocal_without_scope_has_no_suffix);
	ADD(tc, scope_is_ignored_for_global_and_v4mapped);
	ADD(tc, ntop_truncates_and_terminates);
	ADD(tc, ntop_with_zero_len_writes_nothing);
	ADD(tc, ntop_preserves_errno);
	tc = tcase(s, "tc_format");
	ADD(tc, v4mapped_formats_as_addr_colon_port);
	ADD(tc, ipv6_formats_bracketed_with_port);
	ADD(tc, scoped_linklocal_formats_with_ifname);
	ADD(tc, longest_form_fits_addr_strlen);
	ADD(tc, format_truncates_and_terminates);
	ADD(tc, format_round_trips_through_parse);
}

static void
add_cidr_tests(Suite *s)
{
	TCase *tc;

	tc = tcase(s, "tc_cidr_parse");
	ADD(tc, ipv4_cidr_parses_to_v4mapped_with_len_plus_96);
	ADD(tc, ipv6_cidr_parses);
	ADD(tc, bare_ipv4_is_host_prefix);
	ADD(tc, bare_ipv6_is_host_prefix);
	ADD(tc, ipv4_zero_prefix_is_v4mapped_slash_96);
	ADD(tc, ipv6_zero_prefix_parses);
	ADD(tc, full_length_prefixes_parse);
	ADD(tc, host_bits_are_masked_off);
	ADD(tc, ipv4_len_over_32_is_rejected);
	ADD(tc, ipv6_len_over_128_is_rejected);
	ADD(tc, non_digit_len_is_rejected);
	ADD(tc, empty_len_is_rejected);
	ADD(tc, slash_alone_is_rejected);
	ADD(tc, empty_cidr_is_rejected);
	ADD(tc, null_cidr_is_rejected);
	ADD(tc, scope_in_cidr_is_rejected);
	ADD(tc, bad_cidr_address_is_rejected);
	ADD(tc, cidr_failure_leaves_out_untouched);
	tc = tcase(s, "tc_cidr_match");
	ADD(tc, ipv4_cidr_matches_v4mapped_form);
	ADD(tc, ipv4_cidr_does_not_match_outside);
	ADD(tc, ipv4_cidr_does_not_match_native_ipv6);
	ADD(tc, ipv4_zero_prefix_matches_every_ipv4);
	ADD(tc, ipv6_zero_prefix_matches_everything);
	ADD(tc, ipv6_cidr_matches_inside_only);
	ADD(tc, unaligned_prefix_boundary_is_exact);
	ADD(tc, host_prefix_matches_only_itself);
	ADD(tc, v6_text_v4mapped_prefix_matches_ipv4);
	ADD(tc, len_over_128_matches_nothing);
	tc = tcase(s, "tc_cidr_list_match");
	ADD(tc, empty_list_matches_nothing);
	ADD(tc, list_matches_when_any_prefix_matches);
	ADD(tc, list_does_not_match_when_none_match);
	ADD(tc, default_admin_allow_matches_loopback_only);
}

static void
add_overlap_tests(Suite *s)
{
	TCase *tc;

	tc = tcase(s, "tc_listen_overlap");
	ADD(tc, dualstack_wildcard_overlaps_ipv4_wildcard);
	ADD(tc, dualstack_wildcard_overlaps_every_address);
	ADD(tc, ipv4_wildcard_overlaps_ipv4_only);
	ADD(tc, same_address_twice_overlaps);
	ADD(tc, different_addresses_or_ports_do_not_overlap);
	ADD(tc, port_0_never_overlaps);
}

static Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");

	add_predicate_tests(s);
	add_sockaddr_tests(s);
	add_parse_tests(s);
	add_text_tests(s);
	add_cidr_tests(s);
	add_overlap_tests(s);
	return s;
}

int
main(void)
{
	return tu_run(addr_suite());
}
