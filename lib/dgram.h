/* dgram: what the socket layer learned about one datagram, in the portable
 * form every other module uses (no cmsg, no platform structures). */
#ifndef PKTINFOD_DGRAM_H
#define PKTINFOD_DGRAM_H

#include <stdint.h>

#include "netinc.h"

struct dgram_meta {
	struct sockaddr_in6 peer;	/* the client; IPv4 held v4-mapped */
	struct in6_addr dst;		/* D: the header's destination address */
	struct in6_addr spec_dst;	/* IPv4: the local address the kernel reported
					 * (ip(7) ipi_spec_dst); IPv6: equal to dst */
	unsigned int ifindex;		/* I: the ingress interface */
	/* socket(7) SO_RXQ_OVFL: the socket's count of datagrams the kernel
	 * dropped before this one was queued; 0 when none (or not reported:
	 * Linux sends it only once non-zero, Windows has no such count). */
	uint32_t rxq_drops;
};

#endif
