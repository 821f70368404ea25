/* hostile_cat: the catalogue of malformed requests, each sent once and
 * followed by a ping that must still be answered. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hostile.h"

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
	tally_request(&c->t, e);
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
	const char	*silent, *error, *cause, *op, *data, *msg_has;
};

#define REQ(s)		.req = (s), .len = sizeof(s) - 1
#define EXACT		((size_t)-1)
#define OK(o)		.op = (o)
#define ECHOED(d)	.op = "echo", .data = (d)

static const struct ccase cases[] = {
	{ "empty datagram: dropped (3x 0 bytes)", REQ(""), EXACT,
	    .silent = "dropped", .cause = "bad_json" },
	{ "1-byte '{': dropped", REQ("{"), EXACT, .silent = "dropped",
	    .cause = "bad_json" },
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
	e.cause = cc->cause;
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
 * same count as scan_container in lib/jscan.c). */
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

int
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
	return hostile_fails > 0;
}
