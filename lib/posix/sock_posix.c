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

/* Receive buffer asked for (the kernel doubles it for bookkeeping). */
#define SOCK_RCVBUF (2 * 1024 * 1024)

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
		s->features.dualstack = 0;
		return 0;
	}
	log_error("IP_PKTINFO on %s: %s", s->name, strerror(saved));
	errno = saved;
	return -1;
}

/*
 * The default receive buffer (net.core.rmem_default, 208 KiB) holds about
 * 150 small datagrams: a burst of more is dropped by the kernel before the
 * daemon sees it.  Ask for more; as root SO_RCVBUFFORCE passes the
 * net.core.rmem_max cap.  Not fatal: a small buffer still serves.
 */
#if HAVE_DECL_SO_RCVBUFFORCE
static int
force_rcvbuf(struct sock *s, int size)
{
	return setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size));
}
#else
static int
force_rcvbuf(struct sock *s, int size)
{
	(void)s;
	(void)size;
	errno = ENOPROTOOPT;
	return -1;
}
#endif

static void
set_rcvbuf(struct sock *s)
{
	int size = SOCK_RCVBUF;
	socklen_t len = sizeof(size);

	if (force_rcvbuf(s, size) == -1)
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, &len) == 0)
		log_debug("SO_RCVBUF on %s: %d bytes", s->name, size);
}

/* socket(7) SO_RXQ_OVFL: the kernel's drops for a full receive queue,
 * counted (rx_queue_dropped) instead of invisible.  Not fatal: the
 * daemon serves without the count. */
#if HAVE_DECL_SO_RXQ_OVFL
static void
set_rxq_ovfl(struct sock *s)
{
	if (set_int_opt(s, SOL_SOCKET, SO_RXQ_OVFL, 1, "SO_RXQ_OVFL", 1) == -1)
		log_warn("SO_RXQ_OVFL on %s: %s; the kernel's drops will not "
		    "be counted", s->name, strerror(errno));
}
#else
static void
set_rxq_ovfl(struct sock *s)
{
	(void)s;
}
#endif

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
	set_rcvbuf(s);
	set_rxq_ovfl(s);
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

/* The AF_INET fallback's address: the wildcard [::] becomes 0.0.0.0 on
 * the same port (it has no v4-mapped form: passed through as it was, the
 * bind got family 0 and port 0, a random port, and each worker another). */
