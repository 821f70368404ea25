/* Unit tests for cmsg: hand-built control buffers in, metadata out, and the
 * control message built for each source choice. */
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

/* A control buffer assembled cmsg by cmsg, as the kernel would. */
struct fake {
	size_t used;
	struct msghdr msg;
	struct dgram_meta m;
	union {				/* last: cmsghdr ends in a flexible array */
		struct cmsghdr align;
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
	/* used is a multiple of CMSG_SPACE, so c stays aligned. */
	struct cmsghdr *c = (void *)(f->u.buf + f->used);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(claimed_len);
	memcpy(CMSG_DATA(c), data, len);
	f->used += CMSG_SPACE(len);
}

static void
add_in_pktinfo(struct fake *f, const char *addr, const char *spec,
    int ifindex)
{
	struct in_pktinfo pi;

	memset(&pi, 0, sizeof(pi));
	inet_pton(AF_INET, addr, &pi.ipi_addr);
	inet_pton(AF_INET, spec, &pi.ipi_spec_dst);
	pi.ipi_ifindex = ifindex;
	fake_add(f, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi), sizeof(pi));
}

static void
add_in6_pktinfo(struct fake *f, const char *addr, unsigned int ifindex)
{
	struct in6_pktinfo pi;

	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = tu_ip(addr);
	pi.ipi6_ifindex = ifindex;
	fake_add(f, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi), sizeof(pi));
}

static enum cmsg_status
fake_parse(struct fake *f)
{
	f->msg.msg_control = f->used ? f->u.buf : NULL;
	f->msg.msg_controllen = f->used;
	return cmsg_parse(&f->m, &f->msg);
}

static void
assert_addr(const struct in6_addr *got, const char *want)
{
	struct in6_addr w = tu_ip(want);

	ck_assert_mem_eq(got, &w, sizeof(w));
}

START_TEST(ipv4_peer_takes_in_pktinfo)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	add_in_pktinfo(&f, "198.51.100.2", "198.51.100.2", 3);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "198.51.100.2");
	assert_addr(&f.m.spec_dst, "198.51.100.2");
	ck_assert_uint_eq(f.m.ifindex, 3);
}
END_TEST

START_TEST(ipv4_peer_prefers_in_pktinfo_when_both_present)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	add_in6_pktinfo(&f, "::ffff:192.0.2.255", 7);
	add_in_pktinfo(&f, "192.0.2.255", "192.0.2.1", 2);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "192.0.2.255");
	assert_addr(&f.m.spec_dst, "192.0.2.1");
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
}
END_TEST

START_TEST(ipv6_peer_takes_in6_pktinfo)
{
	struct fake f;

	fake_init(&f, "2001:db8:1::10");
	add_in6_pktinfo(&f, "2001:db8::1", 4);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "2001:db8::1");
	ck_assert_uint_eq(f.m.ifindex, 4);
}
END_TEST

START_TEST(ipv6_peer_ignores_in_pktinfo)
{
	struct fake f;

	fake_init(&f, "2001:db8:1::10");
	add_in_pktinfo(&f, "198.51.100.2", "198.51.100.2", 3);
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
	struct in_pktinfo pi;

	fake_init(&f, "192.0.2.10");
	memset(&pi, 0, sizeof(pi));
	fake_add(&f, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi),
	    sizeof(pi) - 4);
	ck_assert_int_eq(fake_parse(&f), CMSG_NO_PKTINFO);
}
END_TEST

/* The cmsg_len is right, but msg_controllen ends inside the data: the
 * pktinfo is not read past the buffer (found by tests/fuzz/fuzz_cmsg.c). */
START_TEST(cmsg_past_controllen_is_not_read)
{
	struct fake f;

	fake_init(&f, "2001:db8::10");
	add_in6_pktinfo(&f, "2001:db8::1", 3);
	f.msg.msg_control = f.u.buf;
	f.msg.msg_controllen = CMSG_LEN(sizeof(struct in6_pktinfo)) - 2;
	ck_assert_int_eq(cmsg_parse(&f.m, &f.msg), CMSG_NO_PKTINFO);
	f.msg.msg_controllen = CMSG_LEN(sizeof(struct in6_pktinfo));
	ck_assert_int_eq(cmsg_parse(&f.m, &f.msg), CMSG_OK);
	assert_addr(&f.m.dst, "2001:db8::1");
}
END_TEST

START_TEST(unknown_cmsg_is_skipped)
{
	struct fake f;
	int ttl = 64;

	fake_init(&f, "192.0.2.10");
	fake_add(&f, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl), sizeof(ttl));
	add_in_pktinfo(&f, "203.0.113.5", "203.0.113.5", 9);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	assert_addr(&f.m.dst, "203.0.113.5");
}
END_TEST

/* socket(7) SO_RXQ_OVFL rides beside the pktinfo, in either order; a
 * short one is not read, and a datagram without one reports none. */
