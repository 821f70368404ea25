/* log: leveled logging to stderr or the platform's system log. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "log_plat.h"

/* Per-datagram messages allowed per second before suppression starts. */
#define LOG_BURST 5

static const char *const level_names[] = { "error", "warn", "info", "debug" };

/* Written before the workers start, and by the control thread on reload
 * while workers read it: relaxed atomics (a plain move each). */
static enum log_level threshold = LOG_LVL_INFO;
static int to_syslog;
/* Cleared by the control thread once -d's child serves, while workers may
 * log: a relaxed atomic too. */
static int also_stderr;
static const char *log_ident = "pktinfod";

int
log_level_parse(enum log_level *out, const char *text)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(text, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	return level_names[level];
}

void
log_init(const char *ident, enum log_level level, int use_syslog)
{
	log_ident = ident;
	__atomic_store_n(&threshold, level, __ATOMIC_RELAXED);
	to_syslog = use_syslog;
	if (use_syslog)
		log_plat_open(ident);
}

void
log_set_stderr(int on)
{
	__atomic_store_n(&also_stderr, on, __ATOMIC_RELAXED);
}

void
log_set_level(enum log_level level)
{
	__atomic_store_n(&threshold, level, __ATOMIC_RELAXED);
}

int
log_enabled(enum log_level level)
{
	return level <= __atomic_load_n(&threshold, __ATOMIC_RELAXED);
}

static void log_vmsg(enum log_level, const char *, va_list)
    __attribute__((format(PRINTF_ARCHETYPE, 2, 0)));

static void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (to_syslog)
		log_plat_write(level, line);
	if (!to_syslog || (level <= LOG_LVL_WARN &&
	    __atomic_load_n(&also_stderr, __ATOMIC_RELAXED)))
		fprintf(stderr, "%s: %s: %s\n", log_ident, level_names[level],
		    line);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
log_limited(long long *last, unsigned long *suppressed, enum log_level level,
    const char *fmt, ...)
{
	struct timespec ts;
	long long now_ms;
	va_list ap;

	if (!log_enabled(level))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (now_ms - *last < 1000 / LOG_BURST) {
		(*suppressed)++;
		return;
	}
	*last = now_ms;
	if (*suppressed > 0) {
		log_msg(level, "%lu similar messages suppressed", *suppressed);
		*suppressed = 0;
	}
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

int
log_errno_is_noise(int err)
{
	switch (err) {
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
	case EINTR:
	case ECONNREFUSED:
		return 1;
	default:
		return log_plat_is_noise(err);
	}
}

const char *
log_errno_name(int err, char *buf, unsigned int len)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { EINVAL, "EINVAL" },
		{ EAGAIN, "EAGAIN" }, { ENOBUFS, "ENOBUFS" },
		{ ENOMEM, "ENOMEM" }, { EPERM, "EPERM" }, { EACCES, "EACCES" },
		{ ENETUNREACH, "ENETUNREACH" }, { EHOSTUNREACH, "EHOSTUNREACH" },
		{ ECONNREFUSED, "ECONNREFUSED" }, { EMSGSIZE, "EMSGSIZE" },
		{ ENETDOWN, "ENETDOWN" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
		{ EINTR, "EINTR" }, { ENODEV, "ENODEV" }, { ENXIO, "ENXIO" },
	};
	const char *name;
	size_t i;

	if ((name = log_plat_errname(err)) != NULL)
		return name;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, len, "E%d", err);
	return buf;
}

const char *
log_strerror(int err)
{
	const char *name = log_plat_errname(err);

	return name != NULL ? name : strerror(err);
}
