/* sock: the platform socket layer behind one narrow interface — open the
 * dual-stack pktinfo socket in the order of SPEC section 3, receive one
 * datagram with its metadata, send an answer from the selected source.
 * sock_posix.c implements it for Linux and the BSDs. */
#ifndef PKTINFOD_SOCK_H
#define PKTINFOD_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "dgram.h"

struct sock;

/* What the socket could be given (the info answer's features). */
struct sock_features {
	int dualstack;		/* AF_INET6 with IPV6_V6ONLY off */
	int pktinfo4;		/* IPv4 destinations are reported */
	int pktinfo6;		/* IPv6 destinations are reported */
	int reuseport;		/* SO_REUSEPORT set */
};

enum sock_flags {
	SOCK_F_REUSEPORT = 1,	/* SO_REUSEPORT, for one socket per worker */
	SOCK_F_NAIVE = 2	/* answer with plain sendto: negative control */
};

enum sock_rx {
	SOCK_RX_OK,
	SOCK_RX_EMPTY,		/* nothing left to read (EAGAIN) */
	SOCK_RX_ERROR,		/* errno says why */
	SOCK_RX_NO_PKTINFO	/* control data cut or missing: drop */
};

/* Open and bind a socket on bind_to (SPEC section 3); every failure is
 * logged naming the call and the address.  NULL / errno. */
struct sock *sock_open(const struct sockaddr_in6 *bind_to, int flags);
/* Close s and free it. */
void sock_close(struct sock *s);
/* The descriptor, for the event loop. */
intptr_t sock_handle(const struct sock *s);
/* The bound port, in host order. */
uint16_t sock_port(const struct sock *s);
/* What the socket could be given. */
const struct sock_features *sock_features(const struct sock *s);
/* Receive one datagram into buf; *len is its full length, more than cap
 * when it was cut (MSG_TRUNC). */
enum sock_rx sock_recv(struct sock *s, void *buf, size_t cap, size_t *len,
    struct dgram_meta *m);
/* Send len bytes to m->peer from the source srcsel chooses for m.
 * 0 / -1 with errno; never retried from another address. */
int sock_send(struct sock *s, const void *buf, size_t len,
    const struct dgram_meta *m);

#endif
