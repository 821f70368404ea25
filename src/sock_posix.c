/* sock_posix: the socket layer on POSIX sockets (Linux first). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cmsg.h"
#include "log.h"
#include "sock.h"
#include "srcsel.h"

struct sock {
	int fd;
	int family;		/* AF_INET6, or AF_INET without IPv6 */
	int naive;
	uint16_t port;
	struct sock_features features;
	char name[ADDR_STRLEN];	/* the bind address, for messages */
};

static int
set_int_opt(struct sock *s, int level, int name, int value, const char *what,
    int quiet)
{
	if (setsockopt(s->fd, level, name, &value, sizeof(value)) == 0)
		return 0;
	if (!quiet)
		log_error("%s on %s: %s", what, s->name, strerror(errno));
	return -1;
}

/* SPEC section 3 step 1: without IPv6 in the kernel, an AF_INET socket. */
static int
open_fd(struct sock *s, const struct sockaddr_in6 *bind_to)
{
	s->family = AF_INET6;
	s->fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (s->fd >= 0 || errno != EAFNOSUPPORT)
		goto done;
	if (!addr_is_v4mapped(&bind_to->sin6_addr) &&
	    !addr_is_unspecified(&bind_to->sin6_addr)) {
		log_error("socket(AF_INET6) for %s: IPv6 is unavailable",
		    s->name);
		errno = EAFNOSUPPORT;
		return -1;
	}
	log_warn("socket(AF_INET6): %s: IPv6 is unavailable, serving IPv4 "
	    "only", strerror(EAFNOSUPPORT));
	s->family = AF_INET;
	s->fd = socket(AF_INET, SOCK_DGRAM, 0);
done:
	if (s->fd < 0)
		log_error("socket for %s: %s", s->name, strerror(errno));
	return s->fd < 0 ? -1 : 0;
}

/* ip(7) IP_PKTINFO can fail on a dual-stack socket of a host without
 * IPv4; only then is an IPv6-only service right (SPEC section 3 step 4). */
static int
ipv4_is_disabled(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno == EAFNOSUPPORT;
}

static int
set_pktinfo4(struct sock *s)
{
	int saved;

	if (set_int_opt(s, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO", 1) == 0) {
		s->features.pktinfo4 = 1;
		return 0;
	}
	saved = errno;
	if (s->family == AF_INET6 && ipv4_is_disabled()) {
		log_info("IP_PKTINFO on %s: %s; IPv4 is disabled on this host, "
		    "serving IPv6 only", s->name, strerror(saved));
		return 0;
	}
	log_error("IP_PKTINFO on %s: %s", s->name, strerror(saved));
	errno = saved;
	return -1;
}

static int
set_options(struct sock *s, int flags)
{
	if (s->family == AF_INET6) {
		if (set_int_opt(s, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY",
		    0) == -1 ||
		    set_int_opt(s, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1,
		    "IPV6_RECVPKTINFO", 0) == -1)
			return -1;
		s->features.dualstack = 1;
		s->features.pktinfo6 = 1;
	}
	if (set_pktinfo4(s) == -1)
		return -1;
	if ((flags & SOCK_F_REUSEPORT) && set_int_opt(s, SOL_SOCKET,
	    SO_REUSEPORT, 1, "SO_REUSEPORT", 0) == -1)
		return -1;
	s->features.reuseport = (flags & SOCK_F_REUSEPORT) != 0;
	if (fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK) == -1 ||
	    fcntl(s->fd, F_SETFD, FD_CLOEXEC) == -1) {
		log_error("fcntl on %s: %s", s->name, strerror(errno));
		return -1;
	}
	return 0;
}

static int
bind_fd(struct sock *s, const struct sockaddr_in6 *bind_to)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 bound;
	socklen_t sslen;

	memset(&ss, 0, sizeof(ss));
	if (s->family == AF_INET6) {
		memcpy(&ss, bind_to, sizeof(*bind_to));
		sslen = sizeof(*bind_to);
	} else {
		addr_to_sockaddr_in((struct sockaddr_in *)&ss, bind_to);
		sslen = sizeof(struct sockaddr_in);
	}
	if (bind(s->fd, (struct sockaddr *)&ss, sslen) == -1) {
		log_error("bind %s: %s", s->name, strerror(errno));
		return -1;
	}
	sslen = sizeof(ss);
	if (getsockname(s->fd, (struct sockaddr *)&ss, &sslen) == -1 ||
	    addr_from_sockaddr(&bound, (struct sockaddr *)&ss, sslen) == -1) {
		log_error("getsockname %s: %s", s->name, strerror(errno));
		return -1;
	}
	s->port = ntohs(bound.sin6_port);
	return 0;
}

struct sock *
sock_open(const struct sockaddr_in6 *bind_to, int flags)
{
	struct sock *s;
	int saved;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->fd = -1;
	s->naive = (flags & SOCK_F_NAIVE) != 0;
	addr_format(s->name, sizeof(s->name), bind_to);
	if (open_fd(s, bind_to) == -1 || set_options(s, flags) == -1 ||
	    bind_fd(s, bind_to) == -1) {
		saved = errno;
		sock_close(s);
		errno = saved;
		return NULL;
	}
	return s;
}

void
sock_close(struct sock *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

intptr_t
sock_handle(const struct sock *s)
{
	return s->fd;
}

uint16_t
sock_port(const struct sock *s)
{
	return s->port;
}

const struct sock_features *
sock_features(const struct sock *s)
{
	return &s->features;
}

enum sock_rx
sock_recv(struct sock *s, void *buf, size_t cap, size_t *len,
    struct dgram_meta *m)
{
	union cmsg_recv_buf control;
	struct sockaddr_storage from;
	struct iovec iov = { buf, cap };
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	/* MSG_TRUNC as a flag: Linux then returns the datagram's real length. */
	n = recvmsg(s->fd, &msg, MSG_TRUNC);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? SOCK_RX_EMPTY :
		    SOCK_RX_ERROR;
	*len = (size_t)n;
	if (msg.msg_flags & MSG_TRUNC && *len <= cap)
		*len = cap + 1;
	memset(m, 0, sizeof(*m));
	if (addr_from_sockaddr(&m->peer, (struct sockaddr *)&from,
	    msg.msg_namelen) == -1)
		return SOCK_RX_NO_PKTINFO;
	return cmsg_parse(m, &msg) == CMSG_OK ? SOCK_RX_OK :
	    SOCK_RX_NO_PKTINFO;
}

static socklen_t
peer_sockaddr(const struct sock *s, const struct sockaddr_in6 *to,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (s->family == AF_INET) {
		addr_to_sockaddr_in((struct sockaddr_in *)ss, to);
		return sizeof(struct sockaddr_in);
	}
	/* SPEC section 3: IPv4 peers stay v4-mapped on a dual-stack socket. */
	memcpy(ss, to, sizeof(*to));
	return sizeof(*to);
}

int
sock_send(struct sock *s, const void *buf, size_t len,
    const struct dgram_meta *m)
{
	union cmsg_send_buf control;
	struct sockaddr_storage to;
	struct iovec iov = { (void *)buf, len };
	struct srcsel sel;
	struct msghdr msg;

	srcsel_choose(&sel, m);
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &to;
	msg.msg_namelen = peer_sockaddr(s, &sel.to, &to);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (!s->naive) {
		msg.msg_control = control.buf;
		msg.msg_controllen = cmsg_build(&control, &sel);
	}
	return sendmsg(s->fd, &msg, 0) == -1 ? -1 : 0;
}
