/* pktbench_req: request templates and answer checks. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pktbench_req.h"

#define ID_PREFIX	"{\"id\":\""
#define ID_KEY		"\"id\":\""
/* RFC 1035 4.1.1: ID, flags (QR, ..., RCODE), QDCOUNT, ANCOUNT, ... */
#define DNS_HEADER	12
#define DNS_QR		0x80
#define DNS_RCODE	0x0f

/* Requests this size get their whole answer under the default
 * amplification_factor of 3 (doc/protocol.md, "Size"): a whoami answer
 * is about 190 bytes, info and stats grow with the host. */
static const struct {
	const char *op;
	size_t size;
} op_sizes[] = {
	{ "whoami", 96 },
	{ "info", 256 },
	{ "stats", 768 }
};
/* Small enough answers (ping, echo, errors) need a third of the answer;
 * 48 also covers the 45-byte "truncated" answer at a factor of 1. */
#define OP_MIN_SIZE	48

static size_t
default_size(const char *op)
{
	size_t i;

	for (i = 0; i < sizeof(op_sizes) / sizeof(op_sizes[0]); i++)
		if (strcmp(op_sizes[i].op, op) == 0)
			return op_sizes[i].size;
	return OP_MIN_SIZE;
}

static int
json_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

static int
set_template(struct bench_req *r, char *text, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->match = BENCH_MATCH_JSON;
	r->tmpl = (unsigned char *)text;
	r->len = len;
	r->id_off = strlen(ID_PREFIX);
	r->id_space = (uint64_t)1 << (4 * BENCH_ID_DIGITS);
	memset(r->tmpl + r->id_off, '0', BENCH_ID_DIGITS);
	return 0;
}

int
bench_req_op(struct bench_req *r, const char *op, size_t size)
{
	size_t base, padlen = 0;
	char *text;
	int n;

	if (*op == '\0' || !json_safe(op) || strlen(op) > 64) {
		errno = EINVAL;
		return -1;
	}
	if (size == 0)
		size = default_size(op);
	base = strlen(ID_PREFIX) + BENCH_ID_DIGITS + strlen(op) +
	    strlen("\",\"op\":\"\",\"pad\":\"\"}");
	if (size > BENCH_REQ_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (size > base)
		padlen = size - base;
	if ((text = malloc(base + padlen + 1)) == NULL)
		return -1;
	n = snprintf(text, base + padlen + 1,
	    ID_PREFIX "%*s\",\"op\":\"%s\",\"pad\":\"%*s\"}",
	    BENCH_ID_DIGITS, "", op, (int)padlen, "");
	set_template(r, text, (size_t)n);
	snprintf(r->what, sizeof(r->what), "%s, %zu-byte requests", op,
	    r->len);
	return 0;
}

int
bench_req_echo(struct bench_req *r, size_t size)
{
	size_t datalen;
	char *text;
	int n;

	if (size < BENCH_ECHO_OVERHEAD) {
		errno = EINVAL;
		return -1;
	}
	if (size > BENCH_REQ_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	datalen = size - BENCH_ECHO_OVERHEAD;
	if ((text = malloc(size + 1)) == NULL)
		return -1;
	n = snprintf(text, size + 1,
	    ID_PREFIX "%*s\",\"op\":\"echo\",\"data\":\"", BENCH_ID_DIGITS, "");
	memset(text + n, 'x', datalen);
	memcpy(text + n + datalen, "\"}", 3);
	set_template(r, text, size);
	snprintf(r->what, sizeof(r->what),
	    "echo, %zu-byte requests with %zu bytes of data", size, datalen);
	return 0;
}

static int
read_file(struct bench_req *r, const char *path)
{
	unsigned char *buf;
	FILE *f;
	size_t n;
	int saved;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	if ((buf = malloc(BENCH_REQ_MAX + 1)) == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, BENCH_REQ_MAX + 1, f);
	saved = errno;
	if (ferror(f)) {
		fclose(f);
		free(buf);
		errno = saved;
		return -1;
	}
	fclose(f);
	if (n == 0 || n > BENCH_REQ_MAX) {
		free(buf);
		errno = EMSGSIZE;
		return -1;
	}
	r->tmpl = buf;
	r->len = n;
	return 0;
}

int
bench_req_file(struct bench_req *r, const char *path,
    enum bench_match match)
{
	memset(r, 0, sizeof(*r));
	if (match == BENCH_MATCH_JSON || read_file(r, path) == -1) {
		if (match == BENCH_MATCH_JSON)
			errno = EINVAL;
		return -1;
	}
	r->match = match;
	if (match == BENCH_MATCH_DNS) {
		if (r->len < DNS_HEADER || (r->tmpl[2] & DNS_QR) != 0) {
			bench_req_free(r);
			errno = EINVAL;
			return -1;
		}
		r->id_space = 65536;
	}
	snprintf(r->what, sizeof(r->what), "%s payload, %zu bytes",
	    match == BENCH_MATCH_DNS ? "DNS" : "opaque", r->len);
	return 0;
}

void
bench_req_free(struct bench_req *r)
{
	free(r->tmpl);
	r->tmpl = NULL;
}

void
bench_req_write_id(const struct bench_req *r, unsigned char *buf,
    uint64_t id)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	switch (r->match) {
	case BENCH_MATCH_JSON:
		for (i = BENCH_ID_DIGITS - 1; i >= 0; i--, id >>= 4)
			buf[r->id_off + (size_t)i] = (unsigned char)hex[id & 15];
		break;
	case BENCH_MATCH_DNS:
		buf[0] = (unsigned char)(id >> 8);
		buf[1] = (unsigned char)id;
		break;
	case BENCH_MATCH_FIFO:
		break;
	}
}

static int
parse_hex_id(const unsigned char *p, uint64_t *id)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < BENCH_ID_DIGITS; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= (uint64_t)(p[i] - '0');
		else if (p[i] >= 'a' && p[i] <= 'f')
			v |= (uint64_t)(p[i] - 'a' + 10);
		else
			return -1;
	}
	if (p[BENCH_ID_DIGITS] != '"')
		return -1;
	*id = v;
	return 0;
}

