/* sock: the socket layer's portable part — the set-up order and its
 * fallbacks, the batch and its packed answers, source selection and the
 * send-error rule — over one platform's calls (sock_sys_native, from
 * sock_posix.c or sock_win32.c). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "log.h"
#include "sock.h"
#include "sock_plat.h"
#include "srcsel.h"

/* Receive buffer asked for.  The default (Linux: net.core.rmem_default,
 * 208 KiB) holds about 150 small datagrams: a burst of more is dropped
 * before the daemon sees it. */
#define SOCK_RCVBUF (2 * 1024 * 1024)

static const struct sock_opt v6only = {
	IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY"
};
static const struct sock_opt pktinfo4 = {
	IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO"
};

static int
set_opt(struct sock *s, const struct sock_opt *o, int value, int quiet)
{
	int err;

	if (s->sys->set_int(s, o->level, o->name, value) == 0)
		return 0;
	err = errno;
	if (!quiet)
		log_error("%s on %s: %s", o->text, s->name, log_strerror(err));
	errno = err;
	return -1;
}

void
sock_opt_wish(struct sock *s, int level, int name, const char *text,
    const char *loss)
{
	if (s->sys->set_int(s, level, name, 1) == -1)
		log_warn("%s on %s: %s; %s", text, s->name,
		    log_strerror(errno), loss);
}

static void
close_fd(struct sock *s)
{
	if (s->fd != SOCK_NO_FD)
		s->sys->close(s);
	s->fd = SOCK_NO_FD;
}

/* A socket of its own for a probe, named and called like s.  0 / -1. */
static int
probe_like(struct sock *probe, const struct sock *s)
{
	*probe = *s;
	probe->fd = SOCK_NO_FD;
	probe->os = calloc(1, s->sys->os_size);
	return probe->os == NULL ? -1 : 0;
}

static void
probe_done(struct sock *probe)
{
	close_fd(probe);
	free(probe->os);
}

/* Without IPv6 in the kernel (socket(AF_INET6): EAFNOSUPPORT) an AF_INET
 * socket serves IPv4, when the address to bind is an IPv4 one or the
 * wildcard. */
static int
open_fd(struct sock *s, const struct sockaddr_in6 *bind_to)
{
	int err;

	s->family = AF_INET6;
	if (s->sys->open(s, AF_INET6) == 0)
		return 0;
	if ((err = errno) == s->sys->err.afnosupport) {
		if (!addr_is_v4mapped(&bind_to->sin6_addr) &&
		    !addr_is_unspecified(&bind_to->sin6_addr)) {
			log_error("socket(AF_INET6) for %s: IPv6 is "
			    "unavailable", s->name);
			errno = err;
			return -1;
		}
		log_warn("socket(AF_INET6): %s: IPv6 is unavailable, serving "
		    "IPv4 only", log_strerror(err));
		s->family = AF_INET;
		if (s->sys->open(s, AF_INET) == 0)
			return 0;
		err = errno;
	}
	log_error("socket for %s: %s", s->name, log_strerror(err));
	errno = err;
	return -1;
}

/* socket(AF_INET)'s error, or 0 when IPv4 works. */
static int
ipv4_probe(const struct sock *s)
{
	struct sock probe;
	int err = 0;

	if (probe_like(&probe, s) == -1)
		return errno;
	if (s->sys->open(&probe, AF_INET) == -1)
		err = errno;
	probe_done(&probe);
	return err;
}

/*
 * IP_PKTINFO fails with EINVAL on the dual-stack socket of a host whose
 * IPv4 stack is turned off (Windows; WSAEINVAL), and socket(AF_INET) then
 * fails with EAFNOSUPPORT: only both make an IPv6-only service right.
 * Anything else is fatal: a daemon that went on would answer IPv4 clients
 * from addresses routing picks.
 */
