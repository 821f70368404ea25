/* hostile: the hostile client of tests/integration/t_hostile.sh.  Plain
 * sockets, no project socket code.  It sends malformed and random requests
 * to pktinfod on loopback and holds every answer to SPEC section 2: at
 * most 3x its request, one strict RFC 8259 object (cJSON and the project's
 * jscan, which also rejects the raw control characters cJSON takes), from
 * the address and port it was sent to, with the expected ok/error.
 *
 * usage: hostile selftest
 *        hostile catalogue ADDR PORT
 *        hostile mix PORT N SEED
 * selftest shows that the checkers reject what they must.  catalogue sends
 * each malformed case, then a ping that must still be answered.  mix sends
 * N seeded pseudo-random requests to 127.0.0.1 and ::1, a few in flight.
 * One line per check ("ok   ..." / "FAIL ...: why"; mix prints its
 * failures and one line per kind); catalogue and mix end with an "expect"
 * line of the counters the daemon's stats must show for what was sent.
 * Exits 1 when a check failed, 2 on usage or setup errors. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "jscan.h"
#include "hostile.h"

#define NSPANS		32	/* members of an answer whose spans are kept */

/* Counter names as the stats answer has them, in enum ctr order. */
static const char *const ctr_names[C_MAX] = {
	"bad_json", "bad_request", "unknown_op", "too_large", "truncated",
	"dropped", "not_a_request", "ok",
};

int hostile_fails;

static int why_set(char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

void
check(int ok, const char *name, const char *why)
{
	if (ok)
		say("ok   %s", name);
	else {
		say("FAIL %s: %s", name, why);
		hostile_fails++;
	}
}

/* why is 256 bytes in every caller. */
static int
why_set(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, 256, fmt, ap);
	va_end(ap);
	return -1;
}

/* Bytes the client sees as text: at most 100, escaped where not printable. */
const char *
shown(const char *p, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n && i < 100 && o + 5 < cap; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch >= 0x20 && ch < 0x7f)
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", ch);
	}
	snprintf(out + o, cap - o, "%s", i < n ? "..." : "");
	return out;
}

