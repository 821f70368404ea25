/* sock_posix: the POSIX calls the socket layer makes, as a table that
 * tests replace with a fake kernel (to play a host without IPv6 or without
 * IPv4, or to see the exact msghdr handed to sendmmsg).  Only sock_posix.c
 * and its tests include this. */
#ifndef PKTINFOD_SOCK_POSIX_H
#define PKTINFOD_SOCK_POSIX_H

#include <sys/types.h>
#include <sys/socket.h>
#include <time.h>

#ifndef HAVE_MMSG
/* recvmmsg(2)'s header, for a system without it: the batch's headers keep
 * this form and go one by one to recvmsg and sendmsg. */
struct mmsghdr {
	struct msghdr msg_hdr;
	unsigned int msg_len;
};
#endif

/* Each member has the type of the function of its name (bind and
 * getsockname without glibc's transparent unions); a fake reports its
 * errors in errno, as the kernel does.  recvmmsg and sendmmsg are only
 * called where HAVE_MMSG is defined. */
struct sock_posix_api {
	int (*socket)(int, int, int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*fcntl)(int, int, ...);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*recvmmsg)(int, struct mmsghdr *, unsigned int, int,
	    struct timespec *);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	int (*sendmmsg)(int, struct mmsghdr *, unsigned int, int);
	int (*close)(int);
};

/* Make the socket layer call api (NULL: the real calls again).  For
 * tests; sockets keep the table they were opened with. */
void sock_posix_use(const struct sock_posix_api *api);

#endif
