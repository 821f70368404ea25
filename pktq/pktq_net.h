/* pktq_net: every platform call pktq makes — its client socket (never
 * connected), the wait for an answer, a monotonic clock, error texts — so
 * a port to another platform replaces this one file (and pktq_errq.c, the
 * POSIX file's ICMP errors).  HOST is split and resolved by hostport.c,
 * which both platforms share. */
#ifndef PKTINFOD_PKTQ_NET_H
#define PKTINFOD_PKTQ_NET_H

#include <stddef.h>

#include "hostport.h"
#include "netinc.h"

/* Set up the platform's sockets (WSAStartup) and a binary stdout, so the
 * answer prints byte for byte.  0 / -1 with errno. */
int pktq_net_init(void);
/* Text for an error number of these functions (strerror, or a WSA* name). */
const char *pktq_net_strerror(int err);
/* Text for a getaddrinfo error code (hostport_resolve's gai_text). */
const char *pktq_net_gai_strerror(int rc);

/* A UDP socket of family (AF_INET or AF_INET6), never connected, that
 * reports an ICMP port unreachable for a datagram it sent (see
 * pktq_net_is_port_unreachable).  fd / -1 with errno. */
int pktq_net_socket(int family);
/* Bind fd, of family, to local (IPv4 held v4-mapped).  0 / -1 with errno. */
int pktq_net_bind(int fd, int family, const struct sockaddr_in6 *local);
/* Send one datagram to to.  0 / -1 with errno. */
int pktq_net_send(int fd, const void *buf, size_t len,
    const struct hostport_addr *to);
/* Wait up to ms for fd to be readable: 1 readable, 0 not yet (timeout or
 * signal), -1 with errno. */
int pktq_net_wait(int fd, long long ms);
/* Receive the datagram (or error) pktq_net_wait found ready on fd into
 * buf, without blocking; *from gets its source in the v4-mapped form.
 * Its length / -1 with errno. */
int pktq_net_recv(int fd, void *buf, size_t cap, struct sockaddr_in6 *from);
/* Non-zero for an errno that says nothing about the peer: keep waiting. */
int pktq_net_is_noise(int err);
/* Non-zero for the errno of pktq_net_recv that says an ICMP port
 * unreachable came back for a datagram fd sent: nothing listens there. */
int pktq_net_is_port_unreachable(int err);
/* Close fd. */
void pktq_net_close(int fd);
/* Milliseconds on a monotonic clock. */
long long pktq_net_now_ms(void);

#endif
