/* cmsg_cases.h: the cmsg tests both platforms run — one table of control
 * buffers and what cmsg_parse must make of them, one of source choices and
 * what cmsg_build must write — so that the POSIX and Winsock versions are
 * held to the same cases.  Included once, by check_cmsg.c and
 * check_cmsg_win32.c, after the platform's cmsg header and these:
 *
 *   TC_CMSGHDR, TC_MSG, TC_IN_PKTINFO, TC_IN6_PKTINFO    the platform's types
 *   TC_CMSG_LEN, TC_CMSG_SPACE, TC_CMSG_DATA, TC_CMSG_FIRSTHDR,
 *   TC_CMSG_NXTHDR                                      its macros
 *   TC_HAS_SPEC_DST    1 where an IPv4 pktinfo reports a local address
 *                      apart from the destination (ip(7) ipi_spec_dst)
 *   tc_msg_set(msg, buf, len, ctrunc)     point msg at a control buffer
 *   tc_in_pktinfo_received(pi, dst, spec_dst, ifindex)
 *                      an IPv4 pktinfo as the receive side reports it
 *   tc_in_pktinfo_to_send(pi, src, ifindex)
 *                      the IPv4 pktinfo that sends from src
 *   TC_SUITE           the suite's name
 *
 * and, after it, tc_platform_cases, which adds the platform's own tests;
 * main is here.
 * Each table row is one behaviour, named in the row; a failure names it. */
#ifndef PKTINFOD_CMSG_CASES_H
#define PKTINFOD_CMSG_CASES_H

/* What follows a control message's header. */
enum tc_data {
	TC_NONE,		/* no message: the end of a row's list */
	TC_IN4,			/* an IPv4 pktinfo of addr, spec_dst, ifindex */
	TC_IN6,			/* an IPv6 pktinfo of addr, ifindex */
	TC_INT			/* an int, of value ifindex */
};

/* The cmsg_len a message claims. */
enum tc_len {
	TC_LEN_EXACT,		/* TC_CMSG_LEN of its data */
	TC_LEN_SHORT,		/* 4 bytes less */
	TC_LEN_ZERO		/* 0: no next header can be found from it */
};

/* Where the control length (msg_controllen, Control.len) ends. */
enum tc_end {
	TC_END_SPACE,		/* after the last message's padding */
	TC_END_LEN,		/* at the end of the last message's cmsg_len */
	TC_END_INSIDE		/* 2 bytes before that */
};

struct tc_cmsg {
	enum tc_data data;
	int level, type;
	enum tc_len len;
	const char *addr;
	const char *spec_dst;	/* TC_IN4; NULL: addr */
	unsigned int ifindex;
};

struct tc_parse_case {
	const char *name;
	const char *peer;
	struct tc_cmsg cmsg[3];
	enum tc_end end;
	int ctrunc;			/* MSG_CTRUNC is set */
	enum cmsg_status want;
	/* With CMSG_OK, what the metadata must say; spec_dst NULL: dst. */
	const char *dst, *spec_dst;
	unsigned int ifindex;
};

#define TC_IN4_MSG(addr, spec_dst, ifindex) \
	{ TC_IN4, IPPROTO_IP, IP_PKTINFO, TC_LEN_EXACT, addr, spec_dst, ifindex }
#define TC_IN6_MSG(addr, ifindex) \
	{ TC_IN6, IPPROTO_IPV6, IPV6_PKTINFO, TC_LEN_EXACT, addr, NULL, ifindex }

