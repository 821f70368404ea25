/* sock_win32: the socket layer on Winsock — one dual-stack socket,
 * WSARecvMsg and WSASendMsg with IN_PKTINFO / IN6_PKTINFO (SPEC sections 3
 * and 9).  One datagram per call: Windows has no recvmmsg. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

#include "addr.h"
#include "cmsg_win32.h"
#include "log.h"
#include "sock.h"
#include "sock_win32.h"
#include "srcsel.h"

/* Receive buffer asked for, as on POSIX. */
#define SOCK_RCVBUF (2 * 1024 * 1024)

static const struct sock_win32_api winsock = {
	socket, setsockopt, getsockopt, ioctlsocket, WSAIoctl, bind,
	getsockname, WSASendMsg, closesocket
};

/* Set only by tests, before any socket is opened. */
static const struct sock_win32_api *api_in_use = &winsock;

struct sock {
	SOCKET fd;
	int family;		/* AF_INET6, or AF_INET without IPv6 */
	int naive;
	int wsa_started;
	uint16_t port;
	const struct sock_win32_api *api;
	LPFN_WSARECVMSG recvmsg;
	struct sock_features features;
	char name[ADDR_STRLEN];	/* the bind address, for messages */
};

void
sock_win32_use(const struct sock_win32_api *api)
{
	api_in_use = api != NULL ? api : &winsock;
}

static int
set_int_opt(struct sock *s, int level, int name, int value, const char *what,
    int quiet)
{
	DWORD v = (DWORD)value;

	if (s->api->setsockopt(s->fd, level, name, (const char *)&v,
	    sizeof(v)) == 0)
		return 0;
	errno = WSAGetLastError();
	if (!quiet)
		log_error("%s on %s: %s", what, s->name, log_strerror(errno));
	return -1;
}

/* SPEC section 3 step 1: without IPv6 on the host, an AF_INET socket. */
static int
open_fd(struct sock *s, const struct sockaddr_in6 *bind_to)
{
	s->family = AF_INET6;
	s->fd = s->api->socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	if (s->fd != INVALID_SOCKET)
		return 0;
	errno = WSAGetLastError();
	if (errno == WSAEAFNOSUPPORT) {
		if (!addr_is_v4mapped(&bind_to->sin6_addr) &&
		    !addr_is_unspecified(&bind_to->sin6_addr)) {
			log_error("socket(AF_INET6) for %s: IPv6 is "
			    "unavailable", s->name);
			return -1;
		}
		log_warn("socket(AF_INET6): WSAEAFNOSUPPORT: IPv6 is "
		    "unavailable, serving IPv4 only");
		s->family = AF_INET;
		s->fd = s->api->socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
		if (s->fd != INVALID_SOCKET)
			return 0;
		errno = WSAGetLastError();
	}
	log_error("socket for %s: %s", s->name, log_strerror(errno));
	return -1;
}

/*
 * IP_PKTINFO fails with WSAEINVAL on the dual-stack socket of a host whose
 * IPv4 stack is turned off; socket(AF_INET) then fails with
 * WSAEAFNOSUPPORT, and only that makes an IPv6-only service right (SPEC
 * sections 3 step 4 and 9).  Any other outcome is fatal.
 */
static int
ipv4_is_disabled(struct sock *s)
{
	SOCKET probe = s->api->socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	if (probe != INVALID_SOCKET) {
		s->api->closesocket(probe);
		return 0;
	}
	return WSAGetLastError() == WSAEAFNOSUPPORT;
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
	if (s->family == AF_INET6 && saved == WSAEINVAL &&
	    ipv4_is_disabled(s)) {
		log_info("IP_PKTINFO on %s: WSAEINVAL, and socket(AF_INET): "
		    "WSAEAFNOSUPPORT; IPv4 is disabled on this host, serving "
		    "IPv6 only", s->name);
		s->features.dualstack = 0;
		return 0;
	}
	log_error("IP_PKTINFO on %s: %s", s->name, log_strerror(saved));
	errno = saved;
	return -1;
}

