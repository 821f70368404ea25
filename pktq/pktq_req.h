/* pktq_req: the request pktq sends (doc/protocol.md) — built from OP and
 * KEY=VALUE arguments or taken verbatim from --json, and padded when the
 * daemon answers "truncated".  Pure: no sockets. */
#ifndef PKTINFOD_PKTQ_REQ_H
#define PKTINFOD_PKTQ_REQ_H

#include <stddef.h>

struct cJSON;

struct pktq_req {
	struct cJSON *obj;	/* the request as an object */
	const char *text;	/* the bytes sent: the --json text or owned */
	char *owned;		/* obj rendered by cJSON */
	size_t len;		/* of text */
};

/* The JSON value that is the whole of text (whitespace around it allowed),
 * or NULL; pktq checks its answers with this too. */
struct cJSON *pktq_req_parse_whole(const char *text, size_t len);
/* As pktq_req_parse_whole, but only a JSON object; else NULL. */
struct cJSON *pktq_req_parse_object(const char *text, size_t len);
/* r sends text verbatim; 0 / -1 with errno EINVAL (not a JSON object). */
int pktq_req_from_json(struct pktq_req *r, const char *text);
/* r is {"op":op} plus each KEY=VALUE of kv, VALUE as JSON when the whole
 * of it parses, else as a string; a later KEY replaces an earlier one.
 * 0 / -1 with errno EINVAL (an argument without KEY=) or ENOMEM. */
int pktq_req_from_args(struct pktq_req *r, const char *op, char *const *kv,
    int nkv);
/* Set a "pad" string member so the request is at least need bytes.
 * 0 / -1 with errno ENOMEM. */
int pktq_req_pad(struct pktq_req *r, size_t need);
/* Free what r holds. */
void pktq_req_free(struct pktq_req *r);

#endif
