/* pktq_errq: the ICMP errors the kernel queues on pktq's unconnected
 * socket (Linux: ip(7) IP_RECVERR, ipv6(7) IPV6_RECVERR), so that a port
 * unreachable ends the wait at once.  Where the platform has no error
 * queue, nothing is ever queued. */
#ifndef PKTINFOD_PKTQ_ERRQ_H
#define PKTINFOD_PKTQ_ERRQ_H

#include "netinc.h"

/* What error-queue entries said, from least to most telling. */
enum pktq_errq_verdict {
	PKTQ_ERRQ_NONE,		/* no entry */
	PKTQ_ERRQ_OTHER,	/* another error (host unreachable, PMTU...) */
	PKTQ_ERRQ_PORT_UNREACH	/* ICMP or ICMPv6 port unreachable */
};

/* Have the kernel queue ICMP errors for fd, a socket of family.
 * 0 / -1 with errno. */
int pktq_errq_enable(int fd, int family);
/* The verdict on one entry read with MSG_ERRQUEUE into msg, from its
 * control data alone (pure: no system call). */
enum pktq_errq_verdict pktq_errq_parse(struct msghdr *msg);
/* Read every entry queued on fd; the most telling verdict. */
enum pktq_errq_verdict pktq_errq_drain(int fd);

#endif
