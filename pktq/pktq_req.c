/* pktq_req: pktq's request, built, rendered and padded with cJSON. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "pktq_req.h"

static int
is_json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

cJSON *
pktq_req_parse_whole(const char *text, size_t len)
{
	const char *end = NULL;
	const char *last = text + len;
	cJSON *v;

	if ((v = cJSON_ParseWithLengthOpts(text, len, &end, 0)) == NULL)
		return NULL;
	while (end < last && is_json_space(*end))
		end++;
	if (end != last) {
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

/* RFC 8259 section 6.  cJSON also reads "01" and "1." as numbers. */
static int
is_json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (*p == '.') {
		if (*++p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		if (*++p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

/* A VALUE is JSON when the whole of it is; a number then goes out as the
 * user wrote it (cJSON would print 9007199254740993 as 9.00719925474099e+15
 * and 1e999 as null), anything else that is not JSON as a string. */
static cJSON *
value_from_text(const char *text)
{
	cJSON *v = pktq_req_parse_whole(text, strlen(text));
	size_t start = 0, end = strlen(text);
	char *num;

	if (v == NULL)
		return cJSON_CreateString(text);
	if (!cJSON_IsNumber(v))
		return v;
	cJSON_Delete(v);
	while (start < end && is_json_space(text[start]))
		start++;
	while (end > start && is_json_space(text[end - 1]))
		end--;
	/* Copied by hand: Windows' C library has no strndup. */
	if ((num = malloc(end - start + 1)) == NULL)
		return NULL;
	memcpy(num, text + start, end - start);
	num[end - start] = '\0';
	v = is_json_number(num) ? cJSON_CreateRaw(num) :
	    cJSON_CreateString(text);
	free(num);
	return v;
}

cJSON *
pktq_req_parse_object(const char *text, size_t len)
{
	cJSON *v;

	if ((v = pktq_req_parse_whole(text, len)) != NULL &&
	    !cJSON_IsObject(v)) {
		cJSON_Delete(v);
		v = NULL;
	}
	return v;
}

static int
render(struct pktq_req *r)
{
	char *text;

	if ((text = cJSON_PrintUnformatted(r->obj)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	cJSON_free(r->owned);
	r->owned = text;
	r->text = text;
	r->len = strlen(text);
	return 0;
}

/* Takes value, even on failure. */
static int
set_member(struct pktq_req *r, const char *key, cJSON *value)
{
	if (value == NULL) {
		errno = ENOMEM;
		return -1;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(r->obj, key);
	if (!cJSON_AddItemToObject(r->obj, key, value)) {
		cJSON_Delete(value);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static int
add_kv(struct pktq_req *r, const char *arg)
{
	const char *eq = strchr(arg, '=');
	cJSON *value;
	char *key;
	int rc;

	if (eq == NULL || eq == arg) {
		errno = EINVAL;
		return -1;
	}
	value = value_from_text(eq + 1);
	if ((key = malloc((size_t)(eq - arg) + 1)) == NULL) {
		cJSON_Delete(value);
		errno = ENOMEM;
		return -1;
	}
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	rc = set_member(r, key, value);
	free(key);
	return rc;
}

int
pktq_req_from_json(struct pktq_req *r, const char *text)
{
	memset(r, 0, sizeof(*r));
	r->len = strlen(text);
	if ((r->obj = pktq_req_parse_object(text, r->len)) == NULL) {
		errno = EINVAL;
		return -1;
	}
	r->text = text;
	return 0;
}

int
pktq_req_from_args(struct pktq_req *r, const char *op, char *const *kv,
    int nkv)
{
	memset(r, 0, sizeof(*r));
	if ((r->obj = cJSON_CreateObject()) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (set_member(r, "op", cJSON_CreateString(op)) == -1)
		return -1;
	for (int i = 0; i < nkv; i++) {
		if (add_kv(r, kv[i]) == -1)
			return -1;
	}
	return render(r);
}

/* 'x' needs no escaping, so each pad byte adds one request byte. */
int
pktq_req_pad(struct pktq_req *r, size_t need)
{
	size_t base;
	char *pad;
	int rc;

	if (set_member(r, "pad", cJSON_CreateString("")) == -1 ||
	    render(r) == -1)
		return -1;
	base = r->len;
	if (base >= need)
		return 0;
	if ((pad = malloc(need - base + 1)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	memset(pad, 'x', need - base);
	pad[need - base] = '\0';
	rc = set_member(r, "pad", cJSON_CreateString(pad));
	free(pad);
	return rc == -1 ? -1 : render(r);
}

void
pktq_req_free(struct pktq_req *r)
{
	cJSON_Delete(r->obj);
	cJSON_free(r->owned);
	memset(r, 0, sizeof(*r));
}
