/* proto: SPEC section 2, the wire protocol.  Validates one request datagram,
 * builds its answer and holds every answer to the anti-amplification limit.
 * Byte offsets in error messages count from 0. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "addr.h"
#include "dgram.h"
#include "jscan.h"
#include "proto.h"

#define PROTO_ID_MAX	64	/* SPEC 2: bytes of id, serialized */
#define PROTO_OP_QUOTE	32	/* bytes of an unknown op name quoted back */
#define PROTO_MSG_MAX	128
/* Value spans of the top-level object's first members, recorded by the
 * strict scan so that no member needs a second scan. */
#define PROTO_SPANS	16
/* Items and bytes of raw text an answer takes from the context before it
 * falls back on cJSON's allocator: whoami needs 15 items and about 100
 * bytes, an id takes up to PROTO_ID_MAX. */
#define PROTO_ITEMS	32
#define PROTO_TEXT	256

struct ctx {
	const struct proto_env	*env;
	const struct dgram_meta	*m;
	uint16_t		 local_port;
	const char		*req;
	size_t			 len;
	char			*out;
	size_t			 cap;
	cJSON			*root;
	struct jscan_span	 spans[PROTO_SPANS];
	size_t			 nspans;
	struct jscan_span	 id;	/* set only once validated */
	struct jscan_span	 data;
	char			 msg[PROTO_MSG_MAX];
	/* whoami's texts, referenced by the answer until it is printed */
	char			 client[ADDR_STRLEN];
	char			 server[ADDR_STRLEN];
	char			 ifname[IF_NAMESIZE];
	/* the answer's items and the texts of its raw values (add_item) */
	cJSON			 items[PROTO_ITEMS];
	size_t			 nitems;
	char			 text[PROTO_TEXT];
	size_t			 ntext;
};

struct op {
	const char	*name;
	int		 admin;		/* only for admin_allow sources */
	int		(*fill)(struct ctx *, cJSON *);	/* NULL: no fields */
};

