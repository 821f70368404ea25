/* hostile: the hostile client of tests/t_hostile.sh.  Plain sockets, no
 * project socket code.  It sends malformed and random requests to pktinfod
 * on loopback and holds every answer to SPEC section 2: at most 3x its
 * request, one strict RFC 8259 object (cJSON and the project's jscan, which
 * also rejects the raw control characters cJSON takes), from the address
 * and port it was sent to, with the expected ok/error.
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

#define FACTOR		3	/* SPEC 2 amplification_factor default */
#define MAX_DGRAM	4096	/* SPEC 4 max_datagram default */
#define BUF_CAP		65536
#define PAD_TO		200	/* well above any short answer / 3 */
#define NSPANS		32
#define ANSWER_MS	1000	/* an answer on loopback takes microseconds */
#define SILENCE_MS	300	/* how long "no answer" is waited for */
#define MIX_SLOTS	4	/* requests in flight: two per family */
#define MIX_MS		15000	/* the whole mix */
#define FAILS_SHOWN	3	/* failure lines per mix kind */
#define SEQ_UNKNOWN	((unsigned long)-1)

/* Counters of the stats answer that the client can predict. */
enum ctr {
	C_BAD_JSON, C_BAD_REQUEST, C_UNKNOWN_OP, C_TOO_LARGE, C_TRUNCATED,
	C_DROPPED, C_NOT_A_REQUEST, C_OK, C_MAX
};
static const char *const ctr_names[C_MAX] = {
	"bad_json", "bad_request", "unknown_op", "too_large", "truncated",
	"dropped", "not_a_request", "ok",
};

/* What one request must get.  silent: no answer, counted under that name
 * ("dropped", "not_a_request"); else error (NULL: ok with op).  id: the
 * answer's id as text, verbatim ("": no id); data: echo's data,
 * verbatim; msg_has: a text the message must contain; client: whoami's
 * client.addr, with port. */
