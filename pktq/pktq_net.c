/* pktq_net: pktq's platform calls on POSIX sockets. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "pktq_errq.h"
#include "pktq_net.h"

int
pktq_net_init(void)
{
	return 0;
}

const char *
pktq_net_strerror(int err)
{
	return strerror(err);
}

const char *
pktq_net_gai_strerror(int rc)
{
	return rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc);
}

/* Without the error queue pktq only waits out its timeout, as it did
 * before it had one, so a kernel that refuses it is no reason to stop. */
int
pktq_net_socket(int family)
{
	int fd;

	if ((fd = socket(family, SOCK_DGRAM, IPPROTO_UDP)) != -1)
		(void)pktq_errq_enable(fd, family);
	return fd;
}

int
pktq_net_bind(int fd, int family, const struct sockaddr_in6 *local)
{
	struct sockaddr_in sin;

	if (family == AF_INET6)
		return bind(fd, (const struct sockaddr *)local, sizeof(*local));
	if (addr_to_sockaddr_in(&sin, local) == -1)
		return -1;
	return bind(fd, (const struct sockaddr *)&sin, sizeof(sin));
}

int
pktq_net_send(int fd, const void *buf, size_t len,
    const struct hostport_addr *to)
{
	ssize_t n;

	do
		n = sendto(fd, buf, len, 0, (const struct sockaddr *)&to->sa,
		    to->salen);
	while (n == -1 && errno == EINTR);
	return n == -1 ? -1 : 0;
}

int
pktq_net_wait(int fd, long long ms)
{
	struct pollfd pfd;
	int n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	n = poll(&pfd, 1, ms > INT_MAX ? INT_MAX : ms < 0 ? 0 : (int)ms);
	if (n == -1 && errno == EINTR)
		return 0;
	return n > 0 ? 1 : n;
}

/* An entry in the error queue also sets the socket error, which
 * recvfrom returns once (ip(7) IP_RECVERR); it may come between the drain
 * and recvfrom, and then the queue says what it was. */
static int
recv_error(int fd, int err)
{
	switch (pktq_errq_drain(fd)) {
	case PKTQ_ERRQ_PORT_UNREACH:
		errno = ECONNREFUSED;
		break;
	case PKTQ_ERRQ_OTHER:
		errno = EAGAIN;
		break;
	case PKTQ_ERRQ_NONE:
		errno = err;
		break;
	}
	return -1;
}

/* MSG_DONTWAIT: poll also wakes for POLLERR alone, with no datagram. */
int
pktq_net_recv(int fd, void *buf, size_t cap, struct sockaddr_in6 *from)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	ssize_t n;

	if (cap > INT_MAX)
		cap = INT_MAX;
	if (pktq_errq_drain(fd) == PKTQ_ERRQ_PORT_UNREACH) {
		errno = ECONNREFUSED;
		return -1;
	}
	n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&ss,
	    &sslen);
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR)
		return recv_error(fd, errno);
	if (n == -1)
		return -1;
	if (addr_from_sockaddr(from, (const struct sockaddr *)&ss, sslen) == -1)
		return -1;
	return (int)n;
}

int
pktq_net_is_noise(int err)
{
	return err == EINTR || err == EAGAIN || err == EWOULDBLOCK;
}

int
pktq_net_is_port_unreachable(int err)
{
	return err == ECONNREFUSED;
}

void
pktq_net_close(int fd)
{
	close(fd);
}

long long
pktq_net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
