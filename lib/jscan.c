/* jscan: the one reader of a request, a strict RFC 8259 / RFC 3629 scan
 * of its raw bytes in a single pass.  It converts nothing: numbers and
 * nested values are checked and left as spans of the text. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include "jscan.h"

/* The length of the well-formed UTF-8 sequence at s (n bytes left), or 0.
 * RFC 3629 section 4: no overlongs (C0, C1, E0 80-9F, F0 80-8F), no
 * surrogates U+D800-DFFF (ED A0-BF), nothing above U+10FFFF (F4 90-BF,
 * F5-FF). */
size_t
jscan_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

size_t
jscan_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if ((n = jscan_utf8_seq(s + i, len - i)) == 0)
			return i;
		i += n;
	}
	return len;
}

/* RFC 8259 section 2: only these four are whitespace (cJSON skips every
 * byte up to 0x20). */
const char *
jscan_ws(const char *p, const char *end)
{
	while (p != end && (*p == ' ' || *p == '\n' || *p == '\t' ||
	    *p == '\r'))
		p++;
	return p;
}

/* Every scan function takes the text from p to end and returns where it
 * stopped: after what it read, or, on a failure, NULL with *bad at the
 * first byte that is wrong.  They are small and static so that the
 * compiler keeps p in a register through the whole scan. */

/* Whitespace, tested first for the common case of none. */
static const char *
skip_ws(const char *p, const char *end)
{
	if (p != end && (unsigned char)*p <= ' ')
		p = jscan_ws(p, end);
	return p;
}

static const char *
fail_at(const char *p, const char **bad)
{
	*bad = p;
	return NULL;
}

static const char *
digits(const char *p, const char *end, const char **bad)
{
	const char *start = p;

	while (p != end && *p >= '0' && *p <= '9')
		p++;
	return p == start ? fail_at(p, bad) : p;
}

/* RFC 8259 section 6: no "01", no "1.", no "+1"; the text is copied
 * verbatim into answers, so it must be valid as it is. */
static const char *
scan_number(const char *p, const char *end, const char **bad)
{
	if (*p == '-')
		p++;
	if (p != end && *p == '0')
		p++;
	else if ((p = digits(p, end, bad)) == NULL)
		return NULL;
	if (p != end && *p == '.' && (p = digits(p + 1, end, bad)) == NULL)
		return NULL;
	if (p != end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p != end && (*p == '+' || *p == '-'))
			p++;
		return digits(p, end, bad);
	}
	return p;
}

/* A literal, all there or failing at its start. */
static const char *
scan_word(const char *p, const char *end, const char *word, size_t n,
    const char **bad)
{
	if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
		return fail_at(p, bad);
	return p + n;
}

/* The first byte at or after p that is a quote, a backslash, a control
 * character or not ASCII, or end: eight bytes at a time while they are
 * plain.  A byte b of word w is below 0x20 when (b - 0x20) borrows into
 * its high bit with b's own high bit clear; equal to c when b ^ c is
 * zero; not ASCII when its high bit is set. */
