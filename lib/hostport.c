/* hostport: HOST[:PORT] split by one rule, then resolved. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cli.h"
#include "hostport.h"

static int
set_host(struct hostport *hp, const char *arg, const char *host, size_t hlen,
    const char *port, unsigned int default_port, char *err, size_t errlen)
{
	long p = (long)default_port;

	if (hlen == 0) {
		snprintf(err, errlen, "bad HOST '%s': empty host", arg);
		return -1;
	}
	if (hlen >= sizeof(hp->host)) {
		snprintf(err, errlen, "bad HOST '%s': too long", arg);
		return -1;
	}
	if (port != NULL && cli_number(&p, port, 1, 65535) == -1) {
		snprintf(err, errlen, "bad port in HOST '%s' (expected 1 to "
		    "65535)", arg);
		return -1;
	}
	memcpy(hp->host, host, hlen);
	hp->host[hlen] = '\0';
	snprintf(hp->port, sizeof(hp->port), "%ld", p);
	return 0;
}

/* Non-zero when the n bytes at text, without a %scope, are an IPv6
 * address. */
static int
is_v6_literal(const char *text, size_t n)
{
	char buf[HOSTPORT_HOST_MAX];
	struct in6_addr a;
	const char *pct;

	if ((pct = memchr(text, '%', n)) != NULL)
		n = (size_t)(pct - text);
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

/* A bare IPv6 literal is an address, never ADDR:PORT, yet "::1:4242" is
 * both the address ::1:4242 (RFC 4291 section 2.2) and ::1 with a port
 * written without the brackets RFC 5952 section 6 asks for.  So when the
 * text after the last colon is a port number and the text before it an
 * IPv6 address, there is no guess: an error naming the bracket forms,
 * unless -p gave the port, which leaves only the address. */
static int
check_bare_v6(const char *arg, int flags, char *err, size_t errlen)
{
	const char *last = strrchr(arg, ':');
	long port;
	int head, len;

	if ((flags & HOSTPORT_P_GIVEN) || last == NULL ||
	    cli_number(&port, last + 1, 1, 65535) == -1 ||
	    !is_v6_literal(arg, (size_t)(last - arg)))
		return 0;
	head = (int)(last - arg);
	len = snprintf(err, errlen, "%s: an IPv6 address with a port needs "
	    "brackets: [%.*s]:%s", arg, head, arg, last + 1);
	if (is_v6_literal(arg, strlen(arg)) && len >= 0 &&
	    (size_t)len < errlen)
		snprintf(err + len, errlen - (size_t)len, "\n%s: for the "
		    "address %s itself, write [%s]%s", arg, arg, arg,
		    (flags & HOSTPORT_HAS_P) ? " or give -p" : "");
	return -1;
}

int
hostport_parse(struct hostport *hp, const char *arg,
    unsigned int default_port, int flags, char *err, size_t errlen)
{
	const char *rb, *colon;

	if (arg[0] == '[') {
		if ((rb = strchr(arg, ']')) == NULL) {
			snprintf(err, errlen, "bad HOST '%s': missing ']'",
			    arg);
			return -1;
		}
		if (rb[1] != '\0' && rb[1] != ':') {
			snprintf(err, errlen, "bad HOST '%s': junk after ']'",
			    arg);
			return -1;
		}
		return set_host(hp, arg, arg + 1, (size_t)(rb - arg - 1),
		    rb[1] == ':' ? rb + 2 : NULL, default_port, err, errlen);
	}
	if ((colon = strchr(arg, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL)
		return set_host(hp, arg, arg, (size_t)(colon - arg), colon + 1,
		    default_port, err, errlen);
	if (check_bare_v6(arg, flags, err, errlen) == -1)
		return -1;
	return set_host(hp, arg, arg, strlen(arg), NULL, default_port, err,
	    errlen);
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
is_listed(const struct hostport_addr *list, size_t n,
    const struct sockaddr_in6 *dst)
{
	for (size_t i = 0; i < n; i++) {
		if (same_addr(&list[i].dst, dst))
			return 1;
	}
	return 0;
}

size_t
hostport_from_addrinfo(struct hostport_addr *out, const struct addrinfo *ai)
{
	size_t n = 0;

	for (; ai != NULL; ai = ai->ai_next) {
		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(out[n].sa))
			continue;
		if (addr_from_sockaddr(&out[n].dst, ai->ai_addr,
		    ai->ai_addrlen) == -1 || is_listed(out, n, &out[n].dst))
			continue;
		memcpy(&out[n].sa, ai->ai_addr, ai->ai_addrlen);
		out[n].salen = (socklen_t)ai->ai_addrlen;
		out[n].family = ai->ai_family;
		n++;
	}
	return n;
}

/* No AI_ADDRCONFIG: it would hide ::1 and 127.0.0.1 on a host whose only
 * addresses of that family are loopback. */
int
hostport_resolve(const struct hostport *hp, int family,
    const char *(*gai_text)(int code), struct hostport_addr **out,
    size_t *n, const char **why)
{
	struct addrinfo hints, *res, *ai;
	size_t count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_protocol = IPPROTO_UDP;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(hp->host, hp->port, &hints, &res)) != 0) {
		*why = gai_text(rc);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		count++;
	if ((*out = calloc(count, sizeof(**out))) == NULL) {
		freeaddrinfo(res);
		*why = strerror(ENOMEM);
		return -1;
	}
	*n = hostport_from_addrinfo(*out, res);
	freeaddrinfo(res);
	if (*n == 0) {
		free(*out);
		*out = NULL;
		*why = "no IPv4 or IPv6 address";
		return -1;
	}
	return 0;
}
