/* netinc: the one place that picks the platform's socket headers for the
 * portable modules, so that every other header can name struct
 * sockaddr_in6 and struct in6_addr.  Only platform files (the *_win32
 * ones, pktq_net.c, pktq_errq.c, Linux-only pktbench_run.c) add headers
 * for calls of their own. */
#ifndef PKTINFOD_NETINC_H
#define PKTINFOD_NETINC_H

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#ifndef HAVE_SA_FAMILY_T
typedef ADDRESS_FAMILY sa_family_t;
#endif
#else
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#endif

#endif
