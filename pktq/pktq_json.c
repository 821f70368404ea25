/* pktq_json: an answer's bytes re-indented, numbers and strings copied as
 * they came. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pktq_json.h"

struct pretty {
	char	*buf;
	size_t	 len;
	size_t	 cap;		/* always more than len: room for the NUL */
	int	 failed;	/* a realloc failed */
	char	*open;		/* '{' or '[' for each enclosing container */
	size_t	 depth;
};

static void
put(struct pretty *pr, const char *s, size_t n)
{
	size_t cap = pr->cap;
	char *buf;

	if (pr->failed)
		return;
	while (n >= cap - pr->len) {
		if (cap > (size_t)-1 / 2) {
			pr->failed = 1;
			return;
		}
		cap *= 2;
	}
	if (cap != pr->cap) {
		if ((buf = realloc(pr->buf, cap)) == NULL) {
			pr->failed = 1;
			return;
		}
		pr->buf = buf;
		pr->cap = cap;
	}
	memcpy(pr->buf + pr->len, s, n);
	pr->len += n;
}

static void
newline(struct pretty *pr, size_t tabs)
{
	put(pr, "\n", 1);
	while (tabs-- > 0)
		put(pr, "\t", 1);
}

/* What cJSON skips between tokens (parse_value's buffer_skip_whitespace):
 * every byte up to the space, a superset of RFC 8259's four. */
static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ')
		p++;
	return p;
}

/* One past the '"' that closes the string opening at p, or NULL. */
static const char *
string_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\' && ++p == end)
			return NULL;
	}
	return NULL;
}

/* A number or literal runs up to the next space or structural byte. */
static const char *
scalar_end(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p > ' ' &&
	    strchr("{}[],:\"", *p) == NULL)
		p++;
	return p;
}

/* cJSON_Print's layout (print_object, print_array): an object's members
 * one a line, indented one tab per enclosing container of either kind;
 * "{\n}" for an empty object, "[]" for an empty array. */
static const char *
open_container(struct pretty *pr, const char *p, const char *end)
{
	const char *q = skip_space(p + 1, end);

	if (q < end && *q == (*p == '{' ? '}' : ']')) {
		if (*p == '{') {
			put(pr, "{", 1);
			newline(pr, pr->depth);
			put(pr, "}", 1);
		} else
			put(pr, "[]", 2);
		return q + 1;
	}
	pr->open[pr->depth++] = *p;
	put(pr, p, 1);
	if (*p == '{')
		newline(pr, pr->depth);
	return p + 1;
}

static const char *
close_container(struct pretty *pr, const char *p)
{
	if (pr->depth == 0 || pr->open[pr->depth - 1] != (*p == '}' ? '{' : '['))
		return NULL;
	pr->depth--;
	if (*p == '}')
		newline(pr, pr->depth);
	put(pr, p, 1);
	return p + 1;
}

static const char *
separator(struct pretty *pr, const char *p)
{
	if (pr->depth == 0)
		return NULL;
	if (*p == ':') {
		if (pr->open[pr->depth - 1] != '{')
			return NULL;
		put(pr, ":\t", 2);
	} else if (pr->open[pr->depth - 1] == '{') {
		put(pr, ",", 1);
		newline(pr, pr->depth);
	} else
		put(pr, ", ", 2);
	return p + 1;
}

/* The next token at p, printed; where the text goes on, or NULL. */
static const char *
token(struct pretty *pr, const char *p, const char *end)
{
	const char *q;

	switch (*p) {
	case '{':
	case '[':
		return open_container(pr, p, end);
	case '}':
	case ']':
		return close_container(pr, p);
	case ',':
	case ':':
		return separator(pr, p);
	case '"':
		q = string_end(p, end);
		break;
	default:
		q = scalar_end(p, end);
		break;
	}
	if (q != NULL)
		put(pr, p, (size_t)(q - p));
	return q;
}

int
pktq_json_pretty(const char *text, size_t len, char **out, size_t *outlen)
{
	const char *p = text, *end = text + len;
	struct pretty pr;
	int values = 0;

	memset(&pr, 0, sizeof(pr));
	if (len > (size_t)-1 / 4) {
		errno = ENOMEM;
		return -1;
	}
	pr.cap = 2 * len + 16;
	/* Each level opens with a byte of text, so len levels at most. */
	if ((pr.buf = malloc(pr.cap)) == NULL ||
	    (pr.open = malloc(len + 1)) == NULL) {
		free(pr.buf);
		errno = ENOMEM;
		return -1;
	}
	while ((p = skip_space(p, end)) < end && !pr.failed) {
		if (pr.depth == 0 && values++ > 0)
			break;
		if ((p = token(&pr, p, end)) == NULL)
			break;
	}
	free(pr.open);
	if (pr.failed || p != end || pr.depth != 0 || values == 0) {
		free(pr.buf);
		errno = pr.failed ? ENOMEM : EINVAL;
		return -1;
	}
	pr.buf[pr.len] = '\0';
	*out = pr.buf;
	*outlen = pr.len;
	return 0;
}
