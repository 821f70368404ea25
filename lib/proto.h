/* proto: doc/protocol.md — one request datagram in, one answer datagram out.
 * Pure: no sockets and no clock; what it needs of the daemon comes in
 * struct proto_env, what it learned of the datagram in struct dgram_meta. */
#ifndef PKTINFOD_PROTO_H
#define PKTINFOD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dgram.h"

struct acl;
struct cJSON;
struct proto_work;
struct siphash_key;

/* The largest datagram proto_answer reads: UDP's length field. */
#define PROTO_DATAGRAM_MAX 65535

/* What a request was: the counter of its cause (doc/protocol.md,
 * "Counters"), and the error code of its answer. */
enum proto_result {
	PROTO_OK,
	PROTO_BAD_JSON,
	PROTO_BAD_REQUEST,
	PROTO_UNKNOWN_OP,
	PROTO_TOO_LARGE,
	PROTO_FORBIDDEN,
	PROTO_NOT_A_REQUEST,	/* an answer (ok or error member): never answered */
	PROTO_RESULT_MAX
};

/* What the anti-amplification rule left of the answer. */
enum proto_fit {
	PROTO_FIT_FULL,		/* the answer, whole */
	PROTO_FIT_TRUNCATED,	/* a "truncated" answer instead */
	PROTO_FIT_NONE		/* nothing may be sent */
};

struct proto_outcome {
	enum proto_result	 result;
	enum proto_fit		 fit;
	size_t			 full;	/* bytes of the full answer; 0 if none */
};

struct proto_env {
	const char *version;
	unsigned int workers;
	const char *const *listen;	/* listen addresses as text */
	size_t nlisten;
	const char *const *features;
	size_t nfeatures;
	const struct acl *admin_allow;	/* who may ask for stats */
	unsigned int amplification_factor;
	size_t max_datagram;
	/* Seconds since start, for info. */
	long long (*uptime_s)(void *arg);
	/* Name of interface ifindex into buf (IF_NAMESIZE), or NULL if unknown. */
	const char *(*ifname)(unsigned int ifindex, char *buf);
	/* Add the daemon's counters to obj, for stats. */
	void (*stats)(void *arg, struct cJSON *obj);
	void *arg;			/* passed to uptime_s and stats */
};

/* The room proto_answer needs for one request's members (about 700 KiB
 * of address space, touched only as far as requests reach): one per
 * worker, keyed with key (random per process) for its hash table.  NULL /
 * ENOMEM. */
struct proto_work *proto_work_new(const struct siphash_key *key);
/* Free w. */
void proto_work_free(struct proto_work *w);

/* Answer the request req of len bytes (len is the datagram's full length:
 * above env->max_datagram only the first max_datagram bytes are in req,
 * and env->max_datagram is at most PROTO_DATAGRAM_MAX).  m describes the
 * datagram, local_port is the daemon's port, work is the caller's.  Writes
 * the answer to out (cap bytes) and returns its length, or 0 when nothing
 * may be sent; *res tells the request's cause and what was sent. */
size_t proto_answer(const struct proto_env *env, struct proto_work *work,
    const struct dgram_meta *m, uint16_t local_port, const char *req,
    size_t len, char *out, size_t cap, struct proto_outcome *res);
/* The counter name of r ("bad_json", ...), which is also its error code. */
const char *proto_result_name(enum proto_result r);

#endif
