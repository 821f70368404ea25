/* Unit tests for cmsg_win32: hand-built Winsock control buffers (WSAMSG,
 * WSACMSGHDR, IN_PKTINFO, IN6_PKTINFO) in, metadata out, and the control
 * message built for each source choice — the bytes WSASendMsg is given. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addr.h"
#include "cmsg_win32.h"
#include "testutil.h"

/* A control buffer assembled message by message, as Winsock would. */
struct fake {
	size_t used;
	WSAMSG msg;
	struct dgram_meta m;
	union {
		WSACMSGHDR align;
		unsigned char buf[512];
	} u;
};

static void
fake_init(struct fake *f, const char *peer)
{
	memset(f, 0, sizeof(*f));
	f->m.peer.sin6_family = AF_INET6;
	f->m.peer.sin6_addr = tu_ip(peer);
}

static void
fake_add(struct fake *f, int level, int type, const void *data, size_t len,
    size_t claimed_len)
{
	/* used is a multiple of WSA_CMSG_SPACE, so c stays aligned. */
	WSACMSGHDR *c = (void *)(f->u.buf + f->used);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = WSA_CMSG_LEN(claimed_len);
	memcpy(WSA_CMSG_DATA(c), data, len);
	f->used += WSA_CMSG_SPACE(len);
}

static void
add_in_pktinfo(struct fake *f, const char *addr, unsigned int ifindex)
{
	IN_PKTINFO pi;
	struct in6_addr mapped = tu_ip(addr);

	memset(&pi, 0, sizeof(pi));
	addr_get_v4(&pi.ipi_addr, &mapped);
	pi.ipi_ifindex = ifindex;
	fake_add(f, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi), sizeof(pi));
}

static void
add_in6_pktinfo(struct fake *f, const char *addr, unsigned int ifindex)
{
	IN6_PKTINFO pi;

	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = tu_ip(addr);
	pi.ipi6_ifindex = ifindex;
	fake_add(f, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi), sizeof(pi));
}

static enum cmsg_status
fake_parse(struct fake *f)
{
	f->msg.Control.buf = f->used ? (char *)f->u.buf : NULL;
	f->msg.Control.len = (ULONG)f->used;
	return cmsg_parse(&f->m, &f->msg);
}

static void
assert_addr(const struct in6_addr *got, const char *want)
{
	struct in6_addr w = tu_ip(want);

	ck_assert_mem_eq(got, &w, sizeof(w));
}

/* Windows' own header values, which differ from Linux's (8, 50). */
START_TEST(option_values_are_windows_ones)
{
	ck_assert_int_eq(IP_PKTINFO, 19);
	ck_assert_int_eq(IPV6_PKTINFO, 19);
	ck_assert_int_eq(IPV6_V6ONLY, 27);
	ck_assert_uint_eq(WSA_CMSG_LEN(sizeof(IN_PKTINFO)), 16 + 8);
	ck_assert_uint_eq(WSA_CMSG_LEN(sizeof(IN6_PKTINFO)), 16 + 20);
}
END_TEST

START_TEST(ipv4_peer_takes_in_pktinfo)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	add_in_pktinfo(&f, "198.51.100.2", 3);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "198.51.100.2");
	assert_addr(&f.m.spec_dst, "198.51.100.2");
	ck_assert_uint_eq(f.m.ifindex, 3);
}
END_TEST

/* Wine's order (.ci/WINDOWS.md section 3): the v4-mapped IN6_PKTINFO
 * first, then IN_PKTINFO. */
START_TEST(ipv4_peer_prefers_in_pktinfo_in_wine_order)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	add_in6_pktinfo(&f, "::ffff:192.0.2.99", 7);
	add_in_pktinfo(&f, "192.0.2.1", 2);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "192.0.2.1");
	ck_assert_uint_eq(f.m.ifindex, 2);
}
END_TEST

START_TEST(ipv4_peer_prefers_in_pktinfo_in_either_order)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	add_in_pktinfo(&f, "192.0.2.1", 2);
	add_in6_pktinfo(&f, "::ffff:192.0.2.99", 7);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "192.0.2.1");
	ck_assert_uint_eq(f.m.ifindex, 2);
}
END_TEST

START_TEST(ipv4_peer_accepts_v4mapped_in6_pktinfo_alone)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	add_in6_pktinfo(&f, "::ffff:198.51.100.2", 3);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "198.51.100.2");
	assert_addr(&f.m.spec_dst, "198.51.100.2");
	ck_assert_uint_eq(f.m.ifindex, 3);
}
END_TEST

START_TEST(ipv6_peer_takes_in6_pktinfo)
{
	struct fake f;

	fake_init(&f, "2001:db8:1::10");
	add_in6_pktinfo(&f, "2001:db8::1", 4);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "2001:db8::1");
	assert_addr(&f.m.spec_dst, "2001:db8::1");
	ck_assert_uint_eq(f.m.ifindex, 4);
}
END_TEST

