/* server: sockets on a libevent loop. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "addr.h"
#include "log.h"
#include "proto.h"
#include "server.h"
#include "sock.h"
#include "stats.h"

/* Datagrams per read callback, so one busy socket cannot starve signals. */
#define SERVER_DRAIN_BUDGET 64
/* Answers are at most amplification_factor x max_datagram; this bounds
 * the buffer once, so proto_answer's cap is never the limit in practice. */
#define SERVER_TX_CAP 65536

struct listener {
	struct server *srv;
	struct sock *sock;
	struct event *ev;
	char *rx;
	char *tx;
	char text[ADDR_STRLEN];
};

struct server {
	struct event_base *base;
	struct event *sig_term, *sig_int, *sig_hup;
	struct listener listener[OPTS_MAX_LISTEN];
	size_t nlisten;
	const char *listen_text[OPTS_MAX_LISTEN];
	const char *features[4];
	struct proto_env env;
	struct stats stats;
	struct opts opts;
	struct timespec started;
	long long log_last;
	unsigned long log_suppressed;
};

static long long
uptime_s(void *arg)
{
	struct server *srv = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - srv->started.tv_sec);
}

static const char *
ifname(unsigned int ifindex, char *buf)
{
	return ifindex == 0 ? NULL : if_indextoname(ifindex, buf);
}

static void
add_stats(void *arg, struct cJSON *obj)
{
	struct server *srv = arg;

	stats_to_json(&srv->stats, obj);
}

static void
set_features(struct server *srv)
{
	const struct sock_features *f = sock_features(srv->listener[0].sock);
	size_t n = 0;

	if (f->dualstack)
		srv->features[n++] = "dualstack";
	if (f->pktinfo4)
		srv->features[n++] = "pktinfo4";
	if (f->pktinfo6)
		srv->features[n++] = "pktinfo6";
	if (f->reuseport)
		srv->features[n++] = "reuseport";
	srv->env.features = srv->features;
	srv->env.nfeatures = n;
}

static void
set_env(struct server *srv)
{
	struct proto_env *env = &srv->env;

	env->version = PACKAGE_VERSION;
	env->workers = 1;
	env->listen = srv->listen_text;
	env->nlisten = srv->nlisten;
	env->admin_allow = srv->opts.admin_allow;
	env->nadmin_allow = srv->opts.nadmin_allow;
	env->amplification_factor = srv->opts.amplification_factor;
	env->max_datagram = srv->opts.max_datagram;
	env->uptime_s = uptime_s;
	env->ifname = ifname;
	env->stats = add_stats;
	env->arg = srv;
	set_features(srv);
}

static void
send_answer(struct listener *l, size_t len, const struct dgram_meta *m)
{
	struct server *srv = l->srv;
	char peer[ADDR_STRLEN], ebuf[16];
	int err;

	if (sock_send(l->sock, l->tx, len, m) == 0) {
		srv->stats.counter[addr_is_v4mapped(&m->peer.sin6_addr) ?
		    STATS_TX4 : STATS_TX6]++;
		return;
	}
	err = errno;
	stats_count_send_error(&srv->stats, err);
	if (!log_errno_is_noise(err))
		log_limited(&srv->log_last, &srv->log_suppressed, LOG_LVL_WARN,
		    "answer to %s dropped: sendmsg: %s",
		    addr_format(peer, sizeof(peer), &m->peer),
		    log_errno_name(err, ebuf, sizeof(ebuf)));
}

static void
handle(struct listener *l, size_t len, const struct dgram_meta *m)
{
	struct server *srv = l->srv;
	enum proto_result res;
	size_t out;

	srv->stats.counter[addr_is_v4mapped(&m->peer.sin6_addr) ?
	    STATS_RX4 : STATS_RX6]++;
	stats_count_local(&srv->stats, &m->dst);
	out = proto_answer(&srv->env, m, sock_port(l->sock), l->rx, len,
	    l->tx, SERVER_TX_CAP, &res);
	srv->stats.result[res]++;
	if (out > 0)
		send_answer(l, out, m);
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct listener *l = arg;
	struct server *srv = l->srv;
	struct dgram_meta m;
	size_t len;
	int i;

	(void)fd;
	(void)what;
	for (i = 0; i < SERVER_DRAIN_BUDGET; i++) {
		switch (sock_recv(l->sock, l->rx, srv->opts.max_datagram, &len,
		    &m)) {
		case SOCK_RX_OK:
			handle(l, len, &m);
			break;
		case SOCK_RX_NO_PKTINFO:
			srv->stats.counter[STATS_NO_PKTINFO]++;
			break;
		case SOCK_RX_EMPTY:
			return;
		case SOCK_RX_ERROR:
			if (!log_errno_is_noise(errno))
				log_limited(&srv->log_last,
				    &srv->log_suppressed, LOG_LVL_WARN,
				    "recvmsg on %s: %s", l->text,
				    strerror(errno));
			return;
		}
	}
}