/* Not fatal: a smaller buffer still serves. */
static void
set_rcvbuf(struct sock *s)
{
	int size = SOCK_RCVBUF, len = sizeof(size);

	s->api->setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, (const char *)&size,
	    sizeof(size));
	if (s->api->getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, (char *)&size,
	    &len) == 0)
		log_debug("SO_RCVBUF on %s: %d bytes", s->name, size);
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

	if (s->api->WSAIoctl(s->fd, SIO_UDP_CONNRESET, &off, sizeof(off),
	    NULL, 0, &n, NULL, NULL) == SOCKET_ERROR)
		log_debug("SIO_UDP_CONNRESET on %s: %s", s->name,
		    log_strerror(WSAGetLastError()));
}

/*
 * Without it, another program binding the port with SO_REUSEADDR would take
 * over the datagrams sent to it ("Using SO_REUSEADDR and
 * SO_EXCLUSIVEADDRUSE", Microsoft Learn): the Windows twin of SO_REUSEPORT's
 * risk on Linux.  Not fatal, the port still serves.
 */
static void
set_exclusive(struct sock *s)
{
	if (set_int_opt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1,
	    "SO_EXCLUSIVEADDRUSE", 1) == -1)
		log_warn("SO_EXCLUSIVEADDRUSE on %s: %s; another program could "
		    "take over the port", s->name, log_strerror(errno));
}

/* WSARecvMsg is no ws2_32 export: the provider hands it out. */
static int
get_recvmsg(struct sock *s)
{
	GUID id = WSAID_WSARECVMSG;
	DWORD n = 0;

	if (s->api->WSAIoctl(s->fd, SIO_GET_EXTENSION_FUNCTION_POINTER, &id,
	    sizeof(id), &s->recvmsg, sizeof(s->recvmsg), &n, NULL,
	    NULL) == SOCKET_ERROR || s->recvmsg == NULL) {
		errno = WSAGetLastError();
		log_error("WSAIoctl(WSAID_WSARECVMSG) on %s: %s", s->name,
		    log_strerror(errno));
		return -1;
	}
	return 0;
}

static int
set_options(struct sock *s)
{
	u_long nonblocking = 1;

	if (s->family == AF_INET6) {
		if (set_int_opt(s, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY",
		    0) == -1 ||
		    set_int_opt(s, IPPROTO_IPV6, IPV6_PKTINFO, 1,
		    "IPV6_PKTINFO", 0) == -1)
			return -1;
		s->features.dualstack = 1;
		s->features.pktinfo6 = 1;
	}
	if (set_pktinfo4(s) == -1)
		return -1;
	set_exclusive(s);
	set_rcvbuf(s);
	no_connreset(s);
	if (s->api->ioctlsocket(s->fd, FIONBIO, &nonblocking) ==
	    SOCKET_ERROR) {
		errno = WSAGetLastError();
		log_error("FIONBIO on %s: %s", s->name, log_strerror(errno));
		return -1;
	}
	return get_recvmsg(s);
}

/* On the AF_INET fallback socket, [::] is 0.0.0.0 (Windows, unlike Linux,
 * rejects an AF_UNSPEC bind address). */
static void
ipv4_bind_addr(struct sockaddr_in *out, const struct sockaddr_in6 *bind_to)
{
	if (addr_to_sockaddr_in(out, bind_to) == 0)
		return;
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = bind_to->sin6_port;
	out->sin_addr.s_addr = htonl(INADDR_ANY);
}

static int
bind_fd(struct sock *s, const struct sockaddr_in6 *bind_to)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 bound;
	int sslen;

	memset(&ss, 0, sizeof(ss));
	if (s->family == AF_INET6) {
		memcpy(&ss, bind_to, sizeof(*bind_to));
		sslen = sizeof(*bind_to);
	} else {
		ipv4_bind_addr((struct sockaddr_in *)&ss, bind_to);
		sslen = sizeof(struct sockaddr_in);
	}
	if (s->api->bind(s->fd, (struct sockaddr *)&ss, sslen) ==
	    SOCKET_ERROR) {
		errno = WSAGetLastError();
		log_error("bind %s: %s", s->name, log_strerror(errno));
		return -1;
	}
	sslen = sizeof(ss);
	if (s->api->getsockname(s->fd, (struct sockaddr *)&ss, &sslen) ==
	    SOCKET_ERROR) {
		errno = WSAGetLastError();
		log_error("getsockname %s: %s", s->name, log_strerror(errno));
		return -1;
	}
	if (addr_from_sockaddr(&bound, (struct sockaddr *)&ss,
	    (size_t)sslen) == -1) {
		log_error("getsockname %s: %s", s->name, strerror(errno));
		return -1;
	}
	s->port = ntohs(bound.sin6_port);
	return 0;
}

