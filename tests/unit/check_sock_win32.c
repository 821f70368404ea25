/* Unit tests for the socket layer on Windows (sock.c over sock_win32.c).
 * A fake Winsock (sock_win32_use) plays
 * the hosts Wine cannot: one whose IPv4 stack is off (IP_PKTINFO fails
 * with WSAEINVAL, socket(AF_INET) with WSAEAFNOSUPPORT), and it records
 * the exact WSAMSG handed to WSASendMsg, which Wine 8 would ignore.  The
 * last test case is a real loopback round trip through Winsock. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "addr.h"
#include "cmsg_win32.h"
#include "log.h"
#include "sock.h"
#include "sock_win32.h"
#include "fakesys.h"
#include "testutil.h"

#define FAKE_FD ((SOCKET)100)
#define FAKE_PROBE_FD ((SOCKET)101)

/* What the fake Winsock is told to do, and what it saw. */
static struct {
	int opened;
	int closed;
	int socket6_err;	/* socket(AF_INET6) fails with this, 0: not */
	int socket4_err;	/* socket(AF_INET) fails with this, 0: not */
	int ip_pktinfo_err;	/* IP_PKTINFO fails with this, 0: not */
	int ipv6_pktinfo_err;
	int no_recvmsg;		/* WSAIoctl hands out no WSARecvMsg */
	/* the next datagram WSARecvMsg delivers */
	struct sockaddr_storage rx_from;
	int rx_fromlen;
	union cmsg_recv_buf rx_ctl;
	size_t rx_ctllen;
	char rx_data[64];
	size_t rx_len;
	int rx_err;
	/* the last WSASendMsg call */
	int tx_calls;
	int tx_err;
	struct sockaddr_storage tx_to;
	int tx_tolen;
	unsigned char tx_ctl[128];
	ULONG tx_ctllen;
	char tx_data[64];
	size_t tx_len;
	DWORD tx_flags;
} fk;

static int
fail_with(int err)
{
	WSASetLastError(err);
	return SOCKET_ERROR;
}

static SOCKET WSAAPI
fake_socket(int af, int type, int proto)
{
	ck_assert_int_eq(type, SOCK_DGRAM);
	ck_assert_int_eq(proto, IPPROTO_UDP);
	fs_record("socket(%s)", af == AF_INET6 ? "AF_INET6" : "AF_INET");
	if (af == AF_INET6 && fk.socket6_err != 0) {
		WSASetLastError(fk.socket6_err);
		return INVALID_SOCKET;
	}
	if (af == AF_INET && fk.socket4_err != 0) {
		WSASetLastError(fk.socket4_err);
		return INVALID_SOCKET;
	}
	/* The first socket is the server's; a second one is a probe. */
	return fk.opened++ == 0 ? FAKE_FD : FAKE_PROBE_FD;
}

static const char *
opt_name(int level, int name)
{
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY)
		return "IPV6_V6ONLY";
	if (level == IPPROTO_IPV6 && name == IPV6_PKTINFO)
		return "IPV6_PKTINFO";
	if (level == IPPROTO_IP && name == IP_PKTINFO)
		return "IP_PKTINFO";
	if (level == SOL_SOCKET && name == SO_RCVBUF)
		return "SO_RCVBUF";
	if (level == SOL_SOCKET && name == SO_EXCLUSIVEADDRUSE)
		return "SO_EXCLUSIVEADDRUSE";
	return "other";
}

static int WSAAPI
fake_setsockopt(SOCKET s, int level, int name, const char *val, int len)
{
	DWORD v;

	ck_assert_int_eq(len, sizeof(v));
	memcpy(&v, val, sizeof(v));
	fs_record("setsockopt(%d, %s, %lu)", (int)s, opt_name(level, name),
	    (unsigned long)v);
	if (level == IPPROTO_IP && name == IP_PKTINFO && fk.ip_pktinfo_err)
		return fail_with(fk.ip_pktinfo_err);
	if (level == IPPROTO_IPV6 && name == IPV6_PKTINFO &&
	    fk.ipv6_pktinfo_err)
		return fail_with(fk.ipv6_pktinfo_err);
	return 0;
}

static int WSAAPI
fake_getsockopt(SOCKET s, int level, int name, char *val, int *len)
{
	(void)s;
	(void)level;
	(void)name;
	(void)val;
	(void)len;
	return fail_with(WSAENOPROTOOPT);
}

