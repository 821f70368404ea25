/* proto: the wire protocol of doc/protocol.md.  Validates one request
 * datagram, writes its answer and holds every answer to the
 * anti-amplification limit.  Byte offsets in error messages count from 0. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "acl.h"
#include "addr.h"
#include "dgram.h"
#include "jscan.h"
#include "jwrite.h"
#include "proto.h"
#include "siphash.h"

/* Bytes of id as written (doc/protocol.md, "Requests"). */
#define PROTO_ID_MAX	64
#define PROTO_QUOTE	32	/* bytes of a client's name quoted back */
#define PROTO_QUOTE_MAX	(PROTO_QUOTE * 6 + 4)	/* every byte a NUL */
#define PROTO_MSG_MAX	128
/* A request's members: "":0 and a comma take 5 bytes each.  Requests of
 * up to PROTO_PAIRWISE members are checked for duplicate names pair by
 * pair, larger ones through a hash table of at least twice as many slots
 * as members. */
#define PROTO_MEMBERS_MAX	(PROTO_DATAGRAM_MAX / 5 + 1)	/* < 65536 */
#define PROTO_PAIRWISE		8
#define PROTO_SLOTS		32768

struct ctx {
	const struct proto_env	*env;
	const struct dgram_meta	*m;
	uint16_t		 local_port;
	const char		*req;
	size_t			 len;
	char			*out;
	size_t			 cap;
	struct proto_work	*work;
	size_t			 nmem;	/* members of the request, in work */
	struct jscan_span	 id;	/* set only once validated */
	struct jscan_span	 data;
	char			 msg[PROTO_MSG_MAX];
};

/* The per-worker room of proto_answer, reused for every request. */
struct proto_work {
	struct siphash_key	 key;
	/* names of mem are rewritten unescaped, into text when escaped */
	struct jscan_member	 mem[PROTO_MEMBERS_MAX];
	/* The duplicate table: a slot is in use when its upper 16 bits are
	 * gen, the table's generation; its lower 16 the member's index.  A
	 * new generation empties the table without writing to it. */
	uint32_t		 slot[PROTO_SLOTS];
	uint16_t		 gen;
	char			 text[PROTO_DATAGRAM_MAX];
	size_t			 ntext;
};

static const char *const result_names[PROTO_RESULT_MAX] = {
	[PROTO_OK] = "ok",
	[PROTO_BAD_JSON] = "bad_json",
	[PROTO_BAD_REQUEST] = "bad_request",
	[PROTO_UNKNOWN_OP] = "unknown_op",
	[PROTO_TOO_LARGE] = "too_large",
	[PROTO_FORBIDDEN] = "forbidden",
	[PROTO_NOT_A_REQUEST] = "not_a_request",
};

static enum proto_result fail(struct ctx *, enum proto_result, const char *,
    ...) __attribute__((format(PRINTF_ARCHETYPE, 3, 4)));

const char *
proto_result_name(enum proto_result r)
{
	if ((unsigned int)r >= PROTO_RESULT_MAX)
		return "unknown";
	return result_names[r];
}

static enum proto_result
fail(struct ctx *c, enum proto_result r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	return r;
}

struct proto_work *
proto_work_new(const struct siphash_key *key)
{
	struct proto_work *w;

	if ((w = calloc(1, sizeof(*w))) != NULL)
		w->key = *key;
	return w;
}

void
proto_work_free(struct proto_work *w)
{
	free(w);
}

/* s (n bytes, UTF-8 but for its NULs) for a message: at most PROTO_QUOTE
 * bytes, cut on a character boundary, with "..." when cut; a NUL, which
 * would end the message, is shown as the escape \u0000 it was sent as. */
