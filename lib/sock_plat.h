/* sock_plat: what the portable socket layer (sock.c) and a platform's
 * system calls (sock_posix.c, sock_win32.c) share — the socket, the batch,
 * and the one table of calls each platform exports.  Every policy is
 * sock.c's; a platform makes the calls in its own types, fills and reads
 * its own headers, and reports its own error codes.  Only those three
 * files include this. */
#ifndef PKTINFOD_SOCK_PLAT_H
#define PKTINFOD_SOCK_PLAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "sock.h"
#include "srcsel.h"

/* An address as the socket takes it: a sockaddr_in only on the AF_INET
 * fallback socket. */
union sock_addr {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/* A socket option, with the name messages give it. */
struct sock_opt {
	int level;
	int name;
	const char *text;
};

struct sock_sys;
struct sock_os;			/* a platform's part of a socket */
struct sock_hdrs;		/* a platform's headers and control buffers */

#define SOCK_NO_FD ((intptr_t)-1)

struct sock {
	intptr_t fd;			/* SOCK_NO_FD: none open */
	int family;			/* AF_INET6, or AF_INET without IPv6 */
	int naive;			/* SOCK_F_NAIVE: no control data sent */
	int copies;			/* group datagrams are another's to answer */
	uint16_t port;
	const struct sock_sys *sys;
	struct sock_os *os;		/* sys->os_size bytes */
	struct sock_features features;
	char name[ADDR_STRLEN];		/* the bind address, for messages */
};

/* One answer on its way out: sock.c fills it in, the platform's send puts
 * it in a header. */
struct sock_out {
	struct srcsel sel;		/* where it leaves from */
	union sock_addr to;		/* the client, as the socket takes it */
	size_t tolen;
	unsigned int msg;		/* its message in the batch */
};

struct sock_batch {
	unsigned int n;			/* messages: 1 unless batched */
	int batched;			/* recvmmsg/sendmmsg, else one by one */
	size_t rx_cap;
	size_t tx_cap;			/* room promised to every answer */
	size_t tx_used;			/* bytes of txmem this batch has used */
	char *rxmem;			/* n * rx_cap bytes: the datagrams */
	char *txmem;			/* n * tx_cap bytes: the answers, packed */
	struct sock_msg *msg;
	union sock_addr *from;		/* the peers as received, one a message */
	struct sock_out *out;		/* the answers to send, packed */
	struct sock_hdrs *hdrs;
};

/* A platform's codes for the errors the set-up policies turn on. */
struct sock_errs {
	int afnosupport;		/* no such address family */
	int inval;			/* IP_PKTINFO refused (IPv4 is off?) */
	int opnotsupp;			/* asked for what the platform lacks */
};

/*
 * A platform's calls.  Each returns 0, or a count, / -1 with errno set to
 * the platform's own code (WSA* on Windows) and logs nothing, except
 * prepare, which names its own failures.  recv and send say EAGAIN for
 * an empty or full socket and ENOBUFS for a lack of buffers.
 */
struct sock_sys {
	const char *system;		/* "Windows": for messages */
	int batch;			/* recvmmsg and sendmmsg exist */
	int reuseport;			/* SO_REUSEPORT, 0: there is none */
	int rcvbuf_force;		/* SO_RCVBUFFORCE, 0: there is none */
	struct sock_opt pktinfo6;	/* report IPv6 destinations */
	struct sock_errs err;
	size_t os_size;			/* of struct sock_os, zeroed by sock.c */
	/* socket(family, SOCK_DGRAM, IPPROTO_UDP) into s->fd */
	int (*open)(struct sock *s, int family);
	int (*set_int)(struct sock *s, int level, int name, int value);
	int (*get_int)(struct sock *s, int level, int name, int *value);
	int (*bind)(struct sock *s, const union sock_addr *a, size_t len);
	/* getsockname: *len is the room in a, then the length */
	int (*local)(struct sock *s, union sock_addr *a, size_t *len);
	/* the platform's own steps between the options and bind */
	int (*prepare)(struct sock *s);
	/* close s->fd, which is open */
	void (*close)(struct sock *s);
	/* b->hdrs for b->n messages, pointing at b's buffers; and free */
	int (*hdrs_new)(struct sock_batch *b);
	void (*hdrs_free)(struct sock_batch *b);
	/* receive up to b->n datagrams, each passed to sock_arrived and
	 * then to cmsg_parse; the count */
	int (*recv)(struct sock *s, struct sock_batch *b);
	/* send answers k .. m-1 of b->out, at least the first; the count */
	int (*send)(struct sock *s, struct sock_batch *b, unsigned int k,
	    unsigned int m);
};

/* The table of the platform this program is built for. */
extern const struct sock_sys sock_sys_native;

/* For a platform's prepare: set an option that helps but is not needed,
 * warning with loss (what goes without it) when it fails. */
void sock_opt_wish(struct sock *s, int level, int name, const char *text,
    const char *loss);

/* For a platform's recv: datagram i of b arrived, len bytes (truncated:
 * it was cut), from the peer in b->from[i] of namelen bytes.  Returns
 * message i, ready for cmsg_parse while its status is SOCK_RX_OK.  Inline:
 * it runs for every datagram. */
static inline struct sock_msg *
sock_arrived(struct sock_batch *b, unsigned int i, size_t len,
    size_t namelen, int truncated)
{
	struct sock_msg *msg = &b->msg[i];

	/* Linux reports a cut datagram's real length; elsewhere make sure
	 * it still reads as too large. */
	msg->len = truncated && len <= b->rx_cap ? b->rx_cap + 1 : len;
	msg->tx = NULL;
	msg->txlen = 0;
	msg->err = 0;
	memset(&msg->meta, 0, sizeof(msg->meta));
	msg->status = addr_from_sockaddr(&msg->meta.peer, &b->from[i].sa,
	    namelen) == 0 ? SOCK_RX_OK : SOCK_RX_NO_PKTINFO;
	return msg;
}

#endif
