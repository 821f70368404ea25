/* pktbench_req: what pktbench sends and how it tells a good answer from a
 * bad one — pktinfod JSON requests with a fixed-width id written into each
 * copy, DNS queries with their ID rewritten, or an opaque payload whose
 * answers are matched in order.  Pure: no syscalls but reading the file. */
#ifndef PKTINFOD_PKTBENCH_REQ_H
#define PKTINFOD_PKTBENCH_REQ_H

#include <stddef.h>
#include <stdint.h>

/* The largest UDP payload IPv4 can carry (65535 - 20 - 8). */
#define BENCH_REQ_MAX		65507
/* The id of a JSON request: a string of this many hex digits, so it is
 * rewritten in place and pktinfod copies it verbatim (doc/protocol.md,
 * "Strictness"). */
#define BENCH_ID_DIGITS		12
/* {"id":"<12 hex>","op":"echo","data":""}: an echo request without data. */
#define BENCH_ECHO_OVERHEAD	43

enum bench_match {
	BENCH_MATCH_JSON,	/* "id":"<hex>" in request and answer */
	BENCH_MATCH_DNS,	/* the DNS header's 16-bit ID (RFC 1035 4.1.1) */
	BENCH_MATCH_FIFO	/* no id: each answer completes the oldest request */
};

enum bench_verdict {
	BENCH_ANS_OK,		/* a success answer, *id set */
	BENCH_ANS_ERROR,	/* an answer that is not a success, *id set */
	BENCH_ANS_NOID		/* no id to match it on (an error answer) */
};

struct bench_req {
	enum bench_match match;
	unsigned char *tmpl;	/* the request; its id is written per copy */
	size_t len;
	size_t id_off;		/* where the id goes */
	uint64_t id_space;	/* ids are below this; 0 for FIFO */
	char what[96];		/* the request in words, for the report */
};

/* {"id":…,"op":OP,"pad":"…"} of at least size bytes (0: large enough for
 * OP's answer under the default anti-amplification factor).  0 / -1 with
 * errno EINVAL (OP needs JSON escaping) or EMSGSIZE. */
int bench_req_op(struct bench_req *r, const char *op, size_t size);
/* An echo request of exactly size bytes whose data string fills all room
 * past the other members.  0 / -1 with errno EINVAL (size below
 * BENCH_ECHO_OVERHEAD) or EMSGSIZE. */
int bench_req_echo(struct bench_req *r, size_t size);
/* The datagram in file path, sent verbatim but for its id; with
 * BENCH_MATCH_DNS it must be a DNS query.  0 / -1 with errno (EINVAL: not
 * a DNS query, EMSGSIZE: empty or too large). */
int bench_req_file(struct bench_req *r, const char *path,
    enum bench_match match);
/* Free what r holds. */
void bench_req_free(struct bench_req *r);
/* Write id (below r->id_space) into buf, a copy of r->tmpl. */
void bench_req_write_id(const struct bench_req *r, unsigned char *buf,
    uint64_t id);
/* Judge the answer ans of len bytes and find its id. */
enum bench_verdict bench_req_check(const struct bench_req *r,
    const unsigned char *ans, size_t len, uint64_t *id);

#endif
