/* log_win32: the Windows event log as the system log (--syslog), and the
 * names of Winsock's WSA* codes, which the socket layer reports. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stddef.h>

#include <winsock2.h>
#include <windows.h>

#include "log_plat.h"
#include "wsaerr.h"

/* Set once by log_init, before the workers start. */
static HANDLE event_source;

void
log_plat_open(const char *ident)
{
	event_source = RegisterEventSourceA(NULL, ident);
}

/* No message file is registered for the source, so the event viewer shows
 * the line as the event's only insertion string. */
void
log_plat_write(enum log_level level, const char *line)
{
	static const WORD type[] = { EVENTLOG_ERROR_TYPE,
	    EVENTLOG_WARNING_TYPE, EVENTLOG_INFORMATION_TYPE,
	    EVENTLOG_INFORMATION_TYPE };
	const char *strings[1] = { line };

	if (event_source != NULL)
		ReportEventA(event_source, type[level], 0, 0, NULL, 1, 0,
		    strings, NULL);
}

const char *
log_plat_errname(int err)
{
	return wsaerr_name(err);
}

/* WSAECONNRESET is UDP's ICMP port unreachable (when SIO_UDP_CONNRESET
 * could not turn it off): the ECONNREFUSED of Windows. */
int
log_plat_is_noise(int err)
{
	return err == WSAEWOULDBLOCK || err == WSAEINTR ||
	    err == WSAECONNRESET;
}
