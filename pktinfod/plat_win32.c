/* plat_win32: the daemon's start-up on Windows — Winsock, libevent's
 * Windows locking, console events and the service control manager as the
 * stop request, and a clear refusal of the Unix-only -u and -d. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winsock2.h>
#include <windows.h>
#include <bcrypt.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "log.h"
#include "plat.h"

#define SERVICE_NAME "pktinfod"
/* Windows ends a process this long after a close, logoff or shutdown
 * event (SPI_GETHUNGAPPTIMEOUT and friends default to 5 s); the daemon's
 * own shutdown is a few milliseconds. */
#define PLAT_CLOSE_WAIT_MS 4500

struct plat_stop {
	struct event *ev;		/* activated from the handler threads */
	struct event *counters_ev;	/* likewise, for Ctrl-Break */
	const char *why;
	struct plat_signals sig;
};

/*
 * Console control handlers and the service control handler run on
 * threads of their own (SetConsoleCtrlHandler, RegisterServiceCtrlHandlerEx):
 * this is what they share with the daemon, the one global state that
 * these signal-like events force.
 */
static struct {
	SRWLOCK lock;
	struct plat_stop *stop;		/* the loop to stop, once it runs */
	const char *pending;		/* a stop asked for before that */
	HANDLE finished;		/* set when the daemon is done */
	int (*run)(int, char **);
	int argc;
	char **argv;
	int status;
	SERVICE_STATUS_HANDLE service;	/* NULL: started from a console */
} g = { SRWLOCK_INIT, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL };

/* From any thread: the same graceful stop as SIGTERM on POSIX. */
static void
request_stop(const char *why)
{
	AcquireSRWLockExclusive(&g.lock);
	if (g.stop != NULL) {
		g.stop->why = why;
		event_active(g.stop->ev, EV_READ, 0);
	} else {
		g.pending = why;
	}
	ReleaseSRWLockExclusive(&g.lock);
}

/* Ctrl-Break: the counters in the log, as SIGUSR1 on POSIX; before the
 * loop runs there are none to log. */
static void
request_counters(void)
{
	AcquireSRWLockExclusive(&g.lock);
	if (g.stop != NULL)
		event_active(g.stop->counters_ev, EV_READ, 0);
	ReleaseSRWLockExclusive(&g.lock);
}

static const char *
console_event_name(DWORD type)
{
	switch (type) {
	case CTRL_C_EVENT:
		return "Ctrl-C";
	case CTRL_CLOSE_EVENT:
		return "console closed";
	case CTRL_LOGOFF_EVENT:
		return "logoff";
	default:
		return "shutdown";
	}
}

/* Returning from a close, logoff or shutdown event ends the process at
 * once, so the handler waits (bounded) for the daemon to finish. */
static BOOL WINAPI
on_console_event(DWORD type)
{
	if (type == CTRL_BREAK_EVENT) {
		request_counters();
		return TRUE;
	}
	request_stop(console_event_name(type));
	if (type != CTRL_C_EVENT && g.finished != NULL)
		WaitForSingleObject(g.finished, PLAT_CLOSE_WAIT_MS);
	return TRUE;
}

static void
report_service(DWORD state, DWORD exit_code)
{
	SERVICE_STATUS st;

	if (g.service == NULL)
		return;
	memset(&st, 0, sizeof(st));
	st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	st.dwCurrentState = state;
	if (state == SERVICE_RUNNING)
		st.dwControlsAccepted = SERVICE_ACCEPT_STOP |
		    SERVICE_ACCEPT_SHUTDOWN;
	if (exit_code != 0) {
		st.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
		st.dwServiceSpecificExitCode = exit_code;
	}
	if (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING)
		st.dwWaitHint = 5000;
	SetServiceStatus(g.service, &st);
}

static DWORD WINAPI
on_service_control(DWORD control, DWORD type, LPVOID data, LPVOID context)
{
	(void)type;
	(void)data;
	(void)context;
	switch (control) {
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
		report_service(SERVICE_STOP_PENDING, 0);
		request_stop(control == SERVICE_CONTROL_STOP ?
		    "service stop" : "system shutdown");
		return NO_ERROR;
	case SERVICE_CONTROL_INTERROGATE:
		return NO_ERROR;
	default:
		return ERROR_CALL_NOT_IMPLEMENTED;
	}
}

/* The service's arguments are those of its command line (binPath), as
 * for a console start; those of "sc start" are not used. */
static void WINAPI
service_main(DWORD argc, LPSTR *argv)
{
	(void)argc;
	(void)argv;
	g.service = RegisterServiceCtrlHandlerExA(SERVICE_NAME,
	    on_service_control, NULL);
	if (g.service == NULL) {
		g.status = 1;
		return;
	}
	report_service(SERVICE_START_PENDING, 0);
	g.status = g.run(g.argc, g.argv);
	report_service(SERVICE_STOPPED, (DWORD)g.status);
}

typedef const char *(CDECL *wine_get_version_fn)(void);

