/* sock_posix: the socket layer's calls on POSIX sockets (Linux first) —
 * recvmmsg/sendmmsg, or recvmsg/sendmsg one by one, with cmsg.c's control
 * messages.  The policies are sock.c's. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmsg.h"
#include "log.h"
#include "sock.h"
#include "sock_plat.h"
#include "sock_posix.h"

/* socket(7): as root, SO_RCVBUFFORCE passes net.core.rmem_max. */
#if HAVE_DECL_SO_RCVBUFFORCE
#define RCVBUF_FORCE SO_RCVBUFFORCE
#else
#define RCVBUF_FORCE 0
#endif

#if HAVE_DECL_SO_REUSEPORT
#define REUSEPORT SO_REUSEPORT
#else
#define REUSEPORT 0
#endif

/* What a socket holds of the platform: the calls it was opened with. */
struct sock_os {
	const struct sock_posix_api *api;
};

static int
sys_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	return bind(fd, sa, len);
}

static int
sys_getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	return getsockname(fd, sa, len);
}

#ifdef HAVE_MMSG
#define MMSG 1
#define RECVMMSG recvmmsg
#define SENDMMSG sendmmsg
#else
/* Without recvmmsg/sendmmsg batches are never formed (MMSG is 0). */
#define MMSG 0
#define RECVMMSG NULL
#define SENDMMSG NULL
#endif

static const struct sock_posix_api kernel = {
	socket, setsockopt, getsockopt, fcntl, sys_bind, sys_getsockname,
	recvmsg, RECVMMSG, sendmsg, SENDMMSG, close
};

/* Set only by tests, before any socket is opened. */
static const struct sock_posix_api *api_in_use = &kernel;

void
sock_posix_use(const struct sock_posix_api *api)
{
	api_in_use = api != NULL ? api : &kernel;
}

/* What a header points at besides the batch's buffers (the control
 * buffer last: struct cmsghdr ends in a flexible array). */
struct rx_room {
	struct iovec iov;
	union cmsg_recv_buf ctl;
};

struct tx_room {
	struct iovec iov;
	union cmsg_send_buf ctl;
};

/* The headers, in the arrays recvmmsg and sendmmsg take. */
struct sock_hdrs {
	struct mmsghdr *rx, *tx;
	struct rx_room *rxr;
	struct tx_room *txr;
};

static int
posix_open(struct sock *s, int family)
{
	int fd;

	if (s->os->api == NULL)
		s->os->api = api_in_use;
	if ((fd = s->os->api->socket(family, SOCK_DGRAM, 0)) == -1)
		return -1;
	s->fd = fd;
	return 0;
}

static int
posix_set_int(struct sock *s, int level, int name, int value)
{
	return s->os->api->setsockopt((int)s->fd, level, name, &value,
	    sizeof(value));
}

static int
posix_get_int(struct sock *s, int level, int name, int *value)
{
	socklen_t len = sizeof(*value);

	return s->os->api->getsockopt((int)s->fd, level, name, value, &len);
}

static int
posix_bind(struct sock *s, const union sock_addr *a, size_t len)
{
	return s->os->api->bind((int)s->fd, &a->sa, (socklen_t)len);
}

static int
posix_local(struct sock *s, union sock_addr *a, size_t *len)
{
	socklen_t n = (socklen_t)*len;

	if (s->os->api->getsockname((int)s->fd, &a->sa, &n) == -1)
		return -1;
	*len = n;
	return 0;
}

/* socket(7) SO_RXQ_OVFL: the kernel's drops for a full receive queue,
 * counted (rx_queue_dropped) instead of invisible. */
#if HAVE_DECL_SO_RXQ_OVFL
static void
set_rxq_ovfl(struct sock *s)
{
	sock_opt_wish(s, SOL_SOCKET, SO_RXQ_OVFL, "SO_RXQ_OVFL",
	    "the kernel's drops will not be counted");
}
#else
static void
set_rxq_ovfl(struct sock *s)
{
	(void)s;
}
#endif

static int
posix_prepare(struct sock *s)
{
	const struct sock_posix_api *api = s->os->api;
	int fd = (int)s->fd, fl;

	set_rxq_ovfl(s);
	if ((fl = api->fcntl(fd, F_GETFL)) == -1 ||
	    api->fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    api->fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		log_error("fcntl on %s: %s", s->name, strerror(errno));
		return -1;
	}
	return 0;
}

static void
posix_close(struct sock *s)
{
	s->os->api->close((int)s->fd);
}

static void
posix_hdrs_free(struct sock_batch *b)
{
	free(b->hdrs->rx);
	free(b->hdrs->tx);
	free(b->hdrs->rxr);
	free(b->hdrs->txr);
	free(b->hdrs);
	b->hdrs = NULL;
}

/* What no call changes: where each header's name, data and control data
 * go. */