static int
bind_port_v4(struct sockaddr_in *out, const struct sockaddr_in6 *bind_to)
{
	if (!addr_is_unspecified(&bind_to->sin6_addr))
		return addr_to_sockaddr_in(out, bind_to);
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = bind_to->sin6_port;
	out->sin_addr.s_addr = htonl(INADDR_ANY);
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
	} else if (bind_port_v4((struct sockaddr_in *)&ss, bind_to) == 0) {
		sslen = sizeof(struct sockaddr_in);
	} else {
		log_error("bind %s: an IPv6 address needs IPv6, which this "
		    "host does not have", s->name);
		return -1;
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

/*
 * SO_REUSEPORT lets any socket of the same user join the port, so a second
 * pktinfod started by mistake would silently take half the traffic.  The
 * first worker's socket therefore first binds without it: EADDRINUSE then
 * means the port really is taken.
 */
static int
probe_port_free(struct sock *s, const struct sockaddr_in6 *bind_to)
{
	struct sock probe = *s;
	int rc;

	if (bind_to->sin6_port == 0)
		return 0;
	if (open_fd(&probe, bind_to) == -1)
		return -1;
	rc = (probe.family == AF_INET6 && set_int_opt(&probe, IPPROTO_IPV6,
	    IPV6_V6ONLY, 0, "IPV6_V6ONLY", 0) == -1) ? -1 :
	    bind_fd(&probe, bind_to);
	close(probe.fd);
	return rc;
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
	if (((flags & (SOCK_F_REUSEPORT | SOCK_F_FIRST)) ==
	    (SOCK_F_REUSEPORT | SOCK_F_FIRST) &&
	    probe_port_free(s, bind_to) == -1) ||
	    open_fd(s, bind_to) == -1 || set_options(s, flags) == -1 ||
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

static const int have_mmsg;

struct sock_batch {
	unsigned int n;
	int batched;			/* recvmmsg/sendmmsg, else one by one */
	size_t rx_cap;
	size_t tx_cap;			/* room promised to every answer */
	size_t tx_used;			/* bytes of txmem this batch has used */
	char *txmem;			/* n * tx_cap bytes: the answers, packed */
	struct sock_msg *msg;
	struct mmsghdr *rhdr;		/* receive headers, one per message */
	struct mmsghdr *thdr;		/* send headers, packed */
	unsigned int *tmsg;		/* the message of each send header */
	struct iovec *riov, *tiov;
	struct sockaddr_storage *from, *to;
	union cmsg_recv_buf *rctl;
	union cmsg_send_buf *tctl;
	char *mem;
};

static int
batch_alloc(struct sock_batch *b, unsigned int n, size_t rx_cap)
{
	unsigned int i;

	b->msg = calloc(n, sizeof(*b->msg));
	b->rhdr = calloc(n, sizeof(*b->rhdr));
	b->thdr = calloc(n, sizeof(*b->thdr));
	b->tmsg = calloc(n, sizeof(*b->tmsg));
	b->riov = calloc(n, sizeof(*b->riov));
	b->tiov = calloc(n, sizeof(*b->tiov));
	b->from = calloc(n, sizeof(*b->from));
	b->to = calloc(n, sizeof(*b->to));
	b->rctl = calloc(n, sizeof(*b->rctl));
	b->tctl = calloc(n, sizeof(*b->tctl));
	b->mem = malloc(n * rx_cap);
	b->txmem = malloc(n * b->tx_cap);
	if (!b->msg || !b->rhdr || !b->thdr || !b->tmsg || !b->riov ||
	    !b->tiov || !b->from || !b->to || !b->rctl || !b->tctl ||
	    !b->mem || !b->txmem)
		return -1;
	for (i = 0; i < n; i++)
		b->msg[i].rx = b->mem + i * rx_cap;
	return 0;
}

struct sock_batch *
sock_batch_new(unsigned int n, size_t rx_cap, size_t tx_cap, int batch_io)
{
	struct sock_batch *b;

	if (n == 0 || (b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->n = n;
	b->rx_cap = rx_cap;
	/* Whole cache lines, so that packing (sock_batch_tx) keeps the
	 * promise of tx_cap bytes to every answer of a batch. */
	b->tx_cap = (tx_cap + SOCK_TX_ALIGN - 1) & ~(size_t)(SOCK_TX_ALIGN - 1);
	b->batched = batch_io && n > 1 && have_mmsg;
	if (batch_alloc(b, n, rx_cap) == -1) {
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
	free(b->msg);
	free(b->rhdr);
	free(b->thdr);
	free(b->tmsg);
	free(b->riov);
	free(b->tiov);
	free(b->from);
	free(b->to);
	free(b->rctl);
	free(b->tctl);
	free(b->mem);
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
	b->tx_used += (len + SOCK_TX_ALIGN - 1) & ~(size_t)(SOCK_TX_ALIGN - 1);
}

int
sock_batch_is_batched(const struct sock_batch *b)
{
	return b->batched;
}

/* The kernel rewrites lengths and flags: reset them before every call. */
static void
recv_prepare(struct sock_batch *b, unsigned int i)
{
	struct msghdr *h = &b->rhdr[i].msg_hdr;

	b->riov[i].iov_base = b->msg[i].rx;
	b->riov[i].iov_len = b->rx_cap;
	h->msg_name = &b->from[i];
	h->msg_namelen = sizeof(b->from[i]);
	h->msg_iov = &b->riov[i];
	h->msg_iovlen = 1;
	h->msg_control = b->rctl[i].buf;
	h->msg_controllen = sizeof(b->rctl[i].buf);
	h->msg_flags = 0;
}

/* After the kernel filled header i: the portable view of datagram i. */
static void
recv_finish(struct sock_batch *b, unsigned int i, size_t n)
{
	const struct msghdr *h = &b->rhdr[i].msg_hdr;
	struct sock_msg *msg = &b->msg[i];

	msg->len = n;
	msg->tx = NULL;
	/* With MSG_TRUNC Linux reports the real length; elsewhere make sure a
	 * cut datagram still reads as too large. */
	if ((h->msg_flags & MSG_TRUNC) && n <= b->rx_cap)
		msg->len = b->rx_cap + 1;
	msg->txlen = 0;
	msg->err = 0;
	memset(&msg->meta, 0, sizeof(msg->meta));
	if (addr_from_sockaddr(&msg->meta.peer, h->msg_name,
	    h->msg_namelen) == -1 || cmsg_parse(&msg->meta, h) != CMSG_OK)
		msg->status = SOCK_RX_NO_PKTINFO;
	else
		msg->status = SOCK_RX_OK;
}

static int
recv_one(struct sock *s, struct sock_batch *b)
{
	ssize_t n;

	recv_prepare(b, 0);
	if ((n = recvmsg(s->fd, &b->rhdr[0].msg_hdr, MSG_TRUNC)) == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	recv_finish(b, 0, (size_t)n);
	return 1;
}

#ifdef HAVE_MMSG
static const int have_mmsg = 1;

static int
recv_many(struct sock *s, struct sock_batch *b)
{
	unsigned int i;
	int n;

	for (i = 0; i < b->n; i++)
		recv_prepare(b, i);
	if ((n = recvmmsg(s->fd, b->rhdr, b->n, MSG_TRUNC, NULL)) == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	for (i = 0; i < (unsigned int)n; i++)
		recv_finish(b, i, b->rhdr[i].msg_len);
	return n;
}

static int
send_many(struct sock *s, struct sock_batch *b, unsigned int k,
    unsigned int m)
{
	return sendmmsg(s->fd, b->thdr + k, m - k, 0);
}
#else
/* Without recvmmsg/sendmmsg batches are never formed (have_mmsg is 0). */
static const int have_mmsg = 0;

static int
recv_many(struct sock *s, struct sock_batch *b)
{
	(void)s;
	(void)b;
	errno = ENOSYS;
	return -1;
}

static int
send_many(struct sock *s, struct sock_batch *b, unsigned int k,
    unsigned int m)
{
	(void)s;
	(void)b;
	(void)k;
	(void)m;
	errno = ENOSYS;
	return -1;
}
#endif

int
sock_recv_batch(struct sock *s, struct sock_batch *b)
{
	b->tx_used = 0;
	return b->batched ? recv_many(s, b) : recv_one(s, b);
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

/* Fill send header k for message i: to the client, from its source. */
static void
send_prepare(const struct sock *s, struct sock_batch *b, unsigned int k,
    unsigned int i)
{
	struct msghdr *h = &b->thdr[k].msg_hdr;
	struct sock_msg *msg = &b->msg[i];
	struct srcsel sel;

	srcsel_choose(&sel, &msg->meta);
	b->tiov[k].iov_base = msg->tx;
	b->tiov[k].iov_len = msg->txlen;
	h->msg_name = &b->to[k];
	h->msg_namelen = peer_sockaddr(s, &sel.to, &b->to[k]);
	h->msg_iov = &b->tiov[k];
	h->msg_iovlen = 1;
	h->msg_control = NULL;
	h->msg_controllen = 0;
	if (!s->naive) {
		h->msg_control = b->tctl[k].buf;
		h->msg_controllen = cmsg_build(&b->tctl[k], &sel);
	}
	b->tmsg[k] = i;
}

static int
send_full(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
}

/* Send headers k .. m-1; the count sent, or -1 with errno for header k. */
static int
send_headers(struct sock *s, struct sock_batch *b, unsigned int k,
    unsigned int m)
{
	if (b->batched)
		return send_many(s, b, k, m);
	return sendmsg(s->fd, &b->thdr[k].msg_hdr, 0) == -1 ? -1 : 1;
}

int
sock_send_batch(struct sock *s, struct sock_batch *b, unsigned int count,
    unsigned int *next)
{
	unsigned int i, k = 0, m = 0;
	int r;

	for (i = *next; i < count; i++)
		if (b->msg[i].txlen > 0)
			send_prepare(s, b, m++, i);
	while (k < m) {
		if ((r = send_headers(s, b, k, m)) >= 0) {
			k += (unsigned int)r;
			continue;
		}
		if (send_full(errno)) {
			*next = b->tmsg[k];
			return -1;
		}
		/* sendmmsg stops at a failing entry: that entry alone is lost. */
		b->msg[b->tmsg[k++]].err = errno;
	}
	*next = count;
	return 0;
}
