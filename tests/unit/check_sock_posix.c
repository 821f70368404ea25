/* Unit tests for the socket layer on POSIX (sock.c over sock_posix.c).  A
 * fake kernel (sock_posix_use) plays the hosts a test machine is not: one
 * without IPv6 (socket(AF_INET6) fails with EAFNOSUPPORT), one whose IPv4
 * is off (IP_PKTINFO fails with EINVAL, socket(AF_INET) with
 * EAFNOSUPPORT), a port another program holds; it records the order of
 * the set-up calls and the exact msghdrs handed to sendmmsg and sendmsg.
 * The last test case is real: loopback round trips through the kernel. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "addr.h"
#include "cmsg.h"
#include "log.h"
#include "sock.h"
#include "sock_posix.h"
#include "fakesys.h"
#include "testutil.h"

#define FAKE_FD 3		/* the first socket the fake opens; then 4 */
#define MAX_FDS 8
#define MAX_DGRAMS 4
#define MAX_SENT 8
#define MAX_SCRIPT 8

/* A datagram the fake receive calls deliver. */
struct fake_dgram {
	struct sockaddr_storage from;
	socklen_t fromlen;
	char data[64];
	size_t len;
	unsigned int reported;	/* msg_len as Linux reports it; 0: len */
	int flags;		/* msg_flags */
	size_t ctllen;
	union cmsg_recv_buf ctl;	/* last: struct cmsghdr ends in a
					 * flexible array */
};

/* One msghdr the fake send calls took, as it was handed over. */
struct fake_sent {
	struct sockaddr_storage to;
	socklen_t tolen;
	int has_control;
	unsigned char ctl[CMSG_SEND_SPACE];
	size_t ctllen;
	size_t iovlen;
	char data[64];
	size_t len;
};

/* What the fake kernel is told to do, and what it saw. */
static struct {
	int next_fd;
	int socket6_err;	/* socket(AF_INET6) fails with this, 0: not */
	int socket4_err;
	int ip_pktinfo_err;	/* setsockopt(IP_PKTINFO) fails with this */
	int recvpktinfo_err;
	int rcvbufforce_err;
	int rxq_ovfl_err;
	int reuseport_err;
	int fcntl_err;
	int bind_err;		/* the bind of bind_err_fd fails with this */
	int bind_err_fd;
	struct sockaddr_storage bound[MAX_FDS];
	socklen_t boundlen[MAX_FDS];
	struct fake_dgram rx[MAX_DGRAMS];
	unsigned int nrx;
	int rx_err;		/* the receive calls fail with this, 0: not */
	int rx_calls;
	/* per send call: 0 take every header, N > 0 take N, -E fail with E */
	int script[MAX_SCRIPT];
	int tx_calls;
	unsigned int tx_vlen[MAX_SCRIPT];
	int tx_flags[MAX_SCRIPT];
	struct fake_sent sent[MAX_SENT];
	unsigned int nsent;
} fk;

static const char *
family_name(int af)
{
	return af == AF_INET6 ? "AF_INET6" : af == AF_INET ? "AF_INET" :
	    "other";
}

static int
fake_socket(int af, int type, int proto)
{
	ck_assert_int_eq(type, SOCK_DGRAM);
	ck_assert(proto == 0 || proto == IPPROTO_UDP);
	fs_record("socket(%s)", family_name(af));
	if ((af == AF_INET6 && fk.socket6_err != 0) ||
	    (af == AF_INET && fk.socket4_err != 0)) {
		errno = af == AF_INET6 ? fk.socket6_err : fk.socket4_err;
		return -1;
	}
	ck_assert_int_lt(fk.next_fd, MAX_FDS);
	return fk.next_fd++;
}

