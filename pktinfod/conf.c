/* conf: the configuration file.  cJSON reads the document; jscan, the
 * strict scanner, says where each member is in the text, for the line and
 * column of an error, and shows the duplicate keys that cJSON would
 * silently resolve (RFC 8259 section 4 leaves them undefined). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "addr.h"
#include "conf.h"
#include "jscan.h"
#include "log.h"
#include "proto.h"

/* The sample is a few hundred bytes; 100 000 prefixes in each list are
 * about 7 MB. */
#define CONF_FILE_MAX (64L * 1024 * 1024)
/* No key has a longer name: a longer one is unknown unread. */
#define CONF_NAME_MAX 32
/* More members than an object has keys means an unknown or duplicate key
 * among the first ones, so a scan need record no more. */
#define CONF_MAX_MEMBERS 16
/* A message quotes at most this much of a value. */
#define CONF_QUOTE_MAX 48
/* A number key without an upper bound of its own ends at its field's. */
#define CONF_UNBOUNDED UINT32_MAX

enum conf_type {
	CONF_UINT,	/* a whole number from min to max */
	CONF_LISTEN,	/* min to max "ADDR[:PORT]" strings */
	CONF_CIDRS,	/* min to max CIDR strings, allocated */
	CONF_ENDPOINT,	/* null or "ADDR:PORT" */
	CONF_LOG_LEVEL,	/* a log_level_parse() name */
	CONF_OBJECT	/* the keys in sub */
};

struct conf_key {
	const char		*name;
	enum conf_type		 type;
	size_t			 off;	/* the field in struct opts */
	size_t			 size;	/* CONF_UINT: the field's size */
	size_t			 n_off;	/* lists: their count; CONF_ENDPOINT:
					 * its flag */
	uint32_t		 min;	/* CONF_UINT: the range; lists: the */
	uint32_t		 max;	/* number of entries */
	const char		*def;	/* the default, as JSON */
	const struct conf_key	*sub;	/* CONF_OBJECT: its keys */
	size_t			 nsub;
};

#define OFF(f)		offsetof(struct opts, f)
#define FIELD(o, off, type)	((type *)(void *)((char *)(o) + (off)))
#define CFIELD(o, off, type)	\
	((const type *)(const void *)((const char *)(o) + (off)))
#define UINT_KEY(name, f, min, max, def) { name, CONF_UINT, OFF(f), \
	sizeof(((struct opts *)NULL)->f), 0, min, max, def, NULL, 0 }
#define CIDRS_KEY(name, f, nf, def) { name, CONF_CIDRS, OFF(f), 0, OFF(nf), \
	0, OPTS_MAX_ACL, def, NULL, 0 }
#define NKEYS(a)	(sizeof(a) / sizeof((a)[0]))

static const struct conf_key rate_limit_keys[] = {
	UINT_KEY("qps", rate_limit.qps, 0, CONF_UNBOUNDED, "0"),
	UINT_KEY("burst", rate_limit.burst, 0, CONF_UNBOUNDED, "0"),
	UINT_KEY("prefix_v4", rate_limit.prefix_v4, 0, 32, "32"),
	UINT_KEY("prefix_v6", rate_limit.prefix_v6, 0, 128, "64"),
};

/* In the order of pktinfod.conf(5), KEYS.  The default listen entry has
 * no port, so that -p applies to it as to every -l without one. */
