/* notifyd: the service manager's end of sd_notify(3) for the tests: an
 * AF_UNIX datagram socket at PATH that prints every message it receives,
 * one line each (newlines inside a message become spaces), until
 * SECONDS pass.
 *
 * usage: notifyd PATH SECONDS
 * Exits 0 at the deadline, 2 on setup errors. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	char buf[4096];
	long long end;
	ssize_t n, i;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: notifyd PATH SECONDS\n");
		return 2;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "notifyd: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	end = now_ms() + atoi(argv[2]) * 1000LL;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (now_ms() < end) {
		if (poll(&pfd, 1, (int)(end - now_ms())) <= 0)
			continue;
		if ((n = recv(fd, buf, sizeof(buf), 0)) <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = ' ';
		printf("%.*s\n", (int)n, buf);
		fflush(stdout);
	}
	close(fd);
	unlink(argv[1]);
	return 0;
}