struct expect {
	const char	*silent;
	const char	*error;
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

static int fails;

static void say(const char *, ...) __attribute__((format(printf, 1, 2)));
static void put_fmt(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static int why_set(char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void
check(int ok, const char *name, const char *why)
{
	if (ok)
		say("ok   %s", name);
	else {
		say("FAIL %s: %s", name, why);
		fails++;
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
static const char *
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
static void
put(struct buf *b, const void *p, size_t n)
{
	if (n > b->cap - b->n)
		n = b->cap - b->n;
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void
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

static void
put_rep(struct buf *b, char ch, size_t n)
{
	if (n > b->cap - b->n)
		n = b->cap - b->n;
	memset(b->p + b->n, ch, n);
	b->n += n;
}

/* Trailing whitespace is allowed after the object (RFC 8259 section 2),
 * so it pads any request, valid or not, without changing its meaning. */
static void
pad_to(struct buf *b, size_t n)
{
	if (b->n < n)
		put_rep(b, ' ', n - b->n);
}

static enum ctr
ctr_of(const struct expect *e)
{
	const char *name = e->silent != NULL ? e->silent :
	    e->error != NULL ? e->error : "ok";
	int i;

	for (i = 0; i < C_MAX; i++)
		if (strcmp(ctr_names[i], name) == 0)
			return (enum ctr)i;
	return C_OK;
}

/* The value span of top-level member name in an answer jscan accepted. */
static const struct jscan_span *
span_of(const cJSON *root, const struct jscan_span *spans, size_t nspans,
    const char *name)
{
	const cJSON *it;
	size_t k = 0;

	for (it = root->child; it != NULL; it = it->next, k++)
		if (strcmp(it->string, name) == 0)
			return k < nspans ? &spans[k] : NULL;
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
    struct jscan_span *spans, size_t *nspans, char *why)
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
	if (jscan_text(ans, n, spans, NSPANS, nspans, &bad) == -1)
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
check_content(const cJSON *root, const struct jscan_span *spans,
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
static int
check_answer(size_t reqlen, const char *ans, size_t n,
    const struct expect *e, char *why)
{
	struct jscan_span spans[NSPANS];
	size_t nspans = 0;
	cJSON *root;
	int r;

	r = check_form(reqlen, ans, n, &root, spans, &nspans, why);
	if (r == 0)
		r = check_content(root, spans, nspans, e, why);
	cJSON_Delete(root);
	return r;
}

static int
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
static int
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

static int
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
static int
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
static ssize_t
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

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
print_expect(const struct tally *t)
{
	int i;

	printf("expect rx_ipv4=%lu rx_ipv6=%lu tx_ipv4=%lu tx_ipv6=%lu",
	    t->rx[0], t->rx[1], t->tx[0], t->tx[1]);
	for (i = 0; i < C_MAX; i++)
		if (i != C_OK)
			printf(" %s=%lu", ctr_names[i], t->ctr[i]);
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
		    "{\"ok\":true,\"op\":\"ping\",\"x\":\"\\ud800\"}", "cJSON",
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
	struct jscan_span spans[NSPANS];
	struct expect e;
	char why[256], name[160];
	const char *end;
	size_t i, bad_at, nspans;
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
	check(jscan_text(tab, sizeof(tab) - 1, spans, NSPANS, &nspans,
	    &bad_at) == -1, "jscan rejects a raw tab", "accepted");
}

/* The catalogue: a case is a request and what it must get. */
struct client {
	int		 fd;
	unsigned int	 lport;
	struct peer	 pr;
	struct tally	 t;
	char		 ans[BUF_CAP];
};

/* Read until a datagram equal to want arrives or ms pass: 0 when it did.
 * Any other datagram is a failure of its own (a late or extra answer). */
static int
await_exact(struct client *c, const char *name, const char *want, int ms)
{
	long long end = now_ms() + ms;
	char why[256], txt[512];
	ssize_t n;
	int wrong = 0, left;

	while ((left = (int)(end - now_ms())) > 0) {
		if ((n = recv_wait(c->fd, &c->pr, c->ans, sizeof(c->ans), left,
		    &wrong)) < 0)
			continue;
		c->t.tx[c->pr.v6]++;
		if (!wrong && (size_t)n == strlen(want) &&
		    memcmp(c->ans, want, (size_t)n) == 0)
			return 0;
		snprintf(why, sizeof(why), "stray datagram%s: %s",
		    wrong ? " from a wrong source" : "",
		    shown(c->ans, (size_t)n, txt, sizeof(txt)));
		check(0, name, why);
	}
	return -1;
}

/* Send req, check its answer (or the silence) against e, then a ping. */
static void
run_case(struct client *c, const char *name, const char *req, size_t len,
    const struct expect *e)
{
	static const char ping[] = "{\"op\":\"ping\",\"pad\":\"............\"}";
	char why[256], txt[512], pname[200];
	ssize_t n;
	int wrong = 0;

	if (send_to(c->fd, &c->pr, req, len) == -1) {
		check(0, name, "could not send");
		return;
	}
	c->t.rx[c->pr.v6]++;
	c->t.ctr[ctr_of(e)]++;
	n = recv_wait(c->fd, &c->pr, c->ans, sizeof(c->ans),
	    e->silent ? SILENCE_MS : ANSWER_MS, &wrong);
	if (n >= 0)
		c->t.tx[c->pr.v6]++;
	if (e->silent != NULL) {
		if (n >= 0)
			snprintf(why, sizeof(why), "answered (must get none, "
			    "counted as %s): %s", e->silent,
			    shown(c->ans, (size_t)n, txt, sizeof(txt)));
		check(n < 0, name, why);
	} else if (n < 0)
		check(0, name, "no answer");
	else if (wrong)
		check(0, name, "answer from a wrong source");
	else if (check_answer(len, c->ans, (size_t)n, e, why) == -1) {
		size_t l = strlen(why);

		snprintf(why + l, sizeof(why) - l, "; answer: %s",
		    shown(c->ans, (size_t)n, txt, sizeof(txt)));
		check(0, name, why);
	} else
		check(1, name, "");
	snprintf(pname, sizeof(pname), "%s, then a ping is answered", name);
	if (send_to(c->fd, &c->pr, ping, sizeof(ping) - 1) == -1) {
		check(0, pname, "could not send");
		return;
	}
	c->t.rx[c->pr.v6]++;
	c->t.ctr[C_OK]++;
	check(await_exact(c, pname, "{\"ok\":true,\"op\":\"ping\"}",
	    ANSWER_MS) == 0, pname, "no answer");
}

/* A table case: the request is padded with trailing spaces to PAD_TO
 * bytes unless padto says otherwise ((size_t)-1: as it is). */
struct ccase {
	const char	*name;
	const char	*req;
	size_t		 len;
	size_t		 padto;
	const char	*silent, *error, *op, *data, *msg_has;
};

#define REQ(s)		.req = (s), .len = sizeof(s) - 1
#define EXACT		((size_t)-1)
#define OK(o)		.op = (o)
#define ECHOED(d)	.op = "echo", .data = (d)

static const struct ccase cases[] = {
	{ "empty datagram: dropped (3x 0 bytes)", REQ(""), EXACT,
	    .silent = "dropped" },
	{ "1-byte '{': dropped", REQ("{"), EXACT, .silent = "dropped" },
	{ "'{' and 60 spaces: bad_json", REQ("{"), 61, .error = "bad_json" },
	{ "'[]': bad_json (not an object)", REQ("[]"), .error = "bad_json" },
	{ "'\"x\"': bad_json (not an object)", REQ("\"x\""),
	    .error = "bad_json" },
	{ "trailing garbage: bad_json", REQ("{\"op\":\"ping\"}x"),
	    .error = "bad_json" },
	{ "op a number: bad_request", REQ("{\"op\":1}"),
	    .error = "bad_request" },
	{ "no op: bad_request", REQ("{\"pad\":\"x\"}"),
	    .error = "bad_request" },
	{ "pad a number: bad_request", REQ("{\"op\":\"ping\",\"pad\":1}"),
	    .error = "bad_request" },
	{ "unknown op: unknown_op", REQ("{\"op\":\"nope\"}"),
	    .error = "unknown_op" },
	{ "id an object: bad_request", REQ("{\"op\":\"ping\",\"id\":{}}"),
	    .error = "bad_request" },
	{ "number 1e999999 (RFC 8259 valid): echoed verbatim",
	    REQ("{\"op\":\"echo\",\"data\":1e999999}"), ECHOED("1e999999") },
	{ "number -1e-999999: echoed verbatim",
	    REQ("{\"op\":\"echo\",\"data\":-1e-999999}"),
	    ECHOED("-1e-999999") },
	{ "leading zero 01: bad_json", REQ("{\"op\":\"echo\",\"data\":01}"),
	    .error = "bad_json" },
	{ "number '1.': bad_json", REQ("{\"op\":\"echo\",\"data\":1.}"),
	    .error = "bad_json" },
	{ "raw tab in a string: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"a\tb\"}"), .error = "bad_json" },
	{ "UTF-8 ff fe: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"\xff\xfe\"}"), .error = "bad_json" },
	{ "overlong UTF-8 c0 af: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"\xc0\xaf\"}"), .error = "bad_json" },
	{ "overlong UTF-8 e0 80 af: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"\xe0\x80\xaf\"}"),
	    .error = "bad_json" },
	{ "UTF-8 encoded surrogate ed a0 80: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"\xed\xa0\x80\"}"),
	    .error = "bad_json" },
	{ "UTF-8 above U+10FFFF f4 90 80 80: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"\xf4\x90\x80\x80\"}"),
	    .error = "bad_json" },
	{ "cut UTF-8 sequence e2 82: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"\xe2\x82\"}"), .error = "bad_json" },
	{ "valid UTF-8 (2, 3, 4 bytes): echoed verbatim",
	    REQ("{\"op\":\"echo\",\"data\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}"),
	    ECHOED("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"") },
	{ "lone surrogate \\ud800: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"\\ud800\"}"), .error = "bad_json" },
	{ "lone surrogate \\udc00: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"\\udc00\"}"), .error = "bad_json" },
	{ "\\ud800 then \\u0041: bad_json",
	    REQ("{\"op\":\"ping\",\"pad\":\"\\ud800\\u0041\"}"),
	    .error = "bad_json" },
	{ "lone surrogate in a name: bad_json",
	    REQ("{\"\\ud800\":1,\"op\":\"ping\"}"), .error = "bad_json" },
	{ "surrogate pair \\ud83d\\ude00: echoed verbatim",
	    REQ("{\"op\":\"echo\",\"data\":\"\\ud83d\\ude00\"}"),
	    ECHOED("\"\\ud83d\\ude00\"") },
	{ "NUL after the object: bad_json", REQ("{\"op\":\"ping\"}\0"),
	    .error = "bad_json" },
	{ "NUL inside a string: bad_json", REQ("{\"op\":\"pi\0ng\"}"),
	    .error = "bad_json" },
	{ "NUL first: bad_json", REQ("\0{\"op\":\"ping\"}"),
	    .error = "bad_json" },
	{ "BOM before the object: ok",
	    REQ("\xef\xbb\xbf{\"op\":\"ping\"}"), OK("ping") },
	{ "op \"ping\\u0000junk\": unknown_op",
	    REQ("{\"op\":\"ping\\u0000junk\"}"), .error = "unknown_op" },
	{ "name \"op\\u0000x\" is not op: bad_request",
	    REQ("{\"op\\u0000x\":\"ping\"}"), .error = "bad_request" },
	{ "op \"stats\\u0000\": unknown_op",
	    REQ("{\"op\":\"stats\\u0000\"}"), .error = "unknown_op" },
	{ "pad \"a\\u0000b\": ok",
	    REQ("{\"op\":\"ping\",\"pad\":\"a\\u0000b\"}"), OK("ping") },
	{ "name \"\\u006fp\" is op: ok", REQ("{\"\\u006fp\":\"ping\"}"),
	    OK("ping") },
	{ "duplicate op: bad_request naming it",
	    REQ("{\"op\":\"ping\",\"op\":\"stats\"}"), .error = "bad_request",
	    .msg_has = "\"op\"" },
	{ "duplicate pad: bad_request naming it",
	    REQ("{\"op\":\"ping\",\"pad\":\"x\",\"pad\":\"y\"}"),
	    .error = "bad_request", .msg_has = "\"pad\"" },
	{ "duplicate unknown member x: bad_request naming it",
	    REQ("{\"op\":\"ping\",\"x\":1,\"x\":2}"), .error = "bad_request",
	    .msg_has = "\"x\"" },
	{ "duplicate op written \\u006fp: bad_request naming it",
	    REQ("{\"op\":\"ping\",\"\\u006fp\":\"ping\"}"),
	    .error = "bad_request", .msg_has = "\"op\"" },
	{ "duplicate names inside data: echoed verbatim",
	    REQ("{\"op\":\"echo\",\"data\":{\"a\":1,\"a\":2}}"),
	    ECHOED("{\"a\":1,\"a\":2}") },
	{ "an ok answer as request: not answered",
	    REQ("{\"ok\":true,\"op\":\"ping\"}"), .silent = "not_a_request" },
	{ "an error answer as request: not answered",
	    REQ("{\"ok\":false,\"error\":\"bad_json\",\"message\":\"x\"}"),
	    .silent = "not_a_request" },
	{ "a request with an ok member: not answered",
	    REQ("{\"op\":\"ping\",\"ok\":1}"), .silent = "not_a_request" },
	{ "a request with an error member: not answered",
	    REQ("{\"op\":\"ping\",\"error\":null}"),
	    .silent = "not_a_request" },
};