static const char *
plain_run(const char *p, const char *end)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t w, q, b;

	if (p != end && *p == '"')	/* an empty string, or its end */
		return p;
	while (end - p >= 8) {
		memcpy(&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		w = ((((w - ones * 0x20) | (q - ones) | (b - ones)) & ~w) | w) &
		    highs;
		if (w != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			/* The lowest flag is exact (a borrow only runs up):
			 * it marks the first special byte. */
			return p + __builtin_ctzll(w) / 8;
#else
			break;
#endif
		}
		p += 8;
	}
	while (p < end && *p != '"' && *p != '\\' &&
	    (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80)
		p++;
	return p;
}

/* A hex digit's value plus one, 0 for any other byte. */
static const unsigned char hex1[256] = {
	['0'] = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	['A'] = 11, 12, 13, 14, 15, 16,
	['a'] = 11, 12, 13, 14, 15, 16,
};

static int
hex_digit(char c)
{
	return hex1[(unsigned char)c] - 1;
}

/* Four hex digits of a \\u escape, from p: their value, or -1. */
static long
hex4(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;

	if (end - p < 4 || !hex1[u[0]] || !hex1[u[1]] || !hex1[u[2]] ||
	    !hex1[u[3]])
		return -1;
	return (long)(hex1[u[0]] - 1) << 12 | (long)(hex1[u[1]] - 1) << 8 |
	    (long)(hex1[u[2]] - 1) << 4 | (long)(hex1[u[3]] - 1);
}

/* The \\u escape after "\\u": a code point, or a UTF-16 surrogate pair
 * written as two escapes.  A lone surrogate is refused: it stands for no
 * character (RFC 8259 section 8.2, RFC 7493 section 2.1), and cJSON, which
 * reads the answers in pktq, refuses it too. */
static const char *
scan_u_escape(const char *p, const char *end, const char **bad)
{
	long hi = hex4(p, end), lo;

	if (hi < 0) {
		while (p < end && hex_digit(*p) >= 0)
			p++;		/* to the bad digit, for the message */
		return fail_at(p, bad);
	}
	p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail_at(p, bad);
	if (hi < 0xd800 || hi > 0xdbff)
		return p;
	if (end - p < 2 || p[0] != '\\' || p[1] != 'u' ||
	    (lo = hex4(p + 2, end)) < 0xdc00 || lo > 0xdfff)
		return fail_at(p, bad);
	return p + 6;
}

/* A string from its opening quote to after its closing one.  RFC 8259
 * section 7: control characters only as escapes; RFC 3629: every byte
 * above ASCII part of a well-formed sequence.  *escaped: it held a '\\'. */
static const char *
scan_string(const char *p, const char *end, int *escaped, const char **bad)
{
	unsigned char c;
	size_t n;

	for (p++;;) {
		if (p == end)
			return fail_at(p, bad);
		if ((c = (unsigned char)*p) == '"')
			return p + 1;
		if (c >= 0x20 && c < 0x80 && c != '\\') {
			p = plain_run(p + 1, end);
			continue;
		}
		if (c < 0x20)
			return fail_at(p, bad);
		if (c >= 0xc2 && c <= 0xdf && end - p >= 2 &&
		    ((unsigned char)p[1] & 0xc0) == 0x80) {
			p += 2;		/* U+0080 to U+07FF, the most common */
			continue;
		}
		if (c >= 0x80) {
			if ((n = jscan_utf8_seq((const unsigned char *)p,
			    (size_t)(end - p))) == 0)
				return fail_at(p, bad);
			p += n;
			continue;
		}
		*escaped = 1;
		if (++p == end)
			return fail_at(p, bad);
		switch (*p++) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			break;
		case 'u':
			if ((p = scan_u_escape(p, end, bad)) == NULL)
				return NULL;
			break;
		default:
			return fail_at(p - 1, bad);
		}
	}
}

/* A value that is not a container. */
static const char *
scan_scalar(const char *p, const char *end, const char **bad)
{
	int escaped = 0;

	switch (*p) {
	case '"':
		return scan_string(p, end, &escaped, bad);
	case 't':
		return scan_word(p, end, "true", 4, bad);
	case 'f':
		return scan_word(p, end, "false", 5, bad);
	case 'n':
		return scan_word(p, end, "null", 4, bad);
	}
	return scan_number(p, end, bad);
}

/* One pass, without recursion, over one JSON text of any kind from p; the
 * members of a top-level object into mem (none when mem is NULL).  Its
 * end, or NULL and *bad.  The states: a value is due; a value ended (a
 * comma or the close of its container is due); a member is due.  Bit d of
 * obj is set when the container at depth d + 1 is an object; it is read
 * only when a container closes. */
