/* server: the libevent side of the daemon — sockets on one event_base, the
 * read callback that drains them, and signal events for stop and reload.
 * The only module that includes event2/. */
#ifndef PKTINFOD_SERVER_H
#define PKTINFOD_SERVER_H

#include <stdint.h>

#include "opts.h"

struct server;

/* Open and bind every listen socket of o.  NULL / errno (logged). */
struct server *server_open(const struct opts *o);
/* The port the first socket is bound to (for --ready-file with -p 0). */
uint16_t server_port(const struct server *srv);
/* Serve until SIGTERM or SIGINT; logs the final stats.  0 / -1. */
int server_loop(struct server *srv);
/* Close the sockets and free srv. */
void server_free(struct server *srv);

#endif