START_TEST(ipv6_peer_ignores_in_pktinfo)
{
	struct fake f;

	fake_init(&f, "2001:db8:1::10");
	add_in_pktinfo(&f, "198.51.100.2", 3);
	ck_assert_int_eq(fake_parse(&f), CMSG_NO_PKTINFO);
}
END_TEST

START_TEST(ipv6_peer_with_v4mapped_destination_is_rejected)
{
	struct fake f;

	fake_init(&f, "2001:db8:1::10");
	add_in6_pktinfo(&f, "::ffff:198.51.100.2", 3);
	ck_assert_int_eq(fake_parse(&f), CMSG_NO_PKTINFO);
}
END_TEST

START_TEST(ipv4_peer_with_ipv6_destination_is_rejected)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	add_in6_pktinfo(&f, "2001:db8::1", 3);
	ck_assert_int_eq(fake_parse(&f), CMSG_NO_PKTINFO);
}
END_TEST

START_TEST(missing_pktinfo_is_reported)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	ck_assert_int_eq(fake_parse(&f), CMSG_NO_PKTINFO);
}
END_TEST

START_TEST(short_cmsg_len_is_not_read)
{
	struct fake f;
	IN_PKTINFO pi;

	fake_init(&f, "192.0.2.10");
	memset(&pi, 0, sizeof(pi));
	fake_add(&f, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi),
	    sizeof(pi) - 4);
	ck_assert_int_eq(fake_parse(&f), CMSG_NO_PKTINFO);
}
END_TEST

/* The cmsg_len is right, but Control.len ends inside the data: the pktinfo
 * is not read past the buffer. */
START_TEST(cmsg_past_control_len_is_not_read)
{
	struct fake f;

	fake_init(&f, "2001:db8::10");
	add_in6_pktinfo(&f, "2001:db8::1", 3);
	f.msg.Control.buf = (char *)f.u.buf;
	f.msg.Control.len = (ULONG)(WSA_CMSG_LEN(sizeof(IN6_PKTINFO)) - 2);
	ck_assert_int_eq(cmsg_parse(&f.m, &f.msg), CMSG_NO_PKTINFO);
	f.msg.Control.len = (ULONG)WSA_CMSG_LEN(sizeof(IN6_PKTINFO));
	ck_assert_int_eq(cmsg_parse(&f.m, &f.msg), CMSG_OK);
	assert_addr(&f.m.dst, "2001:db8::1");
}
END_TEST

/* A cmsg_len of 0 would make WSA_CMSG_NXTHDR return the same header
 * forever: the walk stops instead. */
START_TEST(zero_cmsg_len_ends_the_walk)
{
	struct fake f;

	fake_init(&f, "2001:db8::10");
	add_in6_pktinfo(&f, "2001:db8::1", 3);
	((WSACMSGHDR *)(void *)f.u.buf)->cmsg_len = 0;
	ck_assert_int_eq(fake_parse(&f), CMSG_NO_PKTINFO);
}
END_TEST

START_TEST(level_and_type_are_matched_together)
{
	struct fake f;
	IN_PKTINFO pi;

	/* IP_PKTINFO and IPV6_PKTINFO are both 19 on Windows: only the level
	 * tells them apart. */
	fake_init(&f, "192.0.2.10");
	memset(&pi, 0, sizeof(pi));
	pi.ipi_addr.s_addr = htonl(0xc6336402);
	fake_add(&f, IPPROTO_IPV6, IP_PKTINFO, &pi, sizeof(pi), sizeof(pi));
	ck_assert_int_eq(fake_parse(&f), CMSG_NO_PKTINFO);
}
END_TEST

START_TEST(unknown_cmsg_is_skipped)
{
	struct fake f;
	int ttl = 64;

	fake_init(&f, "192.0.2.10");
	fake_add(&f, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl), sizeof(ttl));
	add_in_pktinfo(&f, "203.0.113.5", 9);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "203.0.113.5");
}
END_TEST

START_TEST(ctrunc_is_reported_even_with_pktinfo)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	add_in_pktinfo(&f, "198.51.100.2", 3);
	f.msg.dwFlags = MSG_CTRUNC;
	ck_assert_int_eq(fake_parse(&f), CMSG_CTRUNC);
}
END_TEST

START_TEST(receive_buffer_holds_both_and_one_more)
{
	ck_assert_uint_ge(sizeof(union cmsg_recv_buf),
	    WSA_CMSG_SPACE(sizeof(IN_PKTINFO)) +
	    WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)) + WSA_CMSG_SPACE(sizeof(int)));
}
END_TEST

/* Windows: ipi_addr is the source on send (there is no ipi_spec_dst). */
START_TEST(build_v4_sets_ipi_addr_and_zero_ifindex)
{
	union cmsg_send_buf buf;
	struct srcsel sel;
	WSACMSGHDR *c = &buf.align;
	IN_PKTINFO pi;
	size_t len;

	memset(&sel, 0, sizeof(sel));
	sel.family = AF_INET;
	sel.src = tu_ip("198.51.100.2");
	len = cmsg_build(&buf, &sel);
	ck_assert_uint_eq(len, WSA_CMSG_SPACE(sizeof(pi)));
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IP);
	ck_assert_int_eq(c->cmsg_type, IP_PKTINFO);
	ck_assert_uint_eq(c->cmsg_len, WSA_CMSG_LEN(sizeof(pi)));
	memcpy(&pi, WSA_CMSG_DATA(c), sizeof(pi));
	ck_assert_uint_eq(pi.ipi_addr.s_addr, htonl(0xc6336402));
	ck_assert_uint_eq(pi.ipi_ifindex, 0);
}
END_TEST

