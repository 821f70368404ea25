/* opts: pktinfod's command line, over the configuration file. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "opts.h"

enum {
	OPT_READY_FILE = 256,
	OPT_LOG_LEVEL,
	OPT_SYSLOG,
	OPT_NAIVE_SOURCE,
	OPT_BATCH,
	OPT_MIN_SOURCE_PORT,
	OPT_CHECK_CONFIG
};

static const char usage_text[] =
    "usage: pktinfod [-c FILE] [-l ADDR[:PORT]]... [-p PORT] [-w N]\n"
    "                [-u USER] [-d] [-P PIDFILE] [--ready-file FILE]\n"
    "                [--log-level LEVEL] [--syslog] [--batch N]\n"
    "                [--min-source-port PORT] [--naive-source]\n"
    "                [--check-config] [-V|--version] [-h|--help]\n"
    "  -c, --config FILE           read settings from FILE "
    "(pktinfod.conf(5))\n"
    "      --check-config          check the settings, print them as JSON, "
    "exit\n"
    "  -l, --listen ADDR[:PORT]    listen on ADDR (repeatable; default [::])\n"
    "  -p, --port PORT             port of listen addresses without one "
    "(4242)\n"
    "  -w, --workers N             workers, 0-256 (0: one per CPU it may "
    "use)\n"
    "  -u, --user USER             switch to USER once the files are written\n"
    "  -d, --daemon                detach once serving, log to syslog\n"
    "  -P, --pidfile FILE          lock FILE and write the process id to it\n"
    "      --ready-file FILE       write the bound ports to FILE once bound\n"
    "      --log-level LEVEL       error, warn, info (default) or debug\n"
    "      --syslog                log to syslog instead of standard error\n"
    "      --batch N               datagrams per recvmmsg, 1-256 (64)\n"
    "      --min-source-port PORT  ignore lower source ports (1024)\n"
    "      --naive-source          answer without source selection (tests "
    "only)\n"
    "  -V, --version               print the version and exit\n"
    "  -h, --help                  print this help and exit\n";

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
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

/* The flags that set a key of the file, kept until the file is read so
 * that they override it. */
struct file_flags {
	char *listen[OPTS_MAX_LISTEN];
	size_t nlisten;
	long workers;			/* -1: not given */
	long min_source_port;		/* -1: not given */
	int log_level_set;
	enum log_level log_level;
};

const char *
opts_usage(void)
{
	return usage_text;
}

void
opts_free(struct opts *o)
{
	free(o->allow);
	free(o->deny);
	free(o->admin_allow);
	o->allow = o->deny = o->admin_allow = NULL;
	o->nallow = o->ndeny = o->nadmin_allow = 0;
}

static enum opts_result
usage_error(char *err, size_t errlen, const char *flag, const char *arg,
    const char *why)
{
	snprintf(err, errlen, "%s %s: %s", flag, arg, why);
	return OPTS_USAGE;
}

/* One flag into o, or into f when it overrides a key of the file. */
static enum opts_result
parse_flag(struct opts *o, struct file_flags *f, int ch, char **argv,
    char *err, size_t errlen)
{
	long v;

	switch (ch) {
	case 'c':
		o->config_file = optarg;
		break;
	case OPT_CHECK_CONFIG:
		o->check_config = 1;
		break;
	case 'l':
		if (f->nlisten == OPTS_MAX_LISTEN)
			return usage_error(err, errlen, "-l", optarg,
			    "too many listen addresses");
		f->listen[f->nlisten++] = optarg;
		break;
	case 'p':
		if (cli_number(&v, optarg, 0, 65535) == -1)
			return usage_error(err, errlen, "-p", optarg,
			    "not a port number (0-65535)");
		o->port = (uint16_t)v;
		break;
	case 'w':
		if (cli_number(&f->workers, optarg, 0, OPTS_MAX_WORKERS) == -1)
			return usage_error(err, errlen, "-w", optarg,
			    "not a worker count (0-256; 0: one per CPU)");
		break;
	case OPT_BATCH:
		if (cli_number(&v, optarg, 1, OPTS_MAX_BATCH) == -1)
			return usage_error(err, errlen, "--batch", optarg,
			    "not a batch size (1-256)");
		o->batch = (unsigned int)v;
		break;
	case OPT_MIN_SOURCE_PORT:
		if (cli_number(&f->min_source_port, optarg, 0, 65535) == -1)
			return usage_error(err, errlen, "--min-source-port",
			    optarg, "not a port number (0-65535; 0: every port "
			    "but 0)");
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
		if (log_level_parse(&f->log_level, optarg) == -1)
			return usage_error(err, errlen, "--log-level", optarg,
			    "not one of error, warn, info, debug");
		f->log_level_set = 1;
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
		snprintf(err, errlen, "%s: needs an argument", argv[optind - 1]);
		return OPTS_USAGE;
	default:
		snprintf(err, errlen, "%s: unknown option", argv[optind - 1]);
		return OPTS_USAGE;
	}
	return OPTS_RUN;
}