static int WSAAPI
fake_ioctlsocket(SOCKET s, __LONG32 cmd, u_long *arg)
{
	fs_record("ioctlsocket(%d, %s, %lu)", (int)s,
	    cmd == (__LONG32)FIONBIO ? "FIONBIO" : "other",
	    (unsigned long)*arg);
	return 0;
}

static int WSAAPI
fake_recvmsg(SOCKET s, LPWSAMSG msg, LPDWORD n, LPWSAOVERLAPPED ov,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	ck_assert_int_eq((int)s, (int)FAKE_FD);
	ck_assert_ptr_null(ov);
	ck_assert_ptr_null(cr);
	ck_assert_int_ge(msg->namelen, fk.rx_fromlen);
	memcpy(msg->name, &fk.rx_from, (size_t)fk.rx_fromlen);
	msg->namelen = fk.rx_fromlen;
	ck_assert_uint_ge(msg->Control.len, fk.rx_ctllen);
	memcpy(msg->Control.buf, fk.rx_ctl.buf, fk.rx_ctllen);
	msg->Control.len = (ULONG)fk.rx_ctllen;
	msg->dwFlags = 0;
	if (fk.rx_err != 0) {
		*n = 0;
		return fail_with(fk.rx_err);
	}
	ck_assert_uint_eq(msg->dwBufferCount, 1);
	ck_assert_uint_ge(msg->lpBuffers[0].len, fk.rx_len);
	memcpy(msg->lpBuffers[0].buf, fk.rx_data, fk.rx_len);
	*n = (DWORD)fk.rx_len;
	return 0;
}

static int WSAAPI
fake_wsaioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out,
    DWORD outlen, LPDWORD n, LPWSAOVERLAPPED ov,
    LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	GUID want = WSAID_WSARECVMSG;
	LPFN_WSARECVMSG fn = fake_recvmsg;

	(void)ov;
	(void)cr;
	if (code == SIO_UDP_CONNRESET) {
		ck_assert_uint_eq(inlen, sizeof(BOOL));
		fs_record("WSAIoctl(%d, SIO_UDP_CONNRESET, %d)", (int)s,
		    *(BOOL *)in);
		return 0;
	}
	ck_assert_uint_eq(code, SIO_GET_EXTENSION_FUNCTION_POINTER);
	ck_assert_uint_eq(inlen, sizeof(GUID));
	ck_assert_mem_eq(in, &want, sizeof(want));
	fs_record("WSAIoctl(%d, WSAID_WSARECVMSG)", (int)s);
	if (fk.no_recvmsg)
		return fail_with(WSAEOPNOTSUPP);
	ck_assert_uint_eq(outlen, sizeof(fn));
	memcpy(out, &fn, sizeof(fn));
	*n = sizeof(fn);
	return 0;
}

static int WSAAPI
fake_bind(SOCKET s, const struct sockaddr *sa, int len)
{
	struct sockaddr_in6 sin;
	char text[ADDR_STRLEN];

	ck_assert_int_eq(addr_from_sockaddr(&sin, sa, (size_t)len), 0);
	fs_record("bind(%d, %s, %s)", (int)s, addr_format(text, sizeof(text),
	    &sin), sa->sa_family == AF_INET6 ? "AF_INET6" : "AF_INET");
	return 0;
}

static int WSAAPI
fake_getsockname(SOCKET s, struct sockaddr *sa, int *len)
{
	struct sockaddr_in6 sin;

	(void)s;
	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	sin.sin6_port = htons(4242);
	ck_assert_int_ge(*len, (int)sizeof(sin));
	memcpy(sa, &sin, sizeof(sin));
	*len = sizeof(sin);
	return 0;
}

static int WSAAPI
fake_sendmsg(SOCKET s, LPWSAMSG msg, DWORD flags, LPDWORD n,
    LPWSAOVERLAPPED ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr)
{
	ck_assert_int_eq((int)s, (int)FAKE_FD);
	ck_assert_ptr_null(ov);
	ck_assert_ptr_null(cr);
	fk.tx_calls++;
	fk.tx_flags = flags;
	ck_assert_int_le(msg->namelen, (int)sizeof(fk.tx_to));
	memcpy(&fk.tx_to, msg->name, (size_t)msg->namelen);
	fk.tx_tolen = msg->namelen;
	ck_assert_uint_le(msg->Control.len, sizeof(fk.tx_ctl));
	if (msg->Control.len > 0)
		memcpy(fk.tx_ctl, msg->Control.buf, msg->Control.len);
	fk.tx_ctllen = msg->Control.len;
	ck_assert_uint_eq(msg->dwBufferCount, 1);
	ck_assert_uint_le(msg->lpBuffers[0].len, sizeof(fk.tx_data));
	memcpy(fk.tx_data, msg->lpBuffers[0].buf, msg->lpBuffers[0].len);
	fk.tx_len = msg->lpBuffers[0].len;
	if (fk.tx_err != 0)
		return fail_with(fk.tx_err);
	*n = msg->lpBuffers[0].len;
	return 0;
}