static const char *
opt_name(int level, int name)
{
	static const struct {
		int level, name;
		const char *text;
	} names[] = {
		{ IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY" },
		{ IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO" },
		{ IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO" },
		{ SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF" },
		{ SOL_SOCKET, SO_RCVBUFFORCE, "SO_RCVBUFFORCE" },
		{ SOL_SOCKET, SO_RXQ_OVFL, "SO_RXQ_OVFL" },
		{ SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].level == level && names[i].name == name)
			return names[i].text;
	return "other";
}

/* The error the fake was told to give for an option, 0: none. */
static int
opt_err(int level, int name)
{
	if (level == IPPROTO_IP && name == IP_PKTINFO)
		return fk.ip_pktinfo_err;
	if (level == IPPROTO_IPV6 && name == IPV6_RECVPKTINFO)
		return fk.recvpktinfo_err;
	if (level == SOL_SOCKET && name == SO_RCVBUFFORCE)
		return fk.rcvbufforce_err;
	if (level == SOL_SOCKET && name == SO_RXQ_OVFL)
		return fk.rxq_ovfl_err;
	if (level == SOL_SOCKET && name == SO_REUSEPORT)
		return fk.reuseport_err;
	return 0;
}

static int
fake_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	int v, err;

	ck_assert_uint_eq(len, sizeof(v));
	memcpy(&v, val, sizeof(v));
	fs_record("setsockopt(%d, %s, %d)", fd, opt_name(level, name), v);
	if ((err = opt_err(level, name)) != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

static int
fake_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	int v = 4194304;

	fs_record("getsockopt(%d, %s)", fd, opt_name(level, name));
	ck_assert_uint_eq(*len, sizeof(v));
	memcpy(val, &v, sizeof(v));
	return 0;
}

static int
fake_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int arg = 0;

	if (cmd != F_GETFL) {
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
	}
	if (cmd == F_GETFL)
		return O_RDWR;
	if (cmd == F_SETFL)
		fs_record("fcntl(%d, F_SETFL, %s)", fd,
		    (arg & O_NONBLOCK) ? "O_NONBLOCK" : "blocking");
	else if (cmd == F_SETFD)
		fs_record("fcntl(%d, F_SETFD, %s)", fd,
		    arg == FD_CLOEXEC ? "FD_CLOEXEC" : "other");
	if (fk.fcntl_err != 0) {
		errno = fk.fcntl_err;
		return -1;
	}
	return 0;
}

static int
fake_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_in6 sin;
	char text[ADDR_STRLEN];

	ck_assert_int_eq(addr_from_sockaddr(&sin, sa, len), 0);
	fs_record("bind(%d, %s, %s)", fd, addr_format(text, sizeof(text),
	    &sin), family_name(sa->sa_family));
	if (fk.bind_err != 0 && fd == fk.bind_err_fd) {
		errno = fk.bind_err;
		return -1;
	}
	ck_assert_uint_le(len, sizeof(fk.bound[fd]));
	memcpy(&fk.bound[fd], sa, len);
	fk.boundlen[fd] = len;
	return 0;
}

/* The address bound, with the port the kernel would pick for port 0. */
static int
fake_getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	struct sockaddr_storage ss = fk.bound[fd];

	fs_record("getsockname(%d)", fd);
	if (ss.ss_family == AF_INET6 &&
	    ((struct sockaddr_in6 *)&ss)->sin6_port == 0)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(40000);
	ck_assert_uint_ge(*len, fk.boundlen[fd]);
	memcpy(sa, &ss, fk.boundlen[fd]);
	*len = fk.boundlen[fd];
	return 0;
}

/* Deliver fake datagram d into h, as the kernel fills a msghdr. */
static unsigned int
deliver(struct msghdr *h, const struct fake_dgram *d)
{
	/* The headers are reset before every call. */
	ck_assert_uint_ge(h->msg_namelen, sizeof(struct sockaddr_in6));
	ck_assert_uint_ge(h->msg_controllen, sizeof(union cmsg_recv_buf));
	ck_assert_int_eq(h->msg_flags, 0);
	ck_assert_uint_eq(h->msg_iovlen, 1);
	memcpy(h->msg_name, &d->from, d->fromlen);
	h->msg_namelen = d->fromlen;
	memcpy(h->msg_control, d->ctl.buf, d->ctllen);
	h->msg_controllen = d->ctllen;
	ck_assert_uint_ge(h->msg_iov[0].iov_len, d->len);
	memcpy(h->msg_iov[0].iov_base, d->data, d->len);
	h->msg_flags = d->flags;
	return d->reported != 0 ? d->reported : (unsigned int)d->len;
}

static ssize_t
fake_recvmsg(int fd, struct msghdr *h, int flags)
{
	fs_record("recvmsg(%d)", fd);
	ck_assert_int_eq(flags, MSG_TRUNC);
	fk.rx_calls++;
	if (fk.rx_err != 0 || fk.nrx == 0) {
		errno = fk.rx_err != 0 ? fk.rx_err : EAGAIN;
		return -1;
	}
	return (ssize_t)deliver(h, &fk.rx[0]);
}

static int
fake_recvmmsg(int fd, struct mmsghdr *h, unsigned int n, int flags,
    struct timespec *timeout)
{
	unsigned int i;

	fs_record("recvmmsg(%d, %u)", fd, n);
	ck_assert_int_eq(flags, MSG_TRUNC);
	ck_assert_ptr_null(timeout);
	fk.rx_calls++;
	if (fk.rx_err != 0 || fk.nrx == 0) {
		errno = fk.rx_err != 0 ? fk.rx_err : EAGAIN;
		return -1;
	}
	for (i = 0; i < n && i < fk.nrx; i++)
		h[i].msg_len = deliver(&h[i].msg_hdr, &fk.rx[i]);
	return (int)i;
}

/* Keep a copy of the msghdr h exactly as it was handed over. */
static void
keep_sent(const struct msghdr *h)
{
	struct fake_sent *t;

	ck_assert_uint_lt(fk.nsent, MAX_SENT);
	t = &fk.sent[fk.nsent++];
	ck_assert_uint_le(h->msg_namelen, sizeof(t->to));
	memcpy(&t->to, h->msg_name, h->msg_namelen);
	t->tolen = h->msg_namelen;
	t->has_control = h->msg_control != NULL;
	ck_assert_uint_le(h->msg_controllen, sizeof(t->ctl));
	if (h->msg_controllen > 0)
		memcpy(t->ctl, h->msg_control, h->msg_controllen);
	t->ctllen = h->msg_controllen;
	t->iovlen = h->msg_iovlen;
	ck_assert_uint_eq(h->msg_iovlen, 1);
	ck_assert_uint_le(h->msg_iov[0].iov_len, sizeof(t->data));
	memcpy(t->data, h->msg_iov[0].iov_base, h->msg_iov[0].iov_len);
	t->len = h->msg_iov[0].iov_len;
}

/* How many of n headers this send call takes, or -1 with errno. */
static int
send_takes(unsigned int n, int flags)
{
	int call = fk.tx_calls++, act;

	ck_assert_int_lt(call, MAX_SCRIPT);
	fk.tx_vlen[call] = n;
	fk.tx_flags[call] = flags;
	act = fk.script[call];
	if (act < 0) {
		errno = -act;
		return -1;
	}
	return act == 0 || (unsigned int)act > n ? (int)n : act;
}

static ssize_t
fake_sendmsg(int fd, const struct msghdr *h, int flags)
{
	fs_record("sendmsg(%d)", fd);
	if (send_takes(1, flags) == -1)
		return -1;
	keep_sent(h);
	return (ssize_t)h->msg_iov[0].iov_len;
}

static int
fake_sendmmsg(int fd, struct mmsghdr *h, unsigned int n, int flags)
{
	int i, took;

	fs_record("sendmmsg(%d, %u)", fd, n);
	if ((took = send_takes(n, flags)) == -1)
		return -1;
	for (i = 0; i < took; i++) {
		keep_sent(&h[i].msg_hdr);
		h[i].msg_len = (unsigned int)h[i].msg_hdr.msg_iov[0].iov_len;
	}
	return took;
}

static int
fake_close(int fd)
{
	fs_record("close(%d)", fd);
	return 0;
}

static const struct sock_posix_api fake_api = {
	fake_socket, fake_setsockopt, fake_getsockopt, fake_fcntl, fake_bind,
	fake_getsockname, fake_recvmsg, fake_recvmmsg, fake_sendmsg,
	fake_sendmmsg, fake_close
};

static void
setup(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.next_fd = FAKE_FD;
	fs_reset();
	log_init("check_sock_posix", LOG_LVL_DEBUG, 0);
	sock_posix_use(&fake_api);
}

static void
teardown(void)
{
	sock_posix_use(NULL);
}

static struct sockaddr_in6
listen_on(const char *addr, uint16_t port)
{
	struct sockaddr_in6 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	sin.sin6_addr = tu_ip(addr);
	sin.sin6_port = htons(port);
	return sin;
}

/* Open on addr:4242 with the log caught. */
static struct sock *
open_at(const char *addr, int flags)
{
	struct sockaddr_in6 sin = listen_on(addr, 4242);
	struct sock *s;

	fs_catch_start();
	s = sock_open(&sin, flags);
	fs_catch_end();
	return s;
}

static struct sock *
open_caught(int flags)
{
	return open_at("::", flags);
}

static void
assert_before(const char *first, const char *then)
{
	fs_assert_called(first);
	fs_assert_called(then);
	ck_assert_msg(fs_index(first) < fs_index(then), "%s is not before %s",
	    first, then);
}

START_TEST(setup_follows_the_documented_order)
{
	struct sock *s = open_caught(0);
	const struct sock_features *f;

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(fs_call(0), "socket(AF_INET6)");
	ck_assert_str_eq(fs_call(1), "setsockopt(3, IPV6_V6ONLY, 0)");
	ck_assert_str_eq(fs_call(2), "setsockopt(3, IPV6_RECVPKTINFO, 1)");
	ck_assert_str_eq(fs_call(3), "setsockopt(3, IP_PKTINFO, 1)");
	assert_before("setsockopt(3, IP_PKTINFO, 1)",
	    "setsockopt(3, SO_RCVBUFFORCE, 2097152)");
	assert_before("setsockopt(3, SO_RXQ_OVFL, 1)",
	    "bind(3, [::]:4242, AF_INET6)");
	assert_before("fcntl(3, F_SETFL, O_NONBLOCK)",
	    "bind(3, [::]:4242, AF_INET6)");
	assert_before("fcntl(3, F_SETFD, FD_CLOEXEC)",
	    "bind(3, [::]:4242, AF_INET6)");
	assert_before("bind(3, [::]:4242, AF_INET6)", "getsockname(3)");
	ck_assert_int_eq(fs_index("setsockopt(3, SO_RCVBUF, 2097152)"), -1);
	ck_assert_int_eq(fs_index("socket(AF_INET)"), -1);
	ck_assert_int_eq(fs_index("setsockopt(3, SO_REUSEPORT, 1)"), -1);
	fs_assert_logged("debug: SO_RCVBUF on [::]:4242: 4194304 bytes");
	f = sock_features(s);
	ck_assert_int_eq(f->dualstack, 1);
	ck_assert_int_eq(f->pktinfo4, 1);
	ck_assert_int_eq(f->pktinfo6, 1);
	ck_assert_int_eq(f->reuseport, 0);
	ck_assert_uint_eq(sock_port(s), 4242);
	ck_assert_int_eq((int)sock_handle(s), FAKE_FD);
	sock_close(s);
	fs_assert_called("close(3)");
}
END_TEST

START_TEST(port_0_is_the_port_the_kernel_picked)
{
	struct sockaddr_in6 sin = listen_on("::", 0);
	struct sock *s;

	fs_catch_start();
	s = sock_open(&sin, 0);
	fs_catch_end();
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(sock_port(s), 40000);
	sock_close(s);
}
END_TEST

START_TEST(ipv4_disabled_host_serves_ipv6_only)
{
	struct sock *s;
	const struct sock_features *f;

	fk.ip_pktinfo_err = EINVAL;
	fk.socket4_err = EAFNOSUPPORT;
	s = open_caught(0);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(fs_call(3), "setsockopt(3, IP_PKTINFO, 1)");
	ck_assert_str_eq(fs_call(4), "socket(AF_INET)");
	fs_assert_called("bind(3, [::]:4242, AF_INET6)");
	f = sock_features(s);
	ck_assert_int_eq(f->pktinfo4, 0);
	ck_assert_int_eq(f->pktinfo6, 1);
	ck_assert_int_eq(f->dualstack, 0);
	fs_assert_logged("info: IP_PKTINFO on [::]:4242: Invalid argument, "
	    "and socket(AF_INET): Address family not supported by protocol; "
	    "IPv4 is disabled on this host, serving IPv6 only");
	ck_assert_ptr_null(strstr(fs_caught(), "error"));
	ck_assert_ptr_null(strstr(fs_caught(), "warn"));
	sock_close(s);
}
END_TEST

/* EINVAL while IPv4 works is a real failure: a daemon that went on would
 * answer IPv4 clients from addresses routing picks. */
START_TEST(einval_with_ipv4_present_is_fatal)
{
	fk.ip_pktinfo_err = EINVAL;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_str_eq(fs_call(4), "socket(AF_INET)");
	ck_assert_str_eq(fs_call(5), "close(4)");
	fs_assert_called("close(3)");
	ck_assert_int_eq(fs_index("bind(3, [::]:4242, AF_INET6)"), -1);
	fs_assert_logged("error: IP_PKTINFO on [::]:4242: Invalid argument");
}
END_TEST

START_TEST(einval_and_other_probe_error_is_fatal)
{
	fk.ip_pktinfo_err = EINVAL;
	fk.socket4_err = ENOBUFS;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_str_eq(fs_call(4), "socket(AF_INET)");
	fs_assert_called("close(3)");
	fs_assert_logged("error: IP_PKTINFO on [::]:4242: Invalid argument");
}
END_TEST

START_TEST(other_ip_pktinfo_error_is_fatal_without_probe)
{
	fk.ip_pktinfo_err = ENOPROTOOPT;
	fk.socket4_err = EAFNOSUPPORT;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_int_eq(fs_index("socket(AF_INET)"), -1);
	fs_assert_called("close(3)");
	fs_assert_logged("error: IP_PKTINFO on [::]:4242: Protocol not "
	    "available");
}
END_TEST

START_TEST(ipv6_recvpktinfo_is_mandatory)
{
	fk.recvpktinfo_err = ENOPROTOOPT;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_int_eq(fs_index("setsockopt(3, IP_PKTINFO, 1)"), -1);
	fs_assert_called("close(3)");
	fs_assert_logged("error: IPV6_RECVPKTINFO on [::]:4242: Protocol not "
	    "available");
}
END_TEST

START_TEST(no_ipv6_falls_back_to_ipv4_socket)
{
	struct sock *s;
	const struct sock_features *f;

	fk.socket6_err = EAFNOSUPPORT;
	s = open_caught(0);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(fs_call(0), "socket(AF_INET6)");
	ck_assert_str_eq(fs_call(1), "socket(AF_INET)");
	ck_assert_int_eq(fs_index("setsockopt(3, IPV6_V6ONLY, 0)"), -1);
	ck_assert_int_eq(fs_index("setsockopt(3, IPV6_RECVPKTINFO, 1)"), -1);
	fs_assert_called("setsockopt(3, IP_PKTINFO, 1)");
	/* The wildcard's port, not family 0 and port 0. */
	fs_assert_called("bind(3, 0.0.0.0:4242, AF_INET)");
	ck_assert_uint_eq(sock_port(s), 4242);
	f = sock_features(s);
	ck_assert_int_eq(f->pktinfo4, 1);
	ck_assert_int_eq(f->pktinfo6, 0);
	ck_assert_int_eq(f->dualstack, 0);
	fs_assert_logged("warn: socket(AF_INET6): Address family not "
	    "supported by protocol: IPv6 is unavailable, serving IPv4 only");
	sock_close(s);
}
END_TEST

START_TEST(no_ipv6_binds_an_ipv4_address_as_sockaddr_in)
{
	struct sock *s;

	fk.socket6_err = EAFNOSUPPORT;
	s = open_at("192.0.2.1", 0);
	ck_assert_ptr_nonnull(s);
	fs_assert_called("bind(3, 192.0.2.1:4242, AF_INET)");
	sock_close(s);
}
END_TEST

START_TEST(no_ipv6_refuses_an_ipv6_address)
{
	fk.socket6_err = EAFNOSUPPORT;
	ck_assert_ptr_null(open_at("2001:db8::1", 0));
	ck_assert_int_eq(fs_index("socket(AF_INET)"), -1);
	fs_assert_logged("error: socket(AF_INET6) for [2001:db8::1]:4242: "
	    "IPv6 is unavailable");
}
END_TEST

START_TEST(other_socket_error_is_fatal_without_fallback)
{
	fk.socket6_err = EMFILE;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_int_eq(fs_ncalls(), 1);
	fs_assert_logged("error: socket for [::]:4242: Too many open files");
}
END_TEST

/* The first worker's socket proves the port free without SO_REUSEPORT,
 * then binds it with SO_REUSEPORT as the other workers will. */
START_TEST(first_reuseport_socket_probes_the_port)
{
	struct sock *s = open_caught(SOCK_F_REUSEPORT | SOCK_F_FIRST);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(fs_call(0), "socket(AF_INET6)");
	ck_assert_str_eq(fs_call(1), "setsockopt(3, IPV6_V6ONLY, 0)");
	ck_assert_str_eq(fs_call(2), "bind(3, [::]:4242, AF_INET6)");
	fs_assert_called("close(3)");
	ck_assert_int_eq(fs_index("setsockopt(3, SO_REUSEPORT, 1)"), -1);
	ck_assert_str_eq(fs_call(fs_index("close(3)") + 1),
	    "socket(AF_INET6)");
	assert_before("setsockopt(4, SO_REUSEPORT, 1)",
	    "bind(4, [::]:4242, AF_INET6)");
	ck_assert_int_eq(sock_features(s)->reuseport, 1);
	ck_assert_int_eq((int)sock_handle(s), 4);
	sock_close(s);
}
END_TEST

START_TEST(port_taken_is_found_by_the_probe)
{
	fk.bind_err = EADDRINUSE;
	fk.bind_err_fd = 3;
	ck_assert_ptr_null(open_caught(SOCK_F_REUSEPORT | SOCK_F_FIRST));
	fs_assert_called("close(3)");
	ck_assert_int_eq(fs_index("socket(AF_INET6)"), 0);
	ck_assert_int_eq(fs_ncalls(), 4);
	fs_assert_logged("error: bind [::]:4242: Address already in use");
}
END_TEST

START_TEST(other_workers_join_without_a_probe)
{
	struct sock *s = open_caught(SOCK_F_REUSEPORT);

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq((int)sock_handle(s), FAKE_FD);
	fs_assert_called("setsockopt(3, SO_REUSEPORT, 1)");
	ck_assert_int_eq(fs_index("close(3)"), -1);
	sock_close(s);
}
END_TEST

START_TEST(reuseport_failure_is_fatal)
{
	fk.reuseport_err = ENOPROTOOPT;
	ck_assert_ptr_null(open_caught(SOCK_F_REUSEPORT));
	ck_assert_int_eq(fs_index("bind(3, [::]:4242, AF_INET6)"), -1);
	fs_assert_logged("error: SO_REUSEPORT on [::]:4242: Protocol not "
	    "available");
}
END_TEST

START_TEST(bind_failure_names_the_address)
{
	fk.bind_err = EADDRNOTAVAIL;
	fk.bind_err_fd = 3;
	ck_assert_ptr_null(open_caught(0));
	fs_assert_called("close(3)");
	fs_assert_logged("error: bind [::]:4242: Cannot assign requested "
	    "address");
}
END_TEST

/* Without root SO_RCVBUFFORCE fails: plain SO_RCVBUF, up to the cap. */
START_TEST(rcvbufforce_refused_falls_back_to_rcvbuf)
{
	struct sock *s;

	fk.rcvbufforce_err = EPERM;
	s = open_caught(0);
	ck_assert_ptr_nonnull(s);
	assert_before("setsockopt(3, SO_RCVBUFFORCE, 2097152)",
	    "setsockopt(3, SO_RCVBUF, 2097152)");
	ck_assert_ptr_null(strstr(fs_caught(), "warn"));
	sock_close(s);
}
END_TEST

START_TEST(rxq_ovfl_refused_only_warns)
{
	struct sock *s;

	fk.rxq_ovfl_err = ENOPROTOOPT;
	s = open_caught(0);
	ck_assert_ptr_nonnull(s);
	fs_assert_logged("warn: SO_RXQ_OVFL on [::]:4242: Protocol not "
	    "available; the kernel's drops will not be counted");
	fs_assert_called("bind(3, [::]:4242, AF_INET6)");
	sock_close(s);
}
END_TEST

START_TEST(fcntl_failure_is_fatal)
{
	fk.fcntl_err = EBADF;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_int_eq(fs_index("bind(3, [::]:4242, AF_INET6)"), -1);
	fs_assert_logged("error: fcntl on [::]:4242: Bad file descriptor");
}
END_TEST

/* A fake datagram, the next the receive calls deliver, from peer (IPv4 as
 * a v4-mapped sockaddr_in6, as the dual-stack socket reports it). */
static struct fake_dgram *
fake_datagram(const char *peer, uint16_t port, uint32_t scope,
    const char *data)
{
	struct fake_dgram *d;
	struct sockaddr_in6 sin;

	ck_assert_uint_lt(fk.nrx, MAX_DGRAMS);
	d = &fk.rx[fk.nrx++];
	memset(d, 0, sizeof(*d));
	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	sin.sin6_addr = tu_ip(peer);
	sin.sin6_port = htons(port);
	sin.sin6_scope_id = scope;
	memcpy(&d->from, &sin, sizeof(sin));
	d->fromlen = sizeof(sin);
	d->len = strlen(data);
	memcpy(d->data, data, d->len);
	return d;
}

static void
fake_cmsg(struct fake_dgram *d, int level, int type, const void *data,
    size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)(void *)(d->ctl.buf + d->ctllen);

	ck_assert_uint_le(d->ctllen + CMSG_SPACE(len), sizeof(d->ctl.buf));
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
	d->ctllen += CMSG_SPACE(len);
}

