/* server: workers, each a thread with an event_base of its own, its
 * sockets, batches and counters; the main thread is the control
 * thread: it takes the signals, serves the metrics and publishes each new
 * settings snapshot, and reads no datagram. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <cjson/cJSON.h>

#include "addr.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "monotime.h"
#include "plat.h"
#include "policy.h"
#include "proto.h"
#include "ratelimit.h"
#include "server.h"
#include "settings.h"
#include "sock.h"
#include "siphash.h"
#include "stats.h"

/* Batches per read callback, so one busy socket cannot starve the others
 * or the signals. */
#define SERVER_READ_BUDGET 8
/* Room for an answer: at most amplification_factor x max_datagram, and
 * proto_answer answers "truncated" past it. */
#define SERVER_TX_CAP 65536
/* Room for any datagram, whatever max_datagram a reload sets: only the
 * pages a datagram fills are touched. */
#define SERVER_RX_CAP PROTO_DATAGRAM_MAX
/* How often the control thread looks whether every worker has let go of
 * a retired snapshot. */
#define SERVER_REAP_MS 20
/* How often a service manager is told the counters. */
#define SERVER_STATUS_S 10
/* cJSON's parse and answer trees of one datagram fit with room to spare. */
/* A full socket is retried this often, up to this many times, then the
 * unsent answers are dropped and counted. */
#define SERVER_RETRY_MS 1
#define SERVER_RETRY_MAX 100

struct worker;

struct listener {
	struct worker *w;
	struct sock *sock;
	struct sock_batch *batch;
	struct event *rev;		/* readable */
	struct event *wev;		/* writable again, or retry time */
	unsigned int count;		/* messages in the batch */
	unsigned int next;		/* the first answer not yet sent */
	unsigned int retries;
	uint32_t rxq_drops;		/* the socket's SO_RXQ_OVFL count seen */
	char text[ADDR_STRLEN];
};

struct worker {
	struct server *srv;
	unsigned int id;
	pthread_t thread;
	struct event_base *base;
	struct listener listener[OPTS_MAX_LISTEN];
	struct stats stats;
	struct proto_work *work;
	uint64_t now_ns;		/* the clock, read once a batch */
	const struct settings *set;	/* the snapshot this worker uses */
	unsigned long gen_seen;		/* its gen, for the control thread */
	struct event *sync_ev;		/* "take the new snapshot now" */
	long long log_last;
	unsigned long log_suppressed;
	long long drop_log_last;	/* the debug lines of unanswered */
	unsigned long drop_log_suppressed;
};

struct server {
	struct opts opts;		/* as started: listen, workers, ... */
	unsigned int nworkers;
	unsigned int nthreads;		/* workers started as threads */
	struct worker *worker;
	struct event_base *base;	/* the control thread's */
	struct plat_stop *stop;
	struct metrics_http *metrics;
	struct event *reap_ev;
	struct event *status_ev;	/* STATUS= under a service manager */
	struct settings *set;		/* the current snapshot */
	struct ratelimit *rl;		/* every worker's, one lock a set;
					 * NULL until a limit is set */
	server_reload_fn reload;
	void *reload_arg;
	const char *listen_text[OPTS_MAX_LISTEN];
	uint16_t ports[OPTS_MAX_LISTEN];
	const char *features[5];
	struct proto_env env;		/* the template of every snapshot's */
	struct siphash_key key;		/* random, for every worker's tables */
	struct timespec started;
};

static long long
uptime_s(void *arg)
{
	struct server *srv = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - srv->started.tv_sec);
}

/*
 * if_indextoname costs a socket, an ioctl and a close: a whoami-bound load
 * spent most of its time there.  Each worker keeps the names it looked up
 * for a second, so a renamed interface shows its new name within a second.
 */
#define IFNAME_SLOTS 8

struct ifname_slot {
	unsigned int ifindex;
	time_t looked_up;
	int known;
	char name[IF_NAMESIZE];
};

static _Thread_local struct ifname_slot ifname_cache[IFNAME_SLOTS];

static const char *
ifname(unsigned int ifindex, char *buf)
{
	struct ifname_slot *slot = &ifname_cache[ifindex % IFNAME_SLOTS];
	struct timespec now;

	if (ifindex == 0)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (slot->ifindex != ifindex || slot->looked_up != now.tv_sec) {
		slot->ifindex = ifindex;
		slot->looked_up = now.tv_sec;
		slot->known = if_indextoname(ifindex, slot->name) != NULL;
	}
	if (!slot->known)
		return NULL;
	memcpy(buf, slot->name, IF_NAMESIZE);
	return buf;
}