/* Two sockets on one port where one address covers the other would
 * fail to bind, or with -w's SO_REUSEPORT share the datagrams: name both
 * as given, and the port they share. */
static enum opts_result
listen_overlap(char *err, size_t errlen, const struct file_flags *f,
    const struct sockaddr_in6 *listen, size_t first, size_t second)
{
	int wild = addr_is_unspecified(&listen[first].sin6_addr) ||
	    addr_is_unspecified(&listen[second].sin6_addr);

	snprintf(err, errlen, "-l %s: overlaps -l %s on port %u%s",
	    f->listen[second], f->listen[first],
	    (unsigned int)ntohs(listen[second].sin6_port), wild ?
	    " (a wildcard takes every address of its port; [::] takes IPv4 "
	    "too)" : "");
	return OPTS_USAGE;
}

/* -p applies to every -l without a port, wherever it stands; -l replaces
 * the file's listen list. */
static enum opts_result
apply_flags(struct opts *o, const struct file_flags *f, char *err,
    size_t errlen)
{
	size_t i, j;

	for (i = 0; i < f->nlisten; i++) {
		if (addr_parse(&o->listen[i], f->listen[i], o->port) == -1)
			return usage_error(err, errlen, "-l", f->listen[i],
			    "not an address[:port]");
		for (j = 0; j < i; j++)
			if (addr_listen_overlap(&o->listen[j], &o->listen[i]))
				return listen_overlap(err, errlen, f,
				    o->listen, j, i);
	}
	if (f->nlisten > 0)
		o->nlisten = f->nlisten;
	if (f->workers != -1)
		o->workers = (unsigned int)f->workers;
	if (f->min_source_port != -1)
		o->min_source_port = (uint16_t)f->min_source_port;
	if (f->log_level_set)
		o->log_level = f->log_level;
	return OPTS_RUN;
}

/* The flags first, for -c and -p; then the defaults, the file, and the
 * flags that override the file. */
enum opts_result
opts_parse(struct opts *o, int argc, char **argv, char *err, size_t errlen)
{
	struct file_flags f;
	enum opts_result r;
	int ch;

	memset(o, 0, sizeof(*o));
	o->port = OPTS_DEFAULT_PORT;
	o->batch = 64;
	memset(&f, 0, sizeof(f));
	f.workers = -1;
	f.min_source_port = -1;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:l:p:w:u:dP:Vh", long_opts,
	    NULL)) != -1)
		if ((r = parse_flag(o, &f, ch, argv, err, errlen)) != OPTS_RUN)
			return r;
	if (optind < argc) {
		snprintf(err, errlen, "%s: unexpected argument", argv[optind]);
		return OPTS_USAGE;
	}
	if (conf_defaults(o, err, errlen) == -1 || (o->config_file != NULL &&
	    conf_load(o, o->config_file, err, errlen) == -1))
		return OPTS_CONFIG;
	return apply_flags(o, &f, err, errlen);
}