static int WSAAPI
fake_closesocket(SOCKET s)
{
	fs_record("closesocket(%d)", (int)s);
	fk.closed++;
	return 0;
}

static const struct sock_win32_api fake_api = {
	fake_socket, fake_setsockopt, fake_getsockopt, fake_ioctlsocket,
	fake_wsaioctl, fake_bind, fake_getsockname, fake_sendmsg,
	fake_closesocket
};

static void
setup(void)
{
	memset(&fk, 0, sizeof(fk));
	fs_reset();
	log_init("check_sock_win32", LOG_LVL_DEBUG, 0);
	sock_win32_use(&fake_api);
}

static void
teardown(void)
{
	sock_win32_use(NULL);
}

static struct sockaddr_in6
any_port(uint16_t port)
{
	struct sockaddr_in6 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	sin.sin6_port = htons(port);
	return sin;
}

/* Open on [::]:4242 with the log caught; the log is in caught.text. */
static struct sock *
open_caught(int flags)
{
	struct sockaddr_in6 any = any_port(4242);
	struct sock *s;

	fs_catch_start();
	s = sock_open(&any, flags);
	fs_catch_end();
	return s;
}

START_TEST(setup_follows_spec_order)
{
	struct sock *s = open_caught(0);
	const struct sock_features *f;

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(fs_call(0), "socket(AF_INET6)");
	ck_assert_str_eq(fs_call(1), "setsockopt(100, IPV6_V6ONLY, 0)");
	ck_assert_str_eq(fs_call(2), "setsockopt(100, IPV6_PKTINFO, 1)");
	ck_assert_str_eq(fs_call(3), "setsockopt(100, IP_PKTINFO, 1)");
	ck_assert_int_lt(fs_index("WSAIoctl(100, WSAID_WSARECVMSG)"),
	    fs_index("bind(100, [::]:4242, AF_INET6)"));
	ck_assert_int_gt(fs_index("bind(100, [::]:4242, AF_INET6)"), 3);
	fs_assert_called("ioctlsocket(100, FIONBIO, 1)");
	fs_assert_called("WSAIoctl(100, SIO_UDP_CONNRESET, 0)");
	ck_assert_int_lt(fs_index("setsockopt(100, SO_EXCLUSIVEADDRUSE, 1)"),
	    fs_index("bind(100, [::]:4242, AF_INET6)"));
	ck_assert_int_ge(fs_index("setsockopt(100, SO_EXCLUSIVEADDRUSE, 1)"),
	    0);
	ck_assert_int_eq(fs_index("socket(AF_INET)"), -1);
	f = sock_features(s);
	ck_assert_int_eq(f->dualstack, 1);
	ck_assert_int_eq(f->pktinfo4, 1);
	ck_assert_int_eq(f->pktinfo6, 1);
	ck_assert_int_eq(f->reuseport, 0);
	ck_assert_uint_eq(sock_port(s), 4242);
	ck_assert_int_eq((int)sock_handle(s), (int)FAKE_FD);
	sock_close(s);
	fs_assert_called("closesocket(100)");
}
END_TEST

/* IPv4 disabled on the host: IP_PKTINFO fails with WSAEINVAL and
 * socket(AF_INET) with WSAEAFNOSUPPORT. */
START_TEST(ipv4_disabled_host_serves_ipv6_only)
{
	struct sock *s;
	const struct sock_features *f;

	fk.ip_pktinfo_err = WSAEINVAL;
	fk.socket4_err = WSAEAFNOSUPPORT;
	s = open_caught(0);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(fs_call(3), "setsockopt(100, IP_PKTINFO, 1)");
	ck_assert_str_eq(fs_call(4), "socket(AF_INET)");
	fs_assert_called("bind(100, [::]:4242, AF_INET6)");
	f = sock_features(s);
	ck_assert_int_eq(f->pktinfo4, 0);
	ck_assert_int_eq(f->pktinfo6, 1);
	ck_assert_int_eq(f->dualstack, 0);
	fs_assert_logged("info: IP_PKTINFO on [::]:4242: WSAEINVAL, and "
	    "socket(AF_INET): WSAEAFNOSUPPORT; IPv4 is disabled on this host, "
	    "serving IPv6 only");
	ck_assert_ptr_null(strstr(fs_caught(), "error"));
	sock_close(s);
}
END_TEST

