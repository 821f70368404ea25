/* policy: the source checks made before a request is read. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "policy.h"

static const char *const verdict_names[POLICY_VERDICT_MAX] = {
	[POLICY_PASS] = "pass",
	[POLICY_LOW_PORT] = "low_port",
	[POLICY_OWN_PORT] = "own_port",
};

static const char *const verdict_reasons[POLICY_VERDICT_MAX] = {
	[POLICY_PASS] = "answered",
	[POLICY_LOW_PORT] = "its source port is below min_source_port (a "
	    "service port, where reflection loops run)",
	[POLICY_OWN_PORT] = "its source port is one this daemon listens on "
	    "(another responder, or a spoofed source)",
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
