/* sock_win32: the socket layer's calls on Winsock — WSARecvMsg and
 * WSASendMsg with cmsg_win32.c's IN_PKTINFO / IN6_PKTINFO, one datagram a
 * call (Windows has no recvmmsg), Winsock's errors as WSA* codes.  The
 * policies are sock.c's; Winsock is started once, by plat_init. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

#include "cmsg_win32.h"
#include "log.h"
#include "sock.h"
#include "sock_plat.h"
#include "sock_win32.h"

/* What a socket holds of the platform: the calls it was opened with,
 * and the provider's WSARecvMsg. */
struct sock_os {
	const struct sock_win32_api *api;
	LPFN_WSARECVMSG recvmsg;
};

static const struct sock_win32_api winsock = {
	socket, setsockopt, getsockopt, ioctlsocket, WSAIoctl, bind,
	getsockname, WSASendMsg, closesocket
};

/* Set only by tests, before any socket is opened. */
static const struct sock_win32_api *api_in_use = &winsock;

void
sock_win32_use(const struct sock_win32_api *api)
{
	api_in_use = api != NULL ? api : &winsock;
}

/* One receive and one send header: every call handles one datagram. */
struct sock_hdrs {
	WSAMSG rx, tx;
	WSABUF rbuf, tbuf;
	union cmsg_recv_buf rctl;
	union cmsg_send_buf tctl;
};

/* Winsock's error, where the socket layer looks for it. */
static int
wsa_failed(void)
{
	errno = WSAGetLastError();
	return -1;
}

static int
win_open(struct sock *s, int family)
{
	SOCKET fd;

	if (s->os->api == NULL)
		s->os->api = api_in_use;
	fd = s->os->api->socket(family, SOCK_DGRAM, IPPROTO_UDP);
	if (fd == INVALID_SOCKET)
		return wsa_failed();
	s->fd = (intptr_t)fd;
	return 0;
}

/* Winsock takes a DWORD for a boolean or a size. */
static int
win_set_int(struct sock *s, int level, int name, int value)
{
	DWORD v = (DWORD)value;

	if (s->os->api->setsockopt((SOCKET)s->fd, level, name,
	    (const char *)&v, sizeof(v)) == SOCKET_ERROR)
		return wsa_failed();
	return 0;
}

static int
win_get_int(struct sock *s, int level, int name, int *value)
{
	int len = sizeof(*value);

	if (s->os->api->getsockopt((SOCKET)s->fd, level, name, (char *)value,
	    &len) == SOCKET_ERROR)
		return wsa_failed();
	return 0;
}

static int
win_bind(struct sock *s, const union sock_addr *a, size_t len)
{
	if (s->os->api->bind((SOCKET)s->fd, &a->sa, (int)len) ==
	    SOCKET_ERROR)
		return wsa_failed();
	return 0;
}

static int
win_local(struct sock *s, union sock_addr *a, size_t *len)
{
	int n = (int)*len;

	if (s->os->api->getsockname((SOCKET)s->fd, &a->sa, &n) ==
	    SOCKET_ERROR)
		return wsa_failed();
	*len = (size_t)n;
	return 0;
}

/*
 * An ICMP port unreachable for an earlier answer makes Windows fail the
 * next receive on a UDP socket with WSAECONNRESET (KB 263823).  Turned off;
 * if that fails the error is only noise (log_plat_is_noise).
 */
static void
no_connreset(struct sock *s)
{
	BOOL off = FALSE;
	DWORD n = 0;

	if (s->os->api->WSAIoctl((SOCKET)s->fd, SIO_UDP_CONNRESET, &off,
	    sizeof(off), NULL, 0, &n, NULL, NULL) == SOCKET_ERROR)
		log_debug("SIO_UDP_CONNRESET on %s: %s", s->name,
		    log_strerror(WSAGetLastError()));
}

