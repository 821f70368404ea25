/* srcsel: the answer's source (doc/protocol.md, "Source address"). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "addr.h"
#include "srcsel.h"

/*
 * The answer to an IPv4 client leaves from D.  For a broadcast or multicast
 * D the kernel already put a unicast local address of the ingress interface
 * in ipi_spec_dst (ip(7); fib_compute_spec_dst() in net/ipv4/fib_frontend.c),
 * and for a unicast D it put D itself, so spec_dst is right in both cases.
 * A platform that does not report it leaves spec_dst equal to dst; for a
 * non-unicast D we then leave the choice to the kernel (0.0.0.0) rather than
 * answer from a broadcast or group address.
 * The interface stays 0: a fixed ifindex forces the egress interface and
 * breaks asymmetric and anycast routing (Unbound's comm_point_send_udp_msg
 * does the same).
 */
static void
choose_v4(struct srcsel *out, const struct dgram_meta *m)
{
	struct in_addr any = { 0 };

	out->family = AF_INET;
	out->ifindex = 0;
	if (memcmp(&m->spec_dst, &m->dst, sizeof(m->dst)) != 0 &&
	    addr_is_v4mapped(&m->spec_dst) && !addr_is_unspecified(&m->spec_dst))
		out->src = m->spec_dst;
	else if (addr_is_multicast(&m->dst) || addr_is_v4_broadcast(&m->dst))
		addr_set_v4mapped(&out->src, &any);
	else
		out->src = m->dst;
}

/*
 * RFC 3542 section 6.1: ipi6_addr sets the source, ipi6_ifindex the
 * outgoing interface.  A multicast D cannot be a source, so :: lets the
 * kernel pick an address of I.  The interface is pinned only where scope
 * needs it (link-local D or client, multicast D); elsewhere routing
 * decides, for the same asymmetric-routing reason as IPv4.
 */
static void
choose_v6(struct srcsel *out, const struct dgram_meta *m)
{
	int scoped;

	out->family = AF_INET6;
	scoped = addr_is_linklocal(&m->dst) || addr_is_multicast(&m->dst) ||
	    addr_is_linklocal(&m->peer.sin6_addr);
	if (addr_is_multicast(&m->dst))
		memset(&out->src, 0, sizeof(out->src));
	else
		out->src = m->dst;
	out->ifindex = scoped ? m->ifindex : 0;
	if (addr_is_linklocal(&m->peer.sin6_addr))
		out->to.sin6_scope_id = m->ifindex;
}

/* For IPv4 the kernel reports a spec_dst other than D only for a
 * broadcast or multicast D (see choose_v4). */
int
srcsel_dst_is_group(const struct dgram_meta *m)
{
	if (addr_is_multicast(&m->dst) || addr_is_v4_broadcast(&m->dst))
		return 1;
	return addr_is_v4mapped(&m->dst) &&
	    memcmp(&m->spec_dst, &m->dst, sizeof(m->dst)) != 0;
}

void
srcsel_choose(struct srcsel *out, const struct dgram_meta *m)
{
	memset(out, 0, sizeof(*out));
	out->to = m->peer;
	if (addr_is_v4mapped(&m->peer.sin6_addr))
		choose_v4(out, m);
	else
		choose_v6(out, m);
}
