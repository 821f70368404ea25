/* srcsel: source selection (doc/protocol.md, "Source address") — from
 * what a datagram arrived on, the address and interface its answer must
 * leave from.  Pure. */
#ifndef PKTINFOD_SRCSEL_H
#define PKTINFOD_SRCSEL_H

#include "dgram.h"

struct srcsel {
	sa_family_t family;	/* AF_INET: in_pktinfo, AF_INET6: in6_pktinfo */
	struct in6_addr src;	/* v4-mapped when family is AF_INET */
	unsigned int ifindex;	/* 0: let routing pick the interface */
	struct sockaddr_in6 to;	/* the client, scope set for link-local */
};

/* Non-zero when m's destination is broadcast or multicast: the kernel then
 * gives every socket on the port its own copy (SO_REUSEPORT workers too). */
int srcsel_dst_is_group(const struct dgram_meta *m);
/* Choose the answer's source for the datagram m. */
void srcsel_choose(struct srcsel *out, const struct dgram_meta *m);

#endif