static void
run_table_case(struct client *c, const struct ccase *cc, struct buf *b)
{
	struct expect e;

	memset(&e, 0, sizeof(e));
	e.silent = cc->silent;
	e.error = cc->error;
	e.op = cc->op;
	e.data = cc->data;
	e.ndata = cc->data ? strlen(cc->data) : 0;
	e.msg_has = cc->msg_has;
	b->n = 0;
	put(b, cc->req, cc->len);
	if (cc->padto != EXACT)
		pad_to(b, cc->padto ? cc->padto : PAD_TO);
	run_case(c, cc->name, b->p, b->n, &e);
}

/* id of idlen serialized bytes: a string ("xxx", quotes included) or a
 * number of that many digits. */
static void
run_id_case(struct client *c, struct buf *b, size_t idlen, int string)
{
	char name[80], idtext[80];
	struct buf id = { idtext, 0, sizeof(idtext) };
	struct expect e;

	if (string) {
		put_str(&id, "\"");
		put_rep(&id, 'i', idlen - 2);
		put_str(&id, "\"");
	} else {
		put_str(&id, "1");
		put_rep(&id, '0', idlen - 1);
	}
	memset(&e, 0, sizeof(e));
	if (idlen > 64)
		e.error = "bad_request";
	else {
		e.op = "ping";
		memcpy(e.id, idtext, id.n);
	}
	b->n = 0;
	put_fmt(b, "{\"op\":\"ping\",\"id\":%.*s}", (int)id.n, idtext);
	pad_to(b, PAD_TO);
	snprintf(name, sizeof(name), "%zu-byte %s id: %s", idlen,
	    string ? "string" : "number", idlen > 64 ? "bad_request" :
	    "ok, echoed verbatim");
	run_case(c, name, b->p, b->n, &e);
}