static void
sum_stats(const struct server *srv, struct stats *sum)
{
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < srv->nworkers; i++)
		stats_add(sum, &srv->worker[i].stats);
	if (srv->rl != NULL) {
		sum->rl_entries = ratelimit_used(srv->rl);
		sum->rl_slots = RATELIMIT_DEFAULT_SLOTS;
	}
}

/* The sum, then each worker's share of the datagrams: SO_REUSEPORT
 * spreads clients by address and port hash, and an operator should see
 * how evenly. */
static void
add_stats(void *arg, struct cJSON *obj)
{
	struct server *srv = arg;
	struct stats sum;
	cJSON *rx;
	unsigned int i;

	sum_stats(srv, &sum);
	stats_to_json(&sum, obj);
	if ((rx = cJSON_AddArrayToObject(obj, "worker_rx")) == NULL)
		return;
	for (i = 0; i < srv->nworkers; i++)
		cJSON_AddItemToArray(rx, cJSON_CreateNumber((double)
		    stats_rx_total(&srv->worker[i].stats)));
}

static void
set_features(struct server *srv)
{
	struct listener *l = &srv->worker[0].listener[0];
	const struct sock_features *f = sock_features(l->sock);
	size_t n = 0;

	if (f->dualstack)
		srv->features[n++] = "dualstack";
	if (f->pktinfo4)
		srv->features[n++] = "pktinfo4";
	if (f->pktinfo6)
		srv->features[n++] = "pktinfo6";
	if (sock_batch_is_batched(l->batch))
		srv->features[n++] = "batch";
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
	env->workers = srv->nworkers;
	env->listen = srv->listen_text;
	env->nlisten = srv->opts.nlisten;
	env->uptime_s = uptime_s;
	env->ifname = ifname;
	env->stats = add_stats;
	env->arg = srv;
	set_features(srv);
}

static int
is_v4(const struct sock_msg *msg)
{
	return addr_is_v4mapped(&msg->meta.peer.sin6_addr);
}

/* SO_RXQ_OVFL is the socket's running count, stamped on each datagram
 * as it was queued: count what it grew by. */
static void
count_rxq_drops(struct listener *l, const struct sock_msg *msg)
{
	uint32_t grew = msg->meta.rxq_drops - l->rxq_drops;

	if (msg->meta.rxq_drops == 0 || grew == 0 || grew > UINT32_MAX / 2)
		return;
	l->rxq_drops = msg->meta.rxq_drops;
	stats_add_n(&l->w->stats.counter[STATS_RXQ_DROPPED], grew);
}

/* A datagram that gets no answer by design says so at debug level, so
 * that a user whose client hears nothing can learn why. */
static void
log_unanswered(struct worker *w, const struct sock_msg *msg, const char *why)
{
	char peer[ADDR_STRLEN];

	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	log_limited(&w->drop_log_last, &w->drop_log_suppressed, LOG_LVL_DEBUG,
	    "no answer to %s: %s",
	    addr_format(peer, sizeof(peer), &msg->meta.peer), why);
}

/* The 3x rule left nothing to send: say what the client must do. */
static void
log_dropped(struct worker *w, const struct sock_msg *msg,
    const struct proto_outcome *res)
{
	char why[160];

	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	if (res->full != 0)
		snprintf(why, sizeof(why), "answer of %zu bytes exceeds "
		    "%u x %zu-byte request: pad the request", res->full,
		    w->set->env.amplification_factor, msg->len);
	else
		snprintf(why, sizeof(why), "even a \"truncated\" answer "
		    "exceeds %u x %zu-byte request: pad the request",
		    w->set->env.amplification_factor, msg->len);
	log_unanswered(w, msg, why);
}

