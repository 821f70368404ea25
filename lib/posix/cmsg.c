/* cmsg: control buffers <-> struct dgram_meta / struct srcsel (POSIX). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "addr.h"
#include "cmsg.h"

/* Level, type and exact length together, and the whole message inside
 * the buffer: a short cmsg_len is never read, nor one that claims more
 * bytes than msg_controllen holds (CMSG_FIRSTHDR and CMSG_NXTHDR check
 * only that the header fits; found by tests/fuzz/fuzz_cmsg.c). */
static int
cmsg_is(const struct msghdr *msg, const struct cmsghdr *c, int level,
    int type, size_t len)
{
	size_t off = (size_t)((const unsigned char *)c -
	    (const unsigned char *)msg->msg_control);

	return c->cmsg_level == level && c->cmsg_type == type &&
	    c->cmsg_len == CMSG_LEN(len) &&
	    off <= msg->msg_controllen &&
	    CMSG_LEN(len) <= msg->msg_controllen - off;
}

static void
take_in_pktinfo(struct dgram_meta *m, const struct cmsghdr *c)
{
	struct in_pktinfo pi;

	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	addr_set_v4mapped(&m->dst, &pi.ipi_addr);
	addr_set_v4mapped(&m->spec_dst, &pi.ipi_spec_dst);
	m->ifindex = (unsigned int)pi.ipi_ifindex;
}

static void
take_in6_pktinfo(struct dgram_meta *m, const struct cmsghdr *c)
{
	struct in6_pktinfo pi;

	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	m->dst = pi.ipi6_addr;
	m->spec_dst = pi.ipi6_addr;
	m->ifindex = pi.ipi6_ifindex;
}

/* socket(7) SO_RXQ_OVFL: a uint32_t, the socket's drop count when this
 * datagram was queued. */
#if HAVE_DECL_SO_RXQ_OVFL
static int
take_rxq_ovfl(struct dgram_meta *m, const struct msghdr *msg,
    const struct cmsghdr *c)
{
	if (!cmsg_is(msg, c, SOL_SOCKET, SO_RXQ_OVFL, sizeof(uint32_t)))
		return 0;
	memcpy(&m->rxq_drops, CMSG_DATA(c), sizeof(m->rxq_drops));
	return 1;
}
#else
static int
take_rxq_ovfl(struct dgram_meta *m, const struct msghdr *msg,
    const struct cmsghdr *c)
{
	(void)m;
	(void)msg;
	(void)c;
	return 0;
}
#endif

enum cmsg_status
cmsg_parse(struct dgram_meta *m, const struct msghdr *msg)
{
	struct cmsghdr *c;
	int v4peer, have4 = 0, have6 = 0;

	m->rxq_drops = 0;
	if (msg->msg_flags & MSG_CTRUNC)
		return CMSG_CTRUNC;
	v4peer = addr_is_v4mapped(&m->peer.sin6_addr);
	/* A cmsg_len below a header's size names no next header: glibc's
	 * CMSG_NXTHDR stops there, but the BSDs' (and mingw's) return the
	 * same header again for a cmsg_len of 0.  Stop in every libc. */
	for (c = CMSG_FIRSTHDR(msg); c != NULL &&
	    c->cmsg_len >= sizeof(struct cmsghdr);
	    c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		if (take_rxq_ovfl(m, msg, c))
			continue;
		if (v4peer && !have4 && cmsg_is(msg, c, IPPROTO_IP, IP_PKTINFO,
		    sizeof(struct in_pktinfo))) {
			take_in_pktinfo(m, c);
			have4 = 1;
		} else if (!have4 && !have6 && cmsg_is(msg, c, IPPROTO_IPV6,
		    IPV6_PKTINFO, sizeof(struct in6_pktinfo))) {
			take_in6_pktinfo(m, c);
			have6 = 1;
		}
	}
	if (have6 && addr_is_v4mapped(&m->dst) != v4peer)
		return CMSG_NO_PKTINFO;
	return have4 || have6 ? CMSG_OK : CMSG_NO_PKTINFO;
}

static void
put_in_pktinfo(struct cmsghdr *c, const struct srcsel *sel)
{
	struct in_pktinfo pi;

	/* ip(7): ipi_spec_dst sets the source; ipi_addr is ignored on send. */
	memset(&pi, 0, sizeof(pi));
	addr_get_v4(&pi.ipi_spec_dst, &sel->src);
	pi.ipi_ifindex = (int)sel->ifindex;
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
}

static void
put_in6_pktinfo(struct cmsghdr *c, const struct srcsel *sel)
{
	struct in6_pktinfo pi;

	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = sel->src;
	pi.ipi6_ifindex = sel->ifindex;
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
}

size_t
cmsg_build(union cmsg_send_buf *buf, const struct srcsel *sel)
{
	struct msghdr msg;
	struct cmsghdr *c;

	memset(buf, 0, sizeof(*buf));
	memset(&msg, 0, sizeof(msg));
	msg.msg_control = buf->buf;
	msg.msg_controllen = sizeof(buf->buf);
	c = CMSG_FIRSTHDR(&msg);
	if (sel->family == AF_INET) {
		put_in_pktinfo(c, sel);
		return CMSG_SPACE(sizeof(struct in_pktinfo));
	}
	put_in6_pktinfo(c, sel);
	return CMSG_SPACE(sizeof(struct in6_pktinfo));
}
