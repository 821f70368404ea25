/* udpq: a minimal independent UDP client for the integration tests.  It
 * shares no socket code with pktinfod or pktq: plain sendto/recvfrom, and it
 * prints the source of every datagram it receives exactly as the kernel
 * reported it.
 *
 * usage: udpq [-b LOCALADDR] [-P LOCALPORT] [-t TIMEOUT_MS] [-n|-m|-k COUNT]
 *             [-B] [-C] [-a] [-S] [-f FILE] ADDR PORT [PAYLOAD]
 *   -P  bind this local port (with -b, or the wildcard address)
 *   -n  send the payload COUNT times, as fast as the socket takes it, then
 *   wait for answers (a burst a shell loop could not make)
 *   -m  send the payload once from each of COUNT source addresses, from
 *   127.1.0.1 on (an IPv4 ADDR on loopback only), answers not awaited: a
 *   flood of distinct sources
 *   -k  send the payload once from each of COUNT sockets, each bound to
 *   LOCALADDR (or the wildcard) and a port of its own the kernel picks,
 *   then print every answer until each socket has had one or none comes
 *   for the timeout: COUNT clients in one process (with -C each connected)
 *   -B  SO_BROADCAST   -C  connect() first   -a  wait for all answers until
 *   the timeout instead of stopping at the first   -S  say "sent" on stderr
 *   once the query is out   -f  payload from FILE
 * Prints "from ADDR PORT LEN\tPAYLOAD" per datagram; exits 0 when at least
 * one arrived, 1 when none did, 2 on usage or setup errors. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct args {
	const char *local, *local_port, *file, *host, *port, *payload;
	long count, sources, sockets;
	int timeout_ms, broadcast, connected, all, say_sent;
};

static int
resolve(const char *host, const char *port, int family,
    struct sockaddr_storage *out, socklen_t *len)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "udpq: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int
parse_args(struct args *a, int argc, char **argv)
{
	int ch;

	memset(a, 0, sizeof(*a));
	a->timeout_ms = 1000;
	a->count = 1;
	while ((ch = getopt(argc, argv, "b:P:t:n:m:k:BCaSf:")) != -1) {
		switch (ch) {
		case 'b': a->local = optarg; break;
		case 'P': a->local_port = optarg; break;
		case 'n': a->count = atol(optarg); break;
		case 'm': a->sources = atol(optarg); break;
		case 'k': a->sockets = atol(optarg); break;
		case 't': a->timeout_ms = atoi(optarg); break;
		case 'B': a->broadcast = 1; break;
		case 'C': a->connected = 1; break;
		case 'a': a->all = 1; break;
		case 'f': a->file = optarg; break;
		case 'S': a->say_sent = 1; break;
		default: return -1;
		}
	}
	if (a->count < 1 || a->sockets < 0 || a->sockets > 1000 ||
	    (a->sockets > 0 && (a->local_port != NULL || a->count > 1 ||
	    a->sources > 0)))
		return -1;
	if (argc - optind < 2 || argc - optind > 3 ||
	    (a->file == NULL) == (argc - optind == 2))
		return -1;
	a->host = argv[optind];
	a->port = argv[optind + 1];
	a->payload = argv[optind + 2];
	return 0;
}

static ssize_t
load_payload(const struct args *a, char *buf, size_t cap)
{
	FILE *f;
	size_t n;

	if (a->file == NULL) {
		n = strlen(a->payload);
		if (n > cap)
			return -1;
		memcpy(buf, a->payload, n);
		return (ssize_t)n;
	}
	if ((f = fopen(a->file, "rb")) == NULL)
		return -1;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return (ssize_t)n;
}

static int
open_socket(const struct args *a, const struct sockaddr_storage *to,
    socklen_t tolen)
{
	struct sockaddr_storage local;
	socklen_t locallen;
	int fd, one = 1;

	if ((fd = socket(to->ss_family, SOCK_DGRAM, 0)) == -1)
		return -1;
	if (a->broadcast &&
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) == -1)
		return -1;
	if (a->local != NULL || a->local_port != NULL) {
		if (resolve(a->local != NULL ? a->local :
		    to->ss_family == AF_INET6 ? "::" : "0.0.0.0",
		    a->local_port != NULL ? a->local_port : "0", to->ss_family,
		    &local, &locallen) == -1 ||
		    bind(fd, (struct sockaddr *)&local, locallen) == -1)
			return -1;
	}
	if (a->connected && connect(fd, (const struct sockaddr *)to, tolen) == -1)
		return -1;
	return fd;
}

static void
print_datagram(const struct sockaddr_storage *from, socklen_t fromlen,
    const char *buf, ssize_t n)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo((const struct sockaddr *)from, fromlen, host,
	    sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		strcpy(host, "?");
	printf("from %s %s %zd\t%.*s\n", host, serv, n, (int)n, buf);
	fflush(stdout);
}

static int
receive(int fd, const struct args *a)
{
	static char buf[65536];
	struct sockaddr_storage from;
	struct pollfd pfd = { fd, POLLIN, 0 };
	socklen_t fromlen;
	ssize_t n;
	int got = 0;

	while (poll(&pfd, 1, a->timeout_ms) > 0) {
		fromlen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &fromlen);
		if (n < 0) {
			if (errno == ECONNREFUSED && !a->all)
				break;
			continue;
		}
		print_datagram(&from, fromlen, buf, n);
		got++;
		if (!a->all)
			break;
	}
	return got > 0 ? 0 : 1;
}

/* One datagram from each of n addresses of 127.1.0.0/16 and beyond, in
 * turn (all of 127.0.0.0/8 is local on Linux's lo). */