/* Decide the answer of one received datagram into msg->tx. */
static void
handle(struct listener *l, struct sock_msg *msg)
{
	struct worker *w = l->w;
	enum policy_verdict v;
	struct proto_outcome res;
	size_t cap;

	if (msg->status == SOCK_RX_NO_PKTINFO) {
		stats_inc(&w->stats.counter[STATS_NO_PKTINFO]);
		return;
	}
	count_rxq_drops(l, msg);
	if (msg->status == SOCK_RX_COPY)
		return;
	stats_inc(&w->stats.counter[is_v4(msg) ? STATS_RX4 : STATS_RX6]);
	stats_count_local(&w->stats, &msg->meta.dst);
	if ((v = policy_check(&w->set->policy, &msg->meta.peer)) ==
	    POLICY_PASS && !ratelimit_allow(w->srv->rl, &w->set->rate,
	    &msg->meta.peer.sin6_addr, w->now_ns))
		v = POLICY_RATE_LIMITED;
	if (v != POLICY_PASS) {
		stats_inc(&w->stats.policy[v]);
		log_unanswered(w, msg, policy_verdict_reason(v));
		return;
	}
	msg->tx = sock_batch_tx(l->batch, &cap);
	msg->txlen = proto_answer(&w->set->env, w->work, &msg->meta,
	    sock_port(l->sock), msg->rx, msg->len, msg->tx, cap, &res);
	sock_batch_tx_commit(l->batch, msg->txlen);
	stats_inc(&w->stats.result[res.result]);
	if (res.result == PROTO_NOT_A_REQUEST) {
		log_unanswered(w, msg, "it is an answer (it has an \"ok\" or "
		    "\"error\" member), and answers are never answered");
		return;
	}
	if (res.fit == PROTO_FIT_TRUNCATED)
		stats_inc(&w->stats.counter[STATS_TRUNCATED]);
	else if (res.fit == PROTO_FIT_NONE) {
		stats_inc(&w->stats.counter[STATS_DROPPED]);
		log_dropped(w, msg, &res);
	}
}

static void
count_sent(struct listener *l, const struct sock_msg *msg)
{
	struct worker *w = l->w;
	char peer[ADDR_STRLEN], ebuf[16];

	if (msg->txlen == 0)
		return;
	if (msg->err == 0) {
		stats_inc(&w->stats.counter[is_v4(msg) ? STATS_TX4 :
		    STATS_TX6]);
		return;
	}
	stats_count_send_error(&w->stats, msg->err);
	if (!log_errno_is_noise(msg->err))
		log_limited(&w->log_last, &w->log_suppressed, LOG_LVL_WARN,
		    "answer to %s dropped: sendmsg: %s",
		    addr_format(peer, sizeof(peer), &msg->meta.peer),
		    log_errno_name(msg->err, ebuf, sizeof(ebuf)));
}

/* Send what is left of the batch; 0 when done, -1 when the socket is full
 * (the rest stays queued in the batch). */
static int
flush(struct listener *l)
{
	unsigned int from = l->next, i;
	int rc;

	rc = sock_send_batch(l->sock, l->batch, l->count, &l->next);
	for (i = from; i < l->next; i++)
		count_sent(l, sock_batch_msg(l->batch, i));
	return rc;
}

/* Stop reading until the queued answers are out: the kernel's receive
 * buffer, not our memory, absorbs the burst. */
static void
wait_writable(struct listener *l)
{
	struct timeval tv = { 0, SERVER_RETRY_MS * 1000 };

	event_del(l->rev);
	event_add(l->wev, &tv);
}

static void
drop_queued(struct listener *l)
{
	struct sock_msg *msg;

	for (; l->next < l->count; l->next++) {
		msg = sock_batch_msg(l->batch, l->next);
		if (msg->txlen == 0)
			continue;
		msg->err = ENOBUFS;
		count_sent(l, msg);
	}
}

static void
on_writable(evutil_socket_t fd, short what, void *arg)
{
	struct listener *l = arg;

	(void)fd;
	(void)what;
	if (flush(l) == -1 && ++l->retries < SERVER_RETRY_MAX) {
		wait_writable(l);
		return;
	}
	drop_queued(l);
	l->retries = 0;
	event_add(l->rev, NULL);
}

/* Between batches: take the newest snapshot, and say so, so that the
 * control thread can free the one this worker let go of.  The acquire
 * pairs with publish()'s release: the snapshot is whole when seen. */
static void
worker_sync(struct worker *w)
{
	const struct settings *set = __atomic_load_n(&w->srv->set,
	    __ATOMIC_ACQUIRE);

	if (set == w->set)
		return;
	w->set = set;
	__atomic_store_n(&w->gen_seen, set->gen, __ATOMIC_RELEASE);
}