/* Wine exports wine_get_version from its ntdll; Windows does not. */
static const char *
wine_version(void)
{
	HMODULE ntdll = GetModuleHandleA("ntdll.dll");
	FARPROC fn;

	if (ntdll == NULL ||
	    (fn = GetProcAddress(ntdll, "wine_get_version")) == NULL)
		return NULL;
	return ((wine_get_version_fn)(void (*)(void))fn)();
}

/* 1 when an active service of the service control manager's list runs
 * in this process, 0 when none does, -1 when the list cannot be read. */
static int
scm_lists_this_process(void)
{
	ENUM_SERVICE_STATUS_PROCESSA *list = NULL;
	DWORD need = 0, count = 0, resume = 0, pid = GetCurrentProcessId();
	SC_HANDLE scm;
	int rc = -1;

	if ((scm = OpenSCManagerA(NULL, NULL,
	    SC_MANAGER_ENUMERATE_SERVICE)) == NULL)
		return -1;
	if (EnumServicesStatusExA(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32,
	    SERVICE_ACTIVE, NULL, 0, &need, &count, &resume, NULL))
		rc = 0;
	else if (GetLastError() == ERROR_MORE_DATA &&
	    (list = malloc(need)) != NULL) {
		resume = 0;
		if (EnumServicesStatusExA(scm, SC_ENUM_PROCESS_INFO,
		    SERVICE_WIN32, SERVICE_ACTIVE, (BYTE *)list, need, &need,
		    &count, &resume, NULL))
			rc = 0;
		for (DWORD i = 0; rc == 0 && i < count; i++)
			rc = list[i].ServiceStatusProcess.dwProcessId == pid;
	}
	free(list);
	CloseServiceHandle(scm);
	return rc;
}

/*
 * Every start offers the process to the service control manager first, as
 * StartServiceCtrlDispatcher documents: it fails with
 * ERROR_FAILED_SERVICE_CONTROLLER_CONNECT when no service start waits for
 * this process, which then runs as a console program.  Otherwise it
 * returns once the service has stopped.
 *
 * Wine 8's dispatcher, called by a console program, first waits out the
 * 10 s timeout of the control pipe of the service started last, and while
 * a service is being started it takes that service's pipe for its own
 * (.ci/WINDOWS.md P13).  So under Wine a process that the service control
 * manager lists for no service runs as a console program at once.
 */
int
plat_main(int argc, char **argv, int (*run)(int, char **))
{
	SERVICE_TABLE_ENTRYA table[] = {
		{ (char *)SERVICE_NAME, service_main },
		{ NULL, NULL }
	};
	DWORD err;

	g.run = run;
	g.argc = argc;
	g.argv = argv;
	if (wine_version() != NULL && scm_lists_this_process() == 0)
		return run(argc, argv);
	if (StartServiceCtrlDispatcherA(table))
		return g.status;
	if ((err = GetLastError()) != ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
		fprintf(stderr, "pktinfod: StartServiceCtrlDispatcher: error "
		    "%lu; running as a console program\n", (unsigned long)err);
	return run(argc, argv);
}

int
plat_init(void)
{
	WSADATA wsa;
	const char *wine;
	int rc;

	/* libevent's own sockets (its notify pair) need Winsock as well;
	 * this reference outlives every listening socket. */
	if ((rc = WSAStartup(MAKEWORD(2, 2), &wsa)) != 0) {
		log_error("WSAStartup: %s", log_strerror(rc));
		return -1;
	}
	g.finished = CreateEventA(NULL, TRUE, FALSE, NULL);
	if (g.service == NULL && !SetConsoleCtrlHandler(on_console_event,
	    TRUE))
		log_warn("SetConsoleCtrlHandler: error %lu; Ctrl-C will not "
		    "stop gracefully", (unsigned long)GetLastError());
	if ((wine = wine_version()) != NULL)
		log_warn("running under Wine %s: its WSASendMsg drops the "
		    "pktinfo control message, so answers leave from the "
		    "address routing picks, not always the one asked",
		    wine);
	return 0;
}

void
plat_cleanup(void)
{
	if (g.finished != NULL)
		SetEvent(g.finished);
	WSACleanup();
}

const char *
plat_unsupported(const struct opts *o)
{
	if (o->user != NULL)
		return "-u: dropping privileges is not supported on Windows; "
		    "run pktinfod as a service under a restricted account";
	if (o->daemonize)
		return "-d: daemonizing is not supported on Windows; run "
		    "pktinfod as a service";
	if (o->workers > 1)
		return "-w: more than one worker needs SO_REUSEPORT, which "
		    "Windows lacks; use -w 1";
	return NULL;
}

unsigned int
plat_default_workers(void)
{
	return 1;
}

int
plat_evthread(void)
{
	if (evthread_use_windows_threads() == -1) {
		log_error("evthread_use_windows_threads failed");
		return -1;
	}
	return 0;
}

/* Console and service events come on threads of their own: there is no
 * signal mask to set. */
int
plat_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	return pthread_create(thread, NULL, fn, arg);
}

