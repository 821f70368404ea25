/* policy: which datagrams get no answer at all, decided from the source
 * address and port alone, before the request is read: the loop rules and
 * the allow/deny lists.  Pure: the socket layer's metadata in, a verdict
 * out (the per-source rate limit, which keeps state, is ratelimit's). */
#ifndef PKTINFOD_POLICY_H
#define PKTINFOD_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "netinc.h"

struct acl;

#define POLICY_MAX_PORTS 16

/* Reflection loops (Loop DoS, CVE-2024-2169): answers flow between
 * service ports, clients use ephemeral ones (CERT/CC VU#417980). */
enum policy_verdict {
	POLICY_PASS,
	POLICY_LOW_PORT,	/* source port 0, or below min_source_port */
	POLICY_OWN_PORT,	/* a port this daemon listens on */
	POLICY_DENIED,		/* not allowed by allow/deny */
	POLICY_RATE_LIMITED,	/* over its prefix's rate (set by the caller) */
	POLICY_VERDICT_MAX
};

struct policy {
	uint16_t	min_source_port;	/* 0: every port but 0 */
	uint16_t	own_port[POLICY_MAX_PORTS];	/* host order */
	size_t		nown;
	const struct acl *acl;		/* allow and deny; NULL: all allowed */
};

/* The verdict on a datagram from peer. */
enum policy_verdict policy_check(const struct policy *p,
    const struct sockaddr_in6 *peer);
/* The counter name of v ("low_port", ...). */
const char *policy_verdict_name(enum policy_verdict v);
/* Why v drops a datagram, for the debug log. */
const char *policy_verdict_reason(enum policy_verdict v);

#endif