/* An idle worker reads no batch: the control thread wakes it for this. */
static void
on_sync(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	worker_sync(arg);
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct listener *l = arg;
	struct worker *w = l->w;
	int round, n, i;

	(void)fd;
	(void)what;
	for (round = 0; round < SERVER_READ_BUDGET; round++) {
		worker_sync(w);
		if ((n = sock_recv_batch(l->sock, l->batch)) <= 0) {
			if (n == -1 && !log_errno_is_noise(errno))
				log_limited(&w->log_last, &w->log_suppressed,
				    LOG_LVL_WARN, "recvmsg on %s: %s", l->text,
				    log_strerror(errno));
			return;
		}
		w->now_ns = monotime_ns();
		for (i = 0; i < n; i++)
			handle(l, sock_batch_msg(l->batch, (unsigned int)i));
		l->count = (unsigned int)n;
		l->next = 0;
		if (flush(l) == -1) {
			wait_writable(l);
			return;
		}
	}
}

static int
open_listener(struct worker *w, struct listener *l,
    const struct sockaddr_in6 *addr)
{
	const struct opts *o = &w->srv->opts;
	struct sockaddr_in6 bound = *addr;
	int flags = 0;

	if (o->naive_source)
		flags |= SOCK_F_NAIVE;
	if (w->srv->nworkers > 1)
		flags |= SOCK_F_REUSEPORT;
	if (w->id == 0)
		flags |= SOCK_F_FIRST;
	l->w = w;
	if ((l->sock = sock_open(addr, flags)) == NULL)
		return -1;
	/* With -p 0 the kernel picked the port: show the real one. */
	bound.sin6_port = htons(sock_port(l->sock));
	addr_format(l->text, sizeof(l->text), &bound);
	l->batch = sock_batch_new(o->batch, SERVER_RX_CAP, SERVER_TX_CAP,
	    o->batch > 1);
	if (l->batch == NULL) {
		log_error("out of memory for %s", l->text);
		return -1;
	}
	return 0;
}

/* Worker 0 binds first; the others join its ports with SO_REUSEPORT. */
static int
open_worker(struct server *srv, struct worker *w)
{
	struct sockaddr_in6 addr;
	size_t i;

	w->srv = srv;
	if ((w->work = proto_work_new(&srv->key)) == NULL) {
		log_error("out of memory for worker %u", w->id);
		return -1;
	}
	for (i = 0; i < srv->opts.nlisten; i++) {
		addr = srv->opts.listen[i];
		if (w->id > 0)
			addr.sin6_port =
			    htons(sock_port(srv->worker[0].listener[i].sock));
		if (open_listener(w, &w->listener[i], &addr) == -1)
			return -1;
	}
	return 0;
}

/* The rate limiter's table, made when a setting first turns it on (2 MiB
 * that a daemon without a limit does not need), before any snapshot that
 * uses it is published: a worker reads srv->rl only under such a one. */
static int
need_limiter(struct server *srv)
{
	if (srv->rl != NULL)
		return 0;
	if ((srv->rl = ratelimit_new(RATELIMIT_DEFAULT_SLOTS, &srv->key)) ==
	    NULL) {
		log_error("out of memory for the rate limiter's table");
		return -1;
	}
	return 0;
}

static unsigned int
worker_count(unsigned int asked)
{
	return asked > 0 ? asked : plat_default_workers();
}