static const char *
quote(char *buf, size_t cap, const char *s, size_t n)
{
	size_t i, o = 0, max = n > PROTO_QUOTE ? PROTO_QUOTE : n;

	while (max > 0 && max < n && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	for (i = 0; i < max && o + 7 < cap; i++) {
		if (s[i] == '\0') {
			memcpy(buf + o, "\\u0000", 6);
			o += 6;
		} else
			buf[o++] = s[i];
	}
	if (max < n && o + 4 <= cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* too_large first: the rest of that datagram was cut off, so it is not
 * read at all.  Then the one pass of the strict scan, which stops at the
 * first byte that is wrong. */
static enum proto_result
request_scan(struct ctx *c)
{
	size_t at;

	if (c->len > c->env->max_datagram)
		return fail(c, PROTO_TOO_LARGE, "datagram of %zu bytes exceeds "
		    "max_datagram %zu", c->len, c->env->max_datagram);
	switch (jscan_object(c->req, c->len, c->work->mem, PROTO_MEMBERS_MAX,
	    &c->nmem, &at)) {
	case JSCAN_OK:
		break;
	case JSCAN_NOT_OBJECT:
		return fail(c, PROTO_BAD_JSON,
		    "the request must be a JSON object");
	case JSCAN_TRAILING:
		return fail(c, PROTO_BAD_JSON, "trailing data after the JSON "
		    "object at byte %zu", at);
	case JSCAN_NUL:
		return fail(c, PROTO_BAD_JSON, "NUL byte at byte %zu", at);
	case JSCAN_UTF8:
		return fail(c, PROTO_BAD_JSON, "invalid UTF-8 at byte %zu", at);
	default:
		return fail(c, PROTO_BAD_JSON, "invalid JSON at byte %zu", at);
	}
	if (c->nmem > PROTO_MEMBERS_MAX)	/* only past PROTO_DATAGRAM_MAX */
		return fail(c, PROTO_BAD_REQUEST, "more than %d members",
		    PROTO_MEMBERS_MAX);
	return PROTO_OK;
}

/* v unescaped: itself when it has no escape, else a copy in work's text,
 * which holds every name and the op of one request (their unescaped bytes
 * are fewer than the request's). */
static struct jscan_span
unescaped(struct ctx *c, struct jscan_span v, int escaped)
{
	struct proto_work *w = c->work;
	struct jscan_span u = v;

	if (escaped) {
		u.p = w->text + w->ntext;
		u.n = jscan_unescape(v.p, v.n, w->text + w->ntext);
		w->ntext += u.n;
	}
	return u;
}

static int
span_eq(const struct jscan_span *a, const struct jscan_span *b)
{
	return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

static int
span_is(const struct jscan_span *a, const char *name)
{
	return a->n == strlen(name) && memcmp(a->p, name, a->n) == 0;
}

/* The first slot of name in a table of 2^bits slots (bits >= 4), keyed
 * with the worker's random key, so that a request cannot be written
 * whose names all collide.  A name of up to 8 bytes (only those fit by
 * the hundred in a datagram) is one word, hashed by multiply-shift with a
 * random odd multiplier: universal, two words colliding with probability
 * at most 2 / 2^bits (Dietzfelbinger et al., "A reliable randomized
 * algorithm for the closest-pair problem", 1997), at a tenth of SipHash's
 * cost.  Names that differ only in trailing NULs share a word: at most 8
 * of them, each still compared whole.  Longer names take SipHash. */
static size_t
name_slot(const struct proto_work *w, const struct jscan_span *name,
    unsigned int bits)
{
	const unsigned char *u = (const unsigned char *)name->p;
	uint64_t x = 0;

	switch (name->n) {
	case 8: x |= (uint64_t)u[7] << 56;	/* FALLTHROUGH */
	case 7: x |= (uint64_t)u[6] << 48;	/* FALLTHROUGH */
	case 6: x |= (uint64_t)u[5] << 40;	/* FALLTHROUGH */
	case 5: x |= (uint64_t)u[4] << 32;	/* FALLTHROUGH */
	case 4: x |= (uint64_t)u[3] << 24;	/* FALLTHROUGH */
	case 3: x |= (uint64_t)u[2] << 16;	/* FALLTHROUGH */
	case 2: x |= (uint64_t)u[1] << 8;	/* FALLTHROUGH */
	case 1: x |= u[0];			/* FALLTHROUGH */
	case 0: break;
	default:
		return (size_t)(siphash13(&w->key, name->p, name->n) >>
		    (64 - bits));
	}
	return (size_t)(((x ^ w->key.k0) * (w->key.k1 | 1)) >> (64 - bits));
}

/* RFC 7493 section 2.3: member names are unique. */
static const struct jscan_member *
duplicate_hashed(struct ctx *c)
{
	struct proto_work *w = c->work;
	unsigned int bits = 4;
	size_t mask, i, h;
	uint32_t k;

	while (((size_t)1 << bits) < 2 * c->nmem)
		bits++;
	mask = ((size_t)1 << bits) - 1;
	if (++w->gen == 0) {	/* every 65536 tables: old marks could match */
		memset(w->slot, 0, sizeof(w->slot));
		w->gen = 1;
	}
	for (i = 0; i < c->nmem; i++) {
		for (h = name_slot(w, &w->mem[i].name, bits);; h++) {
			if ((k = w->slot[h & mask]) >> 16 != w->gen) {
				w->slot[h & mask] = (uint32_t)w->gen << 16 |
				    (uint32_t)i;
				break;
			}
			if (span_eq(&w->mem[k & 0xffff].name, &w->mem[i].name))
				return &w->mem[i];
		}
	}
	return NULL;
}

static const struct jscan_member *
duplicate(struct ctx *c)
{
	const struct jscan_member *mem = c->work->mem;
	size_t i, j;

	if (c->nmem > PROTO_PAIRWISE)
		return duplicate_hashed(c);
	for (i = 1; i < c->nmem; i++)
		for (j = 0; j < i; j++)
			if (span_eq(&mem[i].name, &mem[j].name))
				return &mem[i];
	return NULL;
}

/* The members the protocol reads (names compared unescaped, RFC 8259
 * section 8.3); members other than these are ignored, for forward
 * compatibility.  A member ok or error makes the datagram an answer:
 * answering it could start a loop (doc/protocol.md, "Silence";
 * CVE-2024-2169). */
struct members {
	const struct jscan_member	*id, *op, *pad, *data;
	int				 answer;
};

/* The protocol's names have 2 to 5 bytes: the length picks the one to
 * compare. */
static void
members_find(struct ctx *c, struct members *mb)
{
	struct jscan_member *it, *end = c->work->mem + c->nmem;
	const char *p;

	memset(mb, 0, sizeof(*mb));
	c->work->ntext = 0;
	for (it = c->work->mem; it < end; it++) {
		it->name = unescaped(c, it->name, it->escaped);
		p = it->name.p;
		switch (it->name.n) {
		case 2:
			if (p[0] == 'i' && p[1] == 'd')
				mb->id = it;
			else if (p[0] == 'o' && p[1] == 'p')
				mb->op = it;
			else if (p[0] == 'o' && p[1] == 'k')
				mb->answer = 1;
			break;
		case 3:
			if (memcmp(p, "pad", 3) == 0)
				mb->pad = it;
			break;
		case 4:
			if (memcmp(p, "data", 4) == 0)
				mb->data = it;
			break;
		case 5:
			if (memcmp(p, "error", 5) == 0)
				mb->answer = 1;
			break;
		}
	}
}

static int
is_number(const struct jscan_span *v)
{
	return v->p[0] == '-' || (v->p[0] >= '0' && v->p[0] <= '9');
}

/* The value of a string member, unescaped. */
static struct jscan_span
string_value(struct ctx *c, const struct jscan_member *m)
{
	struct jscan_span v = { m->value.p + 1, m->value.n - 2 };

	return unescaped(c, v, memchr(v.p, '\\', v.n) != NULL);
}

/* id is checked first, so that every later error answer carries it. */
static enum proto_result
request_members(struct ctx *c, struct jscan_span *op)
{
	const struct jscan_member *dup;
	struct members mb;
	char q[PROTO_QUOTE_MAX];

	members_find(c, &mb);
	if (mb.answer)
		return PROTO_NOT_A_REQUEST;
	if ((dup = duplicate(c)) != NULL)
		return fail(c, PROTO_BAD_REQUEST, "duplicate member \"%s\"",
		    quote(q, sizeof(q), dup->name.p, dup->name.n));
	if (mb.id != NULL) {
		if (mb.id->value.p[0] != '"' && !is_number(&mb.id->value))
			return fail(c, PROTO_BAD_REQUEST,
			    "member \"id\" must be a string or a number");
		if (mb.id->value.n > PROTO_ID_MAX)
			return fail(c, PROTO_BAD_REQUEST,
			    "member \"id\" has %zu bytes, more than %d",
			    mb.id->value.n, PROTO_ID_MAX);
		c->id = mb.id->value;
	}
	if (mb.op == NULL)
		return fail(c, PROTO_BAD_REQUEST, "member \"op\" is missing");
	if (mb.op->value.p[0] != '"')
		return fail(c, PROTO_BAD_REQUEST,
		    "member \"op\" must be a string");
	*op = string_value(c, mb.op);
	if (mb.pad != NULL && mb.pad->value.p[0] != '"')
		return fail(c, PROTO_BAD_REQUEST,
		    "member \"pad\" must be a string");
	if (mb.data != NULL)
		c->data = mb.data->value;
	return PROTO_OK;
}

/* The op name is the client's bytes, escaped by the writer. */
static enum proto_result
unknown_op(struct ctx *c, const struct jscan_span *name)
{
	char q[PROTO_QUOTE_MAX];

	return fail(c, PROTO_UNKNOWN_OP, "unknown op \"%s\"",
	    quote(q, sizeof(q), name->p, name->n));
}

/* An address as text (v4-mapped as plain IPv4) and its family, as the
 * members of an object left open for more (doc/protocol.md, "Answers"). */
static void
write_endpoint(struct jwrite *w, const struct in6_addr *a, uint32_t scope_id,
    unsigned int port)
{
	char text[ADDR_STRLEN];

	addr_ntop(text, sizeof(text), a, scope_id);
	jwrite_open(w, '{');
	jwrite_key(w, "addr");
	jwrite_cstr(w, text);
	jwrite_key(w, "port");
	jwrite_uint(w, port);
	jwrite_key(w, "family");
	jwrite_cstr(w, addr_family_name(a));
}

/* data is optional: an echo without data answers without a data member
 * rather than inventing a null the client never sent. */
static void
write_echo(struct ctx *c, struct jwrite *w)
{
	if (c->data.p == NULL)
		return;
	jwrite_key(w, "data");
	jwrite_raw(w, c->data.p, c->data.n);
}

/* A link-local destination means nothing without its interface, so it is
 * shown with "%ifname".  An interface name is whatever bytes its owner
 * chose; the writer escapes it. */
static void
write_whoami(struct ctx *c, struct jwrite *w)
{
	const struct dgram_meta *m = c->m;
	const char *ifname = NULL;
	char ifbuf[IF_NAMESIZE];

	jwrite_key(w, "client");
	write_endpoint(w, &m->peer.sin6_addr, m->peer.sin6_scope_id,
	    ntohs(m->peer.sin6_port));
	jwrite_close(w, '}');
	jwrite_key(w, "server");
	write_endpoint(w, &m->dst, addr_is_linklocal(&m->dst) ? m->ifindex : 0,
	    c->local_port);
	jwrite_key(w, "ifindex");
	jwrite_uint(w, m->ifindex);
	if (c->env->ifname != NULL)
		ifname = c->env->ifname(m->ifindex, ifbuf);
	jwrite_key(w, "ifname");
	jwrite_cstr(w, ifname);
	jwrite_close(w, '}');
}

/* info and stats are documents of the daemon's own, asked for rarely (and
 * stats only by admins): cJSON builds them. */
static int
add_strings(cJSON *obj, const char *name, const char *const *list, size_t n)
{
	cJSON *arr;
	size_t i;

	if ((arr = cJSON_AddArrayToObject(obj, name)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(list[i])))
			return -1;
	return 0;
}

static int
build_info(struct ctx *c, cJSON *a)
{
	const struct proto_env *env = c->env;
	long long up = env->uptime_s != NULL ? env->uptime_s(env->arg) : 0;

	if (cJSON_AddStringToObject(a, "version", env->version) == NULL ||
	    cJSON_AddNumberToObject(a, "uptime_s", up > 0 ? (double)up : 0) ==
	    NULL || cJSON_AddNumberToObject(a, "workers", env->workers) ==
	    NULL || add_strings(a, "listen", env->listen, env->nlisten) == -1)
		return -1;
	return add_strings(a, "features", env->features, env->nfeatures);
}

static int
build_stats(struct ctx *c, cJSON *a)
{
	if (c->env->stats != NULL)
		c->env->stats(c->env->arg, a);
	return 0;
}

struct op {
	const char	*name;
	int		 admin;		/* only for admin_allow sources */
	/* at most one of these: the op's fields, written or built */
	void		(*write)(struct ctx *, struct jwrite *);
	int		(*build)(struct ctx *, cJSON *);
};

static const struct op ops[] = {
	{ "ping", 0, NULL, NULL },
	{ "echo", 0, write_echo, NULL },
	{ "whoami", 0, write_whoami, NULL },
	{ "info", 0, NULL, build_info },
	{ "stats", 1, NULL, build_stats },
};

static const struct op *
op_find(const struct jscan_span *name)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (span_is(name, ops[i].name))
			return &ops[i];
	return NULL;
}

/* Everything that decides between a success and an error answer. */
static enum proto_result
request_op(struct ctx *c, const struct op **op)
{
	struct jscan_span name = { NULL, 0 };
	enum proto_result r;

	if ((r = request_scan(c)) != PROTO_OK ||
	    (r = request_members(c, &name)) != PROTO_OK)
		return r;
	if ((*op = op_find(&name)) == NULL)
		return unknown_op(c, &name);
	if ((*op)->admin && (c->env->admin_allow == NULL ||
	    !acl_allows(c->env->admin_allow, &c->m->peer.sin6_addr)))
		return fail(c, PROTO_FORBIDDEN,
		    "%s is allowed only from admin_allow sources", (*op)->name);
	return PROTO_OK;
}

/* A built answer printed compact into out: its length, or 0 when it could
 * not be built or does not fit.  cJSON wants slack past the answer's NUL
 * while printing (its documentation says 5 bytes), so an answer fits only
 * when it is a few bytes shorter than cap.  id is raw text, copied. */
static size_t
answer_build(struct ctx *c, const struct op *op)
{
	int cap = c->cap > INT_MAX ? INT_MAX : (int)c->cap;
	char id[PROTO_ID_MAX + 1];
	cJSON *a;
	size_t n = 0;

	if ((a = cJSON_CreateObject()) == NULL)
		return 0;
	if (c->id.p != NULL) {
		memcpy(id, c->id.p, c->id.n);
		id[c->id.n] = '\0';
	}
	if ((c->id.p == NULL || cJSON_AddRawToObject(a, "id", id) != NULL) &&
	    cJSON_AddTrueToObject(a, "ok") != NULL &&
	    cJSON_AddStringToObject(a, "op", op->name) != NULL &&
	    op->build(c, a) == 0 && cJSON_PrintPreallocated(a, c->out, cap, 0))
		n = strlen(c->out);
	cJSON_Delete(a);
	return n;
}

/* The answer for r, written into out: "truncated" with need when need is
 * not 0, else op's fields for PROTO_OK or the message.  id (when the
 * request had a valid one) comes first, then ok (doc/protocol.md,
 * "Answers").  Its length, or 0 when it does not fit. */
static size_t
answer_write(struct ctx *c, enum proto_result r, const struct op *op,
    size_t need)
{
	struct jwrite w;

	if (r == PROTO_OK && need == 0 && op->build != NULL)
		return answer_build(c, op);
	jwrite_init(&w, c->out, c->cap);
	jwrite_open(&w, '{');
	if (c->id.p != NULL) {
		jwrite_key(&w, "id");
		jwrite_raw(&w, c->id.p, c->id.n);
	}
	jwrite_key(&w, "ok");
	jwrite_bool(&w, r == PROTO_OK && need == 0);
	if (need != 0) {
		jwrite_key(&w, "error");
		jwrite_cstr(&w, "truncated");
		jwrite_key(&w, "need");
		jwrite_uint(&w, need);
	} else if (r == PROTO_OK) {
		jwrite_key(&w, "op");
		jwrite_cstr(&w, op->name);
		if (op->write != NULL)
			op->write(c, &w);
	} else {
		jwrite_key(&w, "error");
		jwrite_cstr(&w, proto_result_name(r));
		jwrite_key(&w, "message");
		jwrite_cstr(&w, c->msg);
	}
	jwrite_close(&w, '}');
	return jwrite_end(&w);
}

/* The size rule (doc/protocol.md, "Size"), for every answer: the full
 * answer when it is at most factor x len, else "truncated" with the
 * smallest request size that gets the full answer, else nothing.  A full
 * answer that does not fit in out is one no request size gets: need is
 * then max_datagram + 1, a size refused as too_large, so a client that
 * pads to need ends with an error instead of padding forever.  A factor
 * of 0 is taken as 1. */
static size_t
answer_limit(struct ctx *c, const struct op *op, struct proto_outcome *res)
{
	size_t f = c->env->amplification_factor > 0 ?
	    c->env->amplification_factor : 1;
	size_t limit = c->len > SIZE_MAX / f ? SIZE_MAX : c->len * f;
	size_t n, need;

	res->full = n = answer_write(c, res->result, op, 0);
	if (n != 0 && n <= limit)
		return n;
	need = n != 0 ? n / f + (n % f != 0) : c->env->max_datagram + 1;
	n = answer_write(c, res->result, NULL, need);
	res->fit = n != 0 && n <= limit ? PROTO_FIT_TRUNCATED : PROTO_FIT_NONE;
	return res->fit == PROTO_FIT_TRUNCATED ? n : 0;
}

size_t
proto_answer(const struct proto_env *env, struct proto_work *work,
    const struct dgram_meta *m, uint16_t local_port, const char *req,
    size_t len, char *out, size_t cap, struct proto_outcome *res)
{
	struct ctx c;
	const struct op *op = NULL;

	/* Field by field: the message buffer is written before it is read,
	 * so it is not cleared per datagram. */
	c.env = env;
	c.m = m;
	c.local_port = local_port;
	c.req = req;
	c.len = len;
	c.out = out;
	c.cap = cap;
	c.work = work;
	c.nmem = 0;
	c.id.p = c.data.p = NULL;
	c.id.n = c.data.n = 0;
	c.msg[0] = '\0';
	res->fit = PROTO_FIT_FULL;
	res->full = 0;
	if ((res->result = request_op(&c, &op)) == PROTO_NOT_A_REQUEST) {
		res->fit = PROTO_FIT_NONE;
		return 0;
	}
	return answer_limit(&c, op, res);
}
