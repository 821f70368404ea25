/* plat_posix: the daemon's start-up on POSIX — signals, pthreads in
 * libevent, privilege drop and daemon(3). */
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

#include <event2/event.h>
#include <event2/thread.h>

#include "log.h"
#include "plat.h"

struct plat_stop {
	struct event *term, *intr, *hup;
	void (*stop)(void *, const char *);
	void (*reload)(void *);
	void *arg;
};

int
plat_main(int argc, char **argv, int (*run)(int, char **))
{
	return run(argc, argv);
}

/* A client that vanished must not kill the daemon with SIGPIPE. */
int
plat_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void
plat_cleanup(void)
{
}

const char *
plat_unsupported(const struct opts *o)
{
	(void)o;
	return NULL;
}

unsigned int
plat_default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > OPTS_MAX_WORKERS ? OPTS_MAX_WORKERS :
	    (unsigned int)n;
}

int
plat_evthread(void)
{
	if (evthread_use_pthreads() == -1) {
		log_error("evthread_use_pthreads failed");
		return -1;
	}
	return 0;
}

/* The signal mask is inherited: block everything around pthread_create. */
int
plat_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct plat_stop *ps = arg;

	(void)what;
	if (sig == SIGHUP)
		ps->reload(ps->arg);
	else
		ps->stop(ps->arg, sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

struct plat_stop *
plat_stop_new(struct event_base *base, void (*stop)(void *, const char *),
    void (*reload)(void *), void *arg)
{
	struct plat_stop *ps;

	if ((ps = calloc(1, sizeof(*ps))) == NULL) {
		log_error("cannot add signal events: %s", strerror(errno));
		return NULL;
	}
	ps->stop = stop;
	ps->reload = reload;
	ps->arg = arg;
	ps->term = evsignal_new(base, SIGTERM, on_signal, ps);
	ps->intr = evsignal_new(base, SIGINT, on_signal, ps);
	ps->hup = evsignal_new(base, SIGHUP, on_signal, ps);
	if (ps->term == NULL || ps->intr == NULL || ps->hup == NULL ||
	    event_add(ps->term, NULL) == -1 || event_add(ps->intr, NULL) == -1 ||
	    event_add(ps->hup, NULL) == -1) {
		log_error("cannot add signal events");
		plat_stop_free(ps);
		return NULL;
	}
	return ps;
}

void
plat_stop_free(struct plat_stop *ps)
{
	if (ps == NULL)
		return;
	if (ps->term != NULL)
		event_free(ps->term);
	if (ps->intr != NULL)
		event_free(ps->intr);
	if (ps->hup != NULL)
		event_free(ps->hup);
	free(ps);
}

int
plat_drop_privileges(const char *user)
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

int
plat_daemonize(void)
{
	if (daemon(0, 0) == -1) {
		log_error("daemon: %s", strerror(errno));
		return -1;
	}
	return 0;
}

long
plat_pid(void)
{
	return (long)getpid();
}

int
plat_rename(const char *from, const char *to)
{
	return rename(from, to);
}

void
plat_ready(void)
{
}
