/* jscan: the one reader of a request, a strict RFC 8259 / RFC 3629 scan
 * of its raw bytes in a single pass.  It converts nothing: numbers and
 * nested values are checked and left as spans of the text. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include "jscan.h"

struct scan {
	const char		*p;
	const char		*end;
	struct jscan_member	*mem;	/* the top-level object's members */
	size_t			 max;	/* 0: record nothing */
	size_t			 nmem;
	int			 escaped;	/* the last string had a '\\' */
};

static int scan_value(struct scan *, int);

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

/* Consume the next byte when it is one of set (a short literal, for the
 * rarer bytes: escapes, exponents, hex digits). */
static int
scan_any(struct scan *s, const char *set)
{
	if (s->p == s->end)
		return 0;
	for (; *set != '\0'; set++) {
		if (*set == *s->p) {
			s->p++;
			return 1;
		}
	}
	return 0;
}

/* Consume the next byte when it is ch. */
static int
scan_ch(struct scan *s, char ch)
{
	if (s->p == s->end || *s->p != ch)
		return 0;
	s->p++;
	return 1;
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

static void
scan_ws(struct scan *s)
{
	s->p = jscan_ws(s->p, s->end);
}

static int
scan_byte(struct scan *s, char ch)
{
	scan_ws(s);
	return scan_ch(s, ch) ? 0 : -1;
}

/* RFC 8259 section 8.1 lets a parser ignore a byte order mark. */
static void
scan_start(struct scan *s, const char *text, size_t len)
{
	s->p = text;
	s->end = text + len;
	s->mem = NULL;
	s->max = 0;
	s->nmem = 0;
	s->escaped = 0;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		s->p += 3;
}

static int
scan_word(struct scan *s, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

static int
scan_digits(struct scan *s)
{
	const char *start = s->p;

	while (s->p != s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p == start ? -1 : 0;
}

/* RFC 8259 section 6: no "01", no "1.", no "+1"; the text is copied
 * verbatim into answers, so it must be valid as it is. */
static int
scan_number(struct scan *s)
{
	scan_ch(s, '-');
	if (!scan_ch(s, '0') && scan_digits(s) == -1)
		return -1;
	if (scan_ch(s, '.') && scan_digits(s) == -1)
		return -1;
	if (scan_any(s, "eE")) {
		scan_any(s, "+-");
		return scan_digits(s);
	}
	return 0;
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

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		if (((((w - ones * 0x20) | (q - ones) | (b - ones)) & ~w) |
		    w) & highs)
			break;
		p += 8;
	}
	while (p < end && *p != '"' && *p != '\\' &&
	    (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80)
		p++;
	return p;
}

static int
hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Four hex digits of a \\u escape, from p: their value, or -1. */
static long
hex4(const char *p, const char *end)
{
	long v = 0;
	int i, d;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if ((d = hex_digit(p[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* The \\u escape after "\\u": a code point, or a UTF-16 surrogate pair
 * written as two escapes.  A lone surrogate is refused: it stands for no
 * character (RFC 8259 section 8.2, RFC 7493 section 2.1), and cJSON, which
 * reads the config and the answers, refuses it too. */
static int
scan_u_escape(struct scan *s)
{
	long hi = hex4(s->p, s->end), lo;

	if (hi < 0) {
		while (s->p < s->end && hex_digit(*s->p) >= 0)
			s->p++;		/* to the bad digit, for the message */
		return -1;
	}
	s->p += 4;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return -1;
	if (hi < 0xd800 || hi > 0xdbff)
		return 0;
	if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u' ||
	    (lo = hex4(s->p + 2, s->end)) < 0xdc00 || lo > 0xdfff)
		return -1;
	s->p += 6;
	return 0;
}

/* RFC 8259 section 7: control characters only as escapes; RFC 3629: every
 * other byte above ASCII part of a well-formed sequence (left at its first
 * byte when not). */
static int
scan_string(struct scan *s)
{
	size_t n;

	if (scan_byte(s, '"') == -1)
		return -1;
	s->escaped = 0;
	for (;;) {
		s->p = plain_run(s->p, s->end);
		if (scan_ch(s, '"'))
			break;
		if (s->p == s->end || (unsigned char)*s->p < 0x20)
			return -1;
		if ((unsigned char)*s->p >= 0x80) {
			n = jscan_utf8_seq((const unsigned char *)s->p,
			    (size_t)(s->end - s->p));
			if (n == 0)
				return -1;
			s->p += n;
			continue;
		}
		s->escaped = 1;
		if (*s->p++ != '\\' || scan_any(s, "\"\\/bfnrt"))
			continue;
		if (!scan_ch(s, 'u') || scan_u_escape(s) == -1)
			return -1;
	}
	return 0;
}

/* One "key": value, recorded when it is a member of the top-level
 * object. */
static int
scan_member(struct scan *s, int depth)
{
	struct jscan_member mb;

	scan_ws(s);
	mb.name.p = s->p + 1;
	if (scan_string(s) == -1)
		return -1;
	mb.name.n = (size_t)(s->p - 1 - mb.name.p);
	mb.escaped = s->escaped;
	if (scan_byte(s, ':') == -1)
		return -1;
	scan_ws(s);
	mb.value.p = s->p;
	if (scan_value(s, depth) == -1)
		return -1;
	mb.value.n = (size_t)(s->p - mb.value.p);
	if (depth == 1) {
		if (s->nmem < s->max)
			s->mem[s->nmem] = mb;
		s->nmem++;
	}
	return 0;
}

/* An object (close '}') or array (close ']') from its opening byte, nested
 * no deeper than JSCAN_DEPTH_MAX, which also bounds the recursion. */
static int
scan_container(struct scan *s, int depth, char close)
{
	if (++depth > JSCAN_DEPTH_MAX)
		return -1;
	s->p++;
	scan_ws(s);
	if (scan_ch(s, close))
		return 0;
	do {
		if ((close == '}' ? scan_member(s, depth) :
		    scan_value(s, depth)) == -1)
			return -1;
		scan_ws(s);
	} while (scan_ch(s, ','));
	return scan_byte(s, close);
}

static int
scan_value(struct scan *s, int depth)
{
	scan_ws(s);
	if (s->p == s->end)
		return -1;
	switch (*s->p) {
	case '{':
		return scan_container(s, depth, '}');
	case '[':
		return scan_container(s, depth, ']');
	case '"':
		return scan_string(s);
	case 't':
		return scan_word(s, "true");
	case 'f':
		return scan_word(s, "false");
	case 'n':
		return scan_word(s, "null");
	}
	return scan_number(s);
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

enum jscan_result
jscan_object(const char *text, size_t len, struct jscan_member *mem,
    size_t max, size_t *n, size_t *at)
{
	struct scan s;
	const char *start, *rest;
	enum jscan_result r;

	scan_start(&s, text, len);
	scan_ws(&s);
	start = s.p;
	if (start != s.end && *start == '{') {
		s.mem = mem;
		s.max = max;
	}
	if (scan_value(&s, 0) == -1) {
		*at = (size_t)(s.p - text);
		return bad_byte(text, len, *at, JSCAN_INVALID);
	}
	*at = (size_t)(s.p - text);
	if (*start != '{')
		return JSCAN_NOT_OBJECT;
	if ((rest = jscan_ws(s.p, s.end)) != s.end) {
		r = bad_byte(text, len, (size_t)(rest - text), JSCAN_TRAILING);
		if (r != JSCAN_TRAILING)
			*at = (size_t)(rest - text);
		return r;
	}
	*n = s.nmem;
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
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *end = p + n, *e;
	char *o = out;
	unsigned long cp;

	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		if (p[1] != 'u') {
			e = strchr(from, p[1]);
			*o++ = to[e - from];
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