static const struct conf_key conf_keys[] = {
	{ "listen", CONF_LISTEN, OFF(listen), 0, OFF(nlisten), 1,
	    OPTS_MAX_LISTEN, "[\"[::]\"]", NULL, 0 },
	UINT_KEY("workers", workers, 0, OPTS_MAX_WORKERS, "0"),
	UINT_KEY("max_datagram", max_datagram, 512, PROTO_DATAGRAM_MAX,
	    "4096"),
	UINT_KEY("amplification_factor", amplification_factor, 1, 10, "3"),
	CIDRS_KEY("allow", allow, nallow, "[\"0.0.0.0/0\", \"::/0\"]"),
	CIDRS_KEY("deny", deny, ndeny, "[]"),
	CIDRS_KEY("admin_allow", admin_allow, nadmin_allow,
	    "[\"127.0.0.0/8\", \"::1/128\"]"),
	{ "rate_limit", CONF_OBJECT, 0, 0, 0, 0, 0, NULL, rate_limit_keys,
	    NKEYS(rate_limit_keys) },
	UINT_KEY("min_source_port", min_source_port, 0, 65535, "1024"),
	{ "metrics_listen", CONF_ENDPOINT, OFF(metrics_listen), 0,
	    OFF(metrics_enabled), 0, 0, "null", NULL, 0 },
	{ "log_level", CONF_LOG_LEVEL, OFF(log_level), 0, 0, 0, 0, "\"info\"",
	    NULL, 0 },
};

struct conf_ctx {
	struct opts	*o;
	const char	*path;		/* for messages */
	const char	*text;		/* the file; NULL for the defaults */
	const char	*end;
	char		*err;
	size_t		 errlen;
};

static int conf_fail(const struct conf_ctx *, const char *, const char *,
    ...) __attribute__((format(PRINTF_ARCHETYPE, 3, 4)));

static void
line_col(const struct conf_ctx *c, const char *at, unsigned long *line,
    unsigned long *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = c->text; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/* err = "path:line:col: " (or "path: " without a place) and the message;
 * returns -1 for the caller to return. */
static int
conf_fail(const struct conf_ctx *c, const char *at, const char *fmt, ...)
{
	unsigned long line, col;
	va_list ap;
	int n;

	if (c->text != NULL && at != NULL) {
		line_col(c, at, &line, &col);
		n = snprintf(c->err, c->errlen, "%s:%lu:%lu: ", c->path, line,
		    col);
	} else
		n = snprintf(c->err, c->errlen, "%s: ", c->path);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *
json_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	if (cJSON_IsBool(v))
		return "a boolean";
	return "null";
}

/* s quoted for a message: bytes other than printable ASCII as \xNN, a
 * long one cut short. */
static const char *
quote(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	buf[o++] = '"';
	for (; *s != '\0' && o + 9 < len; s++) {
		if (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\')
			buf[o++] = *s;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x",
			    (unsigned char)*s);
	}
	if (*s != '\0') {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* Where element i of the array starting at at is written (NULL for the
 * defaults).  jscan_object, given a value that is not an object, says
 * where that value ends; the file has been checked whole. */
static const char *
element(const struct conf_ctx *c, const char *at, size_t i)
{
	const char *p;
	size_t n, stop;

	if (at == NULL)
		return NULL;
	p = jscan_ws(at + 1, c->end);
	for (; i > 0; i--) {
		jscan_object(p, (size_t)(c->end - p), NULL, 0, &n, &stop);
		p = jscan_ws(p + stop, c->end);
		p = jscan_ws(p + 1, c->end);
	}
	return p;
}

/* The table's number fields are 16, 32 or 64 bits wide. */
static void
store_uint(void *field, size_t size, uint32_t v)
{
	uint16_t v16 = (uint16_t)v;
	uint64_t v64 = v;

	if (size == sizeof(v16))
		memcpy(field, &v16, size);
	else if (size == sizeof(v))
		memcpy(field, &v, size);
	else
		memcpy(field, &v64, size);
}

static uint64_t
load_uint(const void *field, size_t size)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	if (size == sizeof(v16)) {
		memcpy(&v16, field, size);
		return v16;
	}
	if (size == sizeof(v32)) {
		memcpy(&v32, field, size);
		return v32;
	}
	memcpy(&v64, field, size);
	return v64;
}

/* JSON has one kind of number: 4096, 4096.0 and 4.096e3 are the same
 * whole number. */
static int
set_uint(struct conf_ctx *c, const struct conf_key *k, const char *key,
    const cJSON *v, const char *at)
{
	char what[64];
	double d;

	if (k->max == CONF_UNBOUNDED)
		snprintf(what, sizeof(what), "a whole number >= %lu",
		    (unsigned long)k->min);
	else
		snprintf(what, sizeof(what), "a whole number from %lu to %lu",
		    (unsigned long)k->min, (unsigned long)k->max);
	if (!cJSON_IsNumber(v))
		return conf_fail(c, at, "%s: must be %s, not %s", key, what,
		    json_type(v));
	d = v->valuedouble;
	if (d >= k->min && d <= k->max && d == (double)(uint32_t)d) {
		store_uint(FIELD(c->o, k->off, char), k->size, (uint32_t)d);
		return 0;
	}
	if (k->max == CONF_UNBOUNDED && d > k->max)
		return conf_fail(c, at, "%s: must be at most %lu", key,
		    (unsigned long)k->max);
	return conf_fail(c, at, "%s: must be %s", key, what);
}

static int
same_endpoint(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b)
{
	return memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)) ==
	    0 && a->sin6_port == b->sin6_port &&
	    a->sin6_scope_id == b->sin6_scope_id;
}

