/* jwrite: compact JSON written straight into a bounded buffer. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "jscan.h"
#include "jwrite.h"

void
jwrite_init(struct jwrite *w, char *buf, size_t cap)
{
	w->p = w->start = buf;
	w->end = buf + cap;
	w->comma = 0;
}

size_t
jwrite_end(const struct jwrite *w)
{
	return w->p == NULL ? 0 : (size_t)(w->p - w->start);
}

/* Room for n more bytes, else the writer is spent. */
static int
room(struct jwrite *w, size_t n)
{
	if (w->p == NULL)
		return 0;
	if ((size_t)(w->end - w->p) < n) {
		w->p = NULL;
		return 0;
	}
	return 1;
}

static void
put(struct jwrite *w, const char *s, size_t n)
{
	if (room(w, n)) {
		memcpy(w->p, s, n);
		w->p += n;
	}
}

/* The comma before a value that follows another at its level. */
static void
value_start(struct jwrite *w)
{
	if (w->comma)
		put(w, ",", 1);
	w->comma = 1;
}

void
jwrite_open(struct jwrite *w, char bracket)
{
	value_start(w);
	put(w, &bracket, 1);
	w->comma = 0;
}

void
jwrite_close(struct jwrite *w, char bracket)
{
	put(w, &bracket, 1);
	w->comma = 1;
}

/* A key is followed by its value, which must not write a comma. */
void
jwrite_keytext(struct jwrite *w, const char *text, size_t n)
{
	value_start(w);
	put(w, text, n);
	w->comma = 0;
}

void
jwrite_raw(struct jwrite *w, const char *p, size_t n)
{
	value_start(w);
	put(w, p, n);
}

/* One byte that needs an escape, or a byte of ill-formed UTF-8 (as
 * U+FFFD, the replacement character). */
static void
put_escape(struct jwrite *w, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '"': put(w, "\\\"", 2); return;
	case '\\': put(w, "\\\\", 2); return;
	case '\b': put(w, "\\b", 2); return;
	case '\f': put(w, "\\f", 2); return;
	case '\n': put(w, "\\n", 2); return;
	case '\r': put(w, "\\r", 2); return;
	case '\t': put(w, "\\t", 2); return;
	}
	if (c >= 0x80)
		put(w, "\\ufffd", 6);
	else
		put(w, e, sizeof(e));
}

/* The bytes a string takes as they are: printable ASCII but '"' and '\\'. */
static const unsigned char plain[256] = {
#define PLAIN8	1, 1, 1, 1, 1, 1, 1, 1
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1,	/* '"' is 0x22 */
	[0x28] = PLAIN8, PLAIN8, PLAIN8, PLAIN8, PLAIN8, PLAIN8,
	[0x58] = 1, 1, 1, 1, 0, 1, 1, 1,	/* '\\' is 0x5c */
	[0x60] = PLAIN8, PLAIN8, PLAIN8, PLAIN8,
#undef PLAIN8
};

void
jwrite_str(struct jwrite *w, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run, seq;

	value_start(w);
	put(w, "\"", 1);
	while (i < n && w->p != NULL) {
		for (run = i; run < n && plain[u[run]]; run++)
			;
		put(w, s + i, run - i);
		if ((i = run) == n)
			break;
		if (u[i] >= 0x80 && (seq = jscan_utf8_seq(u + i, n - i)) != 0) {
			put(w, s + i, seq);
			i += seq;
		} else
			put_escape(w, u[i++]);
	}
	put(w, "\"", 1);
}

void
jwrite_cstr(struct jwrite *w, const char *s)
{
	if (s == NULL)
		jwrite_raw(w, "null", 4);
	else
		jwrite_str(w, s, strlen(s));
}

void
jwrite_uint(struct jwrite *w, unsigned long long v)
{
	char text[24], *p = text + sizeof(text);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	jwrite_raw(w, p, (size_t)(text + sizeof(text) - p));
}

void
jwrite_bool(struct jwrite *w, int v)
{
	if (v)
		jwrite_raw(w, "true", 4);
	else
		jwrite_raw(w, "false", 5);
}
