/* server: the daemon's event loops — worker threads, each with an
 * event_base of its own reading its sockets, and the control thread (the
 * caller of server_loop) for signals, reload and the metrics endpoint.
 * libevent stays behind this header: server.c, metrics_http.c and the
 * start-up files plat_posix.c and plat_win32.c are the modules that
 * include event2/. */
#ifndef PKTINFOD_SERVER_H
#define PKTINFOD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"

struct server;

/* Read the settings anew into o for a reload (SIGHUP): 0, or -1 with err
 * naming the file, line and key. */
typedef int (*server_reload_fn)(void *arg, struct opts *o, char *err,
    size_t errlen);

/* Open and bind every listen socket of o (and metrics_listen's).  NULL /
 * errno (logged). */
struct server *server_open(const struct opts *o);
/* What SIGHUP calls; without it, SIGHUP only says there is nothing to
 * reload. */
void server_set_reload(struct server *srv, server_reload_fn reload,
    void *arg);
/* The ports the listen sockets are bound to, in listen order (for
 * --ready-file with -p 0), into out: at most max; their count. */
size_t server_ports(const struct server *srv, uint16_t *out, size_t max);
/* Serve until SIGTERM or SIGINT (plat_ready once serving); logs the
 * final stats.  0 / -1. */
int server_loop(struct server *srv);
/* Close the sockets and free srv. */
void server_free(struct server *srv);

#endif
