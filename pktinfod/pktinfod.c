/* pktinfod: the daemon's main — options, then the start-up in the order
 * of pktinfod(8), START-UP (user, sockets, pid and ready files,
 * privileges) around the server loop. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "opts.h"
#include "plat.h"
#include "server.h"

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

/* What the start-up made, for the clean-up whatever its result. */
struct daemon {
	struct plat_user *user;
	struct server *srv;
	struct plat_pidfile *pidfile;
};

/* A live holder is a usage error, as a second start by mistake; a file
 * that cannot be made is the system's failure. */
static int
open_pidfile(const char *path, struct plat_pidfile **out)
{
	long holder;

	if ((*out = plat_pidfile_open(path, &holder)) != NULL)
		return 0;
	if (errno == EEXIST && holder > 0) {
		log_error("pid file %s: held by pid %ld", path, holder);
		return 2;
	}
	if (errno == EEXIST) {
		log_error("pid file %s: held by another process", path);
		return 2;
	}
	log_error("pid file %s: %s", path, strerror(errno));
	return 1;
}

/* Every bound port, one a line in listen order: with -p 0 the caller
 * learns the ports the kernel picked. */
static int
write_ready_file(const char *path, const struct server *srv)
{
	uint16_t ports[OPTS_MAX_LISTEN];
	char text[OPTS_MAX_LISTEN * 7 + 1];
	size_t n, i, len = 0;

	n = server_ports(srv, ports, OPTS_MAX_LISTEN);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%u\n",
		    (unsigned int)ports[i]);
	text[len] = '\0';
	if (plat_write_file(path, text) == -1) {
		log_error("ready file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The order of pktinfod(8), START-UP: what needs root — the user's entry,
 * the ports, the pid and ready files in root's directories — before root
 * goes.  -d forks after the pid file is locked, so that a second instance
 * fails in the foreground, and before it is written, so that it holds the
 * pid of the child.  0, or the exit status.
 */
static int
start(const struct opts *o, struct cmdline *cl, struct daemon *d)
{
	int status;

	if (o->user != NULL && (d->user = plat_user_lookup(o->user)) == NULL)
		return 2;
	if ((d->srv = server_open(o)) == NULL)
		return 1;
	if (o->config_file != NULL)
		server_set_reload(d->srv, reload, cl);
	if (o->pidfile != NULL &&
	    (status = open_pidfile(o->pidfile, &d->pidfile)) != 0)
		return status;
	if (o->daemonize && plat_daemonize() == -1)
		return 1;
	if (d->pidfile != NULL && plat_pidfile_write(d->pidfile) == -1) {
		log_error("pid file %s: %s", o->pidfile, strerror(errno));
		return 1;
	}
	if (o->ready_file != NULL && write_ready_file(o->ready_file,
	    d->srv) == -1)
		return 1;
	if (d->user != NULL && plat_drop_privileges(d->user) == -1)
		return 1;
	return 0;
}

/* Everything from the parsed options to the last socket closed.  Until
 * -d's child serves, its errors also go to standard error, which is the
 * terminal before the fork and the parent's pipe after it. */
static int
serve(const struct opts *o, struct cmdline *cl)
{
	struct daemon d = { NULL, NULL, NULL };
	const char *unsupported;
	int status;

	if ((unsupported = plat_unsupported(o)) != NULL) {
		fprintf(stderr, "pktinfod: %s\n", unsupported);
		return 2;
	}
	log_init("pktinfod", o->log_level, o->use_syslog || o->daemonize);
	log_set_stderr(o->daemonize);
	if (o->naive_source)
		log_warn("--naive-source: answers are sent WITHOUT source "
		    "selection; they will leave from whatever address routing "
		    "picks. This mode exists only as a negative control for "
		    "tests.");
	if (plat_init() == -1)
		return 1;
	if ((status = start(o, cl, &d)) == 0)
		status = server_loop(d.srv) == 0 ? 0 : 1;
	server_free(d.srv);
	plat_pidfile_remove(d.pidfile);
	plat_user_free(d.user);
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