/* ip(7) IP_PKTINFO as Linux gives it: ipi_spec_dst the local address,
 * ipi_addr the header's destination. */
static void
fake_in_pktinfo(struct fake_dgram *d, const char *spec_dst, const char *dst,
    unsigned int ifindex)
{
	struct in6_addr a = tu_ip(spec_dst), b = tu_ip(dst);
	struct in_pktinfo pi;

	memset(&pi, 0, sizeof(pi));
	addr_get_v4(&pi.ipi_spec_dst, &a);
	addr_get_v4(&pi.ipi_addr, &b);
	pi.ipi_ifindex = (int)ifindex;
	fake_cmsg(d, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
}

/* A datagram from an IPv4 peer to the unicast dst on interface 3, with
 * the IP_PKTINFO Linux gives it. */
static struct fake_dgram *
fake_query4(const char *peer, uint16_t port, const char *data,
    const char *dst)
{
	struct fake_dgram *d = fake_datagram(peer, port, 0, data);

	fake_in_pktinfo(d, dst, dst, 3);
	return d;
}

static void
fake_in6_pktinfo(struct fake_dgram *d, const char *dst, unsigned int ifindex)
{
	struct in6_pktinfo pi;

	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = tu_ip(dst);
	pi.ipi6_ifindex = ifindex;
	fake_cmsg(d, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
}

/* An opened socket and a batch of 4 (batched unless one_by_one). */
static struct sock *
open_batch(int flags, int batch_io, struct sock_batch **b)
{
	struct sock *s = open_caught(flags);

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(*b = sock_batch_new(4, 512, 512, batch_io));
	ck_assert_int_eq(sock_batch_is_batched(*b), batch_io);
	return s;
}

static void
answer(struct sock_batch *b, struct sock_msg *msg, const char *text)
{
	size_t cap;

	msg->tx = sock_batch_tx(b, &cap);
	ck_assert_uint_ge(cap, strlen(text));
	memcpy(msg->tx, text, strlen(text));
	msg->txlen = strlen(text);
	sock_batch_tx_commit(b, msg->txlen);
}

/* Receive the one fake datagram and answer it with text. */
static struct sock_msg *
receive_and_answer(struct sock *s, struct sock_batch *b, const char *text)
{
	struct sock_msg *msg;
	unsigned int next = 0;

	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	msg = sock_batch_msg(b, 0);
	ck_assert_int_eq(msg->status, SOCK_RX_OK);
	answer(b, msg, text);
	ck_assert_int_eq(sock_send_batch(s, b, 1, &next), 0);
	ck_assert_uint_eq(next, 1);
	return msg;
}

static void
assert_sent_to(const struct fake_sent *t, const char *peer, uint16_t port,
    uint32_t scope)
{
	struct sockaddr_in6 to;
	struct in6_addr want = tu_ip(peer);

	/* The peer as a sockaddr_in6 on the dual-stack socket, an IPv4 one
	 * v4-mapped. */
	ck_assert_uint_eq(t->tolen, sizeof(to));
	memcpy(&to, &t->to, sizeof(to));
	ck_assert_int_eq(to.sin6_family, AF_INET6);
	ck_assert_mem_eq(&to.sin6_addr, &want, sizeof(want));
	ck_assert_uint_eq(ntohs(to.sin6_port), port);
	ck_assert_uint_eq(to.sin6_scope_id, scope);
}

/* The one control message of a sent header. */
static struct cmsghdr *
sent_cmsg(struct fake_sent *t)
{
	struct msghdr msg;
	struct cmsghdr *c;

	memset(&msg, 0, sizeof(msg));
	msg.msg_control = t->ctl;
	msg.msg_controllen = t->ctllen;
	c = CMSG_FIRSTHDR(&msg);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(CMSG_NXTHDR(&msg, c));
	return c;
}

static void
assert_sent_from4(struct fake_sent *t, const char *src)
{
	struct in6_addr a = tu_ip(src);
	struct in_addr want;
	struct in_pktinfo pi;
	struct cmsghdr *c;

	addr_get_v4(&want, &a);
	ck_assert_int_eq(t->has_control, 1);
	ck_assert_uint_eq(t->ctllen, CMSG_SPACE(sizeof(pi)));
	c = sent_cmsg(t);
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IP);
	ck_assert_int_eq(c->cmsg_type, IP_PKTINFO);
	ck_assert_uint_eq(c->cmsg_len, CMSG_LEN(sizeof(pi)));
	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	ck_assert_uint_eq(pi.ipi_spec_dst.s_addr, want.s_addr);
	/* ifindex 0: routing picks the interface (HACKING.md). */
	ck_assert_int_eq(pi.ipi_ifindex, 0);
}

static struct in6_pktinfo
sent_in6_pktinfo(struct fake_sent *t)
{
	struct in6_pktinfo pi;
	struct cmsghdr *c;

	ck_assert_uint_eq(t->ctllen, CMSG_SPACE(sizeof(pi)));
	c = sent_cmsg(t);
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IPV6);
	ck_assert_int_eq(c->cmsg_type, IPV6_PKTINFO);
	ck_assert_uint_eq(c->cmsg_len, CMSG_LEN(sizeof(pi)));
	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	return pi;
}