/* WSARecvMsg is no ws2_32 export: the provider hands it out. */
static int
get_recvmsg(struct sock *s)
{
	GUID id = WSAID_WSARECVMSG;
	DWORD n = 0;

	if (s->os->api->WSAIoctl((SOCKET)s->fd,
	    SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id),
	    &s->os->recvmsg, sizeof(s->os->recvmsg), &n, NULL,
	    NULL) == SOCKET_ERROR || s->os->recvmsg == NULL) {
		errno = WSAGetLastError();
		log_error("WSAIoctl(WSAID_WSARECVMSG) on %s: %s", s->name,
		    log_strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * SO_EXCLUSIVEADDRUSE: without it, another program binding the port with
 * SO_REUSEADDR would take over the datagrams sent to it ("Using
 * SO_REUSEADDR and SO_EXCLUSIVEADDRUSE", Microsoft Learn), the Windows
 * twin of SO_REUSEPORT's risk on Linux.
 */
static int
win_prepare(struct sock *s)
{
	u_long nonblocking = 1;

	sock_opt_wish(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE,
	    "SO_EXCLUSIVEADDRUSE", "another program could take over the port");
	no_connreset(s);
	if (s->os->api->ioctlsocket((SOCKET)s->fd, FIONBIO, &nonblocking) ==
	    SOCKET_ERROR) {
		errno = WSAGetLastError();
		log_error("FIONBIO on %s: %s", s->name, log_strerror(errno));
		return -1;
	}
	return get_recvmsg(s);
}

static void
win_close(struct sock *s)
{
	s->os->api->closesocket((SOCKET)s->fd);
}

static int
win_hdrs_new(struct sock_batch *b)
{
	struct sock_hdrs *h;

	if (b->n != 1 || (h = b->hdrs = calloc(1, sizeof(*h))) == NULL)
		return -1;
	h->rbuf.buf = b->msg[0].rx;
	h->rbuf.len = (ULONG)b->rx_cap;
	h->rx.name = &b->from[0].sa;
	h->rx.lpBuffers = &h->rbuf;
	h->rx.dwBufferCount = 1;
	h->rx.Control.buf = (char *)h->rctl.buf;
	h->tx.lpBuffers = &h->tbuf;
	h->tx.dwBufferCount = 1;
	return 0;
}

static void
win_hdrs_free(struct sock_batch *b)
{
	free(b->hdrs);
	b->hdrs = NULL;
}

/*
 * A datagram longer than the buffer fails the call with WSAEMSGSIZE, the
 * peer and control data filled in; Wine 8 leaves dwFlags without MSG_TRUNC
 * and the byte count 0 (.ci/WINDOWS.md section 3).  That is a truncated
 * datagram to answer with too_large, not a socket error.
 */
static int
win_recv(struct sock *s, struct sock_batch *b)
{
	WSAMSG *h = &b->hdrs->rx;
	struct sock_msg *msg;
	DWORD n = 0;
	int err;

	/* Winsock rewrites lengths and flags: reset them before every call. */
	h->namelen = sizeof(b->from[0]);
	h->Control.len = sizeof(b->hdrs->rctl.buf);
	h->dwFlags = 0;
	if (s->os->recvmsg((SOCKET)s->fd, h, &n, NULL, NULL) == SOCKET_ERROR) {
		if ((err = WSAGetLastError()) != WSAEMSGSIZE) {
			errno = err == WSAEWOULDBLOCK ? EAGAIN : err;
			return -1;
		}
		h->dwFlags |= MSG_TRUNC;
		n = 0;
	}
	msg = sock_arrived(b, 0, n, (size_t)h->namelen,
	    (h->dwFlags & MSG_TRUNC) != 0);
	if (msg->status == SOCK_RX_OK && cmsg_parse(&msg->meta, h) != CMSG_OK)
		msg->status = SOCK_RX_NO_PKTINFO;
	return 1;
}

/* Answer k alone, to the client, from its source. */
static int
win_send(struct sock *s, struct sock_batch *b, unsigned int k,
    unsigned int m)
{
	struct sock_hdrs *h = b->hdrs;
	const struct sock_out *o = &b->out[k];
	DWORD sent = 0;
	int err;

	(void)m;
	h->tx.name = &b->out[k].to.sa;
	h->tx.namelen = (int)o->tolen;
	h->tbuf.buf = b->msg[o->msg].tx;
	h->tbuf.len = (ULONG)b->msg[o->msg].txlen;
	h->tx.Control.buf = s->naive ? NULL : (char *)h->tctl.buf;
	h->tx.Control.len = s->naive ? 0 :
	    (ULONG)cmsg_build(&h->tctl, &o->sel);
	h->tx.dwFlags = 0;
	if (s->os->api->WSASendMsg((SOCKET)s->fd, &h->tx, 0, &sent, NULL,
	    NULL) == SOCKET_ERROR) {
		err = WSAGetLastError();
		errno = err == WSAEWOULDBLOCK ? EAGAIN :
		    err == WSAENOBUFS ? ENOBUFS : err;
		return -1;
	}
	return 1;
}

/* IPv6 pktinfo is asked for with IPV6_PKTINFO itself. */
const struct sock_sys sock_sys_native = {
	"Windows", 0, 0, 0,
	{ IPPROTO_IPV6, IPV6_PKTINFO, "IPV6_PKTINFO" },
	{ WSAEAFNOSUPPORT, WSAEINVAL, WSAEOPNOTSUPP }, sizeof(struct sock_os),
	win_open, win_set_int, win_get_int, win_bind, win_local, win_prepare,
	win_close, win_hdrs_new, win_hdrs_free, win_recv, win_send
};
