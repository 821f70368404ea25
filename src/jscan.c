/* jscan: a strict RFC 8259 scan of the raw request.  cJSON, which parses
 * it, is lax: it takes control characters in strings and as whitespace,
 * "01" and "1." as numbers, and nests as deep as CJSON_NESTING_LIMIT. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

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

/* The offset of the first byte that does not start a well-formed UTF-8
 * sequence, or len.  The table is RFC 3629 section 4: it leaves out
 * overlongs (C0, C1, E0 80-9F, F0 80-8F), the surrogates U+D800-DFFF
 * (ED A0-BF) and everything above U+10FFFF (F4 90-BF, F5-FF). */
size_t
jscan_utf8(const unsigned char *s, size_t len)
{
	static const unsigned char seq[][4] = {	/* lead from-to, 2nd byte */
		{ 0xc2, 0xdf, 0x80, 0xbf }, { 0xe0, 0xe0, 0xa0, 0xbf },
		{ 0xe1, 0xec, 0x80, 0xbf }, { 0xed, 0xed, 0x80, 0x9f },
		{ 0xee, 0xef, 0x80, 0xbf }, { 0xf0, 0xf0, 0x90, 0xbf },
		{ 0xf1, 0xf3, 0x80, 0xbf }, { 0xf4, 0xf4, 0x80, 0x8f },
	};
	size_t i = 0, j, k, n;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		for (j = 0; j < sizeof(seq) / sizeof(seq[0]); j++)
			if (s[i] >= seq[j][0] && s[i] <= seq[j][1])
				break;
		n = s[i] >= 0xf0 ? 3 : s[i] >= 0xe0 ? 2 : 1;
		if (j == sizeof(seq) / sizeof(seq[0]) || n >= len - i ||
		    s[i + 1] < seq[j][2] || s[i + 1] > seq[j][3])
			return i;
		for (k = 2; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
		i += n + 1;
	}
	return len;
}

/* What nearly every request is, checked a word at a time so that the exact
 * NUL and UTF-8 checks run only on the rest.  The word test is the classic
 * "has a zero byte" trick. */
int
jscan_ascii_no_nul(const char *text, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t w, acc = 0;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, text + i, 8);
		acc |= w | ((w - ones) & ~w & highs);
	}
	for (; i < len; i++)
		acc |= (unsigned char)text[i] == 0 ? highs :
		    (unsigned char)text[i];
	return (acc & highs) == 0;
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

/* RFC 8259 section 8.1 lets a parser ignore a byte order mark; cJSON does. */
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

/* RFC 8259 section 6.  cJSON also takes "01" and "1.", which would make
 * the verbatim copy in the answer invalid JSON. */
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

/* The first byte at or after p that is a quote, a backslash or a control
 * character, or end: eight bytes at a time while they are plain.  A byte
 * b of word w is below 0x20 when (b - 0x20) borrows into its high bit
 * with b's own high bit clear; equal to c when b ^ c is zero. */
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
		if ((((w - ones * 0x20) | (q - ones) | (b - ones)) &
		    ~w & highs) != 0)
			break;
		p += 8;
	}
	while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
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

/* RFC 8259 section 7: control characters only as escapes (cJSON takes
 * them raw). */
static int
scan_string(struct scan *s)
{
	if (scan_byte(s, '"') == -1)
		return -1;
	s->escaped = 0;
	for (;;) {
		s->p = plain_run(s->p, s->end);
		if (scan_ch(s, '"'))
			break;
		if (s->p == s->end || (unsigned char)*s->p < 0x20)
			return -1;
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
 * no deeper than cJSON allows, which also bounds the recursion. */
static int
scan_container(struct scan *s, int depth, char close)
{
	if (++depth > CJSON_NESTING_LIMIT)
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

enum jscan_result
jscan_object(const char *text, size_t len, struct jscan_member *mem,
    size_t max, size_t *n, size_t *at)
{
	struct scan s;
	const char *start;

	scan_start(&s, text, len);
	scan_ws(&s);
	start = s.p;
	if (start != s.end && *start == '{') {
		s.mem = mem;
		s.max = max;
	}
	if (scan_value(&s, 0) == -1) {
		*at = (size_t)(s.p - text);
		return JSCAN_INVALID;
	}
	*at = (size_t)(s.p - text);
	if (*start != '{')
		return JSCAN_NOT_OBJECT;
	if (jscan_ws(s.p, s.end) != s.end)
		return JSCAN_TRAILING;
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
