/* opts: pktinfod's command line. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

enum {
	OPT_READY_FILE = 256,
	OPT_LOG_LEVEL,
	OPT_SYSLOG,
	OPT_NAIVE_SOURCE,
	OPT_BATCH,
	OPT_MIN_SOURCE_PORT
};

static const char usage_text[] =
    "usage: pktinfod [-l ADDR[:PORT]]... [-p PORT] [-w N] [-u USER] [-d]\n"
    "                [-P PIDFILE] [--ready-file FILE] [--log-level LEVEL]\n"
    "                [--syslog] [--batch N] [--min-source-port PORT]\n"
    "                [--naive-source]\n"
    "                [-V|--version] [-h|--help]\n";

static const struct option long_opts[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "port", required_argument, NULL, 'p' },
	{ "workers", required_argument, NULL, 'w' },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "min-source-port", required_argument, NULL, OPT_MIN_SOURCE_PORT },
	{ "user", required_argument, NULL, 'u' },
	{ "daemon", no_argument, NULL, 'd' },
	{ "pidfile", required_argument, NULL, 'P' },
	{ "ready-file", required_argument, NULL, OPT_READY_FILE },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "syslog", no_argument, NULL, OPT_SYSLOG },
	{ "naive-source", no_argument, NULL, OPT_NAIVE_SOURCE },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

const char *
opts_usage(void)
{
	return usage_text;
}

static void
set_defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = OPTS_DEFAULT_PORT;
	o->batch = 64;
	o->log_level = LOG_LVL_INFO;
	o->max_datagram = 4096;
	o->amplification_factor = 3;
	o->min_source_port = 1024;
	addr_cidr_parse(&o->admin_allow[0], "127.0.0.0/8");
	addr_cidr_parse(&o->admin_allow[1], "::1/128");
	o->nadmin_allow = 2;
}

/* -p applies to every -l without a port, wherever it stands. */
static enum opts_result
resolve_listen(struct opts *o, char **texts, size_t n, char *err,
    size_t errlen)
{
	size_t i;

	if (n == 0) {
		texts[0] = "[::]";
		n = 1;
	}
	for (i = 0; i < n; i++) {
		if (addr_parse(&o->listen[i], texts[i], o->port) == -1) {
			snprintf(err, errlen, "-l %s: not an address[:port]",
			    texts[i]);
			return OPTS_USAGE;
		}
	}
	o->nlisten = n;
	return OPTS_RUN;
}

static enum opts_result
usage_error(char *err, size_t errlen, const char *flag, const char *arg,
    const char *why)
{
	snprintf(err, errlen, "%s %s: %s", flag, arg, why);
	return OPTS_USAGE;
}

enum opts_result
opts_parse(struct opts *o, int argc, char **argv, char *err, size_t errlen)
{
	char *listen_text[OPTS_MAX_LISTEN];
	size_t nlisten = 0;
	long v;
	int ch;

	set_defaults(o);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":l:p:w:u:dP:Vh", long_opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (nlisten == OPTS_MAX_LISTEN)
				return usage_error(err, errlen, "-l", optarg,
				    "too many listen addresses");
			listen_text[nlisten++] = optarg;
			break;
		case 'p':
			if (cli_number(&v, optarg, 0, 65535) == -1)
				return usage_error(err, errlen, "-p", optarg,
				    "not a port number (0-65535)");
			o->port = (uint16_t)v;
			break;
		case 'w':
			if (cli_number(&v, optarg, 0, OPTS_MAX_WORKERS) == -1)
				return usage_error(err, errlen, "-w", optarg,
				    "not a worker count (0-256; 0: one per CPU)");
			o->workers = (unsigned int)v;
			break;
		case OPT_BATCH:
			if (cli_number(&v, optarg, 1, OPTS_MAX_BATCH) == -1)
				return usage_error(err, errlen, "--batch", optarg,
				    "not a batch size (1-256)");
			o->batch = (unsigned int)v;
			break;
		case OPT_MIN_SOURCE_PORT:
			if (cli_number(&v, optarg, 0, 65535) == -1)
				return usage_error(err, errlen,
				    "--min-source-port", optarg,
				    "not a port number (0-65535; 0: every port "
				    "but 0)");
			o->min_source_port = (uint16_t)v;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'd':
			o->daemonize = 1;
			break;
		case 'P':
			o->pidfile = optarg;
			break;
		case OPT_READY_FILE:
			o->ready_file = optarg;
			break;
		case OPT_LOG_LEVEL:
			if (log_level_parse(&o->log_level, optarg) == -1)
				return usage_error(err, errlen, "--log-level",
				    optarg, "not one of error, warn, info, "
				    "debug");
			break;
		case OPT_SYSLOG:
			o->use_syslog = 1;
			break;
		case OPT_NAIVE_SOURCE:
			o->naive_source = 1;
			break;
		case 'V':
			printf("pktinfod %s\n", PACKAGE_VERSION);
			return OPTS_EXIT;
		case 'h':
			fputs(usage_text, stdout);
			return OPTS_EXIT;
		case ':':
			snprintf(err, errlen, "%s: needs an argument",
			    argv[optind - 1]);
			return OPTS_USAGE;
		default:
			snprintf(err, errlen, "%s: unknown option",
			    argv[optind - 1]);
			return OPTS_USAGE;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "%s: unexpected argument", argv[optind]);
		return OPTS_USAGE;
	}
	return resolve_listen(o, listen_text, nlisten, err, errlen);
}