/* cJSON's CJSON_NESTING_LIMIT, the top-level object being depth 1 (the
 * same count as scan_container in src/jscan.c). */
static void
run_nesting_case(struct client *c, struct buf *b, int depth)
{
	static char data[2 * CJSON_NESTING_LIMIT + 8];
	struct buf d = { data, 0, sizeof(data) };
	struct expect e;
	char name[80];

	put_rep(&d, '[', (size_t)depth - 1);
	put_rep(&d, ']', (size_t)depth - 1);
	memset(&e, 0, sizeof(e));
	if (depth > CJSON_NESTING_LIMIT)
		e.error = "bad_json";
	else {
		e.op = "echo";
		e.data = data;
		e.ndata = d.n;
	}
	b->n = 0;
	put_str(b, "{\"op\":\"echo\",\"data\":");
	put(b, data, d.n);
	put_str(b, "}");
	snprintf(name, sizeof(name), "nesting depth %d: %s", depth,
	    depth > CJSON_NESTING_LIMIT ? "bad_json" : "echoed verbatim");
	run_case(c, name, b->p, b->n, &e);
}

/* A ping padded to exactly len bytes. */
static void
run_size_case(struct client *c, struct buf *b, size_t len)
{
	static const char head[] = "{\"op\":\"ping\",\"pad\":\"";
	struct expect e;
	char name[80];

	memset(&e, 0, sizeof(e));
	if (len > MAX_DGRAM)
		e.error = "too_large";
	else
		e.op = "ping";
	b->n = 0;
	put_str(b, head);
	put_rep(b, 'x', len - (sizeof(head) - 1) - 2);
	put_str(b, "\"}");
	snprintf(name, sizeof(name), "%zu-byte ping over %s: %s", len,
	    c->pr.v6 ? "IPv6" : "IPv4", e.error ? e.error : "ok");
	run_case(c, name, b->p, b->n, &e);
}