START_TEST(v4mapped_client_gets_in_pktinfo_with_spec_dst)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);
	struct sock_msg *msg;
	struct fake_dgram *d;

	/* What Linux delivers: IP_PKTINFO and the mapped IPV6_PKTINFO. */
	d = fake_datagram("192.0.2.10", 5353, 0, "{\"op\":\"ping\"}");
	fake_in_pktinfo(d, "198.51.100.2", "198.51.100.2", 3);
	fake_in6_pktinfo(d, "::ffff:198.51.100.2", 3);
	msg = receive_and_answer(s, b, "{\"ok\":true}");
	fs_assert_called("recvmmsg(3, 4)");
	ck_assert_uint_eq(msg->len, 13);
	ck_assert_mem_eq(msg->rx, "{\"op\":\"ping\"}", 13);
	ck_assert_uint_eq(msg->meta.ifindex, 3);
	ck_assert_int_eq(msg->err, 0);
	fs_assert_called("sendmmsg(3, 1)");
	ck_assert_int_eq(fk.tx_calls, 1);
	ck_assert_int_eq(fk.tx_flags[0], 0);
	ck_assert_uint_eq(fk.nsent, 1);
	assert_sent_to(&fk.sent[0], "192.0.2.10", 5353, 0);
	assert_sent_from4(&fk.sent[0], "198.51.100.2");
	ck_assert_uint_eq(fk.sent[0].iovlen, 1);
	ck_assert_uint_eq(fk.sent[0].len, 11);
	ck_assert_mem_eq(fk.sent[0].data, "{\"ok\":true}", 11);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* A broadcast D: the answer leaves from the unicast address the kernel
 * put in ipi_spec_dst, never from 255.255.255.255. */