struct server *
server_open(const struct opts *o)
{
	struct server *srv;
	unsigned int i;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->opts = *o;
	srv->nworkers = worker_count(o->workers);
	if ((srv->worker = calloc(srv->nworkers, sizeof(*srv->worker))) ==
	    NULL) {
		free(srv);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &srv->started);
	if (plat_random(&srv->key, sizeof(srv->key)) == -1)
		goto fail;
	if (o->rate_limit.qps != 0 && need_limiter(srv) == -1)
		goto fail;
	for (i = 0; i < srv->nworkers; i++) {
		srv->worker[i].id = i;
		if (open_worker(srv, &srv->worker[i]) == -1)
			goto fail;
	}
	for (i = 0; i < o->nlisten; i++) {
		srv->listen_text[i] = srv->worker[0].listener[i].text;
		srv->ports[i] = sock_port(srv->worker[0].listener[i].sock);
		log_info("listening on %s", srv->listen_text[i]);
	}
	if (o->metrics_enabled &&
	    (srv->metrics = metrics_http_open(&o->metrics_listen)) == NULL)
		goto fail;
	set_env(srv);
	if ((srv->set = settings_new(&srv->opts, &srv->env, srv->ports,
	    o->nlisten, 1)) == NULL) {
		log_error("out of memory for the settings");
		goto fail;
	}
	for (i = 0; i < srv->nworkers; i++) {
		srv->worker[i].set = srv->set;
		srv->worker[i].gen_seen = srv->set->gen;
	}
	log_info("%u worker%s, %s I/O", srv->nworkers,
	    srv->nworkers == 1 ? "" : "s",
	    sock_batch_is_batched(srv->worker[0].listener[0].batch) ?
	    "batched" : "single-datagram");
	return srv;
fail:
	server_free(srv);
	return NULL;
}

void
server_set_reload(struct server *srv, server_reload_fn reload, void *arg)
{
	srv->reload = reload;
	srv->reload_arg = arg;
}

size_t
server_ports(const struct server *srv, uint16_t *out, size_t max)
{
	size_t i;

	for (i = 0; i < srv->opts.nlisten && i < max; i++)
		out[i] = srv->ports[i];
	return i;
}

/* loopexit, not loopbreak: it is an event, so it also stops a worker
 * whose thread has not entered its loop yet (a loop clears a break that
 * came before it). */
static void
stop_workers(struct server *srv)
{
	unsigned int i;

	for (i = 0; i < srv->nworkers; i++)
		event_base_loopexit(srv->worker[i].base, NULL);
}

static void
on_stop(void *arg, const char *why)
{
	struct server *srv = arg;

	log_info("%s: stopping", why);
	plat_notify("STOPPING=1");
	stop_workers(srv);
	event_base_loopbreak(srv->base);
}

/* Free the retired snapshots that no worker uses any more: those older
 * than the oldest one a worker still has. */
static void
reap(struct server *srv)
{
	struct settings **pp = &srv->set->older, *s;
	unsigned long oldest = srv->set->gen, seen;
	struct timeval tv = { 0, SERVER_REAP_MS * 1000 };
	unsigned int i;

	for (i = 0; i < srv->nworkers; i++) {
		seen = __atomic_load_n(&srv->worker[i].gen_seen,
		    __ATOMIC_ACQUIRE);
		if (seen < oldest)
			oldest = seen;
	}
	while (*pp != NULL && (*pp)->gen >= oldest)
		pp = &(*pp)->older;
	while ((s = *pp) != NULL) {
		*pp = s->older;
		settings_free(s);
	}
	if (srv->set->older != NULL)
		event_add(srv->reap_ev, &tv);
}

static void
on_reap(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	reap(arg);
}

/* Make set the current snapshot: each worker takes it at its next batch
 * boundary, or at once when idle; the old one is freed once all have. */
static void
publish(struct server *srv, struct settings *set)
{
	unsigned int i;

	set->older = srv->set;
	__atomic_store_n(&srv->set, set, __ATOMIC_RELEASE);
	for (i = 0; i < srv->nworkers; i++)
		event_active(srv->worker[i].sync_ev, EV_READ, 0);
	reap(srv);
}

/* What a reload cannot change without closing sockets or threads. */
static void
log_kept(const struct opts *now, const struct opts *asked)
{
	if (now->nlisten != asked->nlisten || memcmp(now->listen,
	    asked->listen, now->nlisten * sizeof(now->listen[0])) != 0)
		log_warn("reload: listen changed; it needs a restart, the "
		    "sockets stay as they are");
	if (now->workers != asked->workers)
		log_warn("reload: workers changed; it needs a restart, the "
		    "workers stay as they are");
	if (now->metrics_enabled != asked->metrics_enabled ||
	    memcmp(&now->metrics_listen, &asked->metrics_listen,
	    sizeof(now->metrics_listen)) != 0)
		log_warn("reload: metrics_listen changed; it needs a restart");
}

/* STATUS= for the service manager (systemctl status): the main
 * counters, every SERVER_STATUS_S seconds while it listens. */