static int
catalogue(const char *host, const char *port)
{
	static struct client c;
	static char req[BUF_CAP];
	struct buf b = { req, 0, sizeof(req) };
	size_t i;

	if (peer_resolve(&c.pr, host, port) == -1 ||
	    (c.fd = sock_new(&c.pr, &c.lport)) == -1) {
		fprintf(stderr, "hostile: socket: %s\n", strerror(errno));
		return 2;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_table_case(&c, &cases[i], &b);
	run_id_case(&c, &b, 64, 1);
	run_id_case(&c, &b, 65, 1);
	run_id_case(&c, &b, 64, 0);
	run_id_case(&c, &b, 65, 0);
	run_nesting_case(&c, &b, CJSON_NESTING_LIMIT);
	run_nesting_case(&c, &b, CJSON_NESTING_LIMIT + 1);
	run_size_case(&c, &b, MAX_DGRAM);
	run_size_case(&c, &b, MAX_DGRAM + 1);
	run_size_case(&c, &b, 65507);		/* IPv4's largest */
	if (c.pr.v6)
		run_size_case(&c, &b, 65527);	/* IPv6's, no jumbogram */
	close(c.fd);
	print_expect(&c.t);
	return fails > 0;
}

/* The mix.  xorshift64*: the same SEED, the same requests. */
static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint32_t
rng_below(uint32_t n)
{
	return rng() % n;
}

static const char *
rng_pick(const char *const *list, size_t n)
{
	return list[rng_below((uint32_t)n)];
}

#define PICK(list)	rng_pick((list), sizeof(list) / sizeof((list)[0]))

/* A JSON string with escapes, multi-byte UTF-8 and a surrogate pair. */
static void
gen_string(struct buf *b)
{
	static const char *const bits[] = {
		"a", "Z", "0", " ", "~", "'", "\\\"", "\\\\", "\\/", "\\b",
		"\\f", "\\n", "\\r", "\\t", "\\u0000", "\\u001f", "\\u00e9",
		"\\ud83d\\ude00", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
		"\x7f",
	};
	uint32_t i, n = rng_below(12);

	put_str(b, "\"");
	for (i = 0; i < n; i++)
		put_str(b, PICK(bits));
	put_str(b, "\"");
}

/* Inside data only spaces: data is copied verbatim, and the answers are
 * checked to hold no control byte. */
static void
gen_ws(struct buf *b)
{
	if (rng_below(4) == 0)
		put_rep(b, ' ', 1 + rng_below(2));
}

static void
gen_value(struct buf *b, int depth)
{
	static const char *const numbers[] = {
		"0", "-0", "7", "-12", "3.25", "-0.5e+10", "6.02E23", "1e-7",
		"1e999999", "123456789012345678901234567890", "0.0", "2E-0",
	};
	static const char *const words[] = { "true", "false", "null" };
	uint32_t i, n, kind = rng_below(depth < 4 && b->n < 1500 ? 6 : 3);

	switch (kind) {
	case 0:
		put_str(b, PICK(numbers));
		return;
	case 1:
		gen_string(b);
		return;
	case 2:
		put_str(b, PICK(words));
		return;
	}
	n = rng_below(5);
	put_str(b, kind == 3 ? "[" : "{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			put_str(b, ",");
		gen_ws(b);
		if (kind != 3) {
			/* Duplicate names are fine below the top level. */
			if (rng_below(3) == 0)
				put_str(b, "\"a\"");
			else
				gen_string(b);
			gen_ws(b);
			put_str(b, ":");
			gen_ws(b);
		}
		gen_value(b, depth + 1);
		gen_ws(b);
	}
	put_str(b, kind == 3 ? "]" : "}");
}

/* Whitespace between top-level tokens, all four kinds (not copied). */
static const char *
top_ws(void)
{
	static const char *const ws[] = { "", "", "", " ", "\t", "\r\n",
	    " \n\t " };

	return PICK(ws);
}

/* The request's id, numbers and strings in turn. */
static void
gen_id(struct buf *b, struct expect *e, unsigned long seq)
{
	if (seq % 2)
		snprintf(e->id, sizeof(e->id), "%lu", seq);
	else
		snprintf(e->id, sizeof(e->id), "\"m-%lu\"", seq);
	put_fmt(b, "{%s\"id\"%s:%s%s,", top_ws(), top_ws(), top_ws(), e->id);
}

struct mixreq {
	const char	*kind;
	const char	*variant;
	struct expect	 e;
	char		 data[MAX_DGRAM];
};

static void
gen_ping(struct buf *b, struct mixreq *r, unsigned long seq)
{
	static const char *const forms[] = {
		"\"op\":\"ping\"", "\"\\u006fp\":\"p\\u0069ng\"",
		"\"op\":\"ping\",\"pad\":\"a\\u0000b\"",
		"\"pad\":\"\xe2\x82\xac\",\"op\":\"ping\",\"x\":[1,{\"x\":2,\"x\":3}]",
	};

	r->kind = "ping";
	r->variant = PICK(forms);
	if (rng_below(8) == 0)
		put_str(b, "\xef\xbb\xbf");
	gen_id(b, &r->e, seq);
	put_fmt(b, "%s%s%s}%s", top_ws(), r->variant, top_ws(), top_ws());
	r->e.op = "ping";
}

static void
gen_echo(struct buf *b, struct mixreq *r, unsigned long seq)
{
	struct buf d = { r->data, 0, sizeof(r->data) };

	r->kind = "echo";
	gen_value(&d, 0);
	gen_id(b, &r->e, seq);
	put_fmt(b, "\"op\":\"echo\",%s\"data\"%s:%s", top_ws(), top_ws(),
	    top_ws());
	put(b, d.p, d.n);
	put_fmt(b, "%s}", top_ws());
	r->e.op = "echo";
	r->e.data = r->data;
	r->e.ndata = d.n;
}

static void
gen_whoami(struct buf *b, struct mixreq *r, unsigned long seq, int v6,
    unsigned int lport)
{
	r->kind = "whoami";
	gen_id(b, &r->e, seq);
	put_str(b, "\"op\":\"whoami\"}");
	pad_to(b, PAD_TO);
	r->e.op = "whoami";
	r->e.client = v6 ? "::1" : "127.0.0.1";
	r->e.port = lport;
}

/* info from a request too small for it: SPEC 2's truncated answer. */
static void
gen_truncated(struct buf *b, struct mixreq *r, unsigned long seq)
{
	r->kind = "truncated";
	gen_id(b, &r->e, seq);
	put_str(b, "\"op\":\"info\"}");
	put_rep(b, ' ', rng_below(8));
	r->e.error = "truncated";
}

static void
gen_unknown_op(struct buf *b, struct mixreq *r, unsigned long seq)
{
	static const char *const heads[] = { "x-", "PING", "ping ", "Echo",
	    "stat-", "\xc3\xa9", "\\u0070ong", "info\\n" };
	uint32_t i, n = rng_below(20);

	r->kind = "unknown_op";
	gen_id(b, &r->e, seq);
	put_fmt(b, "\"op\":\"%s", PICK(heads));
	for (i = 0; i < n; i++)
		put_fmt(b, "%c", 'a' + (int)rng_below(26));
	put_str(b, "\"}");
	pad_to(b, PAD_TO);
	r->e.error = "unknown_op";
}

/* Random bytes that cannot be JSON: they start with 'x'. */
static void
gen_garbage(struct buf *b, size_t n)
{
	size_t i;

	put_str(b, "x");
	for (i = 1; i < n; i++)
		put_fmt(b, "%c", (char)rng_below(256));
}

static void
gen_bad_json(struct buf *b, struct mixreq *r)
{
	static const char *const forms[] = {
		"{\"op\":\"ping\",\"pad\":\"\xff\xfe\"}",
		"{\"op\":\"ping\",\"pad\":\"\xc0\xaf\"}",
		"{\"op\":\"ping\",\"pad\":\"\xe0\x80\xaf\"}",
		"{\"op\":\"ping\",\"pad\":\"\xed\xbf\xbf\"}",
		"{\"op\":\"ping\",\"pad\":\"\\ud800\"}",
		"{\"op\":\"ping\",\"pad\":\"\\udfff\"}",
		"{\"op\":\"ping\",\"pad\":\"a\x01z\"}",
		"{\"op\":\"echo\",\"data\":007}",
		"{\"op\":\"echo\",\"data\":[1,]}",
		"{\"op\":\"echo\",\"data\":+1}",
		"{\"op\":\"ping\",}",
		"{\"op\":\"ping\"}}",
		"{'op':'ping'}",
		"[{\"op\":\"ping\"}]",
		"\"ping\"",
		"{\"op\":\"ping\"",
		"\xef\xbb\xbf\xef\xbb\xbf{\"op\":\"ping\"}",
		"garbage",
	};

	r->kind = "bad_json";
	r->variant = PICK(forms);
	if (strcmp(r->variant, "garbage") == 0)
		gen_garbage(b, 40 + rng_below(600));
	else
		put_str(b, r->variant);
	pad_to(b, PAD_TO);
	r->e.error = "bad_json";
}

static void
gen_bad_request(struct buf *b, struct mixreq *r)
{
	static const char *const forms[] = {
		"{\"op\":1}", "{\"op\":null}", "{\"op\":[\"ping\"]}",
		"{\"op\":{\"op\":\"ping\"}}", "{}", "{\"pad\":\"ping\"}",
		"{\"op\":\"ping\",\"id\":[1]}", "{\"op\":\"ping\",\"id\":true}",
		"{\"op\":\"ping\",\"id\":null}", "{\"op\":\"ping\",\"pad\":[]}",
		"{\"Op\":\"ping\"}", "{\"op\\u0000\":\"ping\"}",
		"{\"op\":\"ping\",\"id\":\"iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii\"}",
	};

	r->kind = "bad_request";
	r->variant = PICK(forms);
	put_str(b, r->variant);
	pad_to(b, PAD_TO);
	r->e.error = "bad_request";
}

/* SPEC 2 (RFC 7493): a top-level name twice.  The names are in the
 * message. */
static void
gen_dup(struct buf *b, struct mixreq *r)
{
	static const char *const forms[] = {
		"{\"op\":\"ping\",\"op\":\"ping\"}",
		"{\"op\":\"ping\",\"op\":\"stats\"}",
		"{\"op\":\"ping\",\"\\u006fp\":\"ping\"}",
		"{\"op\":\"ping\",\"pad\":\"x\",\"pad\":\"y\"}",
		"{\"op\":\"echo\",\"data\":1,\"data\":2}",
		"{\"op\":\"ping\",\"zz\":1,\"zz\":2}",
	};
	static const char *const names[] = {
		"\"op\"", "\"op\"", "\"op\"", "\"pad\"", "\"data\"", "\"zz\"",
	};
	uint32_t i = rng_below(sizeof(forms) / sizeof(forms[0]));

	r->kind = "duplicate";
	r->variant = forms[i];
	put_str(b, forms[i]);
	pad_to(b, PAD_TO);
	r->e.error = "bad_request";
	r->e.msg_has = names[i];
}

static void
gen_too_large(struct buf *b, struct mixreq *r)
{
	r->kind = "too_large";
	gen_garbage(b, MAX_DGRAM + 1 + rng_below(4000));
	r->e.error = "too_large";
}

/* Too small for any answer, even truncated (about 42 bytes, more than 3x
 * 13): no quote, so never a request that a short ping answer fits. */
static void
gen_small(struct buf *b, struct mixreq *r)
{
	static const char alpha[] = "{}[]:,x 01tn";
	uint32_t i, n = rng_below(14);

	r->kind = "small";
	for (i = 0; i < n; i++)
		put_fmt(b, "%c", alpha[rng_below(sizeof(alpha) - 1)]);
	r->e.silent = "dropped";
}

/* SPEC 2 loops: an answer (a top-level ok or error) is never answered. */
static void
gen_answer(struct buf *b, struct mixreq *r)
{
	static const char *const forms[] = {
		"{\"ok\":true,\"op\":\"ping\"}",
		"{\"id\":7,\"ok\":true,\"op\":\"echo\",\"data\":[1,2]}",
		"{\"ok\":false,\"error\":\"bad_json\",\"message\":\"x\"}",
		"{\"ok\":false,\"error\":\"truncated\",\"need\":60}",
		"{\"op\":\"ping\",\"ok\":1}",
		"{\"op\":\"whoami\",\"error\":\"\"}",
	};

	r->kind = "answer";
	r->variant = PICK(forms);
	put_str(b, r->variant);
	pad_to(b, PAD_TO);
	r->e.silent = "not_a_request";
}

/* One request of the mix into b and r: the kinds by weight. */
static void
gen_request(struct buf *b, struct mixreq *r, unsigned long seq, int v6,
    unsigned int lport)
{
	uint32_t w = rng_below(100);

	b->n = 0;
	memset(&r->e, 0, sizeof(r->e));
	r->variant = NULL;
	if (w < 20)
		gen_ping(b, r, seq);
	else if (w < 40)
		gen_echo(b, r, seq);
	else if (w < 48)
		gen_whoami(b, r, seq, v6, lport);
	else if (w < 52)
		gen_truncated(b, r, seq);
	else if (w < 60)
		gen_unknown_op(b, r, seq);
	else if (w < 72)
		gen_bad_json(b, r);
	else if (w < 80)
		gen_bad_request(b, r);
	else if (w < 83)
		gen_too_large(b, r);
	else if (w < 88)
		gen_dup(b, r);
	else if (w < 95)
		gen_small(b, r);
	else
		gen_answer(b, r);
}

#define MIX_KINDS	11
static const char *const mix_kinds[MIX_KINDS] = {
	"ping", "echo", "whoami", "truncated", "unknown_op", "bad_json",
	"bad_request", "too_large", "duplicate", "small", "answer",
};

struct kind_stat {
	unsigned long	 sent, failed;
};

/* A socket with at most one request in flight that expects an answer, so
 * that an answer is its request's; requests that must get none go out on
 * a silent socket of their family and kind, where anything that arrives
 * is a failure of that kind. */
struct slot {
	int		 fd;
	unsigned int	 lport;
	struct peer	*pr;
	int		 busy;
	long long	 deadline;
	size_t		 reqlen;
	unsigned long	 seq;
	struct mixreq	 r;
};

struct mix {
	struct peer	 pr[2];
	struct slot	 slot[MIX_SLOTS];
	int		 silent_fd[2][2];	/* [dropped?][v6] */
	struct tally	 t;
	struct kind_stat ks[MIX_KINDS];
	unsigned long	 strays;		/* on a slot that waits for none */
	char		 req[BUF_CAP], ans[BUF_CAP];
};

static struct kind_stat *
kind_stat(struct mix *m, const char *kind)
{
	int i;

	for (i = 0; i < MIX_KINDS - 1; i++)
		if (strcmp(mix_kinds[i], kind) == 0)
			break;
	return &m->ks[i];
}

static void
mix_fail(struct mix *m, const char *kind, const char *variant,
    unsigned long seq, const char *why)
{
	struct kind_stat *ks = kind_stat(m, kind);
	char txt[512];

	fails++;
	if (ks->failed++ >= FAILS_SHOWN)
		return;
	if (seq == SEQ_UNKNOWN)
		say("FAIL mix %s: %s", kind, why);
	else
		say("FAIL mix #%lu %s%s%s: %s", seq, kind, variant ? " " : "",
		    variant ? shown(variant, strlen(variant), txt,
		    sizeof(txt)) : "", why);
}

/* Send requests on slot s until one expects an answer (or n are sent). */
static void
mix_fill(struct mix *m, struct slot *s, unsigned long *seq, unsigned long n)
{
	struct buf b = { m->req, 0, sizeof(m->req) };
	int v6 = s->pr->v6;
	int fd;

	while (*seq < n) {
		gen_request(&b, &s->r, *seq, v6, s->lport);
		kind_stat(m, s->r.kind)->sent++;
		fd = s->r.e.silent == NULL ? s->fd :
		    m->silent_fd[ctr_of(&s->r.e) == C_DROPPED][v6];
		if (send_to(fd, s->pr, b.p, b.n) == -1) {
			mix_fail(m, s->r.kind, s->r.variant, (*seq)++,
			    "could not send");
			continue;
		}
		m->t.rx[v6]++;
		m->t.ctr[ctr_of(&s->r.e)]++;
		(*seq)++;
		if (s->r.e.silent == NULL) {
			s->busy = 1;
			s->reqlen = b.n;
			s->seq = *seq - 1;
			s->deadline = now_ms() + ANSWER_MS;
			return;
		}
	}
}

static void
mix_answer(struct mix *m, struct slot *s, size_t n, int wrong)
{
	char why[256], txt[512];
	size_t l;

	m->t.tx[s->pr->v6]++;
	if (!s->busy) {
		m->strays++;
		say("FAIL mix: a datagram no request waits for: %s",
		    shown(m->ans, n, txt, sizeof(txt)));
		fails++;
		return;
	}
	s->busy = 0;
	if (wrong)
		mix_fail(m, s->r.kind, s->r.variant, s->seq,
		    "answer from a wrong source");
	else if (check_answer(s->reqlen, m->ans, n, &s->r.e, why) == -1) {
		l = strlen(why);
		snprintf(why + l, sizeof(why) - l, "; answer: %s",
		    shown(m->ans, n, txt, sizeof(txt)));
		mix_fail(m, s->r.kind, s->r.variant, s->seq, why);
	}
}

/* Anything on a silent socket answers a request that must get none. */
static void
mix_silent(struct mix *m, int dropped, int v6, size_t n)
{
	char why[256], txt[512];

	m->t.tx[v6]++;
	snprintf(why, sizeof(why), "answered over %s (must get none): %s",
	    v6 ? "IPv6" : "IPv4", shown(m->ans, n, txt, sizeof(txt)));
	/* Which request of the kind it answers, the answer tells. */
	mix_fail(m, dropped ? "small" : "answer", NULL, SEQ_UNKNOWN, why);
}

/* Read what is there on every socket, waiting at most ms. */
static void
mix_poll(struct mix *m, int ms)
{
	struct pollfd pfd[MIX_SLOTS + 4];
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t n;
	int i;

	for (i = 0; i < MIX_SLOTS; i++)
		pfd[i] = (struct pollfd){ m->slot[i].fd, POLLIN, 0 };
	for (i = 0; i < 4; i++)
		pfd[MIX_SLOTS + i] = (struct pollfd){
		    m->silent_fd[i / 2][i % 2], POLLIN, 0 };
	if (poll(pfd, MIX_SLOTS + 4, ms) <= 0)
		return;
	for (i = 0; i < MIX_SLOTS + 4; i++) {
		if (!(pfd[i].revents & POLLIN))
			continue;
		fromlen = sizeof(from);
		n = recvfrom(pfd[i].fd, m->ans, sizeof(m->ans), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			continue;
		if (i >= MIX_SLOTS)
			mix_silent(m, (i - MIX_SLOTS) / 2,
			    (i - MIX_SLOTS) % 2, (size_t)n);
		else
			mix_answer(m, &m->slot[i], (size_t)n,
			    !same_peer(m->slot[i].pr, &from));
	}
}

/* A request not answered in time: a failure; its socket is replaced so
 * that a late answer cannot pass for the next request's. */
static int
mix_expire(struct mix *m, long long now)
{
	struct slot *s;
	int i;

	for (i = 0; i < MIX_SLOTS; i++) {
		s = &m->slot[i];
		if (!s->busy || now < s->deadline)
			continue;
		mix_fail(m, s->r.kind, s->r.variant, s->seq, "no answer");
		s->busy = 0;
		close(s->fd);
		if ((s->fd = sock_new(s->pr, &s->lport)) == -1)
			return -1;
	}
	return 0;
}

static int
mix_open(struct mix *m, const char *port)
{
	unsigned int lport;
	int i;

	if (peer_resolve(&m->pr[0], "127.0.0.1", port) == -1 ||
	    peer_resolve(&m->pr[1], "::1", port) == -1)
		return -1;
	for (i = 0; i < 4; i++)
		if ((m->silent_fd[i / 2][i % 2] = sock_new(&m->pr[i % 2],
		    &lport)) == -1)
			return -1;
	for (i = 0; i < MIX_SLOTS; i++) {
		m->slot[i].pr = &m->pr[i % 2];
		if ((m->slot[i].fd = sock_new(m->slot[i].pr,
		    &m->slot[i].lport)) == -1)
			return -1;
	}
	return 0;
}

static int
mix_busy(const struct mix *m)
{
	int i, busy = 0;

	for (i = 0; i < MIX_SLOTS; i++)
		busy += m->slot[i].busy;
	return busy;
}

static void
mix_report(const struct mix *m, unsigned long sent, unsigned long n,
    long long ms)
{
	char name[160], why[256];
	int i;

	for (i = 0; i < MIX_KINDS; i++) {
		snprintf(name, sizeof(name), "mix %s: %lu requests, each "
		    "answered as SPEC 2 says", mix_kinds[i], m->ks[i].sent);
		snprintf(why, sizeof(why), "%lu of %lu wrong",
		    m->ks[i].failed, m->ks[i].sent);
		say("%s %s%s%s", m->ks[i].failed ? "FAIL" : "ok  ", name,
		    m->ks[i].failed ? ": " : "", m->ks[i].failed ? why : "");
	}
	snprintf(why, sizeof(why), "%lu", m->strays);
	check(m->strays == 0, "mix: no datagram beyond one per request",
	    why);
	snprintf(why, sizeof(why), "sent %lu of %lu in %lld ms", sent, n, ms);
	check(sent == n && mix_busy(m) == 0, "mix: all requests sent and "
	    "answered within the time bound", why);
	say("mix: %lu requests in %lld ms", sent, ms);
}

static int
mix(const char *port, unsigned long n, uint64_t seed)
{
	static struct mix m;
	long long start = now_ms(), end = start + MIX_MS, now, wait;
	unsigned long seq = 0;
	int i;

	rng_state = seed != 0 ? seed : 1;
	if (mix_open(&m, port) == -1) {
		fprintf(stderr, "hostile: socket: %s\n", strerror(errno));
		return 2;
	}
	while ((seq < n || mix_busy(&m) > 0) && (now = now_ms()) < end) {
		for (i = 0; i < MIX_SLOTS; i++)
			if (!m.slot[i].busy)
				mix_fill(&m, &m.slot[i], &seq, n);
		wait = ANSWER_MS;
		for (i = 0; i < MIX_SLOTS; i++)
			if (m.slot[i].busy && m.slot[i].deadline - now < wait)
				wait = m.slot[i].deadline - now;
		mix_poll(&m, wait > 0 ? (int)wait : 0);
		if (mix_expire(&m, now_ms()) == -1) {
			fprintf(stderr, "hostile: socket: %s\n",
			    strerror(errno));
			return 2;
		}
	}
	/* A late or wrong answer still counts in the daemon's tx. */
	for (end = now_ms() + SILENCE_MS; (now = now_ms()) < end;)
		mix_poll(&m, (int)(end - now));
	mix_report(&m, seq, n, now_ms() - start);
	print_expect(&m.t);
	return fails > 0;
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
		return fails > 0;
	}
	if (argc == 4 && strcmp(argv[1], "catalogue") == 0)
		return catalogue(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "mix") == 0)
		return mix(argv[2], strtoul(argv[3], NULL, 10),
		    strtoull(argv[4], NULL, 10));
	usage();
	return 2;
}