static const struct tc_parse_case tc_parse_cases[] = {
	{ .name = "ipv4_peer_takes_in_pktinfo", .peer = "192.0.2.10",
	  .cmsg = { TC_IN4_MSG("198.51.100.2", NULL, 3) },
	  .want = CMSG_OK, .dst = "198.51.100.2", .ifindex = 3 },
	/* Wine's order (.ci/WINDOWS.md section 3): the v4-mapped IPv6
	 * pktinfo first.  A broadcast destination: the local address is
	 * the one the kernel chose. */
	{ .name = "ipv4_peer_prefers_in_pktinfo_after_in6_pktinfo",
	  .peer = "192.0.2.10",
	  .cmsg = { TC_IN6_MSG("::ffff:192.0.2.99", 7),
		    TC_IN4_MSG("192.0.2.255", "192.0.2.1", 2) },
	  .want = CMSG_OK, .dst = "192.0.2.255", .spec_dst = "192.0.2.1",
	  .ifindex = 2 },
	{ .name = "ipv4_peer_prefers_in_pktinfo_before_in6_pktinfo",
	  .peer = "192.0.2.10",
	  .cmsg = { TC_IN4_MSG("192.0.2.1", NULL, 2),
		    TC_IN6_MSG("::ffff:192.0.2.99", 7) },
	  .want = CMSG_OK, .dst = "192.0.2.1", .ifindex = 2 },
	{ .name = "ipv4_peer_accepts_v4mapped_in6_pktinfo_alone",
	  .peer = "192.0.2.10",
	  .cmsg = { TC_IN6_MSG("::ffff:198.51.100.2", 3) },
	  .want = CMSG_OK, .dst = "198.51.100.2", .ifindex = 3 },
	{ .name = "ipv6_peer_takes_in6_pktinfo", .peer = "2001:db8:1::10",
	  .cmsg = { TC_IN6_MSG("2001:db8::1", 4) },
	  .want = CMSG_OK, .dst = "2001:db8::1", .ifindex = 4 },
	{ .name = "ipv6_peer_ignores_in_pktinfo", .peer = "2001:db8:1::10",
	  .cmsg = { TC_IN4_MSG("198.51.100.2", NULL, 3) },
	  .want = CMSG_NO_PKTINFO },
	{ .name = "ipv6_peer_with_v4mapped_destination_is_rejected",
	  .peer = "2001:db8:1::10",
	  .cmsg = { TC_IN6_MSG("::ffff:198.51.100.2", 3) },
	  .want = CMSG_NO_PKTINFO },
	{ .name = "ipv4_peer_with_ipv6_destination_is_rejected",
	  .peer = "192.0.2.10",
	  .cmsg = { TC_IN6_MSG("2001:db8::1", 3) },
	  .want = CMSG_NO_PKTINFO },
	{ .name = "missing_pktinfo_is_reported", .peer = "192.0.2.10",
	  .want = CMSG_NO_PKTINFO },
	{ .name = "short_cmsg_len_is_not_read", .peer = "192.0.2.10",
	  .cmsg = { { TC_IN4, IPPROTO_IP, IP_PKTINFO, TC_LEN_SHORT,
		      "198.51.100.2", NULL, 3 } },
	  .want = CMSG_NO_PKTINFO },
	/* The cmsg_len is right, but the control length ends inside the
	 * data: the pktinfo is not read past the buffer (found by
	 * tests/fuzz/fuzz_cmsg.c). */
	{ .name = "cmsg_past_control_len_is_not_read", .peer = "2001:db8::10",
	  .cmsg = { TC_IN6_MSG("2001:db8::1", 3) }, .end = TC_END_INSIDE,
	  .want = CMSG_NO_PKTINFO },
	{ .name = "cmsg_ending_at_control_len_is_read", .peer = "2001:db8::10",
	  .cmsg = { TC_IN6_MSG("2001:db8::1", 3) }, .end = TC_END_LEN,
	  .want = CMSG_OK, .dst = "2001:db8::1", .ifindex = 3 },
	/* A next-header macro that trusts cmsg_len (mingw's, the BSDs')
	 * finds the same header again for a cmsg_len of 0: the walk must
	 * end there, and not reach the pktinfo behind it either, since
	 * nothing says where that one starts. */
	{ .name = "zero_cmsg_len_ends_the_walk", .peer = "2001:db8::10",
	  .cmsg = { { TC_IN6, IPPROTO_IPV6, IPV6_PKTINFO, TC_LEN_ZERO,
		      "2001:db8::1", NULL, 3 },
		    TC_IN6_MSG("2001:db8::2", 5) },
	  .want = CMSG_NO_PKTINFO },
	/* IP_PKTINFO and IPV6_PKTINFO are both 19 on Windows: only the level
	 * tells them apart; and the type, what else rides at a level. */
	{ .name = "level_and_type_are_matched_together", .peer = "192.0.2.10",
	  .cmsg = { { TC_IN4, IPPROTO_IPV6, IP_PKTINFO, TC_LEN_EXACT,
		      "198.51.100.2", NULL, 3 } },
	  .want = CMSG_NO_PKTINFO },
	{ .name = "in6_pktinfo_at_the_ipv4_level_is_not_read",
	  .peer = "2001:db8:1::10",
	  .cmsg = { { TC_IN6, IPPROTO_IP, IPV6_PKTINFO, TC_LEN_EXACT,
		      "2001:db8::1", NULL, 3 } },
	  .want = CMSG_NO_PKTINFO },
	{ .name = "in_pktinfo_sized_message_of_another_type_is_not_read",
	  .peer = "192.0.2.10",
	  .cmsg = { { TC_IN4, IPPROTO_IP, IP_TTL, TC_LEN_EXACT,
		      "198.51.100.2", NULL, 3 } },
	  .want = CMSG_NO_PKTINFO },
	{ .name = "unknown_cmsg_is_skipped", .peer = "192.0.2.10",
	  .cmsg = { { TC_INT, IPPROTO_IP, IP_TTL, TC_LEN_EXACT, NULL, NULL,
		      64 },
		    TC_IN4_MSG("203.0.113.5", NULL, 9) },
	  .want = CMSG_OK, .dst = "203.0.113.5", .ifindex = 9 },
	{ .name = "ctrunc_is_reported_even_with_pktinfo", .peer = "192.0.2.10",
	  .cmsg = { TC_IN4_MSG("198.51.100.2", NULL, 3) }, .ctrunc = 1,
	  .want = CMSG_CTRUNC },
};

