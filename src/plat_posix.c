/* plat_posix: the daemon's start-up on POSIX — signals, pthreads in
 * libevent, privilege drop and daemon(3). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/random.h>

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
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "plat.h"

/* The signals delivered as events, and what each asks for. */
static const int plat_signal_list[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
#define PLAT_NSIGNALS (sizeof(plat_signal_list) / sizeof(plat_signal_list[0]))

struct plat_stop {
	struct event *ev[PLAT_NSIGNALS];
	struct plat_signals sig;
};

int
plat_main(int argc, char **argv, int (*run)(int, char **))
{
	return run(argc, argv);
}

/* A client that vanished must not kill the daemon with SIGPIPE, nor a
 * stray SIGUSR2 (whose default action is to terminate). */
int
plat_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
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
	switch (sig) {
	case SIGHUP:
		ps->sig.reload(ps->sig.arg);
		break;
	case SIGUSR1:
		ps->sig.counters(ps->sig.arg);
		break;
	default:
		ps->sig.stop(ps->sig.arg, sig == SIGTERM ? "SIGTERM" :
		    "SIGINT");
		break;
	}
}

struct plat_stop *
plat_stop_new(struct event_base *base, const struct plat_signals *sig)
{
	struct plat_stop *ps;
	size_t i;

	if ((ps = calloc(1, sizeof(*ps))) == NULL) {
		log_error("cannot add signal events: %s", strerror(errno));
		return NULL;
	}
	ps->sig = *sig;
	for (i = 0; i < PLAT_NSIGNALS; i++) {
		ps->ev[i] = evsignal_new(base, plat_signal_list[i], on_signal,
		    ps);
		if (ps->ev[i] == NULL || event_add(ps->ev[i], NULL) == -1) {
			log_error("cannot add the event for signal %d",
			    plat_signal_list[i]);
			plat_stop_free(ps);
			return NULL;
		}
	}
	return ps;
}

void
plat_stop_free(struct plat_stop *ps)
{
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < PLAT_NSIGNALS; i++)
		if (ps->ev[i] != NULL)
			event_free(ps->ev[i]);
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
plat_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t got;

	while (n > 0) {
		if ((got = getrandom(p, n, 0)) == -1) {
			if (errno == EINTR)
				continue;
			log_error("getrandom: %s", strerror(errno));
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
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

/* sd_notify(3) does nothing when NOTIFY_SOCKET is unset, and its errors
 * are not the daemon's: a service manager that stopped listening is no
 * reason to stop serving. */
#ifdef HAVE_SYSTEMD
void
plat_notify(const char *state)
{
	(void)sd_notify(0, state);
}
#else
void
plat_notify(const char *state)
{
	(void)state;
}
#endif
