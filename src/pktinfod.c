/* pktinfod: the daemon's main — options, privileges, pid and ready files
 * around the server loop. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "opts.h"
#include "server.h"

/* Write text to path through a temporary file and rename(2), so a reader
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
	return rename(tmp, path);
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

static int
drop_privileges(const char *user)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		log_error("-u %s: %s", user,
		    errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (setgroups(1, &pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		log_error("-u %s: cannot drop privileges: %s", user,
		    strerror(errno));
		return -1;
	}
	log_info("running as %s (uid %ld)", user, (long)pw->pw_uid);
	return 0;
}

/* Everything between bind and serving; the sockets are already open, so
 * -u can drop root and the ready file tells the port. */
static int
prepare(const struct opts *o, struct server *srv)
{
	if (o->user != NULL && drop_privileges(o->user) == -1)
		return -1;
	if (o->daemonize && daemon(0, 0) == -1) {
		log_error("daemon: %s", strerror(errno));
		return -1;
	}
	if (o->pidfile != NULL &&
	    write_number_file("pid file", o->pidfile, (long)getpid()) == -1)
		return -1;
	if (o->ready_file != NULL && write_number_file("ready file",
	    o->ready_file, (long)server_port(srv)) == -1)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct server *srv;
	char err[256];
	int status;

	switch (opts_parse(&o, argc, argv, err, sizeof(err))) {
	case OPTS_EXIT:
		return 0;
	case OPTS_USAGE:
		fprintf(stderr, "pktinfod: %s\n%s", err, opts_usage());
		return 2;
	case OPTS_RUN:
		break;
	}
	log_init("pktinfod", o.log_level, o.use_syslog || o.daemonize);
	if (o.naive_source)
		log_warn("--naive-source: answers are sent WITHOUT source "
		    "selection; they will leave from whatever address routing "
		    "picks. This mode exists only as a negative control for "
		    "tests.");
	signal(SIGPIPE, SIG_IGN);
	if ((srv = server_open(&o)) == NULL)
		return 1;
	status = prepare(&o, srv) == 0 && server_loop(srv) == 0 ? 0 : 1;
	server_free(srv);
	if (o.pidfile != NULL)
		unlink(o.pidfile);
	return status;
}