/* WSAEINVAL while IPv4 works is a real failure: a daemon that went on
 * would answer IPv4 clients from unknown addresses. */
START_TEST(einval_with_ipv4_present_is_fatal)
{
	fk.ip_pktinfo_err = WSAEINVAL;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_str_eq(fs_call(4), "socket(AF_INET)");
	ck_assert_str_eq(fs_call(5), "closesocket(101)");
	fs_assert_called("closesocket(100)");
	ck_assert_int_eq(fs_index("bind(100, [::]:4242, AF_INET6)"), -1);
	fs_assert_logged("error: IP_PKTINFO on [::]:4242: WSAEINVAL");
}
END_TEST

START_TEST(einval_and_other_probe_error_is_fatal)
{
	fk.ip_pktinfo_err = WSAEINVAL;
	fk.socket4_err = WSAENOBUFS;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_str_eq(fs_call(4), "socket(AF_INET)");
	fs_assert_called("closesocket(100)");
	fs_assert_logged("error: IP_PKTINFO on [::]:4242: WSAEINVAL");
}
END_TEST

START_TEST(other_ip_pktinfo_error_is_fatal_without_probe)
{
	fk.ip_pktinfo_err = WSAENOPROTOOPT;
	fk.socket4_err = WSAEAFNOSUPPORT;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_int_eq(fs_index("socket(AF_INET)"), -1);
	fs_assert_called("closesocket(100)");
	fs_assert_logged("error: IP_PKTINFO on [::]:4242: WSAENOPROTOOPT");
}
END_TEST

START_TEST(ipv6_pktinfo_is_mandatory)
{
	fk.ipv6_pktinfo_err = WSAENOPROTOOPT;
	ck_assert_ptr_null(open_caught(0));
	ck_assert_int_eq(fs_index("setsockopt(100, IP_PKTINFO, 1)"), -1);
	fs_assert_logged("error: IPV6_PKTINFO on [::]:4242: WSAENOPROTOOPT");
}
END_TEST

START_TEST(no_ipv6_falls_back_to_ipv4_socket)
{
	struct sock *s;
	const struct sock_features *f;

	fk.socket6_err = WSAEAFNOSUPPORT;
	s = open_caught(0);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(fs_call(1), "socket(AF_INET)");
	ck_assert_int_eq(fs_index("setsockopt(100, IPV6_V6ONLY, 0)"), -1);
	ck_assert_int_eq(fs_index("setsockopt(100, IPV6_PKTINFO, 1)"), -1);
	fs_assert_called("setsockopt(100, IP_PKTINFO, 1)");
	fs_assert_called("bind(100, 0.0.0.0:4242, AF_INET)");
	f = sock_features(s);
	ck_assert_int_eq(f->pktinfo4, 1);
	ck_assert_int_eq(f->pktinfo6, 0);
	ck_assert_int_eq(f->dualstack, 0);
	fs_assert_logged("IPv6 is unavailable, serving IPv4 only");
	sock_close(s);
}
END_TEST

START_TEST(missing_wsarecvmsg_is_fatal)
{
	fk.no_recvmsg = 1;
	ck_assert_ptr_null(open_caught(0));
	fs_assert_logged("error: WSAIoctl(WSAID_WSARECVMSG) on [::]:4242: "
	    "WSAEOPNOTSUPP");
}
END_TEST

START_TEST(reuseport_is_refused)
{
	ck_assert_ptr_null(open_caught(SOCK_F_REUSEPORT));
	ck_assert_int_eq(fs_ncalls(), 0);
	fs_assert_logged("SO_REUSEPORT on [::]:4242: Windows has none");
}
END_TEST

/* A fake datagram from peer (IPv4 as a v4-mapped sockaddr_in6, as the
 * dual-stack socket reports it) carrying data. */
static void
fake_datagram(const char *peer, uint16_t port, uint32_t scope,
    const char *data)
{
	struct sockaddr_in6 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	sin.sin6_addr = tu_ip(peer);
	sin.sin6_port = htons(port);
	sin.sin6_scope_id = scope;
	memcpy(&fk.rx_from, &sin, sizeof(sin));
	fk.rx_fromlen = sizeof(sin);
	fk.rx_len = strlen(data);
	memcpy(fk.rx_data, data, fk.rx_len);
	fk.rx_ctllen = 0;
}

