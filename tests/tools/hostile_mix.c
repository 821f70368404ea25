/* hostile_mix: N seeded pseudo-random requests over both families, a few
 * in flight, every answer checked, and the counters they must move. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hostile.h"

#define MIX_SLOTS	4	/* requests in flight: two per family */
#define MIX_MS		15000	/* the whole mix */
#define FAILS_SHOWN	3	/* failure lines per mix kind */
#define SEQ_UNKNOWN	((unsigned long)-1)

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
	r->e.cause = "ok";
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
 * 13): no quote, so never a request that a short ping answer fits, and no
 * '}', so never an object: always bad_json. */
static void
gen_small(struct buf *b, struct mixreq *r)
{
	static const char alpha[] = "{[]:,x 01tn";
	uint32_t i, n = rng_below(14);

	r->kind = "small";
	for (i = 0; i < n; i++)
		put_fmt(b, "%c", alpha[rng_below(sizeof(alpha) - 1)]);
	r->e.silent = "dropped";
	r->e.cause = "bad_json";
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

	hostile_fails++;
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
		tally_request(&m->t, &s->r.e);
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
		hostile_fails++;
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

int
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
	return hostile_fails > 0;
}