static int
set_listen(struct conf_ctx *c, const struct conf_key *k, const char *key,
    const cJSON *v, const char *at)
{
	struct sockaddr_in6 list[OPTS_MAX_LISTEN];
	char q[CONF_QUOTE_MAX];
	const cJSON *e;
	size_t n = 0, i;

	if (!cJSON_IsArray(v))
		return conf_fail(c, at, "%s: must be an array of "
		    "\"ADDR[:PORT]\" strings, not %s", key, json_type(v));
	cJSON_ArrayForEach(e, v) {
		if (n == k->max)
			return conf_fail(c, element(c, at, n), "%s: more than "
			    "%lu addresses", key, (unsigned long)k->max);
		if (!cJSON_IsString(e))
			return conf_fail(c, element(c, at, n), "%s[%lu]: must "
			    "be an \"ADDR[:PORT]\" string, not %s", key,
			    (unsigned long)n, json_type(e));
		if (addr_parse(&list[n], e->valuestring, c->o->port) == -1)
			return conf_fail(c, element(c, at, n), "%s[%lu]: %s is "
			    "not an ADDR[:PORT]", key, (unsigned long)n,
			    quote(q, sizeof(q), e->valuestring));
		for (i = 0; i < n; i++) {
			if (!addr_listen_overlap(&list[i], &list[n]))
				continue;
			if (same_endpoint(&list[i], &list[n]))
				return conf_fail(c, element(c, at, n), "%s[%lu]: "
				    "%s is the same address as %s[%lu]", key,
				    (unsigned long)n,
				    quote(q, sizeof(q), e->valuestring), key,
				    (unsigned long)i);
			return conf_fail(c, element(c, at, n), "%s[%lu]: %s "
			    "overlaps %s[%lu] (a wildcard takes every address "
			    "of its port; [::] takes IPv4 too)", key,
			    (unsigned long)n, quote(q, sizeof(q),
			    e->valuestring), key, (unsigned long)i);
		}
		n++;
	}
	if (n < k->min)
		return conf_fail(c, at, "%s: must hold at least %lu address",
		    key, (unsigned long)k->min);
	memcpy(FIELD(c->o, k->off, struct sockaddr_in6), list,
	    n * sizeof(list[0]));
	*FIELD(c->o, k->n_off, size_t) = n;
	return 0;
}

/* The new list replaces the old one only once it is whole, so that after
 * any failure each field holds one list for opts_free(). */
