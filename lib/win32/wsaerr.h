/* wsaerr: the names of Winsock's WSA* error codes, so that every message
 * and counter says "WSAEADDRNOTAVAIL" as Microsoft's documentation does
 * (Windows only). */
#ifndef PKTINFOD_WSAERR_H
#define PKTINFOD_WSAERR_H

/* "WSAEINVAL" for WSAEINVAL, or NULL when err is no WSA* code. */
const char *wsaerr_name(int err);

#endif
