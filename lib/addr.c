/* addr: parsing, canonical text and CIDR matching for the daemon's one
 * address form, struct in6_addr with IPv4 held v4-mapped. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

static const unsigned char v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static int
fail(int err)
{
	errno = err;
	return -1;
}

void
addr_set_v4mapped(struct in6_addr *out, const struct in_addr *v4)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = 0xff;
	out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], v4, 4);
}

int
addr_is_v4mapped(const struct in6_addr *a)
{
	return memcmp(a->s6_addr, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0;
}

void
addr_get_v4(struct in_addr *out, const struct in6_addr *a)
{
	memcpy(out, &a->s6_addr[12], 4);
}

int
addr_is_linklocal(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

int
addr_is_multicast(const struct in6_addr *a)
{
	if (addr_is_v4mapped(a))
		return (a->s6_addr[12] & 0xf0) == 0xe0;
	return a->s6_addr[0] == 0xff;
}

int
addr_is_v4_broadcast(const struct in6_addr *a)
{
	static const unsigned char ones[4] = { 0xff, 0xff, 0xff, 0xff };

	return addr_is_v4mapped(a) && memcmp(&a->s6_addr[12], ones, 4) == 0;
}

int
addr_is_unspecified(const struct in6_addr *a)
{
	static const unsigned char zero[16];

	if (addr_is_v4mapped(a))
		return memcmp(&a->s6_addr[12], zero, 4) == 0;
	return memcmp(a->s6_addr, zero, 16) == 0;
}

/* Whether binding wild takes what binding to sin would. */
static int
addr_covers(const struct sockaddr_in6 *wild, const struct sockaddr_in6 *sin)
{
	if (addr_is_unspecified(&wild->sin6_addr))
		return !addr_is_v4mapped(&wild->sin6_addr) ||
		    addr_is_v4mapped(&sin->sin6_addr);
	return memcmp(&wild->sin6_addr, &sin->sin6_addr,
	    sizeof(sin->sin6_addr)) == 0 &&
	    wild->sin6_scope_id == sin->sin6_scope_id;
}

int
addr_listen_overlap(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b)
{
	if (a->sin6_port != b->sin6_port || a->sin6_port == 0)
		return 0;
	return addr_covers(a, b) || addr_covers(b, a);
}

const char *
addr_family_name(const struct in6_addr *a)
{
	return addr_is_v4mapped(a) ? "ipv4" : "ipv6";
}

int
addr_from_sockaddr(struct sockaddr_in6 *out, const struct sockaddr *sa,
    size_t salen)
{
	struct sockaddr_in sin;

	if (salen < offsetof(struct sockaddr, sa_family) + sizeof(sa->sa_family))
		return fail(EINVAL);
	switch (sa->sa_family) {
	case AF_INET:
		if (salen < sizeof(sin))
			return fail(EINVAL);
		memcpy(&sin, sa, sizeof(sin));
		memset(out, 0, sizeof(*out));
		out->sin6_family = AF_INET6;
		out->sin6_port = sin.sin_port;
		addr_set_v4mapped(&out->sin6_addr, &sin.sin_addr);
		return 0;
	case AF_INET6:
		if (salen < sizeof(*out))
			return fail(EINVAL);
		memcpy(out, sa, sizeof(*out));
		return 0;
	default:
		return fail(EAFNOSUPPORT);
	}
}

int
addr_to_sockaddr_in(struct sockaddr_in *out, const struct sockaddr_in6 *sin)
{
	if (!addr_is_v4mapped(&sin->sin6_addr))
		return fail(EAFNOSUPPORT);
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = sin->sin6_port;
	addr_get_v4(&out->sin_addr, &sin->sin6_addr);
	return 0;
}

/* Decimal digits only: no sign, no space, no base prefix. */
static int
parse_uint(uint64_t *out, const char *s, size_t n, uint64_t max)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* Strict dotted quad, by hand so every platform accepts the same text.
 * Leading zeros are refused: inet_aton() reads them as octal (RFC 6943
 * §3.1.1). */
static int
parse_v4(struct in_addr *out, const char *s, size_t n)
{
	unsigned char b[4];
	const char *end = s + n, *dot;
	uint64_t v;
	int i;

	for (i = 0; i < 4; i++) {
		dot = memchr(s, '.', (size_t)(end - s));
		if ((i < 3) != (dot != NULL))
			return -1;
		if (dot == NULL)
			dot = end;
		if (dot - s > 1 && *s == '0')
			return -1;
		if (parse_uint(&v, s, (size_t)(dot - s), 255) == -1)
			return -1;
		b[i] = (unsigned char)v;
		s = dot + 1;
	}
	memcpy(out, b, sizeof(b));
	return 0;
}

