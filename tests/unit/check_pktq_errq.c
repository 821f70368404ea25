/* Unit tests for pktq_errq: the verdict on hand-built error-queue control
 * data (both levels, both ICMP versions, short and cut messages), then
 * real port unreachables on loopback, over IPv4, IPv6 and a dual-stack
 * socket sending to a v4-mapped address. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#ifdef HAVE_LINUX_ERRQUEUE_H
#include <time.h>		/* before linux/errqueue.h, for its timespec */
#include <linux/errqueue.h>
#endif

#include "pktq_errq.h"
#include "testutil.h"

#ifdef HAVE_LINUX_ERRQUEUE_H
/* A control buffer assembled cmsg by cmsg, as the kernel would. */
struct fake {
	size_t used;
	struct msghdr msg;
	union {				/* last: cmsghdr ends in a flexible array */
		struct cmsghdr align;
		unsigned char buf[512];
	} u;
};

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
	f->msg.msg_control = f->u.buf;
	f->msg.msg_controllen = f->used;
}

/* An error as the kernel writes it: sock_extended_err, then the
 * offender's address. */
static void
fake_err(struct fake *f, int level, int type, int origin, int itype,
    int icode)
{
	struct {
		struct sock_extended_err ee;
		struct sockaddr_in6 offender;
	} e;
	size_t len = sizeof(e.ee) + (level == IPPROTO_IP ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));

	memset(&e, 0, sizeof(e));
	e.ee.ee_errno = origin == SO_EE_ORIGIN_LOCAL ? EMSGSIZE : ECONNREFUSED;
	e.ee.ee_origin = (unsigned char)origin;
	e.ee.ee_type = (unsigned char)itype;
	e.ee.ee_code = (unsigned char)icode;
	fake_add(f, level, type, &e, len, len);
}

static enum pktq_errq_verdict
verdict_of(int level, int type, int origin, int itype, int icode)
{
	struct fake f;

	memset(&f, 0, sizeof(f));
	fake_err(&f, level, type, origin, itype, icode);
	return pktq_errq_parse(&f.msg);
}

START_TEST(icmp_port_unreachable_is_port_unreach)
{
	ck_assert_int_eq(verdict_of(IPPROTO_IP, IP_RECVERR,
	    SO_EE_ORIGIN_ICMP, 3, 3), PKTQ_ERRQ_PORT_UNREACH);
}
END_TEST

START_TEST(icmp6_port_unreachable_is_port_unreach)
{
	ck_assert_int_eq(verdict_of(IPPROTO_IPV6, IPV6_RECVERR,
	    SO_EE_ORIGIN_ICMP6, 1, 4), PKTQ_ERRQ_PORT_UNREACH);
}
END_TEST

START_TEST(v4mapped_icmp_at_ipv6_level_is_port_unreach)
{
	/* A dual-stack socket reads an ICMPv4 error at level IPv6. */
	ck_assert_int_eq(verdict_of(IPPROTO_IPV6, IPV6_RECVERR,
	    SO_EE_ORIGIN_ICMP, 3, 3), PKTQ_ERRQ_PORT_UNREACH);
}
END_TEST

START_TEST(other_unreachables_are_other)
{
	/* Host unreachable; ICMPv6 address unreachable. */
	ck_assert_int_eq(verdict_of(IPPROTO_IP, IP_RECVERR,
	    SO_EE_ORIGIN_ICMP, 3, 1), PKTQ_ERRQ_OTHER);
	ck_assert_int_eq(verdict_of(IPPROTO_IPV6, IPV6_RECVERR,
	    SO_EE_ORIGIN_ICMP6, 1, 3), PKTQ_ERRQ_OTHER);
}
END_TEST

START_TEST(numbers_of_the_other_icmp_are_other)
{
	ck_assert_int_eq(verdict_of(IPPROTO_IP, IP_RECVERR,
	    SO_EE_ORIGIN_ICMP, 1, 4), PKTQ_ERRQ_OTHER);
	ck_assert_int_eq(verdict_of(IPPROTO_IPV6, IPV6_RECVERR,
	    SO_EE_ORIGIN_ICMP6, 3, 3), PKTQ_ERRQ_OTHER);
}
END_TEST

START_TEST(local_error_is_other)
{
	ck_assert_int_eq(verdict_of(IPPROTO_IP, IP_RECVERR,
	    SO_EE_ORIGIN_LOCAL, 3, 3), PKTQ_ERRQ_OTHER);
}
END_TEST

START_TEST(short_cmsg_len_is_not_read)
{
	struct sock_extended_err ee;
	struct fake f;

	memset(&f, 0, sizeof(f));
	memset(&ee, 0, sizeof(ee));
	ee.ee_origin = SO_EE_ORIGIN_ICMP;
	ee.ee_type = 3;
	ee.ee_code = 3;
	fake_add(&f, IPPROTO_IP, IP_RECVERR, &ee, sizeof(ee), sizeof(ee) - 1);
	ck_assert_int_eq(pktq_errq_parse(&f.msg), PKTQ_ERRQ_OTHER);
}
END_TEST

START_TEST(cut_control_data_is_other)
{
	struct fake f;

	memset(&f, 0, sizeof(f));
	fake_err(&f, IPPROTO_IP, IP_RECVERR, SO_EE_ORIGIN_ICMP, 3, 3);
	f.msg.msg_flags = MSG_CTRUNC;
	ck_assert_int_eq(pktq_errq_parse(&f.msg), PKTQ_ERRQ_OTHER);
}
END_TEST

