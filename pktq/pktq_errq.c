/* pktq_errq: ICMP errors for pktq's socket from Linux's error queue.
 *
 * Why not the simpler ECONNREFUSED: without IP_RECVERR, Linux passes an
 * ICMP port unreachable to recvfrom only on a connected UDP socket
 * (__udp4_lib_err and __udp6_lib_err drop it when the socket is not
 * TCP_ESTABLISHED, whatever udp(7) says), and pktq must not connect: a
 * connected socket drops the wrong-source answer pktq exists to show.
 * With IP_RECVERR the kernel queues every ICMP error for a datagram the
 * socket sent, connected or not; poll() then reports POLLERR, and
 * recvmsg(MSG_ERRQUEUE) reads a struct sock_extended_err with the ICMP
 * type and code (ip(7), ipv6(7)). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>

#ifdef HAVE_LINUX_ERRQUEUE_H
#include <time.h>		/* before linux/errqueue.h, for its timespec */
#include <linux/errqueue.h>
#endif

#include "pktq_errq.h"

#ifdef HAVE_LINUX_ERRQUEUE_H
/* An AF_INET6 socket gets IP_RECVERR too: the ICMPv4 error for a
 * v4-mapped destination on a dual-stack socket is queued only when the
 * IPv4 option is on (__udp4_lib_err reads inet->recverr), and is then
 * read as an IPV6_RECVERR message of origin SO_EE_ORIGIN_ICMP. */
int
pktq_errq_enable(int fd, int family)
{
	int on = 1;

	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on)) == -1)
		return -1;
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR,
	    &on, sizeof(on)) == -1)
		return -1;
	return 0;
}

/* The kernel writes the sock_extended_err and then the offender's
 * address (ip(7) SO_EE_OFFENDER), so the length is at least the first. */
static int
is_recverr(const struct cmsghdr *c)
{
	return ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
	    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) &&
	    c->cmsg_len >= CMSG_LEN(sizeof(struct sock_extended_err));
}

/* RFC 792: destination unreachable (3), port unreachable (3); RFC 4443
 * section 3.1: destination unreachable (1), port unreachable (4).  The
 * origin says which protocol's numbers these are, whatever the level. */
static int
is_port_unreach(const struct sock_extended_err *ee)
{
	return (ee->ee_origin == SO_EE_ORIGIN_ICMP && ee->ee_type == 3 &&
	    ee->ee_code == 3) || (ee->ee_origin == SO_EE_ORIGIN_ICMP6 &&
	    ee->ee_type == 1 && ee->ee_code == 4);
}

enum pktq_errq_verdict
pktq_errq_parse(struct msghdr *msg)
{
	struct sock_extended_err ee;
	struct cmsghdr *c;

	if (msg->msg_flags & MSG_CTRUNC)
		return PKTQ_ERRQ_OTHER;
	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (!is_recverr(c))
			continue;
		memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		return is_port_unreach(&ee) ? PKTQ_ERRQ_PORT_UNREACH :
		    PKTQ_ERRQ_OTHER;
	}
	return PKTQ_ERRQ_OTHER;
}

/* Reading an entry also clears the socket error it set, so a later
 * recvfrom does not return it a second time. */
enum pktq_errq_verdict
pktq_errq_drain(int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
		    sizeof(struct sockaddr_in6))];
	} control;
	enum pktq_errq_verdict v = PKTQ_ERRQ_NONE, one;
	struct msghdr msg;
	struct iovec iov;
	char data[64];

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		memset(&control, 0, sizeof(control));
		iov.iov_base = data;
		iov.iov_len = sizeof(data);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) == -1) {
			if (errno == EINTR)
				continue;
			return v;
		}
		if ((one = pktq_errq_parse(&msg)) > v)
			v = one;
	}
}
#else
int
pktq_errq_enable(int fd, int family)
{
	(void)fd;
	(void)family;
	return 0;
}

enum pktq_errq_verdict
pktq_errq_parse(struct msghdr *msg)
{
	(void)msg;
	return PKTQ_ERRQ_NONE;
}

enum pktq_errq_verdict
pktq_errq_drain(int fd)
{
	(void)fd;
	return PKTQ_ERRQ_NONE;
}
#endif