struct tc_build_case {
	const char *name;
	int family;
	const char *src;
	unsigned int ifindex;
};

static const struct tc_build_case tc_build_cases[] = {
	{ "ipv4_source_without_ifindex", AF_INET, "198.51.100.2", 0 },
	{ "ipv6_linklocal_source_with_ifindex", AF_INET6, "fe80::1", 4 },
	{ "ipv6_global_source_without_ifindex", AF_INET6, "2001:db8::1", 0 },
};

#define TC_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A control buffer assembled message by message, as the kernel (or
 * Winsock) would. */
struct fake {
	size_t used;
	size_t last;			/* the offset of the last message */
	enum tc_end end;
	int ctrunc;
	TC_MSG msg;
	struct dgram_meta m;
	union {				/* last: cmsghdr may end in a flexible array */
		TC_CMSGHDR align;
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

static TC_CMSGHDR *
fake_add(struct fake *f, int level, int type, const void *data, size_t len,
    size_t claimed_len)
{
	/* used is a multiple of TC_CMSG_SPACE, so c stays aligned. */
	TC_CMSGHDR *c = (void *)(f->u.buf + f->used);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = TC_CMSG_LEN(claimed_len);
	memcpy(TC_CMSG_DATA(c), data, len);
	f->last = f->used;
	f->used += TC_CMSG_SPACE(len);
	return c;
}

static void
fake_add_cmsg(struct fake *f, const struct tc_cmsg *tc)
{
	TC_IN_PKTINFO pi;
	TC_IN6_PKTINFO pi6;
	int value = (int)tc->ifindex;
	const void *data = &value;
	size_t len = sizeof(value);
	TC_CMSGHDR *c;

	if (tc->data == TC_IN4) {
		tc_in_pktinfo_received(&pi, tc->addr,
		    tc->spec_dst != NULL ? tc->spec_dst : tc->addr,
		    tc->ifindex);
		data = &pi;
		len = sizeof(pi);
	} else if (tc->data == TC_IN6) {
		memset(&pi6, 0, sizeof(pi6));
		pi6.ipi6_addr = tu_ip(tc->addr);
		pi6.ipi6_ifindex = tc->ifindex;
		data = &pi6;
		len = sizeof(pi6);
	}
	c = fake_add(f, tc->level, tc->type, data, len,
	    tc->len == TC_LEN_SHORT ? len - 4 : len);
	if (tc->len == TC_LEN_ZERO)
		c->cmsg_len = 0;
}

static enum cmsg_status
fake_parse(struct fake *f)
{
	size_t len = f->used;
	size_t last_len;

	if (f->end != TC_END_SPACE) {
		last_len = ((TC_CMSGHDR *)(void *)(f->u.buf + f->last))->cmsg_len;
		len = f->last + last_len - (f->end == TC_END_INSIDE ? 2 : 0);
	}
	tc_msg_set(&f->msg, len ? f->u.buf : NULL, len, f->ctrunc);
	return cmsg_parse(&f->m, &f->msg);
}

/* name: what is got, in the failure message of case name. */
static void
assert_addr(const char *name, const char *what, const struct in6_addr *got,
    const char *want)
{
	struct in6_addr w = tu_ip(want);
	char text[ADDR_STRLEN];

	ck_assert_msg(memcmp(got, &w, sizeof(w)) == 0, "%s: %s is %s, not %s",
	    name, what, addr_ntop(text, sizeof(text), got, 0), want);
}

START_TEST(parse_case)
{
	const struct tc_parse_case *pc = &tc_parse_cases[_i];
	struct fake f;
	enum cmsg_status got;
	int i;

	fake_init(&f, pc->peer);
	for (i = 0; i < TC_COUNT(pc->cmsg) && pc->cmsg[i].data != TC_NONE; i++)
		fake_add_cmsg(&f, &pc->cmsg[i]);
	f.end = pc->end;
	f.ctrunc = pc->ctrunc;
	got = fake_parse(&f);
	ck_assert_msg(got == pc->want, "%s: cmsg_parse returns %d, not %d",
	    pc->name, (int)got, (int)pc->want);
	if (pc->want != CMSG_OK)
		return;
	assert_addr(pc->name, "dst", &f.m.dst, pc->dst);
	assert_addr(pc->name, "spec_dst", &f.m.spec_dst,
	    TC_HAS_SPEC_DST && pc->spec_dst != NULL ? pc->spec_dst : pc->dst);
	ck_assert_msg(f.m.ifindex == pc->ifindex, "%s: ifindex is %u, not %u",
	    pc->name, f.m.ifindex, pc->ifindex);
}
END_TEST

/* The size of the pktinfo that sends from family. */
static size_t
pktinfo_size(int family)
{
	return family == AF_INET ? sizeof(TC_IN_PKTINFO) :
	    sizeof(TC_IN6_PKTINFO);
}

/* Build bc into a buffer filled with 0xa5; its length. */
static size_t
build_from(union cmsg_send_buf *buf, const struct tc_build_case *bc)
{
	struct srcsel sel;

	memset(buf, 0xa5, sizeof(*buf));
	memset(&sel, 0, sizeof(sel));
	sel.family = bc->family;
	sel.src = tu_ip(bc->src);
	sel.ifindex = bc->ifindex;
	return cmsg_build(buf, &sel);
}

static size_t
build_case(union cmsg_send_buf *buf, int i)
{
	return build_from(buf, &tc_build_cases[i]);
}

/* The one pktinfo that sends from the case's source, every byte of it. */
START_TEST(build_case_writes_its_pktinfo)
{
	const struct tc_build_case *bc = &tc_build_cases[_i];
	union cmsg_send_buf buf;
	TC_CMSGHDR *c = &buf.align;
	TC_IN_PKTINFO pi;
	TC_IN6_PKTINFO pi6;
	const void *want = &pi;
	size_t want_len = pktinfo_size(bc->family);
	size_t len = build_case(&buf, _i);

	if (bc->family == AF_INET) {
		tc_in_pktinfo_to_send(&pi, bc->src, bc->ifindex);
		ck_assert_msg(c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO, "%s: level %d, type %d",
		    bc->name, c->cmsg_level, c->cmsg_type);
	} else {
		memset(&pi6, 0, sizeof(pi6));
		pi6.ipi6_addr = tu_ip(bc->src);
		pi6.ipi6_ifindex = bc->ifindex;
		want = &pi6;
		ck_assert_msg(c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO, "%s: level %d, type %d",
		    bc->name, c->cmsg_level, c->cmsg_type);
	}
	ck_assert_msg(len == TC_CMSG_SPACE(want_len) &&
	    c->cmsg_len == TC_CMSG_LEN(want_len),
	    "%s: length %u, cmsg_len %u, not %u and %u", bc->name,
	    (unsigned int)len, (unsigned int)c->cmsg_len,
	    (unsigned int)TC_CMSG_SPACE(want_len),
	    (unsigned int)TC_CMSG_LEN(want_len));
	ck_assert_msg(memcmp(TC_CMSG_DATA(c), want, want_len) == 0,
	    "%s: the pktinfo's bytes differ", bc->name);
}
END_TEST

START_TEST(build_case_clears_the_padding)
{
	union cmsg_send_buf buf;
	size_t len = build_case(&buf, _i);
	size_t i;

	for (i = TC_CMSG_LEN(pktinfo_size(tc_build_cases[_i].family)); i < len;
	    i++)
		ck_assert_msg(buf.buf[i] == 0, "%s: byte %u is 0x%02x",
		    tc_build_cases[_i].name, (unsigned int)i, buf.buf[i]);
}
END_TEST

/* What was built walks as one control message with the platform's own
 * macros, as the kernel (or Winsock) reads it. */
START_TEST(build_case_walks_as_one_message)
{
	union cmsg_send_buf buf;
	TC_MSG msg;
	TC_CMSGHDR *c;

	memset(&msg, 0, sizeof(msg));
	tc_msg_set(&msg, buf.buf, build_case(&buf, _i), 0);
	c = TC_CMSG_FIRSTHDR(&msg);
	ck_assert_msg(c == &buf.align, "%s: no first header",
	    tc_build_cases[_i].name);
	ck_assert_msg(TC_CMSG_NXTHDR(&msg, c) == NULL, "%s: a second header",
	    tc_build_cases[_i].name);
}
END_TEST

/* The platform delivers both pktinfos for an IPv4 datagram (Linux; Wine);
 * one more message must still fit without MSG_CTRUNC. */
START_TEST(receive_buffer_holds_both_and_one_more)
{
	ck_assert_uint_ge(sizeof(union cmsg_recv_buf),
	    TC_CMSG_SPACE(sizeof(TC_IN_PKTINFO)) +
	    TC_CMSG_SPACE(sizeof(TC_IN6_PKTINFO)) + TC_CMSG_SPACE(sizeof(int)));
}
END_TEST

/* The platform's own tests, into its suite or the cmsg_parse case. */
static void tc_platform_cases(Suite *s, TCase *parse);

int
main(void)
{
	Suite *s = suite_create(TC_SUITE);
	TCase *parse = tcase_create("cmsg_parse");
	TCase *build = tcase_create("cmsg_build");

	suite_add_tcase(s, parse);
	suite_add_tcase(s, build);
	tcase_add_loop_test(parse, parse_case, 0, TC_COUNT(tc_parse_cases));
	tcase_add_test(parse, receive_buffer_holds_both_and_one_more);
	tcase_add_loop_test(build, build_case_writes_its_pktinfo, 0,
	    TC_COUNT(tc_build_cases));
	tcase_add_loop_test(build, build_case_clears_the_padding, 0,
	    TC_COUNT(tc_build_cases));
	tcase_add_loop_test(build, build_case_walks_as_one_message, 0,
	    TC_COUNT(tc_build_cases));
	tc_platform_cases(s, parse);
	return tu_run(s);
}

#endif
