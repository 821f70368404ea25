/* jwrite: a bounded writer of compact JSON into a caller's buffer, for the
 * answers of the datagram path.  It never allocates and never writes past
 * the buffer: once something does not fit, the writer is spent and
 * jwrite_end says 0.  Strings are escaped per RFC 8259 section 7 and come
 * out as well-formed UTF-8 (RFC 3629) whatever bytes they were given. */
#ifndef PKTINFOD_JWRITE_H
#define PKTINFOD_JWRITE_H

#include <stddef.h>

struct jwrite {
	char	*p;		/* the next byte */
	char	*start;
	char	*end;		/* one past the last usable byte */
	int	 comma;		/* a value was written at this level */
};

/* Start writing into buf (cap bytes). */
void jwrite_init(struct jwrite *w, char *buf, size_t cap);
/* The bytes written, or 0 when the text did not fit. */
size_t jwrite_end(const struct jwrite *w);

/* '{' or '[' as a value; '}' or ']' closing it. */
void jwrite_open(struct jwrite *w, char bracket);
void jwrite_close(struct jwrite *w, char bracket);
/* A member's name and its colon; name is a string literal of the
 * protocol, written as it is (no quote, backslash or control character in
 * it), its length known when compiling. */
#define jwrite_key(w, name) \
	jwrite_keytext((w), "\"" name "\":", sizeof(name) + 2)
/* The n bytes of text, a quoted name and its colon (jwrite_key). */
void jwrite_keytext(struct jwrite *w, const char *text, size_t n);

/* Values.  raw: n bytes of JSON text, verbatim (an id or data the strict
 * scanner accepted).  str: the n bytes at s as a JSON string, escaped;
 * bytes that are not well-formed UTF-8 are written as U+FFFD.  cstr: a
 * NUL-terminated s, or null when s is NULL. */
void jwrite_raw(struct jwrite *w, const char *p, size_t n);
void jwrite_str(struct jwrite *w, const char *s, size_t n);
void jwrite_cstr(struct jwrite *w, const char *s);
void jwrite_uint(struct jwrite *w, unsigned long long v);
void jwrite_bool(struct jwrite *w, int v);

#endif