/* RFC 4007 §11.2: a zone is an interface name or a numeric index. */
static int
parse_scope(uint32_t *scope, const char *s, size_t n)
{
	char ifname[IF_NAMESIZE];
	uint64_t v;

	if (parse_uint(&v, s, n, UINT32_MAX) == 0) {
		*scope = (uint32_t)v;
		return 0;
	}
	if (n == 0 || n >= sizeof(ifname))
		return -1;
	memcpy(ifname, s, n);
	ifname[n] = '\0';
	if ((*scope = if_nametoindex(ifname)) == 0)
		return -1;
	return 0;
}

/* IPv6 text with an optional %zone into *scope (untouched without one);
 * a NULL scope refuses a zone. */
static int
parse_v6(struct in6_addr *out, uint32_t *scope, const char *s, size_t n)
{
	char host[INET6_ADDRSTRLEN];
	const char *pct;
	size_t hn;

	pct = memchr(s, '%', n);
	hn = pct != NULL ? (size_t)(pct - s) : n;
	if (hn >= sizeof(host))
		return -1;
	memcpy(host, s, hn);
	host[hn] = '\0';
	if (inet_pton(AF_INET6, host, out) != 1)
		return -1;
	if (pct == NULL)
		return 0;
	if (scope == NULL || addr_is_v4mapped(out))
		return -1;
	return parse_scope(scope, pct + 1, n - hn - 1);
}

/* Split off the port text: "[v6]:p", "[v6]", "v4:p", "v4", or a bare v6
 * (two or more colons, so it cannot carry a port). */
static int
parse_host(struct sockaddr_in6 *sin, const char **port, const char *text)
{
	const char *close, *colon;
	struct in_addr v4;
	uint32_t scope = 0;
	size_t n;

	if (text[0] == '[') {
		if ((close = strchr(text, ']')) == NULL ||
		    (close[1] != '\0' && close[1] != ':') ||
		    parse_v6(&sin->sin6_addr, &scope, text + 1,
		    (size_t)(close - text - 1)) == -1)
			return -1;
		*port = close[1] == ':' ? close + 2 : NULL;
	} else if ((colon = strchr(text, ':')) != NULL &&
	    strchr(colon + 1, ':') != NULL) {
		if (parse_v6(&sin->sin6_addr, &scope, text, strlen(text)) == -1)
			return -1;
	} else {
		n = colon != NULL ? (size_t)(colon - text) : strlen(text);
		if (parse_v4(&v4, text, n) == -1)
			return -1;
		addr_set_v4mapped(&sin->sin6_addr, &v4);
		*port = colon != NULL ? colon + 1 : NULL;
	}
	sin->sin6_scope_id = scope;
	return 0;
}

int
addr_parse(struct sockaddr_in6 *out, const char *text, uint16_t default_port)
{
	struct sockaddr_in6 sin;
	const char *port = NULL;
	uint64_t v = default_port;

	memset(&sin, 0, sizeof(sin));
	sin.sin6_family = AF_INET6;
	if (text == NULL || parse_host(&sin, &port, text) == -1 ||
	    (port != NULL && parse_uint(&v, port, strlen(port), 65535) == -1))
		return fail(EINVAL);
	sin.sin6_port = htons((uint16_t)v);
	*out = sin;
	return 0;
}

/* Truncating copy that always terminates when len > 0. */
static void
copy_out(char *buf, size_t len, const char *src)
{
	size_t n;

	if (len == 0)
		return;
	n = strlen(src);
	if (n >= len)
		n = len - 1;
	memcpy(buf, src, n);
	buf[n] = '\0';
}

/* RFC 5952 §4: lowercase, no leading zeros, "::" for the longest run of
 * two or more zero groups, the first one on a tie (§4.2.2, §4.2.3). */
/* Formatting is on the datagram path (whoami): digits are written by
 * hand, not through snprintf.  Each writer returns the end of its text. */
