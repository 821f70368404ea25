/* cmsg_win32: pure conversion between Winsock control buffers (WSAMSG,
 * WSACMSGHDR) and the portable structs — IN_PKTINFO and IN6_PKTINFO, the
 * same job as cmsg.h on POSIX.  No calls into Winsock, so tests can feed it
 * hand-built buffers. */
#ifndef PKTINFOD_CMSG_WIN32_H
#define PKTINFOD_CMSG_WIN32_H

#include <stddef.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

#include "dgram.h"
#include "srcsel.h"

/*
 * Windows documents IN_PKTINFO for an IPv4 datagram on a dual-stack
 * socket; Wine passes on what Linux gives, a v4-mapped IN6_PKTINFO and
 * then IN_PKTINFO.  Room for both, and slack for one unexpected message so
 * that its presence alone does not set MSG_CTRUNC.
 */
#define CMSG_RECV_SPACE (WSA_CMSG_SPACE(sizeof(IN_PKTINFO)) + \
	WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)) + WSA_CMSG_SPACE(64))
#define CMSG_SEND_SPACE (WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)))

union cmsg_recv_buf {
	WSACMSGHDR align;
	unsigned char buf[CMSG_RECV_SPACE];
};

union cmsg_send_buf {
	WSACMSGHDR align;
	unsigned char buf[CMSG_SEND_SPACE];
};

enum cmsg_status {
	CMSG_OK,
	CMSG_CTRUNC,		/* Winsock cut the control data */
	CMSG_NO_PKTINFO		/* no pktinfo of the datagram's family */
};

/* Fill m->dst, m->spec_dst (= dst: Windows has no ipi_spec_dst) and
 * m->ifindex from msg's control data and flags; m->peer must already be
 * set.  An IPv4 peer takes IN_PKTINFO and falls back to a v4-mapped
 * IN6_PKTINFO; an IPv6 peer takes IN6_PKTINFO. */
enum cmsg_status cmsg_parse(struct dgram_meta *m, const WSAMSG *msg);
/* Build into buf the control message that sends from sel (IN_PKTINFO with
 * ipi_addr = the source, or IN6_PKTINFO); returns the Control.len to use. */
size_t cmsg_build(union cmsg_send_buf *buf, const struct srcsel *sel);

#endif
