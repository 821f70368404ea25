/* Unit tests for cmsg_win32: the cases both platforms share
 * (cmsg_cases.h) over Winsock control buffers (WSAMSG, WSACMSGHDR,
 * IN_PKTINFO, IN6_PKTINFO), and the bytes of the 64-bit Windows ABI, which
 * the shared cases cannot see: they build and read buffers with the same
 * header macros as the code under test, so a wrong value there would
 * cancel out. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addr.h"
#include "cmsg_win32.h"
#include "testutil.h"

#define TC_CMSGHDR WSACMSGHDR
#define TC_MSG WSAMSG
#define TC_IN_PKTINFO IN_PKTINFO
#define TC_IN6_PKTINFO IN6_PKTINFO
#define TC_CMSG_LEN(n) WSA_CMSG_LEN(n)
#define TC_CMSG_SPACE(n) WSA_CMSG_SPACE(n)
#define TC_CMSG_DATA(c) WSA_CMSG_DATA(c)
#define TC_CMSG_FIRSTHDR(msg) WSA_CMSG_FIRSTHDR(msg)
#define TC_CMSG_NXTHDR(msg, c) WSA_CMSG_NXTHDR(msg, c)
#define TC_HAS_SPEC_DST 0
#define TC_SUITE "cmsg_win32"

static void
tc_msg_set(WSAMSG *msg, void *buf, size_t len, int ctrunc)
{
	msg->Control.buf = buf;
	msg->Control.len = (ULONG)len;
	msg->dwFlags = ctrunc ? MSG_CTRUNC : 0;
}

/* Windows has no ipi_spec_dst: ipi_addr is the destination. */
static void
tc_in_pktinfo_received(IN_PKTINFO *pi, const char *dst, const char *spec_dst,
    unsigned int ifindex)
{
	struct in6_addr mapped = tu_ip(dst);

	(void)spec_dst;
	memset(pi, 0, sizeof(*pi));
	addr_get_v4(&pi->ipi_addr, &mapped);
	pi->ipi_ifindex = ifindex;
}

/* On send ipi_addr is the source. */
static void
tc_in_pktinfo_to_send(IN_PKTINFO *pi, const char *src, unsigned int ifindex)
{
	tc_in_pktinfo_received(pi, src, NULL, ifindex);
}

#include "cmsg_cases.h"

/* Little-endian bytes of the x64 ABI: WSACMSGHDR is SIZE_T cmsg_len, INT
 * cmsg_level, INT cmsg_type (16 bytes), its data 8-byte aligned;
 * IPPROTO_IP 0, IPPROTO_IPV6 41, IP_PKTINFO and IPV6_PKTINFO both 19
 * (ws2ipdef.h in the Windows SDK). */
#define HDR(len, level, type) \
	len, 0, 0, 0, 0, 0, 0, 0, level, 0, 0, 0, type, 0, 0, 0

static void
assert_x64(void)
{
	ck_assert_msg(sizeof(SIZE_T) == 8, "these are the x64 ABI's bytes");
}

/* The control message built for a source, byte for byte. */
static const struct x64_case {
	struct tc_build_case sel;
	unsigned char bytes[40];
	size_t len;
} x64_cases[] = {
	{ { "ipv4_source", AF_INET, "198.51.100.2", 0 }, {
		HDR(24, 0, 19),
		198, 51, 100, 2,		/* ipi_addr: the source */
		0, 0, 0, 0,			/* ipi_ifindex */
	  }, 24 },
	{ { "ipv6_linklocal_source", AF_INET6, "fe80::1", 4 }, {
		HDR(36, 41, 19),
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		4, 0, 0, 0,			/* ipi6_ifindex */
		0, 0, 0, 0,			/* to 8 bytes */
	  }, 40 },
};

START_TEST(built_pktinfo_is_the_x64_bytes)
{
	const struct x64_case *xc = &x64_cases[_i];
	union cmsg_send_buf buf;

	assert_x64();
	ck_assert_msg(build_from(&buf, &xc->sel) == xc->len, "%s: length",
	    xc->sel.name);
	ck_assert_msg(memcmp(buf.buf, xc->bytes, xc->len) == 0,
	    "%s: the bytes differ", xc->sel.name);
}
END_TEST

/* What WSARecvMsg gives under Wine for an IPv4 datagram to 192.0.2.1 on
 * the dual-stack socket: a v4-mapped IN6_PKTINFO, then IN_PKTINFO. */
START_TEST(wine_control_bytes_for_ipv4_parse)
{
	union {
		WSACMSGHDR align;
		unsigned char buf[64];
	} u = { .buf = {
		HDR(36, 41, 19),
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 99,
		7, 0, 0, 0,
		0, 0, 0, 0,
		HDR(24, 0, 19),
		192, 0, 2, 1,
		2, 0, 0, 0,
	} };
	struct fake f;

	assert_x64();
	fake_init(&f, "192.0.2.10");
	tc_msg_set(&f.msg, u.buf, sizeof(u.buf), 0);
	ck_assert_int_eq(cmsg_parse(&f.m, &f.msg), CMSG_OK);
	assert_addr("wine_control_bytes", "dst", &f.m.dst, "192.0.2.1");
	ck_assert_uint_eq(f.m.ifindex, 2);
}
END_TEST

static void
tc_platform_cases(Suite *s, TCase *parse)
{
	TCase *abi = tcase_create("x64_bytes");

	(void)parse;
	suite_add_tcase(s, abi);
	tcase_add_loop_test(abi, built_pktinfo_is_the_x64_bytes, 0,
	    TC_COUNT(x64_cases));
	tcase_add_test(abi, wine_control_bytes_for_ipv4_parse);
}
