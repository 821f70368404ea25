/* policy: the source checks made before a request is read. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "acl.h"
#include "policy.h"

static const char *const verdict_names[POLICY_VERDICT_MAX] = {
	[POLICY_PASS] = "pass",
	[POLICY_LOW_PORT] = "low_port",
	[POLICY_OWN_PORT] = "own_port",
	[POLICY_DENIED] = "denied",
	[POLICY_RATE_LIMITED] = "rate_limited",
};

static const char *const verdict_reasons[POLICY_VERDICT_MAX] = {
	[POLICY_PASS] = "answered",
	[POLICY_LOW_PORT] = "its source port is below min_source_port (a "
	    "service port, where reflection loops run)",
	[POLICY_OWN_PORT] = "its source port is one this daemon listens on "
	    "(another responder, or a spoofed source)",
	[POLICY_DENIED] = "its source is not allowed (allow, deny)",
	[POLICY_RATE_LIMITED] = "its source prefix is over rate_limit.qps",
};

/* Port 0 is refused even with min_source_port 0: no socket sends from
 * it, so such a datagram is forged, and an answer to it is undeliverable
 * at best. */
enum policy_verdict
policy_check(const struct policy *p, const struct sockaddr_in6 *peer)
{
	uint16_t port = ntohs(peer->sin6_port);
	size_t i;

	if (port == 0 || port < p->min_source_port)
		return POLICY_LOW_PORT;
	for (i = 0; i < p->nown; i++)
		if (port == p->own_port[i])
			return POLICY_OWN_PORT;
	if (p->acl != NULL && !acl_allows(p->acl, &peer->sin6_addr))
		return POLICY_DENIED;
	return POLICY_PASS;
}

const char *
policy_verdict_name(enum policy_verdict v)
{
	return (unsigned int)v < POLICY_VERDICT_MAX ? verdict_names[v] :
	    "unknown";
}

const char *
policy_verdict_reason(enum policy_verdict v)
{
	return (unsigned int)v < POLICY_VERDICT_MAX ? verdict_reasons[v] :
	    "unknown";
}
