/* shim_sockfail: an LD_PRELOAD library that makes socket setup fail the way
 * kernels without IPv6 or without IPv4 do, so
 * tests/integration/t_fallback.sh can drive the real pktinfod through the
 * fallbacks of SPEC section 3.  SHIM_FAIL picks the failure:
 *   v6socket        socket(AF_INET6) fails with EAFNOSUPPORT (IPv6 disabled)
 *   pktinfo_noipv4  setsockopt(IP_PKTINFO) fails with EINVAL and
 *                   socket(AF_INET) with EAFNOSUPPORT (IPv4 disabled)
 *   pktinfo         setsockopt(IP_PKTINFO) fails with EINVAL, IPv4 works
 * Anything else, or no SHIM_FAIL, changes nothing. */
/* dlsym(RTLD_NEXT) is a GNU extension. */
#define _GNU_SOURCE

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int
shim_mode(const char *mode)
{
	const char *set = getenv("SHIM_FAIL");

	return set != NULL && strcmp(set, mode) == 0;
}

int
socket(int domain, int type, int protocol)
{
	int (*next)(int, int, int);

	if ((domain == AF_INET6 && shim_mode("v6socket")) ||
	    (domain == AF_INET && shim_mode("pktinfo_noipv4"))) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	*(void **)&next = dlsym(RTLD_NEXT, "socket");
	return next(domain, type, protocol);
}

int
setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
	int (*next)(int, int, int, const void *, socklen_t);

	if (level == IPPROTO_IP && name == IP_PKTINFO &&
	    (shim_mode("pktinfo_noipv4") || shim_mode("pktinfo"))) {
		errno = EINVAL;
		return -1;
	}
	*(void **)&next = dlsym(RTLD_NEXT, "setsockopt");
	return next(fd, level, name, value, len);
}
