/* jscan: the one reader of a request's raw bytes (RFC 8259 and RFC 3629
 * to the letter): a single pass checks the whole text and says where the
 * top-level object's members are, so that names can be compared unescaped
 * and values copied verbatim.  Nothing is converted or allocated.  conf.c
 * scans the configuration file with it too, for places and duplicates. */
#ifndef PKTINFOD_JSCAN_H
#define PKTINFOD_JSCAN_H

#include <stddef.h>

/* A value as the client wrote it; p is NULL when there is none. */
struct jscan_span {
	const char	*p;
	size_t		 n;
};

/* How deep values nest, the top-level value being depth 1.  Echoed data
 * comes back at the depth it was sent, and every reader of answers (cJSON
 * in pktq and the tests) must take it: this is cJSON's
 * CJSON_NESTING_LIMIT, which check_jscan holds it to. */
#define JSCAN_DEPTH_MAX	1000

/* The length of the well-formed UTF-8 sequence (RFC 3629) at s, which has
 * n > 0 bytes, or 0 when there is none; 1 for an ASCII byte. */
size_t jscan_utf8_seq(const unsigned char *s, size_t n);

/* The offset of the first byte that does not start well-formed UTF-8, or
 * len. */
size_t jscan_utf8(const unsigned char *text, size_t len);

/* The first byte at or after p that is not RFC 8259 whitespace, or end. */
const char *jscan_ws(const char *p, const char *end);

/* A member of the top-level object: its name as written between the
 * quotes (escaped set when that holds a backslash) and its value. */
struct jscan_member {
	struct jscan_span	 name;
	struct jscan_span	 value;
	int			 escaped;
};

enum jscan_result {
	JSCAN_OK,
	JSCAN_INVALID,		/* not one RFC 8259 JSON text */
	JSCAN_NOT_OBJECT,	/* a JSON text, but not an object */
	JSCAN_TRAILING,		/* an object, then more than whitespace */
	JSCAN_NUL,		/* at *at, a NUL byte */
	JSCAN_UTF8		/* at *at, a byte of ill-formed UTF-8 */
};

/* Check that text is one RFC 8259 JSON object of UTF-8 (an optional byte
 * order mark aside), nested no deeper than JSCAN_DEPTH_MAX, and record its
 * members in mem (at most max; their count in *n, which may exceed max).
 * *at is the offset of the first bad byte (JSCAN_INVALID, JSCAN_NUL,
 * JSCAN_UTF8) or of the end of the value (JSCAN_NOT_OBJECT,
 * JSCAN_TRAILING).  A text that is not JSON fails with the first byte
 * that makes it so. */
enum jscan_result jscan_object(const char *text, size_t len,
    struct jscan_member *mem, size_t max, size_t *n, size_t *at);

/* 0 when text is one RFC 8259 JSON text of any kind; else -1 and in *bad
 * the offset of the first byte that is not. */
int jscan_valid(const char *text, size_t len, size_t *bad);

/* The unescaped bytes (RFC 8259 section 7) of the n bytes at p, the
 * inside of a string jscan_object accepted, into out (room for n bytes
 * is enough); their count.  \u0000 becomes a NUL byte. */
size_t jscan_unescape(const char *p, size_t n, char *out);

#endif