/* A buf never grows past cap; the generators stay well below it. */
void
put(struct buf *b, const void *p, size_t n)
{
	if (n > b->cap - b->n)
		n = b->cap - b->n;
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

void
put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

void
put_fmt(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->n += (size_t)n < b->cap - b->n ? (size_t)n : b->cap - b->n;
}

void
put_rep(struct buf *b, char ch, size_t n)
{
	if (n > b->cap - b->n)
		n = b->cap - b->n;
	memset(b->p + b->n, ch, n);
	b->n += n;
}

/* Trailing whitespace is allowed after the object (RFC 8259 section 2),
 * so it pads any request, valid or not, without changing its meaning. */
void
pad_to(struct buf *b, size_t n)
{
	if (b->n < n)
		put_rep(b, ' ', n - b->n);
}

static enum ctr
ctr_named(const char *name)
{
	int i;

	for (i = 0; i < C_MAX; i++)
		if (strcmp(ctr_names[i], name) == 0)
			return (enum ctr)i;
	return C_OK;
}

enum ctr
ctr_of(const struct expect *e)
{
	return ctr_named(e->silent != NULL ? e->silent :
	    e->error != NULL ? e->error : "ok");
}

void
tally_request(struct tally *t, const struct expect *e)
{
	t->ctr[ctr_of(e)]++;
	if (e->cause != NULL)
		t->ctr[ctr_named(e->cause)]++;
}

/* The value span of top-level member name in an answer jscan accepted. */
static const struct jscan_span *
span_of(const cJSON *root, const struct jscan_member *mem, size_t nmem,
    const char *name)
{
	const cJSON *it;
	size_t k = 0;

	for (it = root->child; it != NULL; it = it->next, k++)
		if (strcmp(it->string, name) == 0)
			return k < nmem && k < NSPANS ? &mem[k].value : NULL;
	return NULL;
}

static int
has_dup_name(const cJSON *root)
{
	const cJSON *a, *b;

	for (a = root->child; a != NULL; a = a->next)
		for (b = a->next; b != NULL; b = b->next)
			if (strcmp(a->string, b->string) == 0)
				return 1;
	return 0;
}

static int
span_is(const struct jscan_span *s, const char *p, size_t n)
{
	return s != NULL && s->n == n && memcmp(s->p, p, n) == 0;
}

/* Member name of o as a string, or NULL. */
static const char *
str_of(const cJSON *o, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* The checks every answer gets, whatever was asked: size, bytes, both
 * checkers. */
static int
check_form(size_t reqlen, const char *ans, size_t n, cJSON **root,
    struct jscan_member *spans, size_t *nspans, char *why)
{
	const char *end = NULL;
	size_t i, bad;

	*root = NULL;
	if (n > FACTOR * reqlen)
		return why_set(why, "answer of %zu bytes is more than %dx the "
		    "request's %zu", n, FACTOR, reqlen);
	for (i = 0; i < n; i++)
		if ((unsigned char)ans[i] < 0x20)
			return why_set(why, "byte 0x%02x at offset %zu of a "
			    "compact answer", (unsigned char)ans[i], i);
	if (n == 0 || ans[0] != '{')
		return why_set(why, "answer does not start with '{'");
	if (jscan_object(ans, n, spans, NSPANS, nspans, &bad) != JSCAN_OK)
		return why_set(why, "strict RFC 8259 scan fails at byte %zu",
		    bad);
	*root = cJSON_ParseWithLengthOpts(ans, n, &end, 0);
	if (*root == NULL)
		return why_set(why, "cJSON fails at byte %td",
		    end != NULL ? end - ans : (ptrdiff_t)-1);
	if (end != ans + n)
		return why_set(why, "cJSON: trailing bytes at %td", end - ans);
	if (!cJSON_IsObject(*root))
		return why_set(why, "answer is not a JSON object");
	if (has_dup_name(*root))
		return why_set(why, "answer has a duplicate member name");
	return 0;
}

static int
check_whoami(const cJSON *root, const struct expect *e, char *why)
{
	const cJSON *cl = cJSON_GetObjectItemCaseSensitive(root, "client");
	const cJSON *port = cJSON_GetObjectItemCaseSensitive(cl, "port");
	const char *addr = str_of(cl, "addr");

	if (addr == NULL || strcmp(addr, e->client) != 0 ||
	    !cJSON_IsNumber(port) || port->valuedouble != (double)e->port)
		return why_set(why, "client is not %s port %u", e->client,
		    e->port);
	return 0;
}

/* The checks of what was asked: ok or error, op, id, data, message. */
static int
check_content(const cJSON *root, const struct jscan_member *spans,
    size_t nspans, const struct expect *e, char *why)
{
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(root, "ok");
	const struct jscan_span *s;
	const char *v, *msg;

	if (!cJSON_IsBool(ok))
		return why_set(why, "no boolean ok");
	if (e->error == NULL) {
		if (!cJSON_IsTrue(ok))
			return why_set(why, "expected ok, got error %s",
			    (v = str_of(root, "error")) ? v : "(none)");
		if ((v = str_of(root, "op")) == NULL || strcmp(v, e->op) != 0)
			return why_set(why, "op is not %s", e->op);
	} else {
		if (cJSON_IsTrue(ok))
			return why_set(why, "expected error %s, got ok",
			    e->error);
		if ((v = str_of(root, "error")) == NULL ||
		    strcmp(v, e->error) != 0)
			return why_set(why, "expected error %s, got %s",
			    e->error, v ? v : "(none)");
		msg = str_of(root, "message");
		if (strcmp(e->error, "truncated") == 0) {
			if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(
			    root, "need")))
				return why_set(why, "truncated without need");
		} else if (msg == NULL)
			return why_set(why, "error without a message");
		if (e->msg_has != NULL && msg != NULL &&
		    strstr(msg, e->msg_has) == NULL)
			return why_set(why, "message \"%s\" does not name %s",
			    msg, e->msg_has);
	}
	s = span_of(root, spans, nspans, "id");
	if (e->id[0] == '\0' && cJSON_GetObjectItemCaseSensitive(root, "id"))
		return why_set(why, "an id the request did not have");
	if (e->id[0] != '\0' && !span_is(s, e->id, strlen(e->id)))
		return why_set(why, "id is not %s verbatim", e->id);
	if (e->data != NULL && !span_is(span_of(root, spans, nspans, "data"),
	    e->data, e->ndata))
		return why_set(why, "data is not the request's, verbatim");
	if (e->client != NULL)
		return check_whoami(root, e, why);
	return 0;
}

/* 0 when ans is a right answer to a request of reqlen bytes that
 * expected e; else -1 and why. */
int
check_answer(size_t reqlen, const char *ans, size_t n,
    const struct expect *e, char *why)
{
	struct jscan_member spans[NSPANS];
	size_t nspans = 0;
	cJSON *root;
	int r;

	r = check_form(reqlen, ans, n, &root, spans, &nspans, why);
	if (r == 0)
		r = check_content(root, spans, nspans, e, why);
	cJSON_Delete(root);
	return r;
}

int
peer_resolve(struct peer *pr, const char *host, const char *port)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "hostile: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	memcpy(&pr->to, res->ai_addr, res->ai_addrlen);
	pr->tolen = res->ai_addrlen;
	pr->v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return 0;
}

/* A socket of pr's family on an ephemeral port (SPEC 2: the daemon
 * ignores low source ports), which is put in *lport. */
