/* opts: pktinfod's command line (pktinfod(8)) and its configuration file
 * (pktinfod.conf(5), read by conf.c) into one settings struct, over the
 * embedded defaults; usage errors name the flag, file errors the file,
 * line, column and key. */
#ifndef PKTINFOD_OPTS_H
#define PKTINFOD_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "log.h"

#define OPTS_MAX_LISTEN 16
/* Entries in each of allow, deny and admin_allow. */
#define OPTS_MAX_ACL 1000000
#define OPTS_DEFAULT_PORT 4242
#define OPTS_MAX_WORKERS 256
#define OPTS_MAX_BATCH 256

/* rate_limit: tokens per source prefix. */
struct opts_rate_limit {
	uint32_t qps;			/* 0: no limit */
	uint32_t burst;			/* 0: the same as qps */
	unsigned int prefix_v4;		/* a source's bucket: its /prefix_v4 */
	unsigned int prefix_v6;
};

/* What opts_parse allocates (the ACL arrays) opts_free releases. */
struct opts {
	const char *config_file;	/* -c; NULL: the embedded defaults */
	int check_config;
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
	struct addr_cidr *allow;	/* IPv4 prefixes v4-mapped (addr.h) */
	size_t nallow;
	struct addr_cidr *deny;
	size_t ndeny;
	struct addr_cidr *admin_allow;	/* who may ask for stats */
	size_t nadmin_allow;
	struct opts_rate_limit rate_limit;
	struct sockaddr_in6 metrics_listen;
	int metrics_enabled;		/* 0: metrics_listen is null */
};

enum opts_result {
	OPTS_RUN,		/* start the daemon */
	OPTS_EXIT,		/* help or version printed: exit 0 */
	OPTS_USAGE,		/* err holds the message: exit 2 */
	OPTS_CONFIG		/* err names the file, line and key: exit 2 */
};

/* Fill o from the embedded defaults, then the file of -c (read afresh on
 * every call, so a reload is another call with the same argv), then the
 * other flags, which override the file.  o is overwritten: opts_free() a
 * previous result first.  Whatever the result, opts_free(o) releases what
 * the call allocated. */
enum opts_result opts_parse(struct opts *o, int argc, char **argv,
    char *err, size_t errlen);
/* Release what opts_parse allocated; o may be parsed again afterwards. */
void opts_free(struct opts *o);
/* The usage text. */
const char *opts_usage(void);

#endif