static char *
put_dec(char *p, unsigned int v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* A group in lowercase hex without leading zeros (RFC 5952 4.1, 4.3). */
static char *
put_hex(char *p, unsigned int v)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && (v >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = digits[(v >> shift) & 0xf];
	return p;
}

/* RFC 5952: the longest run of two or more zero groups (the first of equal
 * runs) becomes "::".  At most 39 bytes. */
static char *
put_v6(char *p, const struct in6_addr *a)
{
	unsigned int g[8];
	int i, run, best = -1, bestlen = 0;

	for (i = 0; i < 8; i++)
		g[i] = (unsigned int)a->s6_addr[2 * i] << 8 | a->s6_addr[2 * i + 1];
	for (i = 0; i < 8; i += run > 0 ? run : 1) {
		for (run = 0; i + run < 8 && g[i + run] == 0; run++)
			;
		if (run >= 2 && run > bestlen) {
			best = i;
			bestlen = run;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			*p++ = ':';
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			*p++ = ':';
		p = put_hex(p, g[i]);
	}
	return p;
}

/* buf holds ADDR_STRLEN bytes. */
static void
format_addr(char *buf, const struct in6_addr *a, uint32_t scope_id)
{
	char ifname[IF_NAMESIZE];
	const unsigned char *b = a->s6_addr;
	char *p = buf;
	int i;

	if (addr_is_v4mapped(a)) {
		for (i = 12; i < 16; i++) {
			if (i > 12)
				*p++ = '.';
			p = put_dec(p, b[i]);
		}
		*p = '\0';
		return;
	}
	p = put_v6(p, a);
	*p = '\0';
	if (!addr_is_linklocal(a) || scope_id == 0)
		return;
	if (if_indextoname(scope_id, ifname) != NULL)
		snprintf(p, ADDR_STRLEN - (size_t)(p - buf), "%%%s", ifname);
	else
		snprintf(p, ADDR_STRLEN - (size_t)(p - buf), "%%%lu",
		    (unsigned long)scope_id);
}

char *
addr_ntop(char *buf, size_t len, const struct in6_addr *a, uint32_t scope_id)
{
	char text[ADDR_STRLEN];
	int saved = errno;

	format_addr(text, a, scope_id);
	copy_out(buf, len, text);
	/* Callers format addresses while reporting a failed call's errno. */
	errno = saved;
	return buf;
}

char *
addr_format(char *buf, size_t len, const struct sockaddr_in6 *sin)
{
	char host[ADDR_STRLEN], text[ADDR_STRLEN + 8];
	unsigned int port = ntohs(sin->sin6_port);
	int saved = errno;

	format_addr(host, &sin->sin6_addr, sin->sin6_scope_id);
	if (addr_is_v4mapped(&sin->sin6_addr))
		snprintf(text, sizeof(text), "%s:%u", host, port);
	else
		snprintf(text, sizeof(text), "[%s]:%u", host, port);
	copy_out(buf, len, text);
	errno = saved;
	return buf;
}

/* Keep the first len bits of a: 0xff00 >> n holds n high bits in its low
 * byte. */
static void
mask_prefix(struct in6_addr *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++, len = len > 8 ? len - 8 : 0)
		a->s6_addr[i] &= (unsigned char)(0xff00 >> (len < 8 ? len : 8));
}

/* Operators write 192.0.2.1/24 for "this host's network": the host bits
 * are accepted and masked off rather than refused. */
int
addr_cidr_parse(struct addr_cidr *out, const char *text)
{
	const char *slash;
	struct in_addr v4;
	struct in6_addr net;
	uint64_t len;
	unsigned int max = 128, off = 0;
	size_t n;

	if (text == NULL)
		return fail(EINVAL);
	slash = strchr(text, '/');
	n = slash != NULL ? (size_t)(slash - text) : strlen(text);
	if (memchr(text, ':', n) != NULL) {
		if (parse_v6(&net, NULL, text, n) == -1)
			return fail(EINVAL);
	} else {
		if (parse_v4(&v4, text, n) == -1)
			return fail(EINVAL);
		addr_set_v4mapped(&net, &v4);
		max = 32;
		off = 96;
	}
	len = max;
	if (slash != NULL &&
	    parse_uint(&len, slash + 1, strlen(slash + 1), max) == -1)
		return fail(EINVAL);
	out->len = (unsigned int)len + off;
	mask_prefix(&net, out->len);
	out->net = net;
	return 0;
}

int
addr_cidr_match(const struct addr_cidr *c, const struct in6_addr *a)
{
	struct in6_addr net = c->net, host = *a;

	if (c->len > 128)
		return 0;
	mask_prefix(&net, c->len);
	mask_prefix(&host, c->len);
	return memcmp(&net, &host, sizeof(net)) == 0;
}

int
addr_cidr_list_match(const struct addr_cidr *list, size_t n,
    const struct in6_addr *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (addr_cidr_match(&list[i], a))
			return 1;
	return 0;
}
