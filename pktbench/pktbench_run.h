/* pktbench_run: the closed loop — K connected sockets with W requests in
 * flight each, spread over T threads, each thread an epoll loop that
 * receives answers with recvmmsg and sends their replacements in one go
 * (UDP_SEGMENT, else sendmmsg); a request unanswered within the timeout
 * counts as lost and is sent again, so loss never stalls the loop. */
#ifndef PKTINFOD_PKTBENCH_RUN_H
#define PKTINFOD_PKTBENCH_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "netinc.h"
#include "pktbench_hist.h"
#include "pktbench_req.h"

#define BENCH_MAX_CONNS		1024
#define BENCH_MAX_WINDOW	4096
#define BENCH_MAX_THREADS	64

struct bench_cfg {
	struct sockaddr_storage dst;	/* where to send, as resolved */
	socklen_t dstlen;
	int conns;			/* K sockets */
	int window;			/* W requests in flight per socket */
	int threads;			/* T threads, at most K */
	double warmup_s;		/* run, but count nothing, this long */
	double duration_s;		/* then count this long */
	long timeout_ms;		/* an answer later than this is lost */
	int gso;			/* send batches with UDP_SEGMENT */
	const struct bench_req *req;
};

/* Everything is counted inside the measured window only. */
struct bench_counts {
	uint64_t sent;		/* requests sent */
	uint64_t ok;		/* success answers matched to a request */
	uint64_t errors;	/* error answers (matched or without an id) */
	uint64_t lost;		/* requests that timed out */
	uint64_t late;		/* answers to requests already counted lost */
	uint64_t send_errors;	/* sendmmsg refused a request */
};

struct bench_result {
	struct bench_counts n;
	struct bench_hist hist;		/* latency of every matched answer */
	double elapsed_s;		/* the measured window */
	double cpu_s;			/* pktbench's CPU time in it */
	int gso;			/* every socket sent with UDP_SEGMENT */
	char first_error[128];		/* the first error answer, printable */
};

/* Open the sockets, run the loop for cfg->warmup_s + cfg->duration_s and
 * fill *res.  0 / -1 with errno and err naming the failed call. */
int bench_run(const struct bench_cfg *cfg, struct bench_result *res,
    char *err, size_t errlen);

#endif
