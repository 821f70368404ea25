/* log_plat: the part of logging each platform does its own way — the
 * system log and the platform's own error codes.  log_posix.c and
 * log_win32.c implement it, for log.c alone. */
#ifndef PKTINFOD_LOG_PLAT_H
#define PKTINFOD_LOG_PLAT_H

#include "log.h"

/* Open the system log as ident. */
void log_plat_open(const char *ident);
/* Write one line to the system log at level. */
void log_plat_write(enum log_level level, const char *line);
/* The name of an error code only this platform has (WSA*), or NULL. */
const char *log_plat_errname(int err);
/* Non-zero for such a code that says nothing about the daemon. */
int log_plat_is_noise(int err);

#endif