START_TEST(rxq_ovfl_count_is_taken)
{
	struct fake f;
	uint32_t drops = 14959;

	fake_init(&f, "192.0.2.10");
	f.m.rxq_drops = 7;	/* left from the previous datagram */
	add_in_pktinfo(&f, "203.0.113.5", "203.0.113.5", 9);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	ck_assert_uint_eq(f.m.rxq_drops, 0);
	fake_add(&f, SOL_SOCKET, SO_RXQ_OVFL, &drops, sizeof(drops),
	    sizeof(drops));
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	ck_assert_uint_eq(f.m.rxq_drops, 14959);
	assert_addr(&f.m.dst, "203.0.113.5");

	fake_init(&f, "2001:db8::9");
	fake_add(&f, SOL_SOCKET, SO_RXQ_OVFL, &drops, sizeof(drops), 2);
	add_in6_pktinfo(&f, "2001:db8::1", 4);
	ck_assert_int_eq(fake_parse(&f), CMSG_OK);
	ck_assert_uint_eq(f.m.rxq_drops, 0);
}
END_TEST

START_TEST(ctrunc_is_reported_even_with_pktinfo)
{
	struct fake f;

	fake_init(&f, "192.0.2.10");
	add_in_pktinfo(&f, "198.51.100.2", "198.51.100.2", 3);
	f.msg.msg_flags = MSG_CTRUNC;
	ck_assert_int_eq(fake_parse(&f), CMSG_CTRUNC);
}
END_TEST

START_TEST(build_v4_sets_spec_dst_and_zero_ifindex)
{
	union cmsg_send_buf buf;
	struct srcsel sel;
	struct cmsghdr *c = &buf.align;
	struct in_pktinfo pi;
	struct in_addr want;
	size_t len;

	memset(&sel, 0, sizeof(sel));
	sel.family = AF_INET;
	sel.src = tu_ip("198.51.100.2");
	len = cmsg_build(&buf, &sel);
	ck_assert_uint_eq(len, CMSG_SPACE(sizeof(pi)));
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IP);
	ck_assert_int_eq(c->cmsg_type, IP_PKTINFO);
	ck_assert_uint_eq(c->cmsg_len, CMSG_LEN(sizeof(pi)));
	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	inet_pton(AF_INET, "198.51.100.2", &want);
	ck_assert_uint_eq(pi.ipi_spec_dst.s_addr, want.s_addr);
	ck_assert_uint_eq(pi.ipi_addr.s_addr, 0);
	ck_assert_int_eq(pi.ipi_ifindex, 0);
}
END_TEST

START_TEST(build_v6_sets_addr_and_ifindex)
{
	union cmsg_send_buf buf;
	struct srcsel sel;
	struct cmsghdr *c = &buf.align;
	struct in6_pktinfo pi;
	size_t len;

	memset(&sel, 0, sizeof(sel));
	sel.family = AF_INET6;
	sel.src = tu_ip("fe80::1");
	sel.ifindex = 4;
	len = cmsg_build(&buf, &sel);
	ck_assert_uint_eq(len, CMSG_SPACE(sizeof(pi)));
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IPV6);
	ck_assert_int_eq(c->cmsg_type, IPV6_PKTINFO);
	ck_assert_uint_eq(c->cmsg_len, CMSG_LEN(sizeof(pi)));
	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	assert_addr(&pi.ipi6_addr, "fe80::1");
	ck_assert_uint_eq(pi.ipi6_ifindex, 4);
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
	for (i = CMSG_LEN(sizeof(struct in_pktinfo)); i < len; i++)
		ck_assert_uint_eq(buf.buf[i], 0);
}
END_TEST

static Suite *
cmsg_suite(void)
{
	Suite *s = suite_create("cmsg");
	TCase *parse = tcase_create("cmsg_parse");
	TCase *build = tcase_create("cmsg_build");

	tcase_add_test(parse, ipv4_peer_takes_in_pktinfo);
	tcase_add_test(parse, ipv4_peer_prefers_in_pktinfo_when_both_present);
	tcase_add_test(parse, ipv4_peer_accepts_v4mapped_in6_pktinfo_alone);
	tcase_add_test(parse, ipv6_peer_takes_in6_pktinfo);
	tcase_add_test(parse, ipv6_peer_ignores_in_pktinfo);
	tcase_add_test(parse, ipv6_peer_with_v4mapped_destination_is_rejected);
	tcase_add_test(parse, missing_pktinfo_is_reported);
	tcase_add_test(parse, short_cmsg_len_is_not_read);
	tcase_add_test(parse, cmsg_past_controllen_is_not_read);
	tcase_add_test(parse, unknown_cmsg_is_skipped);
	tcase_add_test(parse, rxq_ovfl_count_is_taken);
	tcase_add_test(parse, ctrunc_is_reported_even_with_pktinfo);
	tcase_add_test(build, build_v4_sets_spec_dst_and_zero_ifindex);
	tcase_add_test(build, build_v6_sets_addr_and_ifindex);
	tcase_add_test(build, build_into_dirty_buffer_clears_padding);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, build);
	return s;
}

int
main(void)
{
	return tu_run(cmsg_suite());
}