/* pktinfod answers are compact cJSON with the id copied verbatim; the
 * requests hold nothing that could look like "ok" or "id" but those.  The
 * usual answer starts {"id":"<hex>","ok":true: checked in place first. */
static enum bench_verdict
check_json(const unsigned char *ans, size_t len, uint64_t *id)
{
	static const char ok_after_id[] = ",\"ok\":true";
	size_t keylen = strlen(ID_KEY), idlen = strlen(ID_PREFIX) +
	    BENCH_ID_DIGITS + 1;
	const unsigned char *p;
	int ok;

	if (len > idlen + strlen(ok_after_id) &&
	    memcmp(ans, ID_PREFIX, strlen(ID_PREFIX)) == 0 &&
	    memcmp(ans + idlen, ok_after_id, strlen(ok_after_id)) == 0 &&
	    parse_hex_id(ans + strlen(ID_PREFIX), id) == 0)
		return BENCH_ANS_OK;
	ok = memmem(ans, len, "\"ok\":true", 9) != NULL;
	p = memmem(ans, len, ID_KEY, keylen);
	if (p == NULL || (size_t)(p - ans) + keylen + BENCH_ID_DIGITS >= len ||
	    parse_hex_id(p + keylen, id) == -1)
		return BENCH_ANS_NOID;
	return ok ? BENCH_ANS_OK : BENCH_ANS_ERROR;
}

/* A good DNS answer: QR set, RCODE NOERROR and at least one answer RR. */
static enum bench_verdict
check_dns(const unsigned char *ans, size_t len, uint64_t *id)
{
	if (len < DNS_HEADER)
		return BENCH_ANS_NOID;
	*id = (uint64_t)ans[0] << 8 | ans[1];
	if ((ans[2] & DNS_QR) == 0 || (ans[3] & DNS_RCODE) != 0 ||
	    (ans[6] == 0 && ans[7] == 0))
		return BENCH_ANS_ERROR;
	return BENCH_ANS_OK;
}

enum bench_verdict
bench_req_check(const struct bench_req *r, const unsigned char *ans,
    size_t len, uint64_t *id)
{
	switch (r->match) {
	case BENCH_MATCH_JSON:
		return check_json(ans, len, id);
	case BENCH_MATCH_DNS:
		return check_dns(ans, len, id);
	case BENCH_MATCH_FIFO:
		break;
	}
	*id = 0;
	return BENCH_ANS_OK;
}
