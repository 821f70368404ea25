/* hostile: what the parts of tests/tools/hostile share: the expectation of one
 * request, the counters the daemon must show, the checks every answer
 * gets, and plain loopback sockets. */
#ifndef PKTINFOD_TESTS_HOSTILE_H
#define PKTINFOD_TESTS_HOSTILE_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define FACTOR		3	/* SPEC 2 amplification_factor default */
#define MAX_DGRAM	4096	/* SPEC 4 max_datagram default */
#define BUF_CAP		65536
#define PAD_TO		200	/* well above any short answer / 3 */
#define ANSWER_MS	1000	/* an answer on loopback takes microseconds */
#define SILENCE_MS	300	/* how long "no answer" is waited for */

/* Counters of the stats answer that the client can predict. */
enum ctr {
	C_BAD_JSON, C_BAD_REQUEST, C_UNKNOWN_OP, C_TOO_LARGE, C_TRUNCATED,
	C_DROPPED, C_NOT_A_REQUEST, C_OK, C_MAX
};

/* What one request must get.  silent: no answer, counted under that name
 * ("dropped", "not_a_request"); else error (NULL: ok with op).  cause:
 * for a request the 3x rule cut ("dropped", "truncated"), the counter of
 * what it was ("bad_json", "ok"), which moves too.  id: the
 * answer's id as text, verbatim ("": no id); data: echo's data,
 * verbatim; msg_has: a text the message must contain; client: whoami's
 * client.addr, with port. */
struct expect {
	const char	*silent;
	const char	*error;
	const char	*cause;
	const char	*op;
	char		 id[80];
	const char	*data;
	size_t		 ndata;
	const char	*msg_has;
	const char	*client;
	unsigned int	 port;
};

struct tally {
	unsigned long	 rx[2], tx[2];	/* [0] IPv4, [1] IPv6 */
	unsigned long	 ctr[C_MAX];
};

struct buf {
	char		*p;
	size_t		 n, cap;
};

struct peer {
	struct sockaddr_storage	 to;
	socklen_t		 tolen;
	int			 v6;
};

/* Checks failed so far: the exit status. */
extern int hostile_fails;

/* A line on stdout. */
void say(const char *, ...) __attribute__((format(printf, 1, 2)));
/* "ok   name" or "FAIL name: why", counting a failure. */
void check(int ok, const char *name, const char *why);
/* At most 100 bytes of p as text in out, escaped where not printable. */
const char *shown(const char *p, size_t n, char *out, size_t cap);
/* Append to b, never past its cap. */
void put(struct buf *b, const void *p, size_t n);
void put_str(struct buf *b, const char *s);
void put_fmt(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void put_rep(struct buf *b, char ch, size_t n);
/* Trailing spaces up to n bytes. */
void pad_to(struct buf *b, size_t n);
/* The counter a request that expects e moves. */
enum ctr ctr_of(const struct expect *e);
/* Count one request that expects e in t. */
void tally_request(struct tally *t, const struct expect *e);
/* 0 when ans (n bytes) rightly answers a request of reqlen bytes that
 * expects e; else -1 and why (256 bytes). */
int check_answer(size_t reqlen, const char *ans, size_t n,
    const struct expect *e, char *why);
/* The numeric address host, port. */
int peer_resolve(struct peer *pr, const char *host, const char *port);
/* A socket of pr's family on an ephemeral port, put in *lport. */
int sock_new(const struct peer *pr, unsigned int *lport);
int send_to(int fd, const struct peer *pr, const char *p, size_t n);
/* 1 when from is pr's address and port. */
int same_peer(const struct peer *pr, const struct sockaddr_storage *from);
/* One datagram within ms: its length, or -1; *wrong when not from pr. */
ssize_t recv_wait(int fd, const struct peer *pr, char *buf, size_t cap,
    int ms, int *wrong);
long long now_ms(void);
/* The "expect" line: the counters the daemon must show for t. */
void print_expect(const struct tally *t);

/* The modes: exit statuses. */
int catalogue(const char *host, const char *port);
int mix(const char *port, unsigned long n, uint64_t seed);

#endif
