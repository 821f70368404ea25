/* dgram: what the socket layer learned about one datagram, in the portable
 * form every other module uses (no cmsg, no platform structures). */
#ifndef PKTINFOD_DGRAM_H
#define PKTINFOD_DGRAM_H

#include "netinc.h"

struct dgram_meta {
	struct sockaddr_in6 peer;	/* the client; IPv4 held v4-mapped */
	struct in6_addr dst;		/* D: the header's destination address */
	struct in6_addr spec_dst;	/* IPv4: the local address the kernel reported
					 * (ip(7) ipi_spec_dst); IPv6: equal to dst */
	unsigned int ifindex;		/* I: the ingress interface */
};

#endif