/* Windows has no SO_REUSEPORT: one socket, one worker (plat_win32.c
 * refuses -w N > 1 before this is reached). */
static int
refuse_reuseport(struct sock *s, int flags)
{
	if ((flags & SOCK_F_REUSEPORT) == 0)
		return 0;
	log_error("SO_REUSEPORT on %s: Windows has none; run one worker",
	    s->name);
	errno = WSAEOPNOTSUPP;
	return -1;
}

static int
start_winsock(struct sock *s)
{
	WSADATA wsa;
	int rc;

	if ((rc = WSAStartup(MAKEWORD(2, 2), &wsa)) != 0) {
		log_error("WSAStartup: %s", log_strerror(rc));
		errno = rc;
		return -1;
	}
	s->wsa_started = 1;
	return 0;
}

struct sock *
sock_open(const struct sockaddr_in6 *bind_to, int flags)
{
	struct sock *s;
	int saved;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->fd = INVALID_SOCKET;
	s->api = api_in_use;
	s->naive = (flags & SOCK_F_NAIVE) != 0;
	addr_format(s->name, sizeof(s->name), bind_to);
	if (start_winsock(s) == -1 || refuse_reuseport(s, flags) == -1 ||
	    open_fd(s, bind_to) == -1 || set_options(s) == -1 ||
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
	if (s->fd != INVALID_SOCKET)
		s->api->closesocket(s->fd);
	if (s->wsa_started)
		WSACleanup();
	free(s);
}

intptr_t
sock_handle(const struct sock *s)
{
	return (intptr_t)s->fd;
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

/* One receive and one send header: every call handles one datagram. */
struct sock_batch {
	unsigned int n;
	size_t rx_cap;
	size_t tx_cap;			/* room promised to every answer */
	size_t tx_used;			/* bytes of txmem this batch has used */
	char *txmem;			/* n * tx_cap bytes: the answers, packed */
	char *mem;			/* n * rx_cap bytes: the datagrams */
	struct sock_msg *msg;
	WSAMSG rhdr, thdr;
	WSABUF rbuf, tbuf;
	struct sockaddr_storage from, to;
	union cmsg_recv_buf rctl;
	union cmsg_send_buf tctl;
};

struct sock_batch *
sock_batch_new(unsigned int n, size_t rx_cap, size_t tx_cap, int batch_io)
{
	struct sock_batch *b;
	unsigned int i;

	(void)batch_io;
	if (n == 0 || (b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->n = n;
	b->rx_cap = rx_cap;
	b->tx_cap = (tx_cap + SOCK_TX_ALIGN - 1) & ~(size_t)(SOCK_TX_ALIGN - 1);
	b->msg = calloc(n, sizeof(*b->msg));
	b->mem = malloc(n * rx_cap);
	b->txmem = malloc(n * b->tx_cap);
	if (b->msg == NULL || b->mem == NULL || b->txmem == NULL) {
		sock_batch_free(b);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++)
		b->msg[i].rx = b->mem + i * rx_cap;
	return b;
}

void
sock_batch_free(struct sock_batch *b)
{
	if (b == NULL)
		return;
	free(b->msg);
	free(b->mem);
	free(b->txmem);
	free(b);
}

struct sock_msg *
sock_batch_msg(struct sock_batch *b, unsigned int i)
{
	return &b->msg[i];
}

/* Packed as on POSIX (sock_posix.c): tx_cap bytes are always left. */
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
	(void)b;
	return 0;
}

/* Winsock rewrites lengths and flags: reset them before every call. */
static void
recv_prepare(struct sock_batch *b)
{
	WSAMSG *h = &b->rhdr;

	b->rbuf.buf = b->msg[0].rx;
	b->rbuf.len = (ULONG)b->rx_cap;
	h->name = (struct sockaddr *)&b->from;
	h->namelen = sizeof(b->from);
	h->lpBuffers = &b->rbuf;
	h->dwBufferCount = 1;
	h->Control.buf = (char *)b->rctl.buf;
	h->Control.len = sizeof(b->rctl.buf);
	h->dwFlags = 0;
}

/* After Winsock filled the header: the portable view of the datagram. */
static void
recv_finish(struct sock_batch *b, size_t n)
{
	const WSAMSG *h = &b->rhdr;
	struct sock_msg *msg = &b->msg[0];

	msg->len = n;
	if (h->dwFlags & MSG_TRUNC)
		msg->len = b->rx_cap + 1;
	msg->tx = NULL;
	msg->txlen = 0;
	msg->err = 0;
	memset(&msg->meta, 0, sizeof(msg->meta));
	if (addr_from_sockaddr(&msg->meta.peer, h->name,
	    (size_t)h->namelen) == -1 || cmsg_parse(&msg->meta, h) != CMSG_OK)
		msg->status = SOCK_RX_NO_PKTINFO;
	else
		msg->status = SOCK_RX_OK;
}

/*
 * A datagram longer than the buffer fails the call with WSAEMSGSIZE, the
 * peer and control data filled in; Wine 8 leaves dwFlags without MSG_TRUNC
 * and the byte count 0 (.ci/WINDOWS.md section 3).  That is a truncated
 * datagram to answer with too_large, not a socket error.
 */
int
sock_recv_batch(struct sock *s, struct sock_batch *b)
{
	DWORD n = 0;
	int err;

	b->tx_used = 0;
	recv_prepare(b);
	if (s->recvmsg(s->fd, &b->rhdr, &n, NULL, NULL) == SOCKET_ERROR) {
		err = WSAGetLastError();
		if (err == WSAEWOULDBLOCK)
			return 0;
		if (err != WSAEMSGSIZE) {
			errno = err;
			return -1;
		}
		b->rhdr.dwFlags |= MSG_TRUNC;
		n = 0;
	}
	recv_finish(b, n);
	return 1;
}

/* SPEC section 3: IPv4 peers stay v4-mapped on a dual-stack socket
 * (Windows rejects a sockaddr_in there). */
static int
peer_sockaddr(const struct sock *s, const struct sockaddr_in6 *to,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (s->family == AF_INET) {
		addr_to_sockaddr_in((struct sockaddr_in *)ss, to);
		return sizeof(struct sockaddr_in);
	}
	memcpy(ss, to, sizeof(*to));
	return sizeof(*to);
}

/* Send the answer of message i from its source; 0 or the WSA* code. */
static int
send_one(struct sock *s, struct sock_batch *b, unsigned int i)
{
	WSAMSG *h = &b->thdr;
	struct sock_msg *msg = &b->msg[i];
	struct srcsel sel;
	DWORD sent = 0;

	srcsel_choose(&sel, &msg->meta);
	b->tbuf.buf = msg->tx;
	b->tbuf.len = (ULONG)msg->txlen;
	h->name = (struct sockaddr *)&b->to;
	h->namelen = peer_sockaddr(s, &sel.to, &b->to);
	h->lpBuffers = &b->tbuf;
	h->dwBufferCount = 1;
	h->Control.buf = NULL;
	h->Control.len = 0;
	h->dwFlags = 0;
	if (!s->naive) {
		h->Control.buf = (char *)b->tctl.buf;
		h->Control.len = (ULONG)cmsg_build(&b->tctl, &sel);
	}
	if (s->api->WSASendMsg(s->fd, h, 0, &sent, NULL, NULL) ==
	    SOCKET_ERROR)
		return WSAGetLastError();
	return 0;
}

int
sock_send_batch(struct sock *s, struct sock_batch *b, unsigned int count,
    unsigned int *next)
{
	unsigned int i;
	int err;

	for (i = *next; i < count; i++) {
		if (b->msg[i].txlen == 0)
			continue;
		err = send_one(s, b, i);
		if (err == WSAEWOULDBLOCK || err == WSAENOBUFS) {
			*next = i;
			errno = err == WSAENOBUFS ? ENOBUFS : EAGAIN;
			return -1;
		}
		/* A vanished source (WSAEADDRNOTAVAIL) loses this answer
		 * alone: it is never resent from another address. */
		b->msg[i].err = err;
	}
	*next = count;
	return 0;
}