static int
set_pktinfo4(struct sock *s)
{
	int err, probe;

	if (set_opt(s, &pktinfo4, 1, 1) == 0) {
		s->features.pktinfo4 = 1;
		return 0;
	}
	err = errno;
	if (s->family == AF_INET6 && err == s->sys->err.inval &&
	    (probe = ipv4_probe(s)) == s->sys->err.afnosupport) {
		log_info("%s on %s: %s, and socket(AF_INET): %s; IPv4 is "
		    "disabled on this host, serving IPv6 only", pktinfo4.text,
		    s->name, log_strerror(err), log_strerror(probe));
		s->features.dualstack = 0;
		return 0;
	}
	log_error("%s on %s: %s", pktinfo4.text, s->name, log_strerror(err));
	errno = err;
	return -1;
}

/* As root, SO_RCVBUFFORCE passes Linux's cap (net.core.rmem_max).  Not
 * fatal: a small buffer still serves. */
static void
set_rcvbuf(struct sock *s)
{
	const struct sock_sys *sys = s->sys;
	int size = SOCK_RCVBUF;

	if (sys->rcvbuf_force == 0 ||
	    sys->set_int(s, SOL_SOCKET, sys->rcvbuf_force, size) == -1)
		sys->set_int(s, SOL_SOCKET, SO_RCVBUF, size);
	if (sys->get_int(s, SOL_SOCKET, SO_RCVBUF, &size) == 0)
		log_debug("SO_RCVBUF on %s: %d bytes", s->name, size);
}

static int
set_options(struct sock *s, int flags)
{
	struct sock_opt reuseport = {
		SOL_SOCKET, s->sys->reuseport, "SO_REUSEPORT"
	};

	if (s->family == AF_INET6) {
		if (set_opt(s, &v6only, 0, 0) == -1 ||
		    set_opt(s, &s->sys->pktinfo6, 1, 0) == -1)
			return -1;
		s->features.dualstack = 1;
		s->features.pktinfo6 = 1;
	}
	if (set_pktinfo4(s) == -1)
		return -1;
	set_rcvbuf(s);
	if (flags & SOCK_F_REUSEPORT) {
		if (set_opt(s, &reuseport, 1, 0) == -1)
			return -1;
		s->features.reuseport = 1;
	}
	return s->sys->prepare(s);
}

/* The AF_INET fallback binds the IPv4 form of the address; the wildcard
 * [::] has none and becomes 0.0.0.0 on the same port (passed on as it
 * was, it once bound family 0 and port 0: a random port, another for
 * each worker). */
static int
bind_addr(const struct sock *s, union sock_addr *a, size_t *len,
    const struct sockaddr_in6 *bind_to)
{
	memset(a, 0, sizeof(*a));
	if (s->family == AF_INET6) {
		a->v6 = *bind_to;
		*len = sizeof(a->v6);
		return 0;
	}
	*len = sizeof(a->v4);
	if (!addr_is_unspecified(&bind_to->sin6_addr))
		return addr_to_sockaddr_in(&a->v4, bind_to);
	a->v4.sin_family = AF_INET;
	a->v4.sin_port = bind_to->sin6_port;
	a->v4.sin_addr.s_addr = htonl(INADDR_ANY);
	return 0;
}

static int
bind_fd(struct sock *s, const struct sockaddr_in6 *bind_to)
{
	union sock_addr a;
	struct sockaddr_in6 bound;
	size_t len;
	int err;

	if (bind_addr(s, &a, &len, bind_to) == -1) {
		log_error("bind %s: an IPv6 address needs IPv6, which this "
		    "host does not have", s->name);
		errno = EINVAL;
		return -1;
	}
	if (s->sys->bind(s, &a, len) == -1) {
		err = errno;
		log_error("bind %s: %s", s->name, log_strerror(err));
		errno = err;
		return -1;
	}
	len = sizeof(a);
	if (s->sys->local(s, &a, &len) == -1 ||
	    addr_from_sockaddr(&bound, &a.sa, len) == -1) {
		err = errno;
		log_error("getsockname %s: %s", s->name, log_strerror(err));
		errno = err;
		return -1;
	}
	s->port = ntohs(bound.sin6_port);
	return 0;
}