START_TEST(build_v6_sets_addr_and_ifindex)
{
	union cmsg_send_buf buf;
	struct srcsel sel;
	WSACMSGHDR *c = &buf.align;
	IN6_PKTINFO pi;
	size_t len;

	memset(&sel, 0, sizeof(sel));
	sel.family = AF_INET6;
	sel.src = tu_ip("fe80::1");
	sel.ifindex = 4;
	len = cmsg_build(&buf, &sel);
	ck_assert_uint_eq(len, WSA_CMSG_SPACE(sizeof(pi)));
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IPV6);
	ck_assert_int_eq(c->cmsg_type, IPV6_PKTINFO);
	ck_assert_uint_eq(c->cmsg_len, WSA_CMSG_LEN(sizeof(pi)));
	memcpy(&pi, WSA_CMSG_DATA(c), sizeof(pi));
	assert_addr(&pi.ipi6_addr, "fe80::1");
	ck_assert_uint_eq(pi.ipi6_ifindex, 4);
}
END_TEST

/* What was built parses back as one control message of a WSAMSG. */
START_TEST(built_message_walks_with_wsa_cmsg_macros)
{
	union cmsg_send_buf buf;
	struct srcsel sel;
	WSAMSG msg;
	WSACMSGHDR *c;

	memset(&sel, 0, sizeof(sel));
	sel.family = AF_INET;
	sel.src = tu_ip("192.0.2.1");
	memset(&msg, 0, sizeof(msg));
	msg.Control.buf = (char *)buf.buf;
	msg.Control.len = (ULONG)cmsg_build(&buf, &sel);
	c = WSA_CMSG_FIRSTHDR(&msg);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->cmsg_type, IP_PKTINFO);
	ck_assert_ptr_null(WSA_CMSG_NXTHDR(&msg, c));
}
END_TEST

START_TEST(build_into_dirty_buffer_clears_padding)
{
	union cmsg_send_buf buf;
	struct srcsel sel;
	size_t len, i;

	memset(&buf, 0xa5, sizeof(buf));
	memset(&sel, 0, sizeof(sel));
	sel.family = AF_INET;
	sel.src = tu_ip("192.0.2.1");
	len = cmsg_build(&buf, &sel);
	for (i = WSA_CMSG_LEN(sizeof(IN_PKTINFO)); i < len; i++)
		ck_assert_uint_eq(buf.buf[i], 0);
}
END_TEST

static Suite *
cmsg_suite(void)
{
	Suite *s = suite_create("cmsg_win32");
	TCase *hdr = tcase_create("headers");
	TCase *parse = tcase_create("cmsg_parse");
	TCase *build = tcase_create("cmsg_build");

	tcase_add_test(hdr, option_values_are_windows_ones);
	tcase_add_test(hdr, receive_buffer_holds_both_and_one_more);
	tcase_add_test(parse, ipv4_peer_takes_in_pktinfo);
	tcase_add_test(parse, ipv4_peer_prefers_in_pktinfo_in_wine_order);
	tcase_add_test(parse, ipv4_peer_prefers_in_pktinfo_in_either_order);
	tcase_add_test(parse, ipv4_peer_accepts_v4mapped_in6_pktinfo_alone);
	tcase_add_test(parse, ipv6_peer_takes_in6_pktinfo);
	tcase_add_test(parse, ipv6_peer_ignores_in_pktinfo);
	tcase_add_test(parse, ipv6_peer_with_v4mapped_destination_is_rejected);
	tcase_add_test(parse, ipv4_peer_with_ipv6_destination_is_rejected);
	tcase_add_test(parse, missing_pktinfo_is_reported);
	tcase_add_test(parse, short_cmsg_len_is_not_read);
	tcase_add_test(parse, cmsg_past_control_len_is_not_read);
	tcase_add_test(parse, zero_cmsg_len_ends_the_walk);
	tcase_add_test(parse, level_and_type_are_matched_together);
	tcase_add_test(parse, unknown_cmsg_is_skipped);
	tcase_add_test(parse, ctrunc_is_reported_even_with_pktinfo);
	tcase_add_test(build, build_v4_sets_ipi_addr_and_zero_ifindex);
	tcase_add_test(build, build_v6_sets_addr_and_ifindex);
	tcase_add_test(build, built_message_walks_with_wsa_cmsg_macros);
	tcase_add_test(build, build_into_dirty_buffer_clears_padding);
	suite_add_tcase(s, hdr);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, build);
	return s;
}

int
main(void)
{
	return tu_run(cmsg_suite());
}