static void
hdr_point(struct sock_batch *b, unsigned int i)
{
	struct sock_hdrs *h = b->hdrs;
	struct msghdr *rx = &h->rx[i].msg_hdr, *tx = &h->tx[i].msg_hdr;

	h->rxr[i].iov.iov_base = b->msg[i].rx;
	h->rxr[i].iov.iov_len = b->rx_cap;
	rx->msg_name = &b->from[i];
	rx->msg_iov = &h->rxr[i].iov;
	rx->msg_iovlen = 1;
	rx->msg_control = h->rxr[i].ctl.buf;
	tx->msg_name = &b->out[i].to;
	tx->msg_iov = &h->txr[i].iov;
	tx->msg_iovlen = 1;
}

static int
posix_hdrs_new(struct sock_batch *b)
{
	struct sock_hdrs *h;
	unsigned int i;

	if ((h = b->hdrs = calloc(1, sizeof(*h))) == NULL)
		return -1;
	h->rx = calloc(b->n, sizeof(*h->rx));
	h->tx = calloc(b->n, sizeof(*h->tx));
	h->rxr = calloc(b->n, sizeof(*h->rxr));
	h->txr = calloc(b->n, sizeof(*h->txr));
	if (h->rx == NULL || h->tx == NULL || h->rxr == NULL ||
	    h->txr == NULL)
		return -1;
	for (i = 0; i < b->n; i++)
		hdr_point(b, i);
	return 0;
}

/* The kernel rewrites lengths and flags: reset them before every call. */
static void
rx_reset(struct sock_batch *b, unsigned int i)
{
	struct msghdr *h = &b->hdrs->rx[i].msg_hdr;

	h->msg_namelen = sizeof(b->from[i]);
	h->msg_controllen = sizeof(b->hdrs->rxr[i].ctl.buf);
	h->msg_flags = 0;
}

static void
rx_finish(struct sock_batch *b, unsigned int i)
{
	const struct mmsghdr *h = &b->hdrs->rx[i];
	struct sock_msg *msg;

	msg = sock_arrived(b, i, h->msg_len, h->msg_hdr.msg_namelen,
	    (h->msg_hdr.msg_flags & MSG_TRUNC) != 0);
	if (msg->status == SOCK_RX_OK &&
	    cmsg_parse(&msg->meta, &h->msg_hdr) != CMSG_OK)
		msg->status = SOCK_RX_NO_PKTINFO;
}

static int
posix_recv(struct sock *s, struct sock_batch *b)
{
	struct mmsghdr *h = b->hdrs->rx;
	unsigned int i;
	ssize_t len;
	int n = 1;

	for (i = 0; i < b->n; i++)
		rx_reset(b, i);
	if (b->batched)
		n = s->os->api->recvmmsg((int)s->fd, h, b->n, MSG_TRUNC, NULL);
	else if ((len = s->os->api->recvmsg((int)s->fd, &h->msg_hdr,
	    MSG_TRUNC)) >= 0)
		h->msg_len = (unsigned int)len;
	else
		n = -1;
	for (i = 0; n > 0 && i < (unsigned int)n; i++)
		rx_finish(b, i);
	return n;
}

/* Send header j for answer j: to the client, from its source. */
static void
tx_fill(const struct sock *s, struct sock_batch *b, unsigned int j)
{
	struct tx_room *r = &b->hdrs->txr[j];
	const struct sock_out *o = &b->out[j];
	struct msghdr *m = &b->hdrs->tx[j].msg_hdr;

	r->iov.iov_base = b->msg[o->msg].tx;
	r->iov.iov_len = b->msg[o->msg].txlen;
	m->msg_namelen = (socklen_t)o->tolen;
	m->msg_control = s->naive ? NULL : r->ctl.buf;
	m->msg_controllen = s->naive ? 0 : cmsg_build(&r->ctl, &o->sel);
}

static int
posix_send(struct sock *s, struct sock_batch *b, unsigned int k,
    unsigned int m)
{
	unsigned int j;

	if (!b->batched)
		m = k + 1;
	for (j = k; j < m; j++)
		tx_fill(s, b, j);
	if (b->batched)
		return s->os->api->sendmmsg((int)s->fd, b->hdrs->tx + k, m - k,
		    0);
	if (s->os->api->sendmsg((int)s->fd, &b->hdrs->tx[k].msg_hdr, 0) == -1)
		return -1;
	return 1;
}

const struct sock_sys sock_sys_native = {
	"this system", MMSG, REUSEPORT, RCVBUF_FORCE,
	{ IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO" },
	{ EAFNOSUPPORT, EINVAL, EOPNOTSUPP }, sizeof(struct sock_os),
	posix_open, posix_set_int, posix_get_int, posix_bind, posix_local,
	posix_prepare, posix_close, posix_hdrs_new, posix_hdrs_free,
	posix_recv, posix_send
};
