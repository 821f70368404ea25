/* rawudp: sends one UDP datagram with a source address and port of the
 * test's choosing, as a reflected answer or a spoofed peer would arrive:
 * a raw socket and a hand-built 8-byte UDP header, so that any source port
 * (0, another daemon's, the receiver's own) can be used without binding it.
 * It shares nothing with pktinfod.
 *
 * usage: rawudp SRC SPORT DST DPORT PAYLOAD
 * SRC and DST are numeric and of one family; SRC must be an address of this
 * host (it is bound, not forged).  Exits 0 once sent, 2 on any error. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UDP_HDRLEN 8

static int
resolve(const char *host, struct sockaddr_storage *out, socklen_t *len)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_RAW;
	hints.ai_protocol = IPPROTO_UDP;
	hints.ai_flags = AI_NUMERICHOST;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		fprintf(stderr, "rawudp: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int
parse_port(const char *text, uint16_t *port)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || end == text || v < 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* A raw socket of protocol UDP: the kernel adds the IP header with the
 * bound source.  IPv4 allows checksum 0 (RFC 768: none computed); IPv6
 * requires a checksum (RFC 8200 §8.1), which IPV6_CHECKSUM at offset 6 of
 * the UDP header makes the kernel compute over the pseudo-header. */
static int
open_raw(const struct sockaddr_storage *src, socklen_t srclen)
{
	int fd, offset = 6;

	if ((fd = socket(src->ss_family, SOCK_RAW, IPPROTO_UDP)) == -1) {
		fprintf(stderr, "rawudp: socket(SOCK_RAW): %s\n",
		    strerror(errno));
		return -1;
	}
	if (src->ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_CHECKSUM, &offset, sizeof(offset)) == -1) {
		fprintf(stderr, "rawudp: IPV6_CHECKSUM: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)src, srclen) == -1) {
		fprintf(stderr, "rawudp: bind: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
main(int argc, char **argv)
{
	static unsigned char dgram[65507];
	struct sockaddr_storage src, dst;
	socklen_t srclen, dstlen;
	uint16_t sport, dport, ulen;
	size_t n;
	int fd;

	if (argc != 6) {
		fprintf(stderr, "usage: rawudp SRC SPORT DST DPORT PAYLOAD\n");
		return 2;
	}
	n = strlen(argv[5]);
	if (resolve(argv[1], &src, &srclen) == -1 ||
	    resolve(argv[3], &dst, &dstlen) == -1 ||
	    parse_port(argv[2], &sport) == -1 ||
	    parse_port(argv[4], &dport) == -1 ||
	    src.ss_family != dst.ss_family ||
	    n > sizeof(dgram) - UDP_HDRLEN) {
		fprintf(stderr, "rawudp: bad arguments\n");
		return 2;
	}
	ulen = (uint16_t)(UDP_HDRLEN + n);
	sport = htons(sport);
	dport = htons(dport);
	ulen = htons(ulen);
	memcpy(dgram, &sport, 2);
	memcpy(dgram + 2, &dport, 2);
	memcpy(dgram + 4, &ulen, 2);
	memset(dgram + 6, 0, 2);
	memcpy(dgram + UDP_HDRLEN, argv[5], n);
	if ((fd = open_raw(&src, srclen)) == -1)
		return 2;
	if (sendto(fd, dgram, UDP_HDRLEN + n, 0, (struct sockaddr *)&dst,
	    dstlen) == -1) {
		fprintf(stderr, "rawudp: sendto: %s\n", strerror(errno));
		close(fd);
		return 2;
	}
	close(fd);
	return 0;
}