static void
fake_cmsg(int level, int type, const void *data, size_t len)
{
	WSACMSGHDR *c = (void *)(fk.rx_ctl.buf + fk.rx_ctllen);

	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = WSA_CMSG_LEN(len);
	memcpy(WSA_CMSG_DATA(c), data, len);
	fk.rx_ctllen += WSA_CMSG_SPACE(len);
}

static void
fake_in_pktinfo(const char *dst, unsigned int ifindex)
{
	struct in6_addr a = tu_ip(dst);
	IN_PKTINFO pi;

	memset(&pi, 0, sizeof(pi));
	addr_get_v4(&pi.ipi_addr, &a);
	pi.ipi_ifindex = ifindex;
	fake_cmsg(IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
}

static void
fake_in6_pktinfo(const char *dst, unsigned int ifindex)
{
	IN6_PKTINFO pi;

	memset(&pi, 0, sizeof(pi));
	pi.ipi6_addr = tu_ip(dst);
	pi.ipi6_ifindex = ifindex;
	fake_cmsg(IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
}

/* Receive the fake datagram and answer it with text; the answer's
 * WSAMSG lands in fk.tx_*. */
static struct sock_msg *
receive_and_answer(struct sock *s, struct sock_batch *b, const char *text)
{
	struct sock_msg *msg;
	unsigned int next = 0;
	size_t cap;

	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	msg = sock_batch_msg(b, 0);
	ck_assert_int_eq(msg->status, SOCK_RX_OK);
	msg->tx = sock_batch_tx(b, &cap);
	ck_assert_uint_ge(cap, strlen(text));
	memcpy(msg->tx, text, strlen(text));
	msg->txlen = strlen(text);
	sock_batch_tx_commit(b, msg->txlen);
	ck_assert_int_eq(sock_send_batch(s, b, 1, &next), 0);
	ck_assert_uint_eq(next, 1);
	return msg;
}

static void
assert_sent_to(const char *peer, uint16_t port, uint32_t scope)
{
	struct sockaddr_in6 to;
	struct in6_addr want = tu_ip(peer);

	/* The peer always as a sockaddr_in6 on the dual-stack socket, an
	 * IPv4 one v4-mapped: Windows rejects a sockaddr_in there. */
	ck_assert_int_eq(fk.tx_tolen, sizeof(to));
	memcpy(&to, &fk.tx_to, sizeof(to));
	ck_assert_int_eq(to.sin6_family, AF_INET6);
	ck_assert_mem_eq(&to.sin6_addr, &want, sizeof(want));
	ck_assert_uint_eq(ntohs(to.sin6_port), port);
	ck_assert_uint_eq(to.sin6_scope_id, scope);
}

/* The one control message handed to WSASendMsg. */
static WSACMSGHDR *
sent_cmsg(void)
{
	WSAMSG msg;
	WSACMSGHDR *c;

	memset(&msg, 0, sizeof(msg));
	msg.Control.buf = (char *)fk.tx_ctl;
	msg.Control.len = fk.tx_ctllen;
	c = WSA_CMSG_FIRSTHDR(&msg);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(WSA_CMSG_NXTHDR(&msg, c));
	return c;
}

static struct sock *
open_quiet(int flags, struct sock_batch **b)
{
	struct sock *s = open_caught(flags);

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(*b = sock_batch_new(4, 512, 512, 1));
	ck_assert_int_eq(sock_batch_is_batched(*b), 0);
	return s;
}

START_TEST(v4mapped_client_gets_in_pktinfo_with_destination)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);
	struct sock_msg *msg;
	WSACMSGHDR *c;
	IN_PKTINFO pi;

	/* What Wine delivers: the mapped IN6_PKTINFO, then IN_PKTINFO. */
	fake_datagram("192.0.2.10", 5353, 0, "{\"op\":\"ping\"}");
	fake_in6_pktinfo("::ffff:198.51.100.2", 3);
	fake_in_pktinfo("198.51.100.2", 3);
	msg = receive_and_answer(s, b, "{\"ok\":true}");
	ck_assert_uint_eq(msg->len, 13);
	ck_assert_mem_eq(msg->rx, "{\"op\":\"ping\"}", 13);
	ck_assert_uint_eq(msg->meta.ifindex, 3);
	ck_assert_int_eq(msg->err, 0);
	ck_assert_int_eq(fk.tx_calls, 1);
	ck_assert_uint_eq(fk.tx_flags, 0);
	assert_sent_to("192.0.2.10", 5353, 0);
	ck_assert_uint_eq(fk.tx_ctllen, WSA_CMSG_SPACE(sizeof(IN_PKTINFO)));
	c = sent_cmsg();
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IP);
	ck_assert_int_eq(c->cmsg_type, IP_PKTINFO);
	ck_assert_uint_eq(c->cmsg_len, WSA_CMSG_LEN(sizeof(pi)));
	memcpy(&pi, WSA_CMSG_DATA(c), sizeof(pi));
	ck_assert_uint_eq(pi.ipi_addr.s_addr, htonl(0xc6336402));
	ck_assert_uint_eq(pi.ipi_ifindex, 0);
	ck_assert_uint_eq(fk.tx_len, 11);
	ck_assert_mem_eq(fk.tx_data, "{\"ok\":true}", 11);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(v4mapped_client_with_mapped_in6_pktinfo_alone_gets_in_pktinfo)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);
	IN_PKTINFO pi;
	WSACMSGHDR *c;

	fake_datagram("192.0.2.10", 5353, 0, "x");
	fake_in6_pktinfo("::ffff:203.0.113.7", 2);
	receive_and_answer(s, b, "y");
	c = sent_cmsg();
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IP);
	ck_assert_int_eq(c->cmsg_type, IP_PKTINFO);
	memcpy(&pi, WSA_CMSG_DATA(c), sizeof(pi));
	ck_assert_uint_eq(pi.ipi_addr.s_addr, htonl(0xcb007107));
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(ipv6_client_gets_in6_pktinfo_without_ifindex)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);
	IN6_PKTINFO pi;
	WSACMSGHDR *c;
	struct in6_addr want = tu_ip("2001:db8::1");

	fake_datagram("2001:db8:1::10", 5353, 0, "x");
	fake_in6_pktinfo("2001:db8::1", 4);
	receive_and_answer(s, b, "y");
	assert_sent_to("2001:db8:1::10", 5353, 0);
	ck_assert_uint_eq(fk.tx_ctllen, WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)));
	c = sent_cmsg();
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IPV6);
	ck_assert_int_eq(c->cmsg_type, IPV6_PKTINFO);
	ck_assert_uint_eq(c->cmsg_len, WSA_CMSG_LEN(sizeof(pi)));
	memcpy(&pi, WSA_CMSG_DATA(c), sizeof(pi));
	ck_assert_mem_eq(&pi.ipi6_addr, &want, sizeof(want));
	ck_assert_uint_eq(pi.ipi6_ifindex, 0);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(linklocal_client_gets_ifindex_and_scope)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);
	IN6_PKTINFO pi;

	fake_datagram("fe80::10", 5353, 4, "x");
	fake_in6_pktinfo("fe80::1", 4);
	receive_and_answer(s, b, "y");
	assert_sent_to("fe80::10", 5353, 4);
	memcpy(&pi, WSA_CMSG_DATA(sent_cmsg()), sizeof(pi));
	ck_assert_uint_eq(pi.ipi6_ifindex, 4);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(naive_source_sends_no_control_data)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(SOCK_F_NAIVE, &b);

	fake_datagram("192.0.2.10", 5353, 0, "x");
	fake_in_pktinfo("198.51.100.2", 3);
	receive_and_answer(s, b, "y");
	ck_assert_uint_eq(fk.tx_ctllen, 0);
	assert_sent_to("192.0.2.10", 5353, 0);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* .ci/WINDOWS.md section 3: WSAEMSGSIZE, no MSG_TRUNC, no bytes. */
