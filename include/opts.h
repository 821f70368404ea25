/* opts: pktinfod's command line (SPEC section 3) into one settings struct,
 * with the embedded defaults; usage errors name the flag. */
#ifndef PKTINFOD_OPTS_H
#define PKTINFOD_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "log.h"

#define OPTS_MAX_LISTEN 16
#define OPTS_MAX_ACL 64
#define OPTS_DEFAULT_PORT 4242
#define OPTS_MAX_WORKERS 256
#define OPTS_MAX_BATCH 256

struct opts {
	struct sockaddr_in6 listen[OPTS_MAX_LISTEN];
	size_t nlisten;
	uint16_t port;
	unsigned int workers;		/* 0: one per CPU */
	unsigned int batch;		/* datagrams per recvmmsg; 1: no batching */
	const char *ready_file;
	const char *pidfile;
	const char *user;
	int daemonize;
	enum log_level log_level;
	int use_syslog;
	int naive_source;
	size_t max_datagram;
	unsigned int amplification_factor;
	uint16_t min_source_port;	/* lower source ports get no answer */
	struct sockaddr_in6 metrics_listen;	/* the Prometheus endpoint */
	int metrics_enabled;
	struct addr_cidr admin_allow[OPTS_MAX_ACL];
	size_t nadmin_allow;
};

enum opts_result {
	OPTS_RUN,		/* start the daemon */
	OPTS_EXIT,		/* help or version printed: exit 0 */
	OPTS_USAGE		/* err holds the message: exit 2 */
};

/* Fill o from the embedded defaults and argv. */
enum opts_result opts_parse(struct opts *o, int argc, char **argv,
    char *err, size_t errlen);
/* The usage text. */
const char *opts_usage(void);

#endif