int
sock_new(const struct peer *pr, unsigned int *lport)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	if ((fd = socket(pr->to.ss_family, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = pr->to.ss_family;
	if (bind(fd, (struct sockaddr *)&ss, pr->v6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		close(fd);
		return -1;
	}
	*lport = ntohs(pr->v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

int
send_to(int fd, const struct peer *pr, const char *p, size_t n)
{
	if (sendto(fd, p, n, 0, (const struct sockaddr *)&pr->to,
	    pr->tolen) != (ssize_t)n) {
		fprintf(stderr, "hostile: sendto %zu bytes: %s\n", n,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* SPEC 2: the answer leaves from the address and port the request went
 * to. */
int
same_peer(const struct peer *pr, const struct sockaddr_storage *from)
{
	const struct sockaddr_in6 *a6 = (const void *)&pr->to,
	    *b6 = (const void *)from;
	const struct sockaddr_in *a4 = (const void *)&pr->to,
	    *b4 = (const void *)from;

	if (from->ss_family != pr->to.ss_family)
		return 0;
	if (pr->v6)
		return a6->sin6_port == b6->sin6_port &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	return a4->sin_port == b4->sin_port &&
	    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
}

/* One datagram within ms: its length, or -1 (none).  *wrong is set when
 * it came from another address or port than pr. */
ssize_t
recv_wait(int fd, const struct peer *pr, char *buf, size_t cap, int ms,
    int *wrong)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&from,
	    &fromlen);
	if (n >= 0)
		*wrong = !same_peer(pr, &from);
	return n;
}

long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
print_expect(const struct tally *t)
{
	int i;

	printf("expect rx_ipv4=%lu rx_ipv6=%lu tx_ipv4=%lu tx_ipv6=%lu",
	    t->rx[0], t->rx[1], t->tx[0], t->tx[1]);
	for (i = 0; i < C_MAX; i++)
		printf(" %s=%lu", i == C_OK ? "requests_ok" : ctr_names[i],
		    t->ctr[i]);
	printf(" forbidden=0\n");
}

/* selftest: the checkers reject what they must, each for its own reason,
 * so that a pass below means something; and jscan rejects what cJSON
 * takes, which is why both run. */
static void
selftest(void)
{
	static const struct {
		const char *name, *ans, *why;
		size_t len, reqlen;
	} bad[] = {
		{ "a raw tab", "{\"ok\":true,\"op\":\"ping\",\"x\":\"a\tb\"}",
		    "byte 0x09", 0, 100 },
		{ "a leading zero", "{\"ok\":true,\"op\":\"ping\",\"x\":01}",
		    "strict", 0, 100 },
		{ "an escaped lone surrogate",
		    "{\"ok\":true,\"op\":\"ping\",\"x\":\"\\ud800\"}", "strict",
		    0, 100 },
		{ "trailing bytes", "{\"ok\":true,\"op\":\"ping\"}x", "strict",
		    0, 100 },
		{ "a trailing newline", "{\"ok\":true,\"op\":\"ping\"}\n",
		    "byte 0x0a", 0, 100 },
		{ "an array", "[{\"ok\":true,\"op\":\"ping\"}]", "start", 0,
		    100 },
		{ "a NUL byte", "{\"ok\":true,\"op\":\"ping\"}\0", "byte 0x00",
		    24, 100 },
		{ "a duplicate name", "{\"ok\":true,\"op\":\"ping\",\"ok\":true}",
		    "duplicate", 0, 100 },
		{ "an answer over 3x", "{\"ok\":true,\"op\":\"ping\"}",
		    "more than", 0, 7 },
		{ "an id the request did not have",
		    "{\"id\":1,\"ok\":true,\"op\":\"ping\"}", "id", 0, 100 },
		{ "an error for an ok",
		    "{\"ok\":false,\"error\":\"bad_json\",\"message\":\"m\"}",
		    "expected ok", 0, 100 },
	};
	static const char tab[] = "{\"a\":\"x\ty\",\"b\":01}";
	struct expect e;
	char why[256], name[160];
	const char *end;
	size_t i, bad_at;
	cJSON *root;

	memset(&e, 0, sizeof(e));
	e.op = "ping";
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "checker rejects %s", bad[i].name);
		why[0] = '\0';
		check(check_answer(bad[i].reqlen, bad[i].ans, bad[i].len ?
		    bad[i].len : strlen(bad[i].ans), &e, why) == -1 &&
		    strstr(why, bad[i].why) != NULL, name, why[0] ? why :
		    "accepted");
	}
	check(check_answer(100, "{\"ok\":true,\"op\":\"ping\"}", 23, &e,
	    why) == 0, "checker accepts a right answer", why);
	root = cJSON_ParseWithLengthOpts(tab, sizeof(tab) - 1, &end, 0);
	check(root != NULL, "cJSON takes a raw tab and 01 (so jscan must "
	    "run too)", "cJSON rejects them");
	cJSON_Delete(root);
	check(jscan_valid(tab, sizeof(tab) - 1, &bad_at) == -1,
	    "jscan rejects a raw tab", "accepted");
}

static void
usage(void)
{
	fprintf(stderr, "usage: hostile selftest\n"
	    "       hostile catalogue ADDR PORT\n"
	    "       hostile mix PORT N SEED\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "selftest") == 0) {
		selftest();
		return hostile_fails > 0;
	}
	if (argc == 4 && strcmp(argv[1], "catalogue") == 0)
		return catalogue(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "mix") == 0)
		return mix(argv[2], strtoul(argv[3], NULL, 10),
		    strtoull(argv[4], NULL, 10));
	usage();
	return 2;
}
