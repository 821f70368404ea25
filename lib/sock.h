/* sock: the socket layer behind one narrow interface — open the
 * dual-stack pktinfo socket (HACKING.md, "Source selection", gives the
 * order), receive a batch of datagrams with their metadata, send each
 * answer from the address its datagram arrived on.  sock.c is the
 * portable part; sock_posix.c or sock_win32.c makes the system calls. */
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
	SOCK_F_NAIVE = 2,	/* answer with plain sendto: negative control */
	SOCK_F_FIRST = 4	/* the first worker's: with REUSEPORT, fail if
				 * the port is taken, and answer the
				 * broadcast and multicast datagrams */
};

enum sock_rx {
	SOCK_RX_OK,
	SOCK_RX_NO_PKTINFO,	/* control data cut or missing: drop */
	SOCK_RX_COPY		/* a broadcast or multicast datagram that every
				 * worker's socket got: the first answers it */
};

/* Open and bind a socket on bind_to; every failure is logged naming the
 * call and the address.  Windows: Winsock must be started (plat_init).
 * NULL / errno. */
struct sock *sock_open(const struct sockaddr_in6 *bind_to, int flags);
/* Close s and free it. */
void sock_close(struct sock *s);
/* The descriptor, for the event loop. */
intptr_t sock_handle(const struct sock *s);
/* The bound port, in host order. */
uint16_t sock_port(const struct sock *s);
/* What the socket could be given. */
const struct sock_features *sock_features(const struct sock *s);

/* One datagram of a batch, and its answer. */
struct sock_msg {
	struct dgram_meta meta;
	enum sock_rx status;
	char *rx;		/* the datagram (rx_cap bytes of room) */
	size_t len;		/* its full length, more than rx_cap if cut */
	char *tx;		/* the answer (see sock_batch_tx) */
	size_t txlen;		/* its length; 0: nothing to send */
	int err;		/* errno of a send that failed, else 0 */
};

/* The buffers, headers and control buffers for up to n datagrams,
 * allocated once per socket. */
struct sock_batch;

/* Allocate a batch of n messages; batch_io 0 forces one recvmsg/sendmsg
 * per datagram even where recvmmsg/sendmmsg exist, and then, or where they
 * do not, the batch holds one message.  NULL / errno. */
struct sock_batch *sock_batch_new(unsigned int n, size_t rx_cap,
    size_t tx_cap, int batch_io);
/* Free b. */
void sock_batch_free(struct sock_batch *b);
/* Message i of b. */
struct sock_msg *sock_batch_msg(struct sock_batch *b, unsigned int i);
/* Where the answer of the next message of the batch goes, with *cap
 * (at least the batch's tx_cap) bytes of room; sock_batch_tx_commit then
 * says how many were used.  Valid until the next sock_recv_batch. */
#define SOCK_TX_ALIGN 64
char *sock_batch_tx(struct sock_batch *b, size_t *cap);
void sock_batch_tx_commit(struct sock_batch *b, size_t len);
/* Non-zero when b really uses recvmmsg/sendmmsg. */
int sock_batch_is_batched(const struct sock_batch *b);

/* Receive up to the batch size of datagrams; the count (0: none waiting)
 * or -1 with errno. */
int sock_recv_batch(struct sock *s, struct sock_batch *b);
/* Send the answers of messages *next .. count-1 that have one, each from
 * the source srcsel chooses for it.  A send that fails for that message
 * alone sets its err and goes on: an answer is never retried from another
 * address.  Returns 0 when all are done, or -1 with errno EAGAIN or
 * ENOBUFS when the socket is full; *next is then the first unsent. */
int sock_send_batch(struct sock *s, struct sock_batch *b, unsigned int count,
    unsigned int *next);

#endif