static const char *const result_names[PROTO_RESULT_MAX] = {
	[PROTO_OK] = "ok",
	[PROTO_BAD_JSON] = "bad_json",
	[PROTO_BAD_REQUEST] = "bad_request",
	[PROTO_UNKNOWN_OP] = "unknown_op",
	[PROTO_TOO_LARGE] = "too_large",
	[PROTO_FORBIDDEN] = "forbidden",
	[PROTO_TRUNCATED] = "truncated",
	[PROTO_DROPPED] = "dropped",
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

/* too_large first: the rest of that datagram was cut off, so it is not
 * parsed at all.  cJSON is lax (control bytes, "01"), so the strict scan
 * follows it. */
static enum proto_result
request_parse(struct ctx *c)
{
	const char *end = c->req, *nul;
	size_t bad;

	if (c->len > c->env->max_datagram)
		return fail(c, PROTO_TOO_LARGE, "datagram of %zu bytes exceeds "
		    "max_datagram %zu", c->len, c->env->max_datagram);
	if (!jscan_ascii_no_nul(c->req, c->len)) {
		if ((nul = memchr(c->req, '\0', c->len)) != NULL)
			return fail(c, PROTO_BAD_JSON, "NUL byte at byte %zu",
			    (size_t)(nul - c->req));
		bad = jscan_utf8((const unsigned char *)c->req, c->len);
		if (bad != c->len)
			return fail(c, PROTO_BAD_JSON,
			    "invalid UTF-8 at byte %zu", bad);
	}
	/* Not require_null_terminated: no NUL follows a bounded buffer. */
	c->root = cJSON_ParseWithLengthOpts(c->req, c->len, &end, 0);
	if (c->root == NULL)
		return fail(c, PROTO_BAD_JSON, "invalid JSON at byte %zu",
		    (size_t)(end - c->req));
	if (!cJSON_IsObject(c->root))
		return fail(c, PROTO_BAD_JSON,
		    "the request must be a JSON object");
	if (jscan_ws(end, c->req + c->len) != c->req + c->len)
		return fail(c, PROTO_BAD_JSON, "trailing data after the JSON "
		    "object at byte %zu", (size_t)(end - c->req));
	if (jscan_text(c->req, c->len, c->spans, PROTO_SPANS, &c->nspans,
	    &bad) == -1)
		return fail(c, PROTO_BAD_JSON, "invalid JSON at byte %zu", bad);
	return PROTO_OK;
}

/* The members the protocol reads, each the first of its name
 * (case-sensitive), with the index of that member in the object. */
struct members {
	const cJSON	*id, *op, *pad, *data;
	int		 id_k, data_k;
};

/* One pass over the object's members, not one lookup per name. */
static void
members_find(const cJSON *root, struct members *mb)
{
	const cJSON *it;
	const char *k;
	int i = 0;

	memset(mb, 0, sizeof(*mb));
	for (it = root->child; it != NULL; it = it->next, i++) {
		if ((k = it->string) == NULL)
			continue;
		if (strcmp(k, "id") == 0 && mb->id == NULL) {
			mb->id = it;
			mb->id_k = i;
		} else if (strcmp(k, "op") == 0 && mb->op == NULL)
			mb->op = it;
		else if (strcmp(k, "pad") == 0 && mb->pad == NULL)
			mb->pad = it;
		else if (strcmp(k, "data") == 0 && mb->data == NULL) {
			mb->data = it;
			mb->data_k = i;
		}
	}
}

/* The bytes of the value of the k-th member: recorded by the strict scan
 * for the first members.  cJSON keeps members in source order, so its k-th
 * child is the k-th member in the text whatever escapes the key is written
 * with. */
static int
value_span(const struct ctx *c, int k, struct jscan_span *v)
{
	if ((size_t)k < c->nspans) {
		*v = c->spans[k];
		return 0;
	}
	return jscan_member(c->req, c->len, k, v);
}

/* id is checked first, so that every later error answer carries it.
 * Members other than these are ignored, for forward compatibility. */
static enum proto_result
request_members(struct ctx *c, const char **op)
{
	struct members mb;
	struct jscan_span id;

	members_find(c->root, &mb);
	if (mb.id != NULL && value_span(c, mb.id_k, &id) == 0) {
		if (!cJSON_IsString(mb.id) && !cJSON_IsNumber(mb.id))
			return fail(c, PROTO_BAD_REQUEST,
			    "member \"id\" must be a string or a number");
		if (id.n > PROTO_ID_MAX)
			return fail(c, PROTO_BAD_REQUEST,
			    "member \"id\" has %zu bytes, more than %d", id.n,
			    PROTO_ID_MAX);
		c->id = id;
	}
	if (mb.op == NULL)
		return fail(c, PROTO_BAD_REQUEST, "member \"op\" is missing");
	if (!cJSON_IsString(mb.op))
		return fail(c, PROTO_BAD_REQUEST,
		    "member \"op\" must be a string");
	*op = mb.op->valuestring;
	if (mb.pad != NULL && !cJSON_IsString(mb.pad))
		return fail(c, PROTO_BAD_REQUEST,
		    "member \"pad\" must be a string");
	if (mb.data != NULL)
		value_span(c, mb.data_k, &c->data);
	return PROTO_OK;
}

/* The op name is the client's bytes: quote a bounded prefix, cut on a
 * character boundary so that the message stays UTF-8 (cJSON escapes
 * quotes and control characters when printing). */
static enum proto_result
unknown_op(struct ctx *c, const char *name)
{
	size_t n = strlen(name);
	int cut = n > PROTO_OP_QUOTE;

	if (cut) {
		n = PROTO_OP_QUOTE;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	return fail(c, PROTO_UNKNOWN_OP, "unknown op \"%.*s%s\"", (int)n, name,
	    cut ? "..." : "");
}

/* Answers are built from items of the context (PROTO_ITEMS of them, on the
 * stack of proto_answer) rather than from cJSON's allocator, and freed by
 * answer_free rather than cJSON_Delete: building and deleting the tree cost
 * about a third as much as printing it.  Member names are the protocol's
 * own constants (cJSON_AddItemToObjectCS: not copied), and every text is a
 * reference (cJSON_IsReference) to a constant, to the environment, to the
 * context or to its text pool; only a raw value too long for the pool is
 * copied into cJSON's allocator, and then owned by its item.  A callback
 * (stats) may add items of cJSON's own; answer_free frees those as
 * cJSON_Delete would. */
static int
is_local(const struct ctx *c, const cJSON *it)
{
	return it >= c->items && it < c->items + PROTO_ITEMS;
}

static void
answer_free(struct ctx *c, cJSON *it)
{
	cJSON *next;

	for (; it != NULL; it = next) {
		next = it->next;
		if (!(it->type & cJSON_IsReference)) {
			answer_free(c, it->child);
			cJSON_free(it->valuestring);
		}
		if (!(it->type & cJSON_StringIsConst))
			cJSON_free(it->string);
		if (!is_local(c, it))
			cJSON_free(it);
	}
}

/* A new item of type with no text; from cJSON's allocator once the
 * context's items are used up. */
static cJSON *
item_new(struct ctx *c, int type)
{
	cJSON *it;

	if (c->nitems < PROTO_ITEMS) {
		it = &c->items[c->nitems++];
		memset(it, 0, sizeof(*it));
	} else if ((it = cJSON_CreateNull()) == NULL)
		return NULL;
	it->type = type;
	return it;
}

/* A text item referring to s, which lives as long as the answer. */
static cJSON *
item_ref(struct ctx *c, int type, const char *s)
{
	cJSON *it;

	if ((it = item_new(c, type | cJSON_IsReference)) != NULL)
		it->valuestring = (char *)(uintptr_t)s;
	return it;
}

/* item may be NULL (a failed item_new); -1 then, and on any failure item
 * is freed. */
static int
add_item(struct ctx *c, cJSON *obj, const char *name, cJSON *item)
{
	if (item == NULL)
		return -1;
	if (!cJSON_AddItemToObjectCS(obj, name, item)) {
		answer_free(c, item);
		return -1;
	}
	return 0;
}

/* A raw member whose text is the n bytes at p, NUL-terminated in the text
 * pool, or in cJSON's allocator when the pool is full. */
static int
add_raw_bytes(struct ctx *c, cJSON *obj, const char *name, const char *p,
    size_t n)
{
	cJSON *item;
	char *text;

	if (n < sizeof(c->text) - c->ntext) {
		text = c->text + c->ntext;
		c->ntext += n + 1;
		item = item_ref(c, cJSON_Raw, text);
	} else {
		if (n == SIZE_MAX || (text = cJSON_malloc(n + 1)) == NULL)
			return -1;
		if ((item = item_new(c, cJSON_Raw)) == NULL)
			cJSON_free(text);
		else
			item->valuestring = text;
	}
	if (item == NULL)
		return -1;
	memcpy(text, p, n);
	text[n] = '\0';
	return add_item(c, obj, name, item);
}

/* A value as the client wrote it.  A value that does not fit in out could
 * not be answered anyway. */
static int
add_raw(struct ctx *c, cJSON *obj, const char *name, const struct jscan_span *v)
{
	if (v->n >= c->cap)
		return -1;
	return add_raw_bytes(c, obj, name, v->p, v->n);
}

/* cJSON prints every number with "%1.15g" and reads it back with sscanf
 * to check the round trip: whoami spent more time there than in the
 * kernel's UDP path.  Whole numbers go in as raw decimal text instead. */
static int
add_uint(struct ctx *c, cJSON *obj, const char *name, unsigned long long v)
{
	char text[24], *p = text + sizeof(text);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return add_raw_bytes(c, obj, name, p,
	    (size_t)(text + sizeof(text) - p));
}

/* s lives as long as the answer (a constant, the environment's, or a
 * buffer of the context); NULL is JSON null. */
static int
add_string(struct ctx *c, cJSON *obj, const char *name, const char *s)
{
	return add_item(c, obj, name, s != NULL ?
	    item_ref(c, cJSON_String, s) : item_new(c, cJSON_NULL));
}

static int
add_strings(struct ctx *c, cJSON *obj, const char *name,
    const char *const *list, size_t n)
{
	cJSON *arr, *it;
	size_t i;

	if (add_item(c, obj, name, arr = item_new(c, cJSON_Array)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((it = item_ref(c, cJSON_String, list[i])) == NULL)
			return -1;
		if (!cJSON_AddItemToArray(arr, it)) {
			answer_free(c, it);
			return -1;
		}
	}
	return 0;
}

/* SPEC 2: an address as text (v4-mapped as plain IPv4) and its family.
 * text (ADDR_STRLEN bytes) must outlive the answer. */
static cJSON *
add_endpoint(struct ctx *c, cJSON *obj, const char *name, char *text,
    const struct in6_addr *a, uint32_t scope_id, unsigned int port)
{
	cJSON *o;

	addr_ntop(text, ADDR_STRLEN, a, scope_id);
	if (add_item(c, obj, name, o = item_new(c, cJSON_Object)) == -1)
		return NULL;
	if (add_string(c, o, "addr", text) == -1 ||
	    add_uint(c, o, "port", port) == -1 ||
	    add_string(c, o, "family", addr_family_name(a)) == -1)
		return NULL;
	return o;
}

/* data is optional: an echo without data answers without a data member
 * rather than inventing a null the client never sent. */
static int
fill_echo(struct ctx *c, cJSON *a)
{
	if (c->data.p == NULL)
		return 0;
	return add_raw(c, a, "data", &c->data);
}

/* A link-local destination means nothing without its interface, so it is
 * shown with "%ifname". */
static int
fill_whoami(struct ctx *c, cJSON *a)
{
	const struct dgram_meta *m = c->m;
	const char *ifname = NULL;
	cJSON *srv;

	if (add_endpoint(c, a, "client", c->client, &m->peer.sin6_addr,
	    m->peer.sin6_scope_id, ntohs(m->peer.sin6_port)) == NULL)
		return -1;
	srv = add_endpoint(c, a, "server", c->server, &m->dst,
	    addr_is_linklocal(&m->dst) ? m->ifindex : 0, c->local_port);
	if (srv == NULL || add_uint(c, srv, "ifindex", m->ifindex) == -1)
		return -1;
	if (c->env->ifname != NULL)
		ifname = c->env->ifname(m->ifindex, c->ifname);
	return add_string(c, srv, "ifname", ifname);
}

static int
fill_info(struct ctx *c, cJSON *a)
{
	const struct proto_env *env = c->env;
	long long up = env->uptime_s != NULL ? env->uptime_s(env->arg) : 0;

	if (add_string(c, a, "version", env->version) == -1 ||
	    add_uint(c, a, "uptime_s", up > 0 ? (unsigned long long)up : 0) ==
	    -1 || add_uint(c, a, "workers", env->workers) == -1 ||
	    add_strings(c, a, "listen", env->listen, env->nlisten) == -1)
		return -1;
	return add_strings(c, a, "features", env->features, env->nfeatures);
}

static int
fill_stats(struct ctx *c, cJSON *a)
{
	if (c->env->stats != NULL)
		c->env->stats(c->env->arg, a);
	return 0;
}

static const struct op ops[] = {
	{ "ping", 0, NULL },
	{ "echo", 0, fill_echo },
	{ "whoami", 0, fill_whoami },
	{ "info", 0, fill_info },
	{ "stats", 1, fill_stats },
};

static const struct op *
op_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}

/* Everything that decides between a success and an error answer. */
static enum proto_result
request_op(struct ctx *c, const struct op **op)
{
	const char *name = NULL;
	enum proto_result r;

	if ((r = request_parse(c)) != PROTO_OK ||
	    (r = request_members(c, &name)) != PROTO_OK)
		return r;
	if ((*op = op_find(name)) == NULL)
		return unknown_op(c, name);
	if ((*op)->admin && !addr_cidr_list_match(c->env->admin_allow,
	    c->env->nadmin_allow, &c->m->peer.sin6_addr))
		return fail(c, PROTO_FORBIDDEN,
		    "%s is allowed only from admin_allow sources", (*op)->name);
	return PROTO_OK;
}

/* The answer for r: op's fields for PROTO_OK, need for PROTO_TRUNCATED,
 * else the message.  SPEC 2 puts id (when the request had a valid one)
 * first, then ok.  NULL when a member could not be added. */
static cJSON *
answer_new(struct ctx *c, enum proto_result r, const struct op *op,
    size_t need)
{
	cJSON *a;
	int err;

	if ((a = item_new(c, cJSON_Object)) == NULL)
		return NULL;
	err = (c->id.p != NULL && add_raw(c, a, "id", &c->id) == -1) ||
	    add_item(c, a, "ok", item_new(c, r == PROTO_OK ? cJSON_True :
	    cJSON_False)) == -1;
	if (!err && r == PROTO_OK)
		err = add_string(c, a, "op", op->name) == -1 ||
		    (op->fill != NULL && op->fill(c, a) == -1);
	else if (!err)
		err = add_string(c, a, "error", proto_result_name(r)) == -1 ||
		    (r == PROTO_TRUNCATED ? add_uint(c, a, "need", need) :
		    add_string(c, a, "message", c->msg)) == -1;
	if (err) {
		answer_free(c, a);
		return NULL;
	}
	return a;
}

/* a printed compact into out, then freed: its length, or 0 when a is NULL
 * or does not fit.  cJSON wants slack past the answer's NUL while printing
 * (its documentation says 5 bytes), so an answer fits in out only when it
 * is a few bytes shorter than cap. */
static size_t
answer_print(struct ctx *c, cJSON *a)
{
	int cap = c->cap > INT_MAX ? INT_MAX : (int)c->cap;
	size_t n;

	n = a != NULL && cJSON_PrintPreallocated(a, c->out, cap, 0) ?
	    strlen(c->out) : 0;
	answer_free(c, a);
	c->nitems = 0;		/* the next answer starts afresh */
	c->ntext = 0;
	return n;
}

/* SPEC 2 anti-amplification, for every answer: the full answer when it is
 * at most factor x len, else "truncated" with the smallest request size
 * that gets the full answer, else nothing.  A full answer that could not be
 * built or printed into out is one no request size gets: need is then
 * max_datagram + 1, a size refused as too_large, so a client that pads to
 * need ends with an error instead of padding forever.  A factor of 0 is
 * taken as 1. */
static size_t
answer_limit(struct ctx *c, cJSON *full, enum proto_result *res)
{
	size_t f = c->env->amplification_factor > 0 ?
	    c->env->amplification_factor : 1;
	size_t limit = c->len > SIZE_MAX / f ? SIZE_MAX : c->len * f;
	size_t n, need;

	if ((n = answer_print(c, full)) != 0 && n <= limit)
		return n;
	need = n != 0 ? n / f + (n % f != 0) : c->env->max_datagram + 1;
	n = answer_print(c, answer_new(c, PROTO_TRUNCATED, NULL, need));
	if (n != 0 && n <= limit) {
		*res = PROTO_TRUNCATED;
		return n;
	}
	*res = PROTO_DROPPED;
	return 0;
}

size_t
proto_answer(const struct proto_env *env, const struct dgram_meta *m,
    uint16_t local_port, const char *req, size_t len, char *out, size_t cap,
    enum proto_result *res)
{
	struct ctx c;
	const struct op *op = NULL;
	size_t n;

	/* Field by field: the context's buffers (about 3 KiB) are
	 * written before they are read, so they are not cleared per datagram. */
	c.env = env;
	c.m = m;
	c.local_port = local_port;
	c.req = req;
	c.len = len;
	c.out = out;
	c.cap = cap;
	c.root = NULL;
	c.nspans = 0;
	c.nitems = 0;
	c.ntext = 0;
	c.id.p = c.data.p = NULL;
	c.id.n = c.data.n = 0;
	c.msg[0] = '\0';
	*res = request_op(&c, &op);
	n = answer_limit(&c, answer_new(&c, *res, op, 0), res);
	cJSON_Delete(c.root);
	return n;
}
