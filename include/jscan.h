/* jscan: the checks of a request's raw bytes that cJSON does not make
 * (RFC 8259 and RFC 3629 to the letter), and where the values of the
 * top-level object's members are, so that they can be copied verbatim. */
#ifndef PKTINFOD_JSCAN_H
#define PKTINFOD_JSCAN_H

#include <stddef.h>

/* A value as the client wrote it; p is NULL when there is none. */
struct jscan_span {
	const char	*p;
	size_t		 n;
};

/* 1 when text holds only ASCII bytes and no NUL. */
int jscan_ascii_no_nul(const char *text, size_t len);

/* The offset of the first byte that does not start well-formed UTF-8, or
 * len. */
size_t jscan_utf8(const unsigned char *text, size_t len);

/* The first byte at or after p that is not RFC 8259 whitespace, or end. */
const char *jscan_ws(const char *p, const char *end);

/* 0 when text is one RFC 8259 JSON text (an optional byte order mark
 * aside), with the value spans of the top-level object's first members in
 * spans (at most max, their count in *n); else -1 and in *bad the offset of
 * the first byte that is not. */
int jscan_text(const char *text, size_t len, struct jscan_span *spans,
    size_t max, size_t *n, size_t *bad);

/* The value span of the k-th member (from 0) of the object text; -1 when
 * there is none. */
int jscan_member(const char *text, size_t len, int k, struct jscan_span *v);

#endif