/*
 * SO_REUSEPORT lets any socket of the same user join the port, so a second
 * pktinfod started by mistake would silently take half the traffic.  The
 * first worker's socket therefore first binds one without it: EADDRINUSE
 * then means the port really is taken.
 */
static int
probe_port_free(const struct sock *s, const struct sockaddr_in6 *bind_to)
{
	struct sock probe;
	int rc;

	if (bind_to->sin6_port == 0)
		return 0;
	if (probe_like(&probe, s) == -1)
		return -1;
	rc = open_fd(&probe, bind_to) == -1 ||
	    (probe.family == AF_INET6 && set_opt(&probe, &v6only, 0, 0) == -1) ||
	    bind_fd(&probe, bind_to) == -1 ? -1 : 0;
	probe_done(&probe);
	return rc;
}

/* Where the platform has no SO_REUSEPORT (Windows), one socket a port and
 * so one worker: the start-up refuses -w N > 1 before this is reached. */
static int
check_reuseport(const struct sock *s, int flags)
{
	if ((flags & SOCK_F_REUSEPORT) == 0 || s->sys->reuseport != 0)
		return 0;
	log_error("SO_REUSEPORT on %s: %s has none; run one worker", s->name,
	    s->sys->system);
	errno = s->sys->err.opnotsupp;
	return -1;
}

static int
open_bound(struct sock *s, const struct sockaddr_in6 *bind_to, int flags)
{
	int first = (flags & (SOCK_F_REUSEPORT | SOCK_F_FIRST)) ==
	    (SOCK_F_REUSEPORT | SOCK_F_FIRST);

	if (check_reuseport(s, flags) == -1 ||
	    (first && probe_port_free(s, bind_to) == -1) ||
	    open_fd(s, bind_to) == -1 || set_options(s, flags) == -1)
		return -1;
	return bind_fd(s, bind_to);
}

struct sock *
sock_open(const struct sockaddr_in6 *bind_to, int flags)
{
	struct sock *s;
	int err;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->fd = SOCK_NO_FD;
	s->sys = &sock_sys_native;
	if ((s->os = calloc(1, s->sys->os_size)) == NULL) {
		free(s);
		return NULL;
	}
	s->naive = (flags & SOCK_F_NAIVE) != 0;
	s->copies = (flags & (SOCK_F_REUSEPORT | SOCK_F_FIRST)) ==
	    SOCK_F_REUSEPORT;
	addr_format(s->name, sizeof(s->name), bind_to);
	if (open_bound(s, bind_to, flags) == -1) {
		err = errno;
		sock_close(s);
		errno = err;
		return NULL;
	}
	return s;
}