static void
on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;

	(void)what;
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(srv->base);
}

static void
on_hup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	log_info("SIGHUP: no config file in use, nothing to reload");
}

static int
open_listener(struct server *srv, struct listener *l,
    const struct sockaddr_in6 *addr)
{
	int flags = srv->opts.naive_source ? SOCK_F_NAIVE : 0;

	struct sockaddr_in6 bound = *addr;

	l->srv = srv;
	if ((l->sock = sock_open(addr, flags)) == NULL)
		return -1;
	/* With -p 0 the kernel picked the port: show the real one. */
	bound.sin6_port = htons(sock_port(l->sock));
	addr_format(l->text, sizeof(l->text), &bound);
	l->rx = malloc(srv->opts.max_datagram);
	l->tx = malloc(SERVER_TX_CAP);
	if (l->rx == NULL || l->tx == NULL) {
		log_error("out of memory for %s", l->text);
		return -1;
	}
	return 0;
}

struct server *
server_open(const struct opts *o)
{
	struct server *srv;
	size_t i;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->opts = *o;
	clock_gettime(CLOCK_MONOTONIC, &srv->started);
	for (i = 0; i < o->nlisten; i++) {
		srv->nlisten++;
		if (open_listener(srv, &srv->listener[i], &o->listen[i]) == -1) {
			server_free(srv);
			return NULL;
		}
		srv->listen_text[i] = srv->listener[i].text;
		log_info("listening on %s", srv->listener[i].text);
	}
	set_env(srv);
	return srv;
}

uint16_t
server_port(const struct server *srv)
{
	return sock_port(srv->listener[0].sock);
}

static int
add_events(struct server *srv)
{
	struct listener *l;
	size_t i;

	srv->sig_term = evsignal_new(srv->base, SIGTERM, on_stop, srv);
	srv->sig_int = evsignal_new(srv->base, SIGINT, on_stop, srv);
	srv->sig_hup = evsignal_new(srv->base, SIGHUP, on_hup, srv);
	if (srv->sig_term == NULL || srv->sig_int == NULL ||
	    srv->sig_hup == NULL || event_add(srv->sig_term, NULL) == -1 ||
	    event_add(srv->sig_int, NULL) == -1 ||
	    event_add(srv->sig_hup, NULL) == -1)
		return -1;
	for (i = 0; i < srv->nlisten; i++) {
		l = &srv->listener[i];
		l->ev = event_new(srv->base, (evutil_socket_t)sock_handle(l->sock),
		    EV_READ | EV_PERSIST, on_read, l);
		if (l->ev == NULL || event_add(l->ev, NULL) == -1)
			return -1;
	}
	return 0;
}

int
server_loop(struct server *srv)
{
	/* Created here, after any fork for -d, so the backend fd is ours. */
	if ((srv->base = event_base_new()) == NULL) {
		log_error("event_base_new failed");
		return -1;
	}
	if (add_events(srv) == -1) {
		log_error("cannot add events to the loop");
		return -1;
	}
	log_info("serving (%s backend)", event_base_get_method(srv->base));
	if (event_base_dispatch(srv->base) == -1) {
		log_error("event loop failed");
		return -1;
	}
	stats_log(&srv->stats);
	return 0;
}

void
server_free(struct server *srv)
{
	size_t i;

	if (srv == NULL)
		return;
	for (i = 0; i < srv->nlisten; i++) {
		if (srv->listener[i].ev != NULL)
			event_free(srv->listener[i].ev);
		sock_close(srv->listener[i].sock);
		free(srv->listener[i].rx);
		free(srv->listener[i].tx);
	}
	if (srv->sig_term != NULL)
		event_free(srv->sig_term);
	if (srv->sig_int != NULL)
		event_free(srv->sig_int);
	if (srv->sig_hup != NULL)
		event_free(srv->sig_hup);
	if (srv->base != NULL)
		event_base_free(srv->base);
	free(srv);
}