static const char *
scan_text(const char *p, const char *end, struct jscan_member *mem,
    size_t max, size_t *nmem, const char **bad)
{
	unsigned char obj[(JSCAN_DEPTH_MAX + 7) / 8];
	struct jscan_member *mb = NULL;	/* the top-level member being read */
	struct jscan_member spare;	/* where members past max are read */
	size_t count = 0;
	int depth = 0, escaped, d;
	char c, close = 0;	/* what closes the innermost container */
	const char *name, *v;
	size_t name_n;

value:
	p = skip_ws(p, end);
	if (p == end)
		return fail_at(p, bad);
	c = *p;
	if (c == '{' || c == '[') {
		if ((d = depth) == JSCAN_DEPTH_MAX)
			return fail_at(p, bad);
		if (c == '{')
			obj[d / 8] |= (unsigned char)(1u << (d % 8));
		else
			obj[d / 8] &= (unsigned char)~(1u << (d % 8));
		depth++;
		p = skip_ws(p + 1, end);
		if (p != end && *p == c + 2) {	/* '{' + 2 is '}', '[' + 2 ']' */
			p++;
			depth--;
			goto ended;
		}
		close = c + 2;
		if (c == '{')
			goto member;
		goto value;
	}
	if (c >= '0' && c <= '9') {	/* digits in line, the rest after */
		v = p;
		if (c != '0')
			while (++p != end && *p >= '0' && *p <= '9')
				;
		else
			p++;
		if (p != end && (*p == '.' || *p == 'e' || *p == 'E'))
			p = scan_number(v, end, bad);
	} else if (c == '"') {		/* a plain string in line */
		p = plain_run(p + 1, end);
		if (p != end && *p == '"')
			p++;
		else
			p = scan_string(p - 1, end, &escaped, bad);
	} else
		p = scan_scalar(p, end, bad);
	if (p == NULL)
		return NULL;
ended:
	if (mb != NULL && depth == 1) {
		mb->value.n = (size_t)(p - mb->value.p);
		mb = NULL;
		count++;
	}
	if (depth == 0) {
		*nmem = count;
		return p;
	}
	p = skip_ws(p, end);
	if (p == end)
		return fail_at(p, bad);
	if (*p == ',') {
		p++;
		if (close == '}')
			goto member;
		goto value;
	}
	if (*p != close)
		return fail_at(p, bad);
	p++;
	if (--depth > 0) {
		d = depth - 1;
		close = obj[d / 8] >> (d % 8) & 1 ? '}' : ']';
	}
	goto ended;
member:
	p = skip_ws(p, end);
	if (p == end || *p != '"')
		return fail_at(p, bad);
	name = p + 1;
	escaped = 0;
	p = plain_run(name, end);	/* a plain name, in line */
	if (p != end && *p == '"')
		p++;
	else if ((p = scan_string(p - 1, end, &escaped, bad)) == NULL)
		return NULL;
	name_n = (size_t)(p - 1 - name);
	p = skip_ws(p, end);
	if (p == end || *p != ':')
		return fail_at(p, bad);
	p = skip_ws(p + 1, end);
	if (depth == 1 && mem != NULL) {
		mb = count < max ? &mem[count] : &spare;
		mb->name.p = name;
		mb->name.n = name_n;
		mb->escaped = escaped;
		mb->value.p = p;
	}
	goto value;
}

/* r, or what is wrong with the byte at offset at when that is more
 * precise: a NUL, or a byte that starts no well-formed UTF-8. */
static enum jscan_result
bad_byte(const char *text, size_t len, size_t at, enum jscan_result r)
{
	if (at >= len)
		return r;
	if (text[at] == '\0')
		return JSCAN_NUL;
	if (jscan_utf8_seq((const unsigned char *)text + at, len - at) == 0)
		return JSCAN_UTF8;
	return r;
}

/* RFC 8259 section 8.1 lets a parser ignore a byte order mark. */
enum jscan_result
jscan_object(const char *text, size_t len, struct jscan_member *mem,
    size_t max, size_t *n, size_t *at)
{
	const char *p = text, *end = text + len, *start, *rest, *bad = text;
	enum jscan_result r;
	size_t nmem;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	start = p = skip_ws(p, end);
	if ((p = scan_text(p, end, start != end && *start == '{' ? mem : NULL,
	    max, &nmem, &bad)) == NULL) {
		*at = (size_t)(bad - text);
		return bad_byte(text, len, *at, JSCAN_INVALID);
	}
	*at = (size_t)(p - text);
	if (*start != '{')
		return JSCAN_NOT_OBJECT;
	if ((rest = jscan_ws(p, end)) != end) {
		r = bad_byte(text, len, (size_t)(rest - text), JSCAN_TRAILING);
		if (r != JSCAN_TRAILING)
			*at = (size_t)(rest - text);
		return r;
	}
	*n = nmem;
	return JSCAN_OK;
}

int
jscan_valid(const char *text, size_t len, size_t *bad)
{
	size_t n;
	enum jscan_result r = jscan_object(text, len, NULL, 0, &n, bad);

	return r == JSCAN_OK || r == JSCAN_NOT_OBJECT ? 0 : -1;
}

/* The bytes of code point cp in UTF-8 at out; their count. */
static size_t
put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* No escape's UTF-8 is longer than the escape: \\uXXXX (6 bytes) makes at
 * most 3, a pair (12) makes 4.  The text was checked by jscan_object, so
 * every escape is well formed. */
size_t
jscan_unescape(const char *p, size_t n, char *out)
{
	static const char to[128] = {
		['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
		['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
	};
	const char *end = p + n;
	char *o = out;
	unsigned long cp;

	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		if (p[1] != 'u') {
			*o++ = to[p[1] & 0x7f];
			p += 2;
			continue;
		}
		cp = (unsigned long)hex4(p + 2, end);
		p += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) +
			    ((unsigned long)hex4(p + 2, end) - 0xdc00);
			p += 6;
		}
		o += put_utf8(o, cp);
	}
	return (size_t)(o - out);
}