static int
set_cidrs(struct conf_ctx *c, const struct conf_key *k, const char *key,
    const cJSON *v, const char *at)
{
	struct addr_cidr *list = NULL, **field;
	char q[CONF_QUOTE_MAX];
	const cJSON *e;
	size_t n = 0, i = 0;

	if (!cJSON_IsArray(v))
		return conf_fail(c, at, "%s: must be an array of CIDR strings, "
		    "not %s", key, json_type(v));
	cJSON_ArrayForEach(e, v)
		n++;
	if (n > k->max)
		return conf_fail(c, element(c, at, k->max), "%s: more than %lu "
		    "entries", key, (unsigned long)k->max);
	if (n > 0 && (list = calloc(n, sizeof(*list))) == NULL)
		return conf_fail(c, at, "%s: %s", key, strerror(errno));
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e)) {
			free(list);
			return conf_fail(c, element(c, at, i), "%s[%lu]: must "
			    "be a CIDR string, not %s", key, (unsigned long)i,
			    json_type(e));
		}
		if (addr_cidr_parse(&list[i], e->valuestring) == -1) {
			free(list);
			return conf_fail(c, element(c, at, i), "%s[%lu]: %s is "
			    "not a CIDR", key, (unsigned long)i,
			    quote(q, sizeof(q), e->valuestring));
		}
		i++;
	}
	field = FIELD(c->o, k->off, struct addr_cidr *);
	free(*field);
	*field = list;
	*FIELD(c->o, k->n_off, size_t) = n;
	return 0;
}

static int
set_endpoint(struct conf_ctx *c, const struct conf_key *k, const char *key,
    const cJSON *v, const char *at)
{
	struct sockaddr_in6 sin, probe;
	char q[CONF_QUOTE_MAX];

	if (cJSON_IsNull(v)) {
		memset(FIELD(c->o, k->off, struct sockaddr_in6), 0, sizeof(sin));
		*FIELD(c->o, k->n_off, int) = 0;
		return 0;
	}
	if (!cJSON_IsString(v))
		return conf_fail(c, at, "%s: must be null or an \"ADDR:PORT\" "
		    "string, not %s", key, json_type(v));
	if (addr_parse(&sin, v->valuestring, 0) == -1)
		return conf_fail(c, at, "%s: %s is not an ADDR:PORT", key,
		    quote(q, sizeof(q), v->valuestring));
	/* addr_parse gives a text without a port the default port it is
	 * passed: two defaults tell whether there is one. */
	if (addr_parse(&probe, v->valuestring, 1) == 0 &&
	    probe.sin6_port != sin.sin6_port)
		return conf_fail(c, at, "%s: %s has no port", key,
		    quote(q, sizeof(q), v->valuestring));
	*FIELD(c->o, k->off, struct sockaddr_in6) = sin;
	*FIELD(c->o, k->n_off, int) = 1;
	return 0;
}

static int
set_log_level(struct conf_ctx *c, const struct conf_key *k, const char *key,
    const cJSON *v, const char *at)
{
	static const char levels[] =
	    "one of \"error\", \"warn\", \"info\", \"debug\"";
	char q[CONF_QUOTE_MAX];

	if (!cJSON_IsString(v))
		return conf_fail(c, at, "%s: must be %s, not %s", key, levels,
		    json_type(v));
	if (log_level_parse(FIELD(c->o, k->off, enum log_level),
	    v->valuestring) == -1)
		return conf_fail(c, at, "%s: %s is not %s", key,
		    quote(q, sizeof(q), v->valuestring), levels);
	return 0;
}

static int set_members(struct conf_ctx *, const struct conf_key *, size_t,
    const char *, const cJSON *, const char *);

/* v is the value of key k; at is where it is written (NULL for the
 * defaults). */
static int
set_value(struct conf_ctx *c, const struct conf_key *k, const char *key,
    const cJSON *v, const char *at)
{
	char prefix[CONF_NAME_MAX + 2];

	switch (k->type) {
	case CONF_UINT:
		return set_uint(c, k, key, v, at);
	case CONF_LISTEN:
		return set_listen(c, k, key, v, at);
	case CONF_CIDRS:
		return set_cidrs(c, k, key, v, at);
	case CONF_ENDPOINT:
		return set_endpoint(c, k, key, v, at);
	case CONF_LOG_LEVEL:
		return set_log_level(c, k, key, v, at);
	case CONF_OBJECT:
		break;
	}
	if (!cJSON_IsObject(v))
		return conf_fail(c, at, "%s: must be an object, not %s", key,
		    json_type(v));
	snprintf(prefix, sizeof(prefix), "%s.", key);
	return set_members(c, k->sub, k->nsub, prefix, v, at);
}