void
sock_close(struct sock *s)
{
	if (s == NULL)
		return;
	close_fd(s);
	free(s->os);
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

static size_t
tx_round(size_t len)
{
	return (len + SOCK_TX_ALIGN - 1) & ~(size_t)(SOCK_TX_ALIGN - 1);
}

static int
batch_alloc(struct sock_batch *b)
{
	unsigned int i;

	b->msg = calloc(b->n, sizeof(*b->msg));
	b->from = calloc(b->n, sizeof(*b->from));
	b->out = calloc(b->n, sizeof(*b->out));
	b->rxmem = malloc(b->n * b->rx_cap);
	b->txmem = malloc(b->n * b->tx_cap);
	if (b->msg == NULL || b->from == NULL || b->out == NULL ||
	    b->rxmem == NULL || b->txmem == NULL)
		return -1;
	for (i = 0; i < b->n; i++)
		b->msg[i].rx = b->rxmem + i * b->rx_cap;
	return sock_sys_native.hdrs_new(b);
}

struct sock_batch *
sock_batch_new(unsigned int n, size_t rx_cap, size_t tx_cap, int batch_io)
{
	struct sock_batch *b;

	if (n == 0 || (b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	/* One by one, only the first message is ever used. */
	b->batched = batch_io && n > 1 && sock_sys_native.batch;
	b->n = b->batched ? n : 1;
	b->rx_cap = rx_cap;
	/* Whole cache lines, so that packing (sock_batch_tx) keeps the
	 * promise of tx_cap bytes to every answer of a batch. */
	b->tx_cap = tx_round(tx_cap);
	if (batch_alloc(b) == -1) {
		sock_batch_free(b);
		errno = ENOMEM;
		return NULL;
	}
	return b;
}

void
sock_batch_free(struct sock_batch *b)
{
	if (b == NULL)
		return;
	if (b->hdrs != NULL)
		sock_sys_native.hdrs_free(b);
	free(b->msg);
	free(b->from);
	free(b->out);
	free(b->rxmem);
	free(b->txmem);
	free(b);
}

struct sock_msg *
sock_batch_msg(struct sock_batch *b, unsigned int i)
{
	return &b->msg[i];
}

/* Answers are packed one after the other, each starting on a cache line:
 * a batch of 64 small answers then fills a few kilobytes instead of
 * touching 64 pages (a 64 KiB slot per message cost the kernel's copy
 * about a quarter of its time per answer).  With every answer rounded up
 * to SOCK_TX_ALIGN, the j answers before this one used at most
 * j * tx_cap bytes, so tx_cap bytes are always left. */
char *
sock_batch_tx(struct sock_batch *b, size_t *cap)
{
	*cap = b->tx_cap;
	return b->txmem + b->tx_used;
}

void
sock_batch_tx_commit(struct sock_batch *b, size_t len)
{
	b->tx_used += tx_round(len);
}

int
sock_batch_is_batched(const struct sock_batch *b)
{
	return b->batched;
}

/* A broadcast or multicast datagram reaches every SO_REUSEPORT socket on
 * the port: the first worker's answers it, the others leave it. */
static void
mark_copies(struct sock_batch *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (b->msg[i].status == SOCK_RX_OK &&
		    srcsel_dst_is_group(&b->msg[i].meta))
			b->msg[i].status = SOCK_RX_COPY;
}

int
sock_recv_batch(struct sock *s, struct sock_batch *b)
{
	int n;

	b->tx_used = 0;
	if ((n = s->sys->recv(s, b)) == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	if (s->copies)
		mark_copies(b, (unsigned int)n);
	return n;
}

/* On the dual-stack socket an IPv4 client stays v4-mapped (Windows
 * rejects a sockaddr_in there); the AF_INET fallback takes a
 * sockaddr_in. */
static size_t
peer_addr(const struct sock *s, const struct sockaddr_in6 *to,
    union sock_addr *a)
{
	if (s->family == AF_INET) {
		addr_to_sockaddr_in(&a->v4, to);
		return sizeof(a->v4);
	}
	a->v6 = *to;
	return sizeof(a->v6);
}

static int
send_full(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
}

int
sock_send_batch(struct sock *s, struct sock_batch *b, unsigned int count,
    unsigned int *next)
{
	struct sock_out *o;
	unsigned int i, k = 0, m = 0;
	int r;

	for (i = *next; i < count; i++) {
		if (b->msg[i].txlen == 0)
			continue;
		o = &b->out[m++];
		srcsel_choose(&o->sel, &b->msg[i].meta);
		o->tolen = peer_addr(s, &o->sel.to, &o->to);
		o->msg = i;
	}
	while (k < m) {
		if ((r = s->sys->send(s, b, k, m)) >= 0) {
			k += (unsigned int)r;
			continue;
		}
		if (send_full(errno)) {
			*next = b->out[k].msg;
			return -1;
		}
		/* A send stops at the answer that failed (sendmmsg too): that
		 * answer alone is lost, and never resent from another
		 * address.  The others go on. */
		b->msg[b->out[k++].msg].err = errno;
	}
	*next = count;
	return 0;
}