START_TEST(unknown_cmsg_before_the_error_is_skipped)
{
	struct fake f;
	int ttl = 64;

	memset(&f, 0, sizeof(f));
	fake_add(&f, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl), sizeof(ttl));
	fake_err(&f, IPPROTO_IP, IP_RECVERR, SO_EE_ORIGIN_ICMP, 3, 3);
	ck_assert_int_eq(pktq_errq_parse(&f.msg), PKTQ_ERRQ_PORT_UNREACH);
}
END_TEST

START_TEST(entry_without_control_data_is_other)
{
	struct msghdr msg;

	memset(&msg, 0, sizeof(msg));
	ck_assert_int_eq(pktq_errq_parse(&msg), PKTQ_ERRQ_OTHER);
}
END_TEST

/* A port on host with no socket behind it: bound, then closed. */
static void
closed_port(const char *host, struct sockaddr_in6 *out)
{
	socklen_t len = sizeof(*out);
	int fd;

	memset(out, 0, sizeof(*out));
	out->sin6_family = AF_INET6;
	out->sin6_addr = tu_ip(host);
	ck_assert_int_ne(fd = socket(AF_INET6, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)out, sizeof(*out)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)out, &len), 0);
	close(fd);
}

/* Send to a closed port from a socket of family (IPv4 sends to the
 * v4-mapped dst unmapped); the drain after POLLERR must say so. */
static void
assert_live_port_unreach(int family, const char *host)
{
	struct sockaddr_in6 dst;
	struct sockaddr_in sin;
	struct pollfd pfd;
	int fd;

	closed_port(host, &dst);
	ck_assert_int_ne(fd = socket(family, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(pktq_errq_enable(fd, family), 0);
	ck_assert_int_eq(pktq_errq_drain(fd), PKTQ_ERRQ_NONE);
	if (family == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = dst.sin6_port;
		memcpy(&sin.sin_addr, &dst.sin6_addr.s6_addr[12], 4);
		ck_assert_int_eq(sendto(fd, "x", 1, 0, (struct sockaddr *)&sin,
		    sizeof(sin)), 1);
	} else
		ck_assert_int_eq(sendto(fd, "x", 1, 0, (struct sockaddr *)&dst,
		    sizeof(dst)), 1);
	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
	ck_assert(pfd.revents & POLLERR);
	ck_assert_int_eq(pktq_errq_drain(fd), PKTQ_ERRQ_PORT_UNREACH);
	/* Drained: poll waits again, and recvfrom has no error to give. */
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	errno = 0;
	ck_assert_int_eq(recv(fd, &sin, 1, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
	close(fd);
}

START_TEST(live_ipv4_port_unreach)
{
	assert_live_port_unreach(AF_INET, "127.0.0.1");
}
END_TEST

START_TEST(live_ipv6_port_unreach)
{
	assert_live_port_unreach(AF_INET6, "::1");
}
END_TEST

START_TEST(live_v4mapped_on_dual_stack_socket_port_unreach)
{
	assert_live_port_unreach(AF_INET6, "::ffff:127.0.0.1");
}
END_TEST

START_TEST(answer_is_not_an_error)
{
	struct sockaddr_in6 srv;
	socklen_t len = sizeof(srv);
	struct pollfd pfd;
	int fd, s;
	char c;

	memset(&srv, 0, sizeof(srv));
	srv.sin6_family = AF_INET6;
	srv.sin6_addr = tu_ip("::1");
	ck_assert_int_ne(s = socket(AF_INET6, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&srv, sizeof(srv)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&srv, &len), 0);
	ck_assert_int_ne(fd = socket(AF_INET6, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(pktq_errq_enable(fd, AF_INET6), 0);
	ck_assert_int_eq(sendto(fd, "x", 1, 0, (struct sockaddr *)&srv,
	    sizeof(srv)), 1);
	ck_assert_int_eq(recv(s, &c, 1, 0), 1);
	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	ck_assert_int_eq(poll(&pfd, 1, 200), 0);
	ck_assert_int_eq(pktq_errq_drain(fd), PKTQ_ERRQ_NONE);
	close(fd);
	close(s);
}
END_TEST

static Suite *
pktq_errq_suite(void)
{
	Suite *s = suite_create("pktq_errq");
	TCase *parse = tcase_create("pktq_errq_parse");
	TCase *drain = tcase_create("pktq_errq_drain");

	tcase_add_test(parse, icmp_port_unreachable_is_port_unreach);
	tcase_add_test(parse, icmp6_port_unreachable_is_port_unreach);
	tcase_add_test(parse, v4mapped_icmp_at_ipv6_level_is_port_unreach);
	tcase_add_test(parse, other_unreachables_are_other);
	tcase_add_test(parse, numbers_of_the_other_icmp_are_other);
	tcase_add_test(parse, local_error_is_other);
	tcase_add_test(parse, short_cmsg_len_is_not_read);
	tcase_add_test(parse, cut_control_data_is_other);
	tcase_add_test(parse, unknown_cmsg_before_the_error_is_skipped);
	tcase_add_test(parse, entry_without_control_data_is_other);
	tcase_add_test(drain, live_ipv4_port_unreach);
	tcase_add_test(drain, live_ipv6_port_unreach);
	tcase_add_test(drain, live_v4mapped_on_dual_stack_socket_port_unreach);
	tcase_add_test(drain, answer_is_not_an_error);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, drain);
	return s;
}

int
main(void)
{
	return tu_run(pktq_errq_suite());
}
#else
/* No error queue on this platform: nothing to test. */
int
main(void)
{
	return 77;
}
#endif