static void
on_stop_event(evutil_socket_t fd, short what, void *arg)
{
	struct plat_stop *ps = arg;
	const char *why;

	(void)fd;
	(void)what;
	AcquireSRWLockExclusive(&g.lock);
	why = ps->why;
	ReleaseSRWLockExclusive(&g.lock);
	ps->sig.stop(ps->sig.arg, why);
}

static void
on_counters_event(evutil_socket_t fd, short what, void *arg)
{
	struct plat_stop *ps = arg;

	(void)fd;
	(void)what;
	ps->sig.counters(ps->sig.arg);
}

/* There is no SIGHUP on Windows: reload is never asked for. */
struct plat_stop *
plat_stop_new(struct event_base *base, const struct plat_signals *sig)
{
	struct plat_stop *ps;

	if ((ps = calloc(1, sizeof(*ps))) == NULL ||
	    (ps->ev = event_new(base, -1, 0, on_stop_event, ps)) == NULL ||
	    (ps->counters_ev = event_new(base, -1, 0, on_counters_event,
	    ps)) == NULL) {
		log_error("cannot add the stop event");
		if (ps != NULL && ps->ev != NULL)
			event_free(ps->ev);
		free(ps);
		return NULL;
	}
	ps->sig = *sig;
	AcquireSRWLockExclusive(&g.lock);
	g.stop = ps;
	if (g.pending != NULL) {
		ps->why = g.pending;
		event_active(ps->ev, EV_READ, 0);
	}
	ReleaseSRWLockExclusive(&g.lock);
	return ps;
}

void
plat_stop_free(struct plat_stop *ps)
{
	if (ps == NULL)
		return;
	AcquireSRWLockExclusive(&g.lock);
	g.stop = NULL;
	ReleaseSRWLockExclusive(&g.lock);
	event_free(ps->ev);
	event_free(ps->counters_ev);
	free(ps);
}

/* Never reached: plat_unsupported refuses -u and -d first. */
struct plat_user *
plat_user_lookup(const char *name)
{
	log_error("-u %s: not supported on Windows", name);
	return NULL;
}

int
plat_drop_privileges(const struct plat_user *u)
{
	(void)u;
	log_error("-u: not supported on Windows");
	return -1;
}

void
plat_user_free(struct plat_user *u)
{
	(void)u;
}

int
plat_daemonize(void)
{
	log_error("-d: not supported on Windows");
	return -1;
}

/* No lock: the service control manager runs one instance of a service,
 * and nothing on Windows reads pid files; -P only tells the process id. */
struct plat_pidfile {
	int written;
	char path[];
};

struct plat_pidfile *
plat_pidfile_open(const char *path, long *holder)
{
	struct plat_pidfile *pf;
	size_t len = strlen(path);

	*holder = -1;
	if ((pf = malloc(sizeof(*pf) + len + 1)) == NULL)
		return NULL;
	pf->written = 0;
	memcpy(pf->path, path, len + 1);
	return pf;
}

int
plat_pidfile_write(struct plat_pidfile *pf)
{
	char text[32];

	snprintf(text, sizeof(text), "%lu\n",
	    (unsigned long)GetCurrentProcessId());
	if (plat_write_file(pf->path, text) == -1)
		return -1;
	pf->written = 1;
	return 0;
}

void
plat_pidfile_remove(struct plat_pidfile *pf)
{
	if (pf == NULL)
		return;
	if (pf->written)
		remove(pf->path);
	free(pf);
}

int
plat_random(void *buf, size_t n)
{
	NTSTATUS st;

	if (n > ULONG_MAX)
		return -1;
	st = BCryptGenRandom(NULL, buf, (ULONG)n,
	    BCRYPT_USE_SYSTEM_PREFERRED_RNG);
	if (!BCRYPT_SUCCESS(st)) {
		log_error("BCryptGenRandom: status 0x%lx", (unsigned long)st);
		return -1;
	}
	return 0;
}

/* The C library's rename fails when to exists; MoveFileEx replaces it. */
static int
replace_file(const char *from, const char *to)
{
	if (MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING |
	    MOVEFILE_WRITE_THROUGH))
		return 0;
	switch (GetLastError()) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
		errno = ENOENT;
		break;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
		errno = EACCES;
		break;
	default:
		errno = EIO;
		break;
	}
	return -1;
}

/* Text mode: the file ends its lines with CRLF, as Windows readers
 * expect. */
int
plat_write_file(const char *path, const char *text)
{
	char tmp[MAX_PATH + 8];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	if (fputs(text, f) == EOF || fclose(f) == EOF) {
		remove(tmp);
		return -1;
	}
	return replace_file(tmp, path);
}

void
plat_ready(void)
{
	report_service(SERVICE_RUNNING, 0);
}

/* The service control manager has no notify protocol: plat_ready says
 * SERVICE_RUNNING. */
void
plat_notify(const char *state)
{
	(void)state;
}