START_TEST(broadcast_destination_answers_from_spec_dst)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);
	struct fake_dgram *d;

	d = fake_datagram("192.0.2.10", 5353, 0, "x");
	fake_in_pktinfo(d, "192.0.2.1", "255.255.255.255", 2);
	receive_and_answer(s, b, "y");
	assert_sent_from4(&fk.sent[0], "192.0.2.1");
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(ipv6_client_gets_in6_pktinfo_without_ifindex)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);
	struct in6_addr want = tu_ip("2001:db8::1");
	struct in6_pktinfo pi;
	struct fake_dgram *d;

	d = fake_datagram("2001:db8:1::10", 5353, 0, "x");
	fake_in6_pktinfo(d, "2001:db8::1", 4);
	receive_and_answer(s, b, "y");
	assert_sent_to(&fk.sent[0], "2001:db8:1::10", 5353, 0);
	pi = sent_in6_pktinfo(&fk.sent[0]);
	ck_assert_mem_eq(&pi.ipi6_addr, &want, sizeof(want));
	ck_assert_uint_eq(pi.ipi6_ifindex, 0);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(linklocal_client_gets_ifindex_and_scope)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);
	struct fake_dgram *d;

	d = fake_datagram("fe80::10", 5353, 4, "x");
	fake_in6_pktinfo(d, "fe80::1", 4);
	receive_and_answer(s, b, "y");
	assert_sent_to(&fk.sent[0], "fe80::10", 5353, 4);
	ck_assert_uint_eq(sent_in6_pktinfo(&fk.sent[0]).ipi6_ifindex, 4);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(naive_source_sends_no_control_data)
{
	struct sock_batch *b;
	struct sock *s = open_batch(SOCK_F_NAIVE, 1, &b);

	fake_query4("192.0.2.10", 5353, "x", "198.51.100.2");
	receive_and_answer(s, b, "y");
	ck_assert_int_eq(fk.sent[0].has_control, 0);
	ck_assert_uint_eq(fk.sent[0].ctllen, 0);
	assert_sent_to(&fk.sent[0], "192.0.2.10", 5353, 0);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* The AF_INET fallback socket takes a sockaddr_in and IP_PKTINFO. */
START_TEST(ipv4_socket_sends_to_a_sockaddr_in)
{
	struct sock_batch *b;
	struct sock *s;
	struct fake_dgram *d;
	struct sockaddr_in sin;
	struct in6_addr peer = tu_ip("192.0.2.10");

	fk.socket6_err = EAFNOSUPPORT;
	s = open_batch(0, 1, &b);
	d = fake_datagram("192.0.2.10", 5353, 0, "x");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5353);
	addr_get_v4(&sin.sin_addr, &peer);
	memcpy(&d->from, &sin, sizeof(sin));
	d->fromlen = sizeof(sin);
	fake_in_pktinfo(d, "198.51.100.2", "198.51.100.2", 3);
	receive_and_answer(s, b, "y");
	ck_assert_uint_eq(fk.sent[0].tolen, sizeof(sin));
	ck_assert_mem_eq(&fk.sent[0].to, &sin, sizeof(sin));
	assert_sent_from4(&fk.sent[0], "198.51.100.2");
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* One recvmmsg, one sendmmsg with the answers in order, packed: a
 * datagram without an answer takes no header. */
START_TEST(batch_goes_out_in_one_sendmmsg)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);
	unsigned int next = 0;
	struct fake_dgram *d;

	d = fake_query4("192.0.2.10", 1001, "a", "198.51.100.1");
	d = fake_query4("192.0.2.11", 1002, "b", "198.51.100.2");
	d = fake_datagram("2001:db8:1::12", 1003, 0, "c");
	fake_in6_pktinfo(d, "2001:db8::3", 3);
	ck_assert_int_eq(sock_recv_batch(s, b), 3);
	ck_assert_int_eq(fk.rx_calls, 1);
	answer(b, sock_batch_msg(b, 0), "A");
	answer(b, sock_batch_msg(b, 2), "CC");
	ck_assert_int_eq(sock_send_batch(s, b, 3, &next), 0);
	ck_assert_uint_eq(next, 3);
	ck_assert_int_eq(fk.tx_calls, 1);
	ck_assert_uint_eq(fk.tx_vlen[0], 2);
	ck_assert_uint_eq(fk.nsent, 2);
	assert_sent_to(&fk.sent[0], "192.0.2.10", 1001, 0);
	assert_sent_from4(&fk.sent[0], "198.51.100.1");
	ck_assert_mem_eq(fk.sent[0].data, "A", 1);
	assert_sent_to(&fk.sent[1], "2001:db8:1::12", 1003, 0);
	ck_assert_uint_eq(fk.sent[1].len, 2);
	ck_assert_mem_eq(fk.sent[1].data, "CC", 2);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* sendmmsg stops at a failing entry: that answer alone is lost, never
 * resent; the ones after it go in the next call. */
