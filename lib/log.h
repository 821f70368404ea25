/* log: leveled logging to stderr or the system log (syslog; the Windows
 * event log), a rate limit for per-datagram messages, and the one rule for
 * which errnos are noise.  Error numbers are errno values or, from the
 * Windows socket layer, WSA* codes: both are named here. */
#ifndef PKTINFOD_LOG_H
#define PKTINFOD_LOG_H

enum log_level {
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG
};

/* Parse "error", "warn", "info" or "debug"; 0 / -1 (EINVAL). */
int log_level_parse(enum log_level *out, const char *text);
/* The name of level. */
const char *log_level_name(enum log_level level);
/* Start logging as ident, to the system log when use_syslog, else
 * stderr. */
void log_init(const char *ident, enum log_level level, int use_syslog);
/* While on, errors and warnings that go to the system log are also
 * written to standard error: -d's start-up, whose parent shows them. */
void log_set_stderr(int on);
/* Change the threshold (SIGHUP reload). */
void log_set_level(enum log_level level);
/* Non-zero when messages of level are logged: lets a caller skip the
 * work of formatting a message nobody reads. */
int log_enabled(enum log_level level);
/* Log at level when the threshold allows it. */
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(PRINTF_ARCHETYPE, 2, 3)));
/* Per-datagram messages: at most a few a second, the rest counted and
 * summarised; *last and *suppressed belong to the caller (one per worker). */
void log_limited(long long *last, unsigned long *suppressed,
    enum log_level level, const char *fmt, ...)
    __attribute__((format(PRINTF_ARCHETYPE, 4, 5)));
/* Non-zero for errnos that say nothing about the daemon: EAGAIN, EINTR,
 * and the ICMP-driven ECONNREFUSED of UDP.  A failed route (ENETUNREACH,
 * EHOSTUNREACH) is worth a line: on sendmsg it can mean a vanished source. */
int log_errno_is_noise(int err);
/* The symbolic name of err ("EADDRNOTAVAIL", "WSAEADDRNOTAVAIL"), or
 * "E<number>". */
const char *log_errno_name(int err, char *buf, unsigned int len);
/* Text for err: strerror(3), or the name of a WSA* code. */
const char *log_strerror(int err);

#define log_error(...)	log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