START_TEST(wsaemsgsize_is_a_truncated_datagram)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);
	struct sock_msg *msg;

	fake_datagram("192.0.2.10", 5353, 0, "");
	fake_in_pktinfo("198.51.100.2", 3);
	fk.rx_err = WSAEMSGSIZE;
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	msg = sock_batch_msg(b, 0);
	ck_assert_int_eq(msg->status, SOCK_RX_OK);
	ck_assert_uint_gt(msg->len, 512);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(wouldblock_means_nothing_waiting)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);

	fake_datagram("192.0.2.10", 5353, 0, "");
	fk.rx_err = WSAEWOULDBLOCK;
	ck_assert_int_eq(sock_recv_batch(s, b), 0);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(receive_error_is_returned_with_its_code)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);

	fake_datagram("192.0.2.10", 5353, 0, "");
	fk.rx_err = WSAENETDOWN;
	errno = 0;
	ck_assert_int_eq(sock_recv_batch(s, b), -1);
	ck_assert_int_eq(errno, WSAENETDOWN);
	ck_assert_str_eq(log_strerror(errno), "WSAENETDOWN");
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

START_TEST(datagram_without_pktinfo_is_flagged)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);

	fake_datagram("192.0.2.10", 5353, 0, "x");
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	ck_assert_int_eq(sock_batch_msg(b, 0)->status, SOCK_RX_NO_PKTINFO);
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* A vanished source loses that answer alone, never resent. */
START_TEST(send_error_is_recorded_and_not_retried)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);
	struct sock_msg *msg;
	unsigned int next = 0;
	char ebuf[16];

	fake_datagram("192.0.2.10", 5353, 0, "x");
	fake_in_pktinfo("198.51.100.2", 3);
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	msg = sock_batch_msg(b, 0);
	msg->tx = sock_batch_tx(b, &(size_t){ 0 });
	msg->tx[0] = 'y';
	msg->txlen = 1;
	fk.tx_err = WSAEADDRNOTAVAIL;
	ck_assert_int_eq(sock_send_batch(s, b, 1, &next), 0);
	ck_assert_uint_eq(next, 1);
	ck_assert_int_eq(fk.tx_calls, 1);
	ck_assert_int_eq(msg->err, WSAEADDRNOTAVAIL);
	ck_assert_str_eq(log_errno_name(msg->err, ebuf, sizeof(ebuf)),
	    "WSAEADDRNOTAVAIL");
	sock_batch_free(b);
	sock_close(s);
}
END_TEST