START_TEST(failing_entry_is_skipped_and_the_rest_sent)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);
	unsigned int next = 0, i;
	char text[2] = "a";

	for (i = 0; i < 3; i++) {
		fake_query4("192.0.2.10", (uint16_t)(1000 + i), "q", "198.51.100.1");
	}
	ck_assert_int_eq(sock_recv_batch(s, b), 3);
	for (i = 0; i < 3; i++, text[0]++)
		answer(b, sock_batch_msg(b, i), text);
	fk.script[0] = 1;
	fk.script[1] = -EADDRNOTAVAIL;
	ck_assert_int_eq(sock_send_batch(s, b, 3, &next), 0);
	ck_assert_uint_eq(next, 3);
	ck_assert_int_eq(fk.tx_calls, 3);
	ck_assert_uint_eq(fk.tx_vlen[0], 3);
	ck_assert_uint_eq(fk.tx_vlen[1], 2);
	ck_assert_uint_eq(fk.tx_vlen[2], 1);
	ck_assert_int_eq(sock_batch_msg(b, 0)->err, 0);
	ck_assert_int_eq(sock_batch_msg(b, 1)->err, EADDRNOTAVAIL);
	ck_assert_int_eq(sock_batch_msg(b, 2)->err, 0);
	ck_assert_uint_eq(fk.nsent, 2);
	ck_assert_mem_eq(fk.sent[0].data, "a", 1);
	ck_assert_mem_eq(fk.sent[1].data, "c", 1);
	assert_sent_to(&fk.sent[1], "192.0.2.10", 1002, 0);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

static void
full_socket(int err)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);
	unsigned int next = 0, i;

	for (i = 0; i < 2; i++) {
		fake_query4("192.0.2.10", (uint16_t)(1000 + i), "q", "198.51.100.1");
	}
	ck_assert_int_eq(sock_recv_batch(s, b), 2);
	answer(b, sock_batch_msg(b, 0), "a");
	answer(b, sock_batch_msg(b, 1), "b");
	fk.script[0] = 1;
	fk.script[1] = -err;
	errno = 0;
	ck_assert_int_eq(sock_send_batch(s, b, 2, &next), -1);
	ck_assert_int_eq(errno, err);
	ck_assert_uint_eq(next, 1);
	ck_assert_int_eq(sock_batch_msg(b, 1)->err, 0);
	/* Writable again: the rest goes, the first is not sent twice. */
	ck_assert_int_eq(sock_send_batch(s, b, 2, &next), 0);
	ck_assert_uint_eq(next, 2);
	ck_assert_uint_eq(fk.nsent, 2);
	ck_assert_mem_eq(fk.sent[1].data, "b", 1);
	sock_batch_free(b);
	sock_close(s);
}

START_TEST(full_socket_keeps_the_answers_queued)
{
	full_socket(EAGAIN);
}
END_TEST

START_TEST(enobufs_is_a_full_socket)
{
	full_socket(ENOBUFS);
}
END_TEST