/* cJSON ends a string at an escaped NUL ("a\u0000b" reads as "a"), which
 * would hide the rest of the value: no value may hold one (in a name it
 * makes the key unknown).  Outside strings checked JSON has no
 * backslash. */
static const char *
find_nul_escape(const char *p, const char *end)
{
	for (; (p = memchr(p, '\\', (size_t)(end - p))) != NULL; p += 2)
		if (end - p >= 6 && memcmp(p, "\\u0000", 6) == 0)
			return p;
	return NULL;
}

static const struct conf_key *
find_key(const struct conf_key *keys, size_t nkeys, const char *name,
    size_t len)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (strlen(keys[i].name) == len &&
		    memcmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

/* The members of object v, written at at, against keys.  cJSON keeps
 * every member, duplicates too, in the order of the text, so its i-th
 * child is jscan's i-th member.  Names are compared unescaped, to the
 * byte: "work\u0065rs" is workers, "workers\u0000" is unknown. */
static int
set_members(struct conf_ctx *c, const struct conf_key *keys, size_t nkeys,
    const char *prefix, const cJSON *v, const char *at)
{
	struct jscan_member mem[CONF_MAX_MEMBERS];
	const char *seen[CONF_MAX_MEMBERS] = { NULL };
	const struct conf_key *k;
	const struct jscan_member *m;
	const char *nul;
	char key[2 * CONF_NAME_MAX + 2], name[CONF_NAME_MAX];
	const cJSON *item;
	unsigned long line, col;
	size_t i = 0, n, len, stop;

	/* The text was checked whole; the scan ends after this object. */
	jscan_object(at, (size_t)(c->end - at), mem, CONF_MAX_MEMBERS, &n,
	    &stop);
	for (item = v->child; item != NULL; item = item->next, i++) {
		/* Member nkeys + 1 at the latest is unknown or a duplicate,
		 * and ends the loop: i < CONF_MAX_MEMBERS. */
		m = &mem[i];
		len = m->name.n;
		if (len <= sizeof(name))
			memcpy(name, m->name.p, len);
		if (m->escaped && len <= sizeof(name))
			len = jscan_unescape(m->name.p, len, name);
		if (len > sizeof(name) ||
		    (k = find_key(keys, nkeys, name, len)) == NULL)
			return conf_fail(c, m->name.p - 1, "%s%.*s%s: unknown "
			    "key", prefix, m->name.n > CONF_NAME_MAX ?
			    CONF_NAME_MAX : (int)m->name.n, m->name.p,
			    m->name.n > CONF_NAME_MAX ? "..." : "");
		snprintf(key, sizeof(key), "%s%s", prefix, k->name);
		if (seen[k - keys] != NULL) {
			line_col(c, seen[k - keys], &line, &col);
			return conf_fail(c, m->name.p - 1, "%s: duplicate key "
			    "(first at line %lu, column %lu)", key, line, col);
		}
		seen[k - keys] = m->name.p - 1;
		if (k->type != CONF_OBJECT && (nul = find_nul_escape(m->value.p,
		    m->value.p + m->value.n)) != NULL)
			return conf_fail(c, nul, "%s: \\u0000 is not allowed in "
			    "a string", key);
		if (set_value(c, k, key, item, m->value.p) == -1)
			return -1;
	}
	return 0;
}

_Static_assert(NKEYS(conf_keys) < CONF_MAX_MEMBERS &&
    NKEYS(rate_limit_keys) < CONF_MAX_MEMBERS,
    "set_members records too few members");

/* k's embedded default, through the parser the file's values take. */
static int
set_default(struct conf_ctx *c, const struct conf_key *k, const char *key)
{
	char sub[2 * CONF_NAME_MAX + 2];
	cJSON *v;
	size_t i;
	int r;

	if (k->type == CONF_OBJECT) {
		for (i = 0; i < k->nsub; i++) {
			snprintf(sub, sizeof(sub), "%s.%s", key, k->sub[i].name);
			if (set_default(c, &k->sub[i], sub) == -1)
				return -1;
		}
		return 0;
	}
	if ((v = cJSON_Parse(k->def)) == NULL)
		return conf_fail(c, NULL, "%s: %s", key, strerror(ENOMEM));
	r = set_value(c, k, key, v, NULL);
	cJSON_Delete(v);
	return r;
}

int
conf_defaults(struct opts *o, char *err, size_t errlen)
{
	struct conf_ctx c = { o, "defaults", NULL, NULL, err, errlen };
	size_t i;

	for (i = 0; i < NKEYS(conf_keys); i++)
		if (set_default(&c, &conf_keys[i], conf_keys[i].name) == -1)
			return -1;
	return 0;
}

/* The whole file, NUL-terminated, in *text. */
static int
read_file(const char *path, char **text, size_t *len)
{
	FILE *f;
	char *buf = NULL, *grown;
	size_t n = 0, cap = 0, got;
	int saved;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	do {
		if (cap - n < 4096) {
			if (cap >= (size_t)CONF_FILE_MAX) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if ((grown = realloc(buf, cap + 1)) == NULL)
				goto fail;
			buf = grown;
		}
		errno = 0;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		if (errno == 0)
			errno = EIO;
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
fail:
	saved = errno;
	free(buf);
	fclose(f);
	errno = saved;
	return -1;
}

/* The byte at p for a syntax error. */
static int
syntax_error(struct conf_ctx *c, const char *p)
{
	if (p >= c->end)
		return conf_fail(c, p, "syntax error: unexpected end of file");
	if (*p > 0x20 && *p < 0x7f)
		return conf_fail(c, p, "syntax error: unexpected '%c'", *p);
	return conf_fail(c, p, "syntax error: unexpected byte 0x%02x",
	    (unsigned char)*p);
}

static int
load_text(struct conf_ctx *c)
{
	size_t len = (size_t)(c->end - c->text), n, stop;
	const char *cjson_end = NULL, *bad = NULL;
	enum jscan_result r;
	cJSON *root;
	int status;

	/* With require_null_terminated, cJSON wants the NUL inside the
	 * length; jscan, stricter (RFC 8259 to the letter), is given the
	 * file's own length, so a NUL byte in it is an error.  jscan names
	 * the first wrong byte; cJSON's end pointer can be past it (the end
	 * of the text for "{"a":1,}", the space before trailing garbage),
	 * so it is the place only when jscan finds nothing wrong. */
	root = cJSON_ParseWithLengthOpts(c->text, len + 1, &cjson_end, 1);
	r = jscan_object(c->text, len, NULL, 0, &n, &stop);
	if (r == JSCAN_INVALID)
		bad = c->text + stop;
	else if (r == JSCAN_TRAILING)		/* stop: the object's end */
		bad = jscan_ws(c->text + stop, c->end);
	else if (root == NULL)
		bad = cjson_end != NULL ? cjson_end : c->text;
	if (bad != NULL) {
		cJSON_Delete(root);
		return syntax_error(c, bad);
	}
	if (r == JSCAN_NOT_OBJECT) {
		status = conf_fail(c, jscan_ws(c->text, c->end), "the "
		    "configuration must be a JSON object, not %s",
		    json_type(root));
		cJSON_Delete(root);
		return status;
	}
	status = set_members(c, conf_keys, NKEYS(conf_keys), "", root,
	    c->text);
	cJSON_Delete(root);
	return status;
}

int
conf_load(struct opts *o, const char *path, char *err, size_t errlen)
{
	struct conf_ctx c = { o, path, NULL, NULL, err, errlen };
	char *text;
	size_t len;
	int status;

	if (read_file(path, &text, &len) == -1)
		return conf_fail(&c, NULL, "%s", strerror(errno));
	c.text = text;
	c.end = text + len;
	status = load_text(&c);
	free(text);
	return status;
}

static cJSON *
cidr_json(const struct addr_cidr *cidr)
{
	char host[ADDR_STRLEN], text[ADDR_STRLEN + 8];
	int v4 = addr_is_v4mapped(&cidr->net) && cidr->len >= 96;

	addr_ntop(host, sizeof(host), &cidr->net, 0);
	snprintf(text, sizeof(text), "%s/%u", host,
	    v4 ? cidr->len - 96 : cidr->len);
	return cJSON_CreateString(text);
}

static cJSON *
endpoint_json(const struct sockaddr_in6 *sin)
{
	char text[ADDR_STRLEN];

	return cJSON_CreateString(addr_format(text, sizeof(text), sin));
}

static cJSON *key_json(const struct opts *, const struct conf_key *);

/* An array of the n entries of size size at list, each turned to JSON by
 * one. */
static cJSON *
list_json(const void *list, size_t n, size_t size,
    cJSON *(*one)(const void *))
{
	cJSON *a, *e;
	size_t i;

	if ((a = cJSON_CreateArray()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if ((e = one((const char *)list + i * size)) == NULL ||
		    !cJSON_AddItemToArray(a, e)) {
			cJSON_Delete(e);
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

static cJSON *
one_endpoint(const void *p)
{
	return endpoint_json(p);
}

static cJSON *
one_cidr(const void *p)
{
	return cidr_json(p);
}

static cJSON *
object_json(const struct opts *o, const struct conf_key *keys, size_t nkeys)
{
	cJSON *obj, *v;
	size_t i;

	if ((obj = cJSON_CreateObject()) == NULL)
		return NULL;
	for (i = 0; i < nkeys; i++) {
		if ((v = key_json(o, &keys[i])) == NULL ||
		    !cJSON_AddItemToObject(obj, keys[i].name, v)) {
			cJSON_Delete(v);
			cJSON_Delete(obj);
			return NULL;
		}
	}
	return obj;
}

static cJSON *
key_json(const struct opts *o, const struct conf_key *k)
{
	switch (k->type) {
	case CONF_UINT:
		return cJSON_CreateNumber((double)load_uint(CFIELD(o, k->off,
		    char), k->size));
	case CONF_LISTEN:
		return list_json(CFIELD(o, k->off, struct sockaddr_in6),
		    *CFIELD(o, k->n_off, size_t), sizeof(struct sockaddr_in6), one_endpoint);
	case CONF_CIDRS:
		return list_json(*CFIELD(o, k->off, struct addr_cidr *),
		    *CFIELD(o, k->n_off, size_t), sizeof(struct addr_cidr), one_cidr);
	case CONF_ENDPOINT:
		return *CFIELD(o, k->n_off, int) ? endpoint_json(CFIELD(o,
		    k->off, struct sockaddr_in6)) : cJSON_CreateNull();
	case CONF_LOG_LEVEL:
		return cJSON_CreateString(log_level_name(*CFIELD(o, k->off,
		    enum log_level)));
	case CONF_OBJECT:
		break;
	}
	return object_json(o, k->sub, k->nsub);
}

int
conf_print(const struct opts *o, FILE *f)
{
	cJSON *root;
	char *text = NULL;
	int status = -1;

	if ((root = object_json(o, conf_keys, NKEYS(conf_keys))) != NULL &&
	    (text = cJSON_Print(root)) != NULL)
		status = fprintf(f, "%s\n", text) < 0 ? -1 : 0;
	else
		errno = ENOMEM;
	cJSON_free(text);
	cJSON_Delete(root);
	return status;
}