static void
notify_status(struct server *srv)
{
	struct stats sum;
	char line[256];

	if (srv->status_ev == NULL)
		return;
	sum_stats(srv, &sum);
	snprintf(line, sizeof(line), "STATUS=serving: %llu received, "
	    "%llu answered, %llu dropped (3x), %llu denied, %llu rate "
	    "limited, %llu loop-guarded",
	    (unsigned long long)stats_rx_total(&sum),
	    (unsigned long long)(sum.counter[STATS_TX4] +
	    sum.counter[STATS_TX6]),
	    (unsigned long long)sum.counter[STATS_DROPPED],
	    (unsigned long long)sum.policy[POLICY_DENIED],
	    (unsigned long long)sum.policy[POLICY_RATE_LIMITED],
	    (unsigned long long)(sum.policy[POLICY_LOW_PORT] +
	    sum.policy[POLICY_OWN_PORT] + sum.result[PROTO_NOT_A_REQUEST]));
	plat_notify(line);
}

static void
on_status(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	notify_status(arg);
}

/* The settings read anew; a failure keeps the old ones. */
static void
reload(struct server *srv)
{
	struct settings *set;
	struct opts o;
	char err[512];
	int rate_changed;

	if (srv->reload(srv->reload_arg, &o, err, sizeof(err)) == -1) {
		log_error("SIGHUP: %s; the old settings stay", err);
		opts_free(&o);
		return;
	}
	log_kept(&srv->opts, &o);
	if ((set = settings_new(&o, &srv->env, srv->ports, srv->opts.nlisten,
	    srv->set->gen + 1)) == NULL) {
		log_error("SIGHUP: out of memory; the old settings stay");
		opts_free(&o);
		return;
	}
	opts_free(&o);
	if (set->rate.qps != 0 && need_limiter(srv) == -1) {
		settings_free(set);
		return;
	}
	log_set_level(set->log_level);
	rate_changed = settings_rate_changed(srv->set, set);
	publish(srv, set);
	if (rate_changed && srv->rl != NULL)
		ratelimit_reset(srv->rl);
	log_info("SIGHUP: settings reloaded (generation %lu)", set->gen);
}

/* SIGHUP; the service manager is told it is reloading until it is done,
 * whether the new settings took or not. */
static void
on_reload(void *arg)
{
	struct server *srv = arg;

	if (srv->reload == NULL) {
		log_info("SIGHUP: no config file in use, nothing to reload");
		return;
	}
	plat_notify("RELOADING=1");
	reload(srv);
	plat_notify("READY=1");
	notify_status(srv);
}

/* SIGUSR1: the counters so far, and serving goes on. */
static void
on_counters(void *arg)
{
	struct stats sum;

	sum_stats(arg, &sum);
	stats_log(&sum);
}

static size_t
metrics_page(void *arg, char *buf, size_t cap)
{
	struct server *srv = arg;
	struct metrics_info info;
	uint64_t rx[OPTS_MAX_WORKERS];
	struct stats sum;
	unsigned int i;

	sum_stats(srv, &sum);
	for (i = 0; i < srv->nworkers; i++)
		rx[i] = stats_rx_total(&srv->worker[i].stats);
	info.version = PACKAGE_VERSION;
	info.uptime_s = uptime_s(srv);
	info.worker_rx = rx;
	info.nworkers = srv->nworkers;
	return metrics_format(buf, cap, &sum, &info);
}

static int
add_worker_events(struct worker *w)
{
	struct listener *l;
	size_t i;

	if ((w->base = event_base_new()) == NULL ||
	    (w->sync_ev = event_new(w->base, -1, 0, on_sync, w)) == NULL)
		return -1;
	for (i = 0; i < w->srv->opts.nlisten; i++) {
		l = &w->listener[i];
		l->rev = event_new(w->base, (evutil_socket_t)sock_handle(l->sock),
		    EV_READ | EV_PERSIST, on_readable, l);
		l->wev = event_new(w->base, (evutil_socket_t)sock_handle(l->sock),
		    EV_WRITE, on_writable, l);
		if (l->rev == NULL || l->wev == NULL ||
		    event_add(l->rev, NULL) == -1)
			return -1;
	}
	return 0;
}

static void *
run_worker(void *arg)
{
	struct worker *w = arg;

	if (event_base_dispatch(w->base) == -1)
		log_error("worker %u: event loop failed", w->id);
	return NULL;
}

