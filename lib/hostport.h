/* hostport: the HOST[:PORT] argument of the clients, pktq and pktbench —
 * split into host and port by one rule (a name or IPv4 address with an
 * optional :PORT, a bracketed IPv6 address with one, a bare IPv6 address
 * without), then resolved with getaddrinfo into the distinct addresses
 * to try.  Prints nothing: errors come back as text for the caller. */
#ifndef PKTINFOD_HOSTPORT_H
#define PKTINFOD_HOSTPORT_H

#include <stddef.h>

#include "netinc.h"

/* NI_MAXHOST, for a name with an IPv6 scope. */
#define HOSTPORT_HOST_MAX	1025

struct hostport {
	char host[HOSTPORT_HOST_MAX];	/* without brackets or port */
	char port[6];			/* decimal, 1 to 65535 */
};

enum hostport_flags {
	/* The program has -p, the port of a HOST without one. */
	HOSTPORT_HAS_P = 1,
	/* -p was given: a bare IPv6 HOST is all address. */
	HOSTPORT_P_GIVEN = 2
};

/* Split arg into *hp; a HOST without a port takes default_port.  A bare
 * IPv6 address whose last group could be a port ("::1:4242") is refused,
 * naming the bracket forms, unless HOSTPORT_P_GIVEN.  0 / -1 with the
 * reason in err: one line, or two separated by '\n', each naming arg. */
int hostport_parse(struct hostport *hp, const char *arg,
    unsigned int default_port, int flags, char *err, size_t errlen);

/* One address a HOST resolved to. */
struct hostport_addr {
	struct sockaddr_storage sa;	/* as the resolver gave it */
	socklen_t salen;
	int family;			/* of sa, and so of the socket */
	struct sockaddr_in6 dst;	/* sa v4-mapped, to compare and print */
};

/* The IPv4 and IPv6 entries of the list ai into out (room for one per
 * entry), in the list's order, each address and port once: their count. */
size_t hostport_from_addrinfo(struct hostport_addr *out,
    const struct addrinfo *ai);
/* Resolve hp for UDP, of family or AF_UNSPEC, into *out: *n addresses as
 * hostport_from_addrinfo keeps them, to be freed.  0 / -1 with *why set:
 * gai_text(code) for a getaddrinfo error (each platform words its own). */
int hostport_resolve(const struct hostport *hp, int family,
    const char *(*gai_text)(int code), struct hostport_addr **out,
    size_t *n, const char **why);

#endif
