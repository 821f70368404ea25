/* pktq_net_resolve: a host name to the distinct addresses pktq tries, in the
 * resolver's order, through getaddrinfo as both platforms have it. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "netinc.h"
#include "pktq_net.h"

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
		*why = pktq_net_gai_strerror(rc);
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
