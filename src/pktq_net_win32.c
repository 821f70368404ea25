/* pktq_net_win32: pktq's platform calls on Winsock.  Descriptors travel as
 * int: Windows socket handles are kernel handles, whose values fit in 32
 * bits (they are shared with 32-bit processes), and INVALID_SOCKET
 * becomes -1.  Errors are WSA* codes in errno, named by
 * pktq_net_strerror. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include "addr.h"
#include "pktq_net.h"
#include "wsaerr.h"

int
pktq_net_init(void)
{
	WSADATA wsa;
	int rc;

	if ((rc = WSAStartup(MAKEWORD(2, 2), &wsa)) != 0) {
		errno = rc;
		return -1;
	}
	if (_setmode(_fileno(stdout), _O_BINARY) == -1)
		return -1;
	return 0;
}

const char *
pktq_net_strerror(int err)
{
	const char *name = wsaerr_name(err);

	return name != NULL ? name : strerror(err);
}

static int
same_addr(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b)
{
	return memcmp(&a->sin6_addr, &b->sin6_addr,
	    sizeof(a->sin6_addr)) == 0 && a->sin6_port == b->sin6_port &&
	    a->sin6_scope_id == b->sin6_scope_id;
}

static int
is_listed(const struct pktq_net_addr *list, size_t n,
    const struct sockaddr_in6 *dst)
{
	for (size_t i = 0; i < n; i++) {
		if (same_addr(&list[i].dst, dst))
			return 1;
	}
	return 0;
}

static size_t
add_addrs(struct pktq_net_addr *list, const struct addrinfo *ai)
{
	size_t n = 0;

	for (; ai != NULL; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(list[n].sa))
			continue;
		if (addr_from_sockaddr(&list[n].dst, ai->ai_addr,
		    ai->ai_addrlen) == -1 || is_listed(list, n, &list[n].dst))
			continue;
		memcpy(&list[n].sa, ai->ai_addr, ai->ai_addrlen);
		list[n].salen = (socklen_t)ai->ai_addrlen;
		list[n].family = ai->ai_family;
		n++;
	}
	return n;
}

/* As on POSIX: the resolver's order, no AI_ADDRCONFIG (it would hide
 * loopback-only families). */
int
pktq_net_resolve(const char *host, const char *port, int family,
    struct pktq_net_addr **out, size_t *n, const char **why)
{
	struct addrinfo hints, *res, *ai;
	size_t count = 0;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_protocol = IPPROTO_UDP;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		*why = pktq_net_strerror(rc);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		count++;
	*n = 0;
	if ((*out = calloc(count, sizeof(**out))) != NULL)
		*n = add_addrs(*out, res);
	freeaddrinfo(res);
	if (*out == NULL)
		*why = strerror(ENOMEM);
	else if (*n == 0)
		*why = "no IPv4 or IPv6 address";
	return *n == 0 ? -1 : 0;
}

int
pktq_net_socket(int family)
{
	SOCKET s = socket(family, SOCK_DGRAM, IPPROTO_UDP);

	if (s == INVALID_SOCKET) {
		errno = WSAGetLastError();
		return -1;
	}
	return (int)s;
}

int
pktq_net_bind(int fd, int family, const struct sockaddr_in6 *local)
{
	struct sockaddr_in sin;
	int rc;

	if (family == AF_INET6)
		rc = bind((SOCKET)fd, (const struct sockaddr *)local,
		    sizeof(*local));
	else if (addr_to_sockaddr_in(&sin, local) == -1)
		return -1;
	else
		rc = bind((SOCKET)fd, (const struct sockaddr *)&sin,
		    sizeof(sin));
	if (rc == SOCKET_ERROR) {
		errno = WSAGetLastError();
		return -1;
	}
	return 0;
}

int
pktq_net_send(int fd, const void *buf, size_t len,
    const struct pktq_net_addr *to)
{
	if (len > INT_MAX) {
		errno = WSAEMSGSIZE;
		return -1;
	}
	if (sendto((SOCKET)fd, buf, (int)len, 0,
	    (const struct sockaddr *)&to->sa, to->salen) == SOCKET_ERROR) {
		errno = WSAGetLastError();
		return -1;
	}
	return 0;
}

int
pktq_net_wait(int fd, long long ms)
{
	struct timeval tv;
	fd_set rd;
	int n;

	if (ms < 0)
		ms = 0;
	if (ms > INT_MAX)
		ms = INT_MAX;
	tv.tv_sec = (long)(ms / 1000);
	tv.tv_usec = (long)(ms % 1000) * 1000;
	FD_ZERO(&rd);
	FD_SET((SOCKET)fd, &rd);
	if ((n = select(0, &rd, NULL, NULL, &tv)) == SOCKET_ERROR) {
		errno = WSAGetLastError();
		return errno == WSAEINTR ? 0 : -1;
	}
	return n > 0 ? 1 : 0;
}

int
pktq_net_recv(int fd, void *buf, size_t cap, struct sockaddr_in6 *from)
{
	struct sockaddr_storage ss;
	int sslen = sizeof(ss), n;

	if (cap > INT_MAX)
		cap = INT_MAX;
	n = recvfrom((SOCKET)fd, buf, (int)cap, 0, (struct sockaddr *)&ss,
	    &sslen);
	if (n == SOCKET_ERROR) {
		errno = WSAGetLastError();
		return -1;
	}
	if (addr_from_sockaddr(from, (const struct sockaddr *)&ss,
	    (size_t)sslen) == -1)
		return -1;
	return n;
}

/* WSAECONNRESET on a UDP socket is an ICMP port unreachable for an
 * earlier datagram (Windows' ECONNREFUSED): a later answer may still
 * come. */
int
pktq_net_is_noise(int err)
{
	return err == WSAEINTR || err == WSAEWOULDBLOCK ||
	    err == WSAECONNRESET;
}

void
pktq_net_close(int fd)
{
	closesocket((SOCKET)fd);
}

long long
pktq_net_now_ms(void)
{
	return (long long)GetTickCount64();
}
