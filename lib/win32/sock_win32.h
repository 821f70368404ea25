/* sock_win32: the Winsock calls the Windows socket layer makes, as a table
 * that tests replace with a fake socket layer (to play a host without IPv4,
 * or to see the exact WSAMSG handed to WSASendMsg).  Only sock_win32.c and
 * its tests include this. */
#ifndef PKTINFOD_SOCK_WIN32_H
#define PKTINFOD_SOCK_WIN32_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>

/* Each member has the type of the Winsock function of its name.  A fake
 * reports its errors with WSASetLastError, as Winsock does.  WSARecvMsg
 * has no export: it comes from WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER,
 * WSAID_WSARECVMSG), so a fake WSAIoctl hands out a fake WSARecvMsg. */
struct sock_win32_api {
	SOCKET (WSAAPI *socket)(int, int, int);
	int (WSAAPI *setsockopt)(SOCKET, int, int, const char *, int);
	int (WSAAPI *getsockopt)(SOCKET, int, int, char *, int *);
	int (WSAAPI *ioctlsocket)(SOCKET, __LONG32, u_long *);
	int (WSAAPI *WSAIoctl)(SOCKET, DWORD, LPVOID, DWORD, LPVOID, DWORD,
	    LPDWORD, LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE);
	int (WSAAPI *bind)(SOCKET, const struct sockaddr *, int);
	int (WSAAPI *getsockname)(SOCKET, struct sockaddr *, int *);
	int (WSAAPI *WSASendMsg)(SOCKET, LPWSAMSG, DWORD, LPDWORD,
	    LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE);
	int (WSAAPI *closesocket)(SOCKET);
};

/* Make the socket layer call api (NULL: the real Winsock again).  For
 * tests; sockets keep the table they were opened with. */
void sock_win32_use(const struct sock_win32_api *api);

#endif
