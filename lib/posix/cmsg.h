/* cmsg: pure conversion between the control data of recvmsg/sendmsg and
 * the portable structs — ip(7) IP_PKTINFO, ipv6(7)/RFC 3542 IPV6_PKTINFO
 * and socket(7) SO_RXQ_OVFL's drop count.  No syscalls, so tests can feed
 * it hand-built buffers. */
#ifndef PKTINFOD_CMSG_H
#define PKTINFOD_CMSG_H

#include <stddef.h>
#include <stdint.h>

#include "dgram.h"
#include "srcsel.h"

/*
 * Linux delivers both IP_PKTINFO and a v4-mapped IPV6_PKTINFO for an IPv4
 * datagram on a dual-stack socket, and SO_RXQ_OVFL's drop count once the
 * kernel has dropped any; the slack covers one unexpected control message
 * so that its presence alone does not set MSG_CTRUNC.
 */
#define CMSG_RECV_SPACE (CMSG_SPACE(sizeof(struct in_pktinfo)) + \
	CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint32_t)) + \
	CMSG_SPACE(64))
#define CMSG_SEND_SPACE (CMSG_SPACE(sizeof(struct in6_pktinfo)))

union cmsg_recv_buf {
	struct cmsghdr align;
	unsigned char buf[CMSG_RECV_SPACE];
};

union cmsg_send_buf {
	struct cmsghdr align;
	unsigned char buf[CMSG_SEND_SPACE];
};

enum cmsg_status {
	CMSG_OK,
	CMSG_CTRUNC,		/* the kernel cut the control data */
	CMSG_NO_PKTINFO		/* no pktinfo of the datagram's family */
};

/* Fill m->dst, m->spec_dst, m->ifindex and m->rxq_drops from msg's
 * control data and flags; m->peer must already be set.  An IPv4 peer
 * takes IP_PKTINFO and falls back to a v4-mapped IPV6_PKTINFO; an IPv6
 * peer takes IPV6_PKTINFO. */
enum cmsg_status cmsg_parse(struct dgram_meta *m, const struct msghdr *msg);
/* Build into buf the control message that sends from sel; returns the
 * msg_controllen to use. */
size_t cmsg_build(union cmsg_send_buf *buf, const struct srcsel *sel);

#endif