/* A full socket (Winsock's err): the answer stays queued, reported as
 * the POSIX errno the server waits on. */
static void
full_socket(int err, int want)
{
	struct sock_batch *b;
	struct sock *s = open_quiet(0, &b);
	struct sock_msg *msg;
	unsigned int next = 0;

	fake_datagram("192.0.2.10", 5353, 0, "x");
	fake_in_pktinfo("198.51.100.2", 3);
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	msg = sock_batch_msg(b, 0);
	msg->tx = sock_batch_tx(b, &(size_t){ 0 });
	msg->tx[0] = 'y';
	msg->txlen = 1;
	fk.tx_err = err;
	ck_assert_int_eq(sock_send_batch(s, b, 1, &next), -1);
	ck_assert_int_eq(errno, want);
	ck_assert_uint_eq(next, 0);
	ck_assert_int_eq(msg->err, 0);
	sock_batch_free(b);
	sock_close(s);
}

START_TEST(full_socket_keeps_the_answer_queued)
{
	full_socket(WSAEWOULDBLOCK, EAGAIN);
}
END_TEST

START_TEST(wsaenobufs_is_a_full_socket)
{
	full_socket(WSAENOBUFS, ENOBUFS);
}
END_TEST

/* Real Winsock from here on: a loopback round trip through the dual-stack
 * socket, from a client socket of each family. */
static SOCKET
client_socket(int family, const char *dst, uint16_t port,
    struct sockaddr_storage *to, int *tolen)
{
	struct in6_addr a = tu_ip(dst);
	SOCKET c = socket(family, SOCK_DGRAM, IPPROTO_UDP);

	ck_assert_msg(c != INVALID_SOCKET, "socket: %s",
	    log_strerror(WSAGetLastError()));
	memset(to, 0, sizeof(*to));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)to;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		addr_get_v4(&sin->sin_addr, &a);
		*tolen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)to;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = a;
		*tolen = sizeof(*sin6);
	}
	return c;
}

static int
wait_readable(SOCKET fd)
{
	struct timeval tv = { 5, 0 };
	fd_set rd;

	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	return select(0, &rd, NULL, NULL, &tv);
}

