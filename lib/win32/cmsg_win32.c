/* cmsg_win32: control buffers <-> struct dgram_meta / struct srcsel
 * (Winsock). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "addr.h"
#include "cmsg_win32.h"

/* Level, type and exact length together, and the whole message inside
 * the buffer: a short cmsg_len is never read, nor one that claims more
 * bytes than Control.len holds (WSA_CMSG_FIRSTHDR and WSA_CMSG_NXTHDR check
 * only that the header fits; the POSIX twin's fuzz harness found it). */
static int
cmsg_is(const WSAMSG *msg, const WSACMSGHDR *c, int level, int type,
    size_t len)
{
	size_t off = (size_t)((const unsigned char *)c -
	    (const unsigned char *)msg->Control.buf);

	return c->cmsg_level == level && c->cmsg_type == type &&
	    c->cmsg_len == WSA_CMSG_LEN(len) && off <= msg->Control.len &&
	    WSA_CMSG_LEN(len) <= msg->Control.len - off;
}

/* On Windows ipi_addr is the datagram's destination (there is no
 * ipi_spec_dst), and on send it is the source. */
static void
take_in_pktinfo(struct dgram_meta *m, WSACMSGHDR *c)
{
	IN_PKTINFO pi;

	memcpy(&pi, WSA_CMSG_DATA(c), sizeof(pi));
	addr_set_v4mapped(&m->dst, &pi.ipi_addr);
	m->spec_dst = m->dst;
	m->ifindex = (unsigned int)pi.ipi_ifindex;
}

static void
take_in6_pktinfo(struct dgram_meta *m, WSACMSGHDR *c)
{
	IN6_PKTINFO pi;

	memcpy(&pi, WSA_CMSG_DATA(c), sizeof(pi));
	m->dst = pi.ipi6_addr;
	m->spec_dst = pi.ipi6_addr;
	m->ifindex = (unsigned int)pi.ipi6_ifindex;
}

enum cmsg_status
cmsg_parse(struct dgram_meta *m, const WSAMSG *msg)
{
	WSACMSGHDR *c;
	int v4peer, have4 = 0, have6 = 0;

	m->rxq_drops = 0;	/* Winsock reports no receive-queue drops */
	if (msg->dwFlags & MSG_CTRUNC)
		return CMSG_CTRUNC;
	v4peer = addr_is_v4mapped(&m->peer.sin6_addr);
	/* mingw's WSA_CMSG_NXTHDR returns the same header again for a
	 * cmsg_len of 0 (glibc's stops below a header's size): stop there. */
	for (c = WSA_CMSG_FIRSTHDR(msg); c != NULL &&
	    c->cmsg_len >= sizeof(WSACMSGHDR); c = WSA_CMSG_NXTHDR(msg, c)) {
		if (v4peer && !have4 && cmsg_is(msg, c, IPPROTO_IP, IP_PKTINFO,
		    sizeof(IN_PKTINFO))) {
			take_in_pktinfo(m, c);
			have4 = 1;
		} else if (!have4 && !have6 && cmsg_is(msg, c, IPPROTO_IPV6,
		    IPV6_PKTINFO, sizeof(IN6_PKTINFO))) {
			take_in6_pktinfo(m, c);
			have6 = 1;
		}
	}
	if (have6 && !have4 && addr_is_v4mapped(&m->dst) != v4peer)
		return CMSG_NO_PKTINFO;
	return have4 || have6 ? CMSG_OK : CMSG_NO_PKTINFO;
}

static void
put_in_pktinfo(WSACMSGHDR *c, const struct srcsel *sel)
{
	IN_PKTINFO pi;

	/* Windows: ipi_addr sets the source (there is no ipi_spec_dst). */
	memset(&pi, 0, sizeof(pi));
	addr_get_v4(&pi.ipi_addr, &sel->src);
	pi.ipi_ifindex = sel->ifindex;
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = WSA_CMSG_LEN(sizeof(pi));
	memcpy(WSA_CMSG_DATA(c), &pi, sizeof(pi));
}

static void
put_in6_pktinfo(WSACMSGHDR *c, const struct srcsel *sel)
{
	IN6_PKTINFO pi;

	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = sel->src;
	pi.ipi6_ifindex = sel->ifindex;
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = WSA_CMSG_LEN(sizeof(pi));
	memcpy(WSA_CMSG_DATA(c), &pi, sizeof(pi));
}

size_t
cmsg_build(union cmsg_send_buf *buf, const struct srcsel *sel)
{
	WSAMSG msg;
	WSACMSGHDR *c;

	memset(buf, 0, sizeof(*buf));
	memset(&msg, 0, sizeof(msg));
	msg.Control.buf = (char *)buf->buf;
	msg.Control.len = sizeof(buf->buf);
	c = WSA_CMSG_FIRSTHDR(&msg);
	if (sel->family == AF_INET) {
		put_in_pktinfo(c, sel);
		return WSA_CMSG_SPACE(sizeof(IN_PKTINFO));
	}
	put_in6_pktinfo(c, sel);
	return WSA_CMSG_SPACE(sizeof(IN6_PKTINFO));
}
