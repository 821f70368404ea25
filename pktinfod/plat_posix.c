/* plat_posix: the daemon's start-up on POSIX — signals, pthreads in
 * libevent, the CPUs it may use, privilege drop, the locked pid file
 * (libbsd's pidfile(3bsd)) and -d's fork, whose parent waits for the
 * child to serve. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/libutil.h>
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

struct plat_user {
	uid_t uid;
	gid_t gid;
	char name[];
};

struct plat_pidfile {
	struct pidfh *pfh;
	char path[];
};

/* Set in -d's child from the fork until it serves: its standard error is
 * then the pipe its parent reads. */
static int plat_daemon_pending;

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

/* -d changes to / (a daemon must not keep a file system busy); a file
 * named relative to the start directory would be looked for there, and
 * -c again on every reload. */
const char *
plat_unsupported(const struct opts *o)
{
	if (!o->daemonize)
		return NULL;
	if (o->config_file != NULL && o->config_file[0] != '/')
		return "-d: -c needs an absolute path (the daemon runs in /)";
	if (o->pidfile != NULL && o->pidfile[0] != '/')
		return "-d: -P needs an absolute path (the daemon runs in /)";
	if (o->ready_file != NULL && o->ready_file[0] != '/')
		return "-d: --ready-file needs an absolute path (the daemon "
		    "runs in /)";
	return NULL;
}

/* The CPUs this process may run on, as nproc(1) counts them: taskset, a
 * cpuset or a container's CPU list leave online CPUs outside the mask,
 * where more workers would only share the CPUs of the others.  A mask
 * wider than cpu_set_t (over 1024 CPUs) fails with EINVAL: then every
 * online CPU. */
unsigned int
plat_default_workers(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	else
		n = sysconf(_SC_NPROCESSORS_ONLN);
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

/* getpwnam(3): "not found" may come as errno 0, ENOENT, ESRCH, EBADF or
 * EPERM, depending on the NSS module. */
struct plat_user *
plat_user_lookup(const char *name)
{
	struct plat_user *u;
	struct passwd *pw;
	size_t len = strlen(name);

	errno = 0;
	if ((pw = getpwnam(name)) == NULL) {
		if (errno == 0 || errno == ENOENT || errno == ESRCH ||
		    errno == EBADF || errno == EPERM)
			log_error("-u %s: no such user", name);
		else
			log_error("-u %s: %s", name, strerror(errno));
		return NULL;
	}
	if ((u = malloc(sizeof(*u) + len + 1)) == NULL) {
		log_error("-u %s: %s", name, strerror(errno));
		return NULL;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	memcpy(u->name, name, len + 1);
	return u;
}

/* setuid(2) from root to another uid sets the real, effective and saved
 * ids and clears every capability set (capabilities(7)). */
int
plat_drop_privileges(const struct plat_user *u)
{
	if (setgroups(1, &u->gid) == -1 || setgid(u->gid) == -1 ||
	    setuid(u->uid) == -1) {
		log_error("-u %s: cannot drop privileges: %s", u->name,
		    strerror(errno));
		return -1;
	}
	log_info("running as %s (uid %ld)", u->name, (long)u->uid);
	return 0;
}

void
plat_user_free(struct plat_user *u)
{
	free(u);
}

/* flock(2) locks, which pidfile_open takes, belong to the open file: the
 * child of -d's fork holds the lock once the parent exits.  0644, as
 * other daemons' pid files in /run: anyone may read who runs. */
struct plat_pidfile *
plat_pidfile_open(const char *path, long *holder)
{
	struct plat_pidfile *pf;
	size_t len = strlen(path);
	pid_t other = -1;

	if ((pf = malloc(sizeof(*pf) + len + 1)) == NULL)
		return NULL;
	memcpy(pf->path, path, len + 1);
	if ((pf->pfh = pidfile_open(path, 0644, &other)) == NULL) {
		*holder = (long)other;
		free(pf);
		return NULL;
	}
	return pf;
}

int
plat_pidfile_write(struct plat_pidfile *pf)
{
	return pidfile_write(pf->pfh);
}

void
plat_pidfile_remove(struct plat_pidfile *pf)
{
	if (pf == NULL)
		return;
	if (pidfile_remove(pf->pfh) == -1)
		log_info("pid file %s: not removed: %s", pf->path,
		    strerror(errno));
	free(pf);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t done;

	while (n > 0) {
		if ((done = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += done;
		n -= (size_t)done;
	}
	return 0;
}

/* -d's parent: copy the child's standard error to ours until the child
 * serves (a NUL byte, which no log line holds) or exits (end of file);
 * the child's status is then ours. */
static int
daemon_parent(int fd, pid_t child)
{
	char buf[4096], *nul;
	ssize_t n;
	int status;

	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		nul = memchr(buf, '\0', (size_t)n);
		(void)write_all(STDERR_FILENO, buf,
		    nul != NULL ? (size_t)(nul - buf) : (size_t)n);
		if (nul != NULL)
			return 0;
	}
	while (waitpid(child, &status, 0) == -1) {
		if (errno != EINTR) {
			log_error("-d: waitpid: %s", strerror(errno));
			return 1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		log_error("-d: the daemon was killed by signal %d (%s) before "
		    "it served", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		log_error("-d: the daemon exited before it served");
	return 1;
}

/* What daemon(3) does after its fork, except that standard error becomes
 * fd, the pipe to the parent; the change to / waits for plat_ready, when
 * every file named on the command line has been opened. */
static int
daemon_child(int fd)
{
	int null;

	if (setsid() == -1 || (null = open("/dev/null", O_RDWR)) == -1)
		return -1;
	if (dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		close(null);
		return -1;
	}
	if (null > STDERR_FILENO)
		close(null);
	close(fd);
	return 0;
}

int
plat_daemonize(void)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) == -1) {
		log_error("-d: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1) {
		log_error("-d: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid > 0) {
		close(fds[1]);
		/* _exit: the parent must not run the child's clean-up (the
		 * pid file is the child's now). */
		_exit(daemon_parent(fds[0], pid));
	}
	close(fds[0]);
	if (daemon_child(fds[1]) == -1) {
		log_error("-d: detaching: %s", strerror(errno));
		return -1;
	}
	plat_daemon_pending = 1;
	return 0;
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

/* mkstemp(3) beside path: the rename stays on one file system, and no
 * other user can guess the temporary's name and plant a link there.  It
 * makes the file 0600; a ready file is for scripts that need not be
 * root. */
int
plat_write_file(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	int fd, rc, saved;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1)
		return -1;
	rc = fchmod(fd, 0644) == -1 || write_all(fd, text, strlen(text)) == -1 ?
	    -1 : 0;
	saved = errno;
	if (close(fd) == -1 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && rename(tmp, path) == 0)
		return 0;
	if (rc == 0)
		saved = errno;
	unlink(tmp);
	errno = saved;
	return -1;
}

/* The NUL byte lets -d's parent exit 0; standard error then goes to
 * /dev/null rather than into a pipe that nobody reads. */
void
plat_ready(void)
{
	int null;

	if (!plat_daemon_pending)
		return;
	plat_daemon_pending = 0;
	log_set_stderr(0);
	if (write(STDERR_FILENO, "", 1) != 1)
		log_warn("-d: cannot tell the parent the daemon serves: %s",
		    strerror(errno));
	if ((null = open("/dev/null", O_WRONLY)) != -1) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	if (chdir("/") == -1)
		log_warn("-d: chdir /: %s", strerror(errno));
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
