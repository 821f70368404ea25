/* Unit tests for cmsg: the cases both platforms share (cmsg_cases.h)
 * over POSIX control buffers, and SO_RXQ_OVFL, which only Linux has. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addr.h"
#include "cmsg.h"
#include "testutil.h"

#define TC_CMSGHDR struct cmsghdr
#define TC_MSG struct msghdr
#define TC_IN_PKTINFO struct in_pktinfo
#define TC_IN6_PKTINFO struct in6_pktinfo
#define TC_CMSG_LEN(n) CMSG_LEN(n)
#define TC_CMSG_SPACE(n) CMSG_SPACE(n)
#define TC_CMSG_DATA(c) CMSG_DATA(c)
#define TC_CMSG_FIRSTHDR(msg) CMSG_FIRSTHDR(msg)
#define TC_CMSG_NXTHDR(msg, c) CMSG_NXTHDR(msg, c)
#define TC_HAS_SPEC_DST 1
#define TC_SUITE "cmsg"

static void
tc_msg_set(struct msghdr *msg, void *buf, size_t len, int ctrunc)
{
	msg->msg_control = buf;
	msg->msg_controllen = len;
	msg->msg_flags = ctrunc ? MSG_CTRUNC : 0;
}

/* ip(7) IP_PKTINFO on receive: ipi_addr is the header's destination,
 * ipi_spec_dst the local address the kernel chose. */
static void
tc_in_pktinfo_received(struct in_pktinfo *pi, const char *dst,
    const char *spec_dst, unsigned int ifindex)
{
	memset(pi, 0, sizeof(*pi));
	ck_assert_int_eq(inet_pton(AF_INET, dst, &pi->ipi_addr), 1);
	ck_assert_int_eq(inet_pton(AF_INET, spec_dst, &pi->ipi_spec_dst), 1);
	pi->ipi_ifindex = (int)ifindex;
}

/* ip(7) on send: ipi_spec_dst is the source; ipi_addr is ignored, and 0. */
static void
tc_in_pktinfo_to_send(struct in_pktinfo *pi, const char *src,
    unsigned int ifindex)
{
	memset(pi, 0, sizeof(*pi));
	ck_assert_int_eq(inet_pton(AF_INET, src, &pi->ipi_spec_dst), 1);
	pi->ipi_ifindex = (int)ifindex;
}

#include "cmsg_cases.h"

/* socket(7) SO_RXQ_OVFL rides beside the pktinfo, in either order; a
 * short one is not read, and a datagram without one reports none. */
START_TEST(rxq_ovfl_count_is_taken)
{
	static const struct tc_cmsg in4 = TC_IN4_MSG("203.0.113.5", NULL, 9);
	static const struct tc_cmsg in6 = TC_IN6_MSG("2001:db8::1", 4);
	struct fake f;
	uint32_t drops = 14959;

	fake_init(&f, "192.0.2.10");
	f.m.rxq_drops = 7;	/* left from the previous datagram */
	fake_add_cmsg(&f, &in4);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	ck_assert_uint_eq(f.m.rxq_drops, 0);
	fake_add(&f, SOL_SOCKET, SO_RXQ_OVFL, &drops, sizeof(drops),
	    sizeof(drops));
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	ck_assert_uint_eq(f.m.rxq_drops, 14959);
	assert_addr("rxq_ovfl", "dst", &f.m.dst, "203.0.113.5");

	fake_init(&f, "2001:db8::9");
	fake_add(&f, SOL_SOCKET, SO_RXQ_OVFL, &drops, sizeof(drops), 2);
	fake_add_cmsg(&f, &in6);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	ck_assert_uint_eq(f.m.rxq_drops, 0);
}
END_TEST

static void
tc_platform_cases(Suite *s, TCase *parse)
{
	(void)s;
	tcase_add_test(parse, rxq_ovfl_count_is_taken);
}