/* --batch 1: recvmsg and sendmsg, one header each. */
START_TEST(one_by_one_uses_recvmsg_and_sendmsg)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 0, &b);

	fake_query4("192.0.2.10", 5353, "x", "198.51.100.2");
	fake_datagram("192.0.2.11", 5353, 0, "z");
	receive_and_answer(s, b, "y");
	fs_assert_called("recvmsg(3)");
	fs_assert_called("sendmsg(3)");
	ck_assert_int_eq(fs_index("recvmmsg(3, 4)"), -1);
	ck_assert_int_eq(fs_index("sendmmsg(3, 1)"), -1);
	ck_assert_int_eq(fk.tx_flags[0], 0);
	assert_sent_to(&fk.sent[0], "192.0.2.10", 5353, 0);
	assert_sent_from4(&fk.sent[0], "198.51.100.2");
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(one_by_one_send_error_is_recorded_and_not_retried)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 0, &b);
	unsigned int next = 0;

	fake_query4("192.0.2.10", 5353, "x", "198.51.100.2");
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	answer(b, sock_batch_msg(b, 0), "y");
	fk.script[0] = -EADDRNOTAVAIL;
	ck_assert_int_eq(sock_send_batch(s, b, 1, &next), 0);
	ck_assert_uint_eq(next, 1);
	ck_assert_int_eq(fk.tx_calls, 1);
	ck_assert_int_eq(sock_batch_msg(b, 0)->err, EADDRNOTAVAIL);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* The kernel rewrites a header's lengths and flags: the next receive
 * starts from full ones again (fake_recvmmsg checks). */
START_TEST(headers_are_reset_before_every_receive)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);
	struct fake_dgram *d;
	int round;

	d = fake_query4("192.0.2.10", 5353, "x", "198.51.100.2");
	d->flags = MSG_CTRUNC;
	for (round = 0; round < 2; round++) {
		ck_assert_int_eq(sock_recv_batch(s, b), 1);
		ck_assert_int_eq(sock_batch_msg(b, 0)->status,
		    SOCK_RX_NO_PKTINFO);
	}
	ck_assert_int_eq(fk.rx_calls, 2);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* What a datagram flagged MSG_TRUNC with msg_len reported reads as. */
static size_t
cut_length(unsigned int reported)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);
	struct fake_dgram *d;
	size_t len;

	d = fake_query4("192.0.2.10", 5353, "x", "198.51.100.2");
	d->flags = MSG_TRUNC;
	d->reported = reported;
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	ck_assert_int_eq(sock_batch_msg(b, 0)->status, SOCK_RX_OK);
	len = sock_batch_msg(b, 0)->len;
	sock_batch_free(b);
	sock_close(s);
	return len;
}

/* Linux reports a cut datagram's real length with MSG_TRUNC. */
START_TEST(cut_datagram_keeps_its_real_length)
{
	ck_assert_uint_eq(cut_length(1000), 1000);
}
END_TEST

/* Where MSG_TRUNC comes with the cut length, it still reads as too
 * large. */
START_TEST(cut_datagram_reads_as_too_large)
{
	ck_assert_uint_gt(cut_length(512), 512);
}
END_TEST

START_TEST(eagain_means_nothing_waiting)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);

	ck_assert_int_eq(sock_recv_batch(s, b), 0);
	ck_assert_int_eq(fk.rx_calls, 1);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(receive_error_is_returned_with_its_errno)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);

	fk.rx_err = ENETDOWN;
	errno = 0;
	ck_assert_int_eq(sock_recv_batch(s, b), -1);
	ck_assert_int_eq(errno, ENETDOWN);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(datagram_without_pktinfo_is_flagged)
{
	struct sock_batch *b;
	struct sock *s = open_batch(0, 1, &b);

	fake_datagram("192.0.2.10", 5353, 0, "x");
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	ck_assert_int_eq(sock_batch_msg(b, 0)->status, SOCK_RX_NO_PKTINFO);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* A multicast datagram reaches every worker's socket: only the first
 * worker's answers it; a unicast one is every worker's own. */
START_TEST(group_datagram_is_a_copy_on_other_workers)
{
	struct sock_batch *b;
	struct sock *s = open_batch(SOCK_F_REUSEPORT, 1, &b);
	struct fake_dgram *d;

	d = fake_datagram("2001:db8:1::10", 5353, 0, "x");
	fake_in6_pktinfo(d, "ff02::1", 2);
	d = fake_datagram("2001:db8:1::10", 5353, 0, "x");
	fake_in6_pktinfo(d, "2001:db8::1", 2);
	d = fake_datagram("192.0.2.10", 5353, 0, "x");
	fake_in_pktinfo(d, "192.0.2.1", "192.0.2.255", 2);
	ck_assert_int_eq(sock_recv_batch(s, b), 3);
	ck_assert_int_eq(sock_batch_msg(b, 0)->status, SOCK_RX_COPY);
	ck_assert_int_eq(sock_batch_msg(b, 1)->status, SOCK_RX_OK);
	ck_assert_int_eq(sock_batch_msg(b, 2)->status, SOCK_RX_COPY);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(group_datagram_is_the_first_workers_to_answer)
{
	struct sock_batch *b;
	struct sock *s = open_batch(SOCK_F_REUSEPORT | SOCK_F_FIRST, 1, &b);
	struct fake_dgram *d;

	d = fake_datagram("2001:db8:1::10", 5353, 0, "x");
	fake_in6_pktinfo(d, "ff02::1", 2);
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	ck_assert_int_eq(sock_batch_msg(b, 0)->status, SOCK_RX_OK);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* Answers start on cache lines, one after the other, and each is
 * promised the batch's whole tx_cap. */
START_TEST(answers_are_packed_on_cache_lines)
{
	struct sock_batch *b;
	char *first, *second;
	size_t cap;

	ck_assert_ptr_nonnull(b = sock_batch_new(4, 512, 500, 1));
	first = sock_batch_tx(b, &cap);
	ck_assert_uint_eq(cap, 512);
	sock_batch_tx_commit(b, 1);
	second = sock_batch_tx(b, &cap);
	ck_assert_uint_eq(cap, 512);
	ck_assert_int_eq((int)(second - first), SOCK_TX_ALIGN);
	sock_batch_tx_commit(b, 512);
	ck_assert_int_eq((int)(sock_batch_tx(b, &cap) - second), 512);
	sock_batch_free(b);
}
END_TEST

/* Real sockets from here on: loopback round trips through the kernel,
 * from a client socket of each family. */
static int
client_socket(const char *dst, uint16_t port, struct sockaddr_storage *to,
    socklen_t *tolen)
{
	struct in6_addr a = tu_ip(dst);
	int family = addr_is_v4mapped(&a) ? AF_INET : AF_INET6, c;

	ck_assert_int_ge(c = socket(family, SOCK_DGRAM, 0), 0);
	memset(to, 0, sizeof(*to));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)to;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		addr_get_v4(&sin->sin_addr, &a);
		*tolen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)to;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = a;
		*tolen = sizeof(*sin6);
	}
	return c;
}

