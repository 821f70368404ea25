/* fuzz_cmsg: cmsg_parse on any control buffer.  The first input byte picks
 * the peer (IPv4 or IPv6) and the msg_flags; the rest is the control data,
 * as the kernel would hand it over (aligned, any length).  Properties: no
 * read outside the buffer (ASan), a destination of the peer's family on
 * CMSG_OK, and a round trip: the control message built to answer from that
 * destination parses back to the same source. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "cmsg.h"
#include "fuzz.h"
#include "srcsel.h"

#define CTL_MAX 512

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		struct cmsghdr align;
		unsigned char buf[CTL_MAX];
	} *ctl;
	union cmsg_send_buf sbuf;
	struct dgram_meta m, back;
	struct msghdr h, sh;
	struct srcsel sel;
	size_t n;
	int v4;

	if (size == 0)
		return 0;
	v4 = data[0] & 1;
	n = size - 1 < CTL_MAX ? size - 1 : CTL_MAX;
	/* Exactly n bytes, so that ASan sees any read past them. */
	if ((ctl = malloc(n > 0 ? n : 1)) == NULL)
		return 0;
	memcpy(ctl, data + 1, n);
	memset(&m, 0, sizeof(m));
	m.peer.sin6_family = AF_INET6;
	m.peer.sin6_port = htons(5555);
	inet_pton(AF_INET6, v4 ? "::ffff:192.0.2.7" : "2001:db8::7",
	    &m.peer.sin6_addr);
	memset(&h, 0, sizeof(h));
	h.msg_control = n > 0 ? ctl : NULL;
	h.msg_controllen = n;
	h.msg_flags = data[0] & 2 ? MSG_CTRUNC : 0;
	if (cmsg_parse(&m, &h) != CMSG_OK) {
		free(ctl);
		return 0;
	}
	free(ctl);
	FUZZ_CHECK(!(data[0] & 2));
	FUZZ_CHECK(addr_is_v4mapped(&m.dst) == v4);

	srcsel_choose(&sel, &m);
	memset(&sh, 0, sizeof(sh));
	sh.msg_control = sbuf.buf;
	sh.msg_controllen = cmsg_build(&sbuf, &sel);
	FUZZ_CHECK(sh.msg_controllen > 0 &&
	    sh.msg_controllen <= sizeof(sbuf.buf));
	back = m;
	memset(&back.dst, 0, sizeof(back.dst));
	memset(&back.spec_dst, 0, sizeof(back.spec_dst));
	/* A send buffer read as a receive buffer: IP_PKTINFO's ipi_addr is 0
	 * on send, so the source is in ipi_spec_dst. */
	FUZZ_CHECK(cmsg_parse(&back, &sh) == CMSG_OK);
	FUZZ_CHECK(memcmp(v4 ? &back.spec_dst : &back.dst, &sel.src,
	    sizeof(sel.src)) == 0);
	return 0;
}
