/* plat: what the daemon needs from the OS besides its sockets — the
 * process's main (on Windows, a service's when the service control
 * manager started it), set-up, libevent's locking, worker threads, the
 * stop, reload and counters requests (signals on POSIX; console events
 * and service stop on Windows), the pid and ready files, random bytes,
 * word to the service manager, and the Unix-only -u and -d.
 * plat_posix.c and plat_win32.c implement it; pktinfod/local.mk picks one. */
#ifndef PKTINFOD_PLAT_H
#define PKTINFOD_PLAT_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "opts.h"

/* Linux's cheap clock for the once-a-second interface name cache; where
 * there is none the ordinary monotonic clock serves. */
#if !HAVE_DECL_CLOCK_MONOTONIC_COARSE
#define CLOCK_MONOTONIC_COARSE CLOCK_MONOTONIC
#endif

struct event_base;
struct plat_stop;

/* Run run(argc, argv) as the process's main: directly, or on Windows
 * under the service control manager when it started the process.  The
 * exit status. */
int plat_main(int argc, char **argv, int (*run)(int, char **));
/* Process set-up before any socket (SIGPIPE ignored; WSAStartup).
 * 0 / -1 (logged). */
int plat_init(void);
/* Undo plat_init. */
void plat_cleanup(void);
/* A message naming an option of o this platform cannot honour, or NULL. */
const char *plat_unsupported(const struct opts *o);
/* Workers to run when the configuration says 0 (one per CPU where the
 * socket layer can share a port between them). */
unsigned int plat_default_workers(void);
/* Make libevent thread-safe; before the first event_base.  0 / -1. */
int plat_evthread(void);
/* Start fn(arg) on a thread that takes no signals: the main thread's stop
 * events must see them all.  0 / an error number. */
int plat_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);
/* What the operator's signals ask of the daemon, as calls on the loop's
 * thread: stop(arg, why) for SIGTERM and SIGINT (Windows: Ctrl-C,
 * console close, logoff, shutdown, service stop), reload(arg) for SIGHUP
 * where there is one, counters(arg) for SIGUSR1 (Windows: Ctrl-Break). */
struct plat_signals {
	void (*stop)(void *arg, const char *why);
	void (*reload)(void *arg);
	void (*counters)(void *arg);
	void *arg;
};

/* Deliver the operator's signals as events of base (SIGUSR2 and SIGPIPE
 * are ignored).  NULL on failure (logged). */
struct plat_stop *plat_stop_new(struct event_base *base,
    const struct plat_signals *sig);
/* Remove the events; a console or service stop waiting for the daemon to
 * finish may go on then. */
void plat_stop_free(struct plat_stop *ps);
/* -u USER, looked up before any socket is opened: an unknown user is a
 * usage error, found before the start-up does anything. */
struct plat_user;
/* The account named name.  NULL when there is none or it cannot be read
 * (logged: "-u NAME: no such user"). */
struct plat_user *plat_user_lookup(const char *name);
/* Give up root for u: its group alone, then its user id, which leaves no
 * capability.  0 / -1 (logged). */
int plat_drop_privileges(const struct plat_user *u);
/* Free u (NULL is fine). */
void plat_user_free(struct plat_user *u);

/* -P FILE, opened and locked before -d forks (the lock stays with the
 * child) and written after, so that it holds the pid of the process that
 * serves.  A second instance fails to lock it while the first runs. */
struct plat_pidfile;
/* Create or open path and lock it.  NULL with errno: EEXIST when a live
 * process holds it, its pid then in *holder (-1 when not yet written). */
struct plat_pidfile *plat_pidfile_open(const char *path, long *holder);
/* Write this process's id into the file.  0 / -1 with errno. */
int plat_pidfile_write(struct plat_pidfile *pf);
/* Remove the file this process opened, and free pf (NULL is fine).
 * Removing may fail once privileges are gone: the file stays, unlocked,
 * and the next start takes it over. */
void plat_pidfile_remove(struct plat_pidfile *pf);

/* -d: detach into the background.  Returns (0) in the child only: the
 * parent waits until the child calls plat_ready, then exits 0, or until
 * it exits, then exits with its status; meanwhile the child's standard
 * error (log_set_stderr's copies) reaches the parent's.  -1 (logged) when
 * the child cannot be made. */
int plat_daemonize(void);
/* n random bytes from the system (getrandom(2); BCryptGenRandom) into
 * buf: the keys of hash tables an attacker fills.  0 / -1 (logged). */
int plat_random(void *buf, size_t n);
/* Replace path with a file holding text, atomically: a reader never sees
 * it half written (a temporary beside it, then a rename).  0 / -1 with
 * errno. */
int plat_write_file(const char *path, const char *text);
/* The daemon serves: -d's parent exits 0 (POSIX); SERVICE_RUNNING
 * (Windows). */
void plat_ready(void);
/* Tell the service manager state (sd_notify(3): "READY=1",
 * "RELOADING=1", "STOPPING=1", "STATUS=..."); nothing without systemd
 * support or outside a service (no NOTIFY_SOCKET), and on Windows. */
void plat_notify(const char *state);

#endif
