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

static int
same_addr(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b)
{
	return memcmp(&a->sin6_addr, &b->sin6_addr,
	    sizeof(a->sin6_addr)) == 0 && a->sin6_port == b->sin6_port &&
	    a->sin6_scope_id == b->sin6_scope_id;
}

/* glibc lists 127.0.0.1 twice for an AF_INET lookup of a name that
 * /etc/hosts gives both ::1 and 127.0.0.1. */
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

/* No AI_ADDRCONFIG: it would hide ::1 and 127.0.0.1 on a host whose only
 * addresses of that family are loopback. */
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
		*why = rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc);
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
	return socket(family, SOCK_DGRAM, IPPROTO_UDP);
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
    const struct pktq_net_addr *to)
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

int
pktq_net_recv(int fd, void *buf, size_t cap, struct sockaddr_in6 *from)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	ssize_t n;

	if (cap > INT_MAX)
		cap = INT_MAX;
	n = recvfrom(fd, buf, cap, 0, (struct sockaddr *)&ss, &sslen);
	if (n == -1)
		return -1;
	if (addr_from_sockaddr(from, (const struct sockaddr *)&ss, sslen) == -1)
		return -1;
	return (int)n;
}

/* An ICMP port unreachable may surface as ECONNREFUSED on some platforms;
 * another address, or a later answer, may still come. */
int
pktq_net_is_noise(int err)
{
	return err == EINTR || err == EAGAIN || err == EWOULDBLOCK ||
	    err == ECONNREFUSED;
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