/* Workers run in threads that never take a signal: the control thread's
 * events see them all. */
static int
start_threads(struct server *srv)
{
	unsigned int i;
	int rc;

	for (i = 0; i < srv->nworkers; i++) {
		rc = plat_thread_start(&srv->worker[i].thread, run_worker,
		    &srv->worker[i]);
		if (rc != 0) {
			log_error("pthread_create for worker %u: %s", i,
			    strerror(rc));
			return -1;
		}
		srv->nthreads++;
	}
	return 0;
}

static void
join_threads(struct server *srv)
{
	unsigned int i;

	for (i = 0; i < srv->nthreads; i++)
		pthread_join(srv->worker[i].thread, NULL);
}

/* The control thread's loop: signals, metrics, retired snapshots. */
static int
add_control_events(struct server *srv)
{
	static const struct timeval status_tv = { SERVER_STATUS_S, 0 };
	struct plat_signals sig;

	if ((srv->base = event_base_new()) == NULL ||
	    (srv->reap_ev = evtimer_new(srv->base, on_reap, srv)) == NULL) {
		log_error("cannot set up the control thread's event loop");
		return -1;
	}
	sig.stop = on_stop;
	sig.reload = on_reload;
	sig.counters = on_counters;
	sig.arg = srv;
	if ((srv->stop = plat_stop_new(srv->base, &sig)) == NULL)
		return -1;
	if (srv->metrics != NULL && metrics_http_start(srv->metrics, srv->base,
	    metrics_page, srv) == -1)
		return -1;
	if (getenv("NOTIFY_SOCKET") != NULL) {
		if ((srv->status_ev = event_new(srv->base, -1, EV_PERSIST,
		    on_status, srv)) == NULL || event_add(srv->status_ev,
		    &status_tv) == -1) {
			log_error("cannot set up the service status timer");
			return -1;
		}
	}
	return 0;
}

int
server_loop(struct server *srv)
{
	struct stats sum;
	unsigned int i;
	int rc = 0;

	/* Bases are made here, after any fork for -d, so their fds are ours. */
	if (plat_evthread() == -1)
		return -1;
	for (i = 0; i < srv->nworkers; i++) {
		if (add_worker_events(&srv->worker[i]) == -1) {
			log_error("worker %u: cannot set up its event loop", i);
			return -1;
		}
	}
	if (add_control_events(srv) == -1)
		return -1;
	log_info("serving (%s backend)",
	    event_base_get_method(srv->worker[0].base));
	if (start_threads(srv) == -1)
		rc = -1;
	else {
		/* The workers read their sockets: the port answers.  Last of
		 * the start-up: -d's parent exits 0 on it. */
		plat_ready();
		plat_notify("READY=1");
		notify_status(srv);
		if (event_base_loop(srv->base, EVLOOP_NO_EXIT_ON_EMPTY) == -1) {
			log_error("the control thread's event loop failed");
			rc = -1;
		}
	}
	stop_workers(srv);
	join_threads(srv);
	sum_stats(srv, &sum);
	stats_log(&sum);
	return rc;
}

static void
free_worker(struct worker *w)
{
	struct listener *l;
	size_t i;

	for (i = 0; i < OPTS_MAX_LISTEN; i++) {
		l = &w->listener[i];
		if (l->rev != NULL)
			event_free(l->rev);
		if (l->wev != NULL)
			event_free(l->wev);
		sock_batch_free(l->batch);
		sock_close(l->sock);
	}
	if (w->sync_ev != NULL)
		event_free(w->sync_ev);
	if (w->base != NULL)
		event_base_free(w->base);
	proto_work_free(w->work);
}

void
server_free(struct server *srv)
{
	struct settings *set;
	unsigned int i;

	if (srv == NULL)
		return;
	plat_stop_free(srv->stop);
	metrics_http_free(srv->metrics);
	if (srv->reap_ev != NULL)
		event_free(srv->reap_ev);
	if (srv->status_ev != NULL)
		event_free(srv->status_ev);
	for (i = 0; i < srv->nworkers; i++)
		free_worker(&srv->worker[i]);
	while ((set = srv->set) != NULL) {
		srv->set = set->older;
		settings_free(set);
	}
	if (srv->base != NULL)
		event_base_free(srv->base);
	ratelimit_free(srv->rl);
	free(srv->worker);
	free(srv);
}
