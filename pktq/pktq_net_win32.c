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
#include <mswsock.h>
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

const char *
pktq_net_gai_strerror(int rc)
{
	return pktq_net_strerror(rc);
}

/* With SIO_UDP_CONNRESET on (the default, asked for in case a layered
 * provider changed it), an ICMP port unreachable for a datagram the
 * socket sent makes the next recvfrom fail with WSAECONNRESET, connected
 * or not (Microsoft Learn, "SIO_UDP_CONNRESET Control Code").  Without
 * it pktq only waits out its timeout, so a refusal is no reason to stop. */
int
pktq_net_socket(int family)
{
	SOCKET s = socket(family, SOCK_DGRAM, IPPROTO_UDP);
	BOOL on = TRUE;
	DWORD n;

	if (s == INVALID_SOCKET) {
		errno = WSAGetLastError();
		return -1;
	}
	(void)WSAIoctl(s, SIO_UDP_CONNRESET, &on, sizeof(on), NULL, 0, &n,
	    NULL, NULL);
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
    const struct hostport_addr *to)
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

int
pktq_net_is_noise(int err)
{
	return err == WSAEINTR || err == WSAEWOULDBLOCK;
}

/* On a UDP socket, WSAECONNRESET is the ICMP port unreachable for an
 * earlier datagram (Windows' ECONNREFUSED; SIO_UDP_CONNRESET above). */
int
pktq_net_is_port_unreachable(int err)
{
	return err == WSAECONNRESET;
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
