/* reflector: the bare limit for make bench — the daemon's socket (one
 * dual-stack AF_INET6 socket, IPV6_V6ONLY off, IPV6_RECVPKTINFO and
 * IP_PKTINFO, every answer sent from the query's destination through the
 * same cmsg and srcsel code) with recvmmsg/sendmmsg batches, and a fixed
 * answer instead of JSON.  What pktinfod costs is its distance from this.
 *
 * usage: reflector [-p PORT] [-k BYTES] [-b RCVBUF] [-r READY_FILE]
 * The first BYTES (default 20) bytes of every answer are copied from its
 * query: pktbench's JSON requests begin with {"id":"<12 hex>", so the
 * answer carries the id pktbench matches on.  -k 0 answers a constant.
 * SIGTERM ends it (the default action: it holds nothing to flush). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "cmsg.h"
#include "srcsel.h"

#define BATCH		64
#define RX_CAP		4096

static const char answer[] = "{\"id\":\"000000000000\",\"ok\":true,"
    "\"op\":\"ping\"}";

struct batch {
	unsigned char rx[BATCH][RX_CAP];
	unsigned char tx[BATCH][sizeof(answer)];
	struct sockaddr_in6 peer[BATCH];
	union cmsg_recv_buf rctl[BATCH];
	union cmsg_send_buf sctl[BATCH];
	struct iovec riov[BATCH], siov[BATCH];
	struct mmsghdr rmsg[BATCH], smsg[BATCH];
};

static void
die(const char *what)
{
	fprintf(stderr, "reflector: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
set_opt(int fd, int level, int name, const char *what)
{
	int one = 1, zero = 0;

	if (setsockopt(fd, level, name, name == IPV6_V6ONLY ? &zero : &one,
	    sizeof(int)) == -1)
		die(what);
}

/* SPEC section 3, steps 1-5, on [::]:port. */
static int
open_socket(unsigned int port, int rcvbuf)
{
	struct sockaddr_in6 sin6;
	int fd;

	if ((fd = socket(AF_INET6, SOCK_DGRAM, 0)) == -1)
		die("socket(AF_INET6)");
	set_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY");
	set_opt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO");
	set_opt(fd, IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO");
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		die("SO_RCVBUF");
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_any;
	sin6.sin6_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1)
		die("bind [::]");
	return fd;
}

static void
write_ready(int fd, const char *path)
{
	struct sockaddr_in6 sin6;
	socklen_t len = sizeof(sin6);
	FILE *f;

	if (getsockname(fd, (struct sockaddr *)&sin6, &len) == -1)
		die("getsockname");
	if ((f = fopen(path, "w")) == NULL)
		die(path);
	fprintf(f, "%u\n", (unsigned int)ntohs(sin6.sin6_port));
	if (fclose(f) == EOF)
		die(path);
}

static void
prepare(struct batch *b)
{
	int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < BATCH; i++) {
		memcpy(b->tx[i], answer, sizeof(answer) - 1);
		b->riov[i].iov_base = b->rx[i];
		b->riov[i].iov_len = RX_CAP;
		b->siov[i].iov_base = b->tx[i];
		b->siov[i].iov_len = sizeof(answer) - 1;
	}
}

/* Turn received message i into answer n; 0, or -1 to drop it. */
static int
answer_one(struct batch *b, int i, int n, size_t keep)
{
	struct msghdr *rm = &b->rmsg[i].msg_hdr, *sm = &b->smsg[n].msg_hdr;
	struct dgram_meta m;
	struct srcsel sel;
	size_t len = b->rmsg[i].msg_len;

	memset(&m, 0, sizeof(m));
	if (addr_from_sockaddr(&m.peer, rm->msg_name, rm->msg_namelen) == -1 ||
	    cmsg_parse(&m, rm) != CMSG_OK)
		return -1;
	srcsel_choose(&sel, &m);
	memcpy(b->tx[n], b->rx[i], len < keep ? len : keep);
	b->peer[n] = sel.to;
	memset(sm, 0, sizeof(*sm));
	sm->msg_name = &b->peer[n];
	sm->msg_namelen = sizeof(b->peer[n]);
	sm->msg_iov = &b->siov[n];
	sm->msg_iovlen = 1;
	sm->msg_control = b->sctl[n].buf;
	sm->msg_controllen = cmsg_build(&b->sctl[n], &sel);
	return 0;
}

static void
serve(int fd, struct batch *b, size_t keep)
{
	struct sockaddr_in6 from[BATCH];
	int i, n, got, done, r;

	for (;;) {
		for (i = 0; i < BATCH; i++) {
			memset(&b->rmsg[i].msg_hdr, 0, sizeof(struct msghdr));
			b->rmsg[i].msg_hdr.msg_name = &from[i];
			b->rmsg[i].msg_hdr.msg_namelen = sizeof(from[i]);
			b->rmsg[i].msg_hdr.msg_iov = &b->riov[i];
			b->rmsg[i].msg_hdr.msg_iovlen = 1;
			b->rmsg[i].msg_hdr.msg_control = b->rctl[i].buf;
			b->rmsg[i].msg_hdr.msg_controllen =
			    sizeof(b->rctl[i].buf);
		}
		got = recvmmsg(fd, b->rmsg, BATCH, MSG_WAITFORONE, NULL);
		if (got == -1) {
			if (errno == EINTR)
				continue;
			die("recvmmsg");
		}
		for (i = 0, n = 0; i < got; i++)
			n += answer_one(b, i, n, keep) == 0;
		/* A refused answer (the client went away) is skipped. */
		for (done = 0; done < n; done += r > 0 ? r : 1)
			r = sendmmsg(fd, b->smsg + done,
			    (unsigned int)(n - done), 0);
	}
}

int
main(int argc, char **argv)
{
	const char *ready = NULL;
	unsigned long port = 0, keep = 20, rcvbuf = 0;
	struct batch *b;
	int ch, fd;

	while ((ch = getopt(argc, argv, "p:k:b:r:")) != -1) {
		switch (ch) {
		case 'p':
			port = strtoul(optarg, NULL, 10);
			break;
		case 'k':
			keep = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			rcvbuf = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			fprintf(stderr, "usage: reflector [-p PORT] "
			    "[-k BYTES] [-b RCVBUF] [-r READY_FILE]\n");
			return 2;
		}
	}
	if (port > 65535 || keep > sizeof(answer) - 1 || rcvbuf > 1 << 30) {
		fprintf(stderr, "reflector: -p 0..65535, -k 0..%zu, "
		    "-b 0..2^30\n", sizeof(answer) - 1);
		return 2;
	}
	if ((b = malloc(sizeof(*b))) == NULL)
		die("malloc");
	prepare(b);
	fd = open_socket((unsigned int)port, (int)rcvbuf);
	if (ready != NULL)
		write_ready(fd, ready);
	serve(fd, b, (size_t)keep);
	return 0;
}
