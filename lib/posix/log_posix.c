/* log_posix: syslog(3) as the system log; errno is the only error code. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>
#include <syslog.h>

#include "log_plat.h"

void
log_plat_open(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_plat_write(enum log_level level, const char *line)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	syslog(prio[level], "%s", line);
}

const char *
log_plat_errname(int err)
{
	(void)err;
	return NULL;
}

int
log_plat_is_noise(int err)
{
	(void)err;
	return 0;
}