static void
round_trip(int family, const char *dst)
{
	struct sockaddr_in6 any = any_port(0), from, mine;
	struct sockaddr_storage to, ss;
	struct sock_batch *b;
	struct sock_msg *msg;
	struct sock *s;
	struct in6_addr want = tu_ip(dst);
	unsigned int next = 0;
	int tolen, sslen = sizeof(ss), n;
	char buf[64];
	SOCKET c;

	sock_win32_use(NULL);
	ck_assert_ptr_nonnull(s = sock_open(&any, 0));
	ck_assert_ptr_nonnull(b = sock_batch_new(1, 512, 512, 0));
	c = client_socket(family, dst, sock_port(s), &to, &tolen);
	ck_assert_int_eq(sendto(c, "ping", 4, 0, (struct sockaddr *)&to,
	    tolen), 4);
	ck_assert_int_eq(wait_readable((SOCKET)sock_handle(s)), 1);
	ck_assert_int_eq(sock_recv_batch(s, b), 1);
	msg = sock_batch_msg(b, 0);
	ck_assert_int_eq(msg->status, SOCK_RX_OK);
	ck_assert_uint_eq(msg->len, 4);
	ck_assert_mem_eq(&msg->meta.dst, &want, sizeof(want));
	ck_assert_mem_eq(&msg->meta.peer.sin6_addr, &want, sizeof(want));
	ck_assert_uint_ne(msg->meta.ifindex, 0);
	ck_assert_int_eq(getsockname(c, (struct sockaddr *)&ss, &sslen), 0);
	ck_assert_int_eq(addr_from_sockaddr(&mine, (struct sockaddr *)&ss,
	    (size_t)sslen), 0);
	ck_assert_uint_eq(msg->meta.peer.sin6_port, mine.sin6_port);
	msg->tx = sock_batch_tx(b, &(size_t){ 0 });
	memcpy(msg->tx, "pong", 4);
	msg->txlen = 4;
	ck_assert_int_eq(sock_send_batch(s, b, 1, &next), 0);
	ck_assert_int_eq(msg->err, 0);
	ck_assert_int_eq(wait_readable(c), 1);
	sslen = sizeof(ss);
	n = recvfrom(c, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sslen);
	ck_assert_int_eq(n, 4);
	ck_assert_mem_eq(buf, "pong", 4);
	ck_assert_int_eq(addr_from_sockaddr(&from, (struct sockaddr *)&ss,
	    (size_t)sslen), 0);
	ck_assert_mem_eq(&from.sin6_addr, &want, sizeof(want));
	ck_assert_uint_eq(ntohs(from.sin6_port), sock_port(s));
	closesocket(c);
	sock_batch_free(b);
	sock_close(s);
}

START_TEST(loopback_ipv4_round_trip)
{
	round_trip(AF_INET, "127.0.0.1");
}
END_TEST

START_TEST(loopback_ipv6_round_trip)
{
	round_trip(AF_INET6, "::1");
}
END_TEST

static Suite *
sock_suite(void)
{
	Suite *s = suite_create("sock_win32");
	TCase *open = tcase_create("sock_open");
	TCase *io = tcase_create("sock_recv_send");
	TCase *real = tcase_create("winsock");

	tcase_add_checked_fixture(open, setup, teardown);
	tcase_add_checked_fixture(io, setup, teardown);
	tcase_add_test(open, setup_follows_spec_order);
	tcase_add_test(open, ipv4_disabled_host_serves_ipv6_only);
	tcase_add_test(open, einval_with_ipv4_present_is_fatal);
	tcase_add_test(open, einval_and_other_probe_error_is_fatal);
	tcase_add_test(open, other_ip_pktinfo_error_is_fatal_without_probe);
	tcase_add_test(open, ipv6_pktinfo_is_mandatory);
	tcase_add_test(open, no_ipv6_falls_back_to_ipv4_socket);
	tcase_add_test(open, missing_wsarecvmsg_is_fatal);
	tcase_add_test(open, reuseport_is_refused);
	tcase_add_test(io, v4mapped_client_gets_in_pktinfo_with_destination);
	tcase_add_test(io,
	    v4mapped_client_with_mapped_in6_pktinfo_alone_gets_in_pktinfo);
	tcase_add_test(io, ipv6_client_gets_in6_pktinfo_without_ifindex);
	tcase_add_test(io, linklocal_client_gets_ifindex_and_scope);
	tcase_add_test(io, naive_source_sends_no_control_data);
	tcase_add_test(io, wsaemsgsize_is_a_truncated_datagram);
	tcase_add_test(io, wouldblock_means_nothing_waiting);
	tcase_add_test(io, receive_error_is_returned_with_its_code);
	tcase_add_test(io, datagram_without_pktinfo_is_flagged);
	tcase_add_test(io, send_error_is_recorded_and_not_retried);
	tcase_add_test(io, full_socket_keeps_the_answer_queued);
	tcase_add_test(io, wsaenobufs_is_a_full_socket);
	tcase_add_test(real, loopback_ipv4_round_trip);
	tcase_add_test(real, loopback_ipv6_round_trip);
	suite_add_tcase(s, open);
	suite_add_tcase(s, io);
	suite_add_tcase(s, real);
	return s;
}

/* The real-Winsock tests make sockets of their own. */
int
main(void)
{
	WSADATA wsa;
	int rc;

	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
		fputs("check_sock_win32: WSAStartup failed\n", stderr);
		return 99;
	}
	rc = tu_run(sock_suite());
	WSACleanup();
	return rc;
}