static void
wait_readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	ck_assert_int_eq(poll(&p, 1, 5000), 1);
}

/* A datagram to dst comes back from dst, the server's port. */
static void
round_trip(const char *dst, int batch_io)
{
	struct sockaddr_in6 any = listen_on("::", 0), from;
	struct sockaddr_storage to, ss;
	struct in6_addr want = tu_ip(dst);
	struct sock_batch *b;
	struct sock_msg *msg;
	struct sock *s;
	unsigned int next = 0;
	socklen_t tolen, sslen = sizeof(ss);
	char buf[64];
	int c;

	sock_posix_use(NULL);
	ck_assert_ptr_nonnull(s = sock_open(&any, 0));
	ck_assert_ptr_nonnull(b = sock_batch_new(8, 512, 512, batch_io));
	c = client_socket(dst, sock_port(s), &to, &tolen);
	ck_assert_int_eq(sendto(c, "ping", 4, 0, (struct sockaddr *)&to,
	    tolen), 4);
	wait_readable((int)sock_handle(s));
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	msg = sock_batch_msg(b, 0);
	ck_assert_int_eq(msg->status, SOCK_RX_OK);
	ck_assert_uint_eq(msg->len, 4);
	ck_assert_mem_eq(&msg->meta.dst, &want, sizeof(want));
	ck_assert_uint_ne(msg->meta.ifindex, 0);
	answer(b, msg, "pong");
	ck_assert_int_eq(sock_send_batch(s, b, 1, &next), 0);
	ck_assert_int_eq(msg->err, 0);
	wait_readable(c);
	ck_assert_int_eq(recvfrom(c, buf, sizeof(buf), 0,
	    (struct sockaddr *)&ss, &sslen), 4);
	ck_assert_mem_eq(buf, "pong", 4);
	ck_assert_int_eq(addr_from_sockaddr(&from, (struct sockaddr *)&ss,
	    sslen), 0);
	ck_assert_mem_eq(&from.sin6_addr, &want, sizeof(want));
	ck_assert_uint_eq(ntohs(from.sin6_port), sock_port(s));
	close(c);
	sock_batch_free(b);
	sock_close(s);
}

START_TEST(loopback_ipv4_round_trip)
{
	round_trip("127.0.0.1", 1);
}
END_TEST

/* Linux routes all of 127/8 to lo: the answer to 127.0.0.2 must leave
 * from 127.0.0.2, not from the 127.0.0.1 routing would pick. */
START_TEST(loopback_answer_leaves_from_the_address_asked)
{
	round_trip("127.0.0.2", 1);
}
END_TEST

START_TEST(loopback_ipv4_round_trip_one_by_one)
{
	round_trip("127.0.0.3", 0);
}
END_TEST

START_TEST(loopback_ipv6_round_trip)
{
	round_trip("::1", 1);
}
END_TEST

static Suite *
sock_suite(void)
{
	Suite *s = suite_create("sock_posix");
	TCase *open = tcase_create("sock_open");
	TCase *io = tcase_create("sock_recv_send");
	TCase *batch = tcase_create("sock_batch");
	TCase *real = tcase_create("kernel");

	tcase_add_checked_fixture(open, setup, teardown);
	tcase_add_checked_fixture(io, setup, teardown);
	tcase_add_test(open, setup_follows_the_documented_order);
	tcase_add_test(open, port_0_is_the_port_the_kernel_picked);
	tcase_add_test(open, ipv4_disabled_host_serves_ipv6_only);
	tcase_add_test(open, einval_with_ipv4_present_is_fatal);
	tcase_add_test(open, einval_and_other_probe_error_is_fatal);
	tcase_add_test(open, other_ip_pktinfo_error_is_fatal_without_probe);
	tcase_add_test(open, ipv6_recvpktinfo_is_mandatory);
	tcase_add_test(open, no_ipv6_falls_back_to_ipv4_socket);
	tcase_add_test(open, no_ipv6_binds_an_ipv4_address_as_sockaddr_in);
	tcase_add_test(open, no_ipv6_refuses_an_ipv6_address);
	tcase_add_test(open, other_socket_error_is_fatal_without_fallback);
	tcase_add_test(open, first_reuseport_socket_probes_the_port);
	tcase_add_test(open, port_taken_is_found_by_the_probe);
	tcase_add_test(open, other_workers_join_without_a_probe);
	tcase_add_test(open, reuseport_failure_is_fatal);
	tcase_add_test(open, bind_failure_names_the_address);
	tcase_add_test(open, rcvbufforce_refused_falls_back_to_rcvbuf);
	tcase_add_test(open, rxq_ovfl_refused_only_warns);
	tcase_add_test(open, fcntl_failure_is_fatal);
	tcase_add_test(io, v4mapped_client_gets_in_pktinfo_with_spec_dst);
	tcase_add_test(io, broadcast_destination_answers_from_spec_dst);
	tcase_add_test(io, ipv6_client_gets_in6_pktinfo_without_ifindex);
	tcase_add_test(io, linklocal_client_gets_ifindex_and_scope);
	tcase_add_test(io, naive_source_sends_no_control_data);
	tcase_add_test(io, ipv4_socket_sends_to_a_sockaddr_in);
	tcase_add_test(io, batch_goes_out_in_one_sendmmsg);
	tcase_add_test(io, failing_entry_is_skipped_and_the_rest_sent);
	tcase_add_test(io, full_socket_keeps_the_answers_queued);
	tcase_add_test(io, enobufs_is_a_full_socket);
	tcase_add_test(io, one_by_one_uses_recvmsg_and_sendmsg);
	tcase_add_test(io, one_by_one_send_error_is_recorded_and_not_retried);
	tcase_add_test(io, headers_are_reset_before_every_receive);
	tcase_add_test(io, cut_datagram_keeps_its_real_length);
	tcase_add_test(io, cut_datagram_reads_as_too_large);
	tcase_add_test(io, eagain_means_nothing_waiting);
	tcase_add_test(io, receive_error_is_returned_with_its_errno);
	tcase_add_test(io, datagram_without_pktinfo_is_flagged);
	tcase_add_test(io, group_datagram_is_a_copy_on_other_workers);
	tcase_add_test(io, group_datagram_is_the_first_workers_to_answer);
	tcase_add_test(batch, answers_are_packed_on_cache_lines);
	tcase_add_test(real, loopback_ipv4_round_trip);
	tcase_add_test(real, loopback_answer_leaves_from_the_address_asked);
	tcase_add_test(real, loopback_ipv4_round_trip_one_by_one);
	tcase_add_test(real, loopback_ipv6_round_trip);
	suite_add_tcase(s, open);
	suite_add_tcase(s, io);
	suite_add_tcase(s, batch);
	suite_add_tcase(s, real);
	return s;
}

int
main(void)
{
	return tu_run(sock_suite());
}
