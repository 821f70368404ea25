/* pktinfod: the daemon's main — options, privileges, pid and ready files
 * around the server loop. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "opts.h"
#include "plat.h"
#include "server.h"

/* Write text to path through a temporary file and a rename, so a reader
 * polling for path never sees it half written. */
static int
write_file_atomic(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	if (fputs(text, f) == EOF || fclose(f) == EOF) {
		unlink(tmp);
		return -1;
	}
	return plat_rename(tmp, path);
}

static int
write_number_file(const char *what, const char *path, long value)
{
	char text[32];

	snprintf(text, sizeof(text), "%ld\n", value);
	if (write_file_atomic(path, text) == -1) {
		log_error("%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Everything between bind and serving; the sockets are already open, so
 * -u can drop root and the ready file tells the port. */
static int
prepare(const struct opts *o, struct server *srv)
{
	if (o->user != NULL && plat_drop_privileges(o->user) == -1)
		return -1;
	if (o->daemonize && plat_daemonize() == -1)
		return -1;
	if (o->pidfile != NULL &&
	    write_number_file("pid file", o->pidfile, plat_pid()) == -1)
		return -1;
	if (o->ready_file != NULL && write_number_file("ready file",
	    o->ready_file, (long)server_port(srv)) == -1)
		return -1;
	plat_ready();
	return 0;
}

/* The command line, kept for a reload: the file is read again and the
 * flags override it again, as at start. */
struct cmdline {
	int argc;
	char **argv;
};

static int
reload(void *arg, struct opts *o, char *err, size_t errlen)
{
	const struct cmdline *cl = arg;

	if (opts_parse(o, cl->argc, cl->argv, err, errlen) == OPTS_RUN)
		return 0;
	return -1;
}

/* Everything from the parsed options to the last socket closed. */
static int
serve(const struct opts *o, struct cmdline *cl)
{
	struct server *srv;
	const char *unsupported;
	int status;

	if ((unsupported = plat_unsupported(o)) != NULL) {
		fprintf(stderr, "pktinfod: %s\n", unsupported);
		return 2;
	}
	log_init("pktinfod", o->log_level, o->use_syslog || o->daemonize);
	if (o->naive_source)
		log_warn("--naive-source: answers are sent WITHOUT source "
		    "selection; they will leave from whatever address routing "
		    "picks. This mode exists only as a negative control for "
		    "tests.");
	if (plat_init() == -1)
		return 1;
	if ((srv = server_open(o)) == NULL) {
		plat_cleanup();
		return 1;
	}
	if (o->config_file != NULL)
		server_set_reload(srv, reload, cl);
	status = prepare(o, srv) == 0 && server_loop(srv) == 0 ? 0 : 1;
	server_free(srv);
	if (o->pidfile != NULL)
		unlink(o->pidfile);
	plat_cleanup();
	return status;
}

/* --check-config prints to standard output; its errors, like a config
 * error at start, name the file as compilers do, for editors to jump. */
static int
run(int argc, char **argv)
{
	struct cmdline cl = { argc, argv };
	struct opts o;
	char err[1024];
	int status;

	switch (opts_parse(&o, argc, argv, err, sizeof(err))) {
	case OPTS_EXIT:
		status = 0;
		break;
	case OPTS_USAGE:
		fprintf(stderr, "pktinfod: %s\n%s", err, opts_usage());
		status = 2;
		break;
	case OPTS_CONFIG:
		fprintf(stderr, "%s\n", err);
		status = 2;
		break;
	case OPTS_RUN:
	default:
		if (!o.check_config)
			status = serve(&o, &cl);
		else if (conf_print(&o, stdout) == -1 || fflush(stdout) == EOF) {
			fprintf(stderr, "pktinfod: standard output: %s\n",
			    strerror(errno));
			status = 1;
		} else
			status = 0;
		break;
	}
	opts_free(&o);
	return status;
}

int
main(int argc, char **argv)
{
	return plat_main(argc, argv, run);
}