static int
from_many(const struct sockaddr_storage *to, socklen_t tolen,
    const char *payload, size_t n, long sources)
{
	struct sockaddr_in src;
	long i;
	int fd;

	for (i = 0; i < sources; i++) {
		memset(&src, 0, sizeof(src));
		src.sin_family = AF_INET;
		src.sin_addr.s_addr = htonl(0x7f010001UL + (unsigned long)i);
		if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
			return 2;
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) == -1 ||
		    sendto(fd, payload, n, 0, (const struct sockaddr *)to,
		    tolen) == -1) {
			fprintf(stderr, "udpq: source %ld: %s\n", i,
			    strerror(errno));
			close(fd);
			return 2;
		}
		close(fd);
	}
	return 0;
}

/* One datagram from each of a->sockets sockets, each on a port of its own
 * (bound, and connected with -C, as open_socket does), then every answer,
 * until each socket has had one or none comes for the timeout. */
static int
from_sockets(const struct args *a, const struct sockaddr_storage *to,
    socklen_t tolen, const char *payload, size_t n)
{
	static struct pollfd pfd[1000];
	static char buf[65536];
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t got;
	long i, open = 0, answered = 0;
	int rc = 0;

	for (i = 0; i < a->sockets; i++) {
		if ((pfd[i].fd = open_socket(a, to, tolen)) == -1 ||
		    (a->connected ? send(pfd[i].fd, payload, n, 0) :
		    sendto(pfd[i].fd, payload, n, 0, (const struct sockaddr *)to,
		    tolen)) == -1) {
			fprintf(stderr, "udpq: socket %ld of %ld: %s\n", i + 1,
			    a->sockets, strerror(errno));
			if (pfd[i].fd != -1)
				close(pfd[i].fd);
			rc = 2;
			break;
		}
		pfd[i].events = POLLIN;
		open++;
	}
	while (rc == 0 && answered < open &&
	    poll(pfd, (nfds_t)open, a->timeout_ms) > 0) {
		for (i = 0; i < open; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & POLLIN))
				continue;
			fromlen = sizeof(from);
			got = recvfrom(pfd[i].fd, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &fromlen);
			if (got < 0)
				continue;
			print_datagram(&from, fromlen, buf, got);
			close(pfd[i].fd);
			pfd[i].fd = -1;	/* poll ignores it from now on */
			answered++;
		}
	}
	for (i = 0; i < open; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	if (rc != 0)
		return rc;
	return answered > 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static char payload[65536];
	struct sockaddr_storage to;
	struct args a;
	socklen_t tolen;
	ssize_t n;
	long i;
	int fd;

	if (parse_args(&a, argc, argv) == -1) {
		fprintf(stderr, "usage: udpq [-b LOCAL] [-P LPORT] [-t MS] "
		    "[-n|-m|-k COUNT] [-B] [-C] [-a] [-S] [-f FILE] ADDR PORT "
		    "[PAYLOAD]\n");
		return 2;
	}
	if (resolve(a.host, a.port, AF_UNSPEC, &to, &tolen) == -1 ||
	    (n = load_payload(&a, payload, sizeof(payload))) < 0 ||
	    (fd = open_socket(&a, &to, tolen)) == -1) {
		fprintf(stderr, "udpq: setup: %s\n", strerror(errno));
		return 2;
	}
	if (a.sources > 0) {
		close(fd);
		return from_many(&to, tolen, payload, (size_t)n, a.sources);
	}
	if (a.sockets > 0) {
		close(fd);
		return from_sockets(&a, &to, tolen, payload, (size_t)n);
	}
	for (i = 0; i < a.count; i++) {
		if ((a.connected ? send(fd, payload, (size_t)n, 0) :
		    sendto(fd, payload, (size_t)n, 0, (struct sockaddr *)&to,
		    tolen)) == -1) {
			fprintf(stderr, "udpq: sendto %ld of %ld: %s\n", i + 1,
			    a.count, strerror(errno));
			return 2;
		}
	}
	if (a.say_sent)
		fprintf(stderr, "sent\n");
	n = receive(fd, &a);
	close(fd);
	return (int)n;
}
