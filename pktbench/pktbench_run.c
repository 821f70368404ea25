/* pktbench_run: sockets, threads and the closed loop. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/epoll.h>
#include <sys/resource.h>
#include <netinet/udp.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "pktbench_run.h"

/* Room for any answer to a request of up to 32 KiB under the default
 * amplification factor, or for the largest datagram. */
#define RX_MIN_CAP	4096
#define RX_MAX_CAP	65536
/* udp(7) UDP_SEGMENT: at most 64 segments and 64 KiB per send. */
#define GSO_MAX_SEGS	64
#define GSO_MAX_BYTES	65000

struct slot {
	uint64_t sent_ns;
	uint64_t gen;		/* this slot's id is gen * window + index */
	int busy;
};

/* One socket: W slots, each with its own request buffer, and the
 * mmsghdr arrays for both directions, all allocated before the loop. */
struct conn {
	int fd;
	struct slot *slot;
	unsigned char *txbuf;
	struct iovec *txiov;		/* per slot */
	struct mmsghdr *tx;		/* per batch entry */
	unsigned char *rxbuf;
	struct iovec *rxiov;
	struct mmsghdr *rx;
	uint32_t *todo;			/* slots to send next */
	size_t ntodo;
	uint32_t *ring;			/* FIFO matching: slots in send order */
	size_t head, inflight;
	struct iovec *gsoiov;		/* per batch entry */
	int gso;			/* UDP_SEGMENT works on this socket */
};

struct worker {
	const struct bench_cfg *cfg;
	struct conn *conns;
	int nconns;
	int ep;
	size_t rxcap;
	uint64_t gen_mod;		/* generations before an id repeats */
	uint64_t timeout_ns;
	uint64_t t_measure, t_end;
	struct bench_counts n;
	struct bench_hist hist;
	char first_error[128];
	pthread_t tid;
	int started;
};

static void
sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000u),
	    (long)(t % 1000000000u) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void
keep_error(struct worker *w, const unsigned char *ans, size_t len)
{
	size_t i, n = len < sizeof(w->first_error) - 1 ? len :
	    sizeof(w->first_error) - 1;

	if (w->first_error[0] != '\0')
		return;
	for (i = 0; i < n; i++)
		w->first_error[i] = ans[i] >= 0x20 && ans[i] < 0x7f ?
		    (char)ans[i] : '.';
	w->first_error[n] = '\0';
}

static void
queue_slot(struct conn *c, uint32_t idx)
{
	c->slot[idx].busy = 0;
	c->todo[c->ntodo++] = idx;
}

/* The slot an answer belongs to, or -1 when it is late or unknown. */
static long
match_answer(struct worker *w, struct conn *c, uint64_t id)
{
	uint64_t win = (uint64_t)w->cfg->window;
	uint32_t idx;

	if (w->cfg->req->match == BENCH_MATCH_FIFO) {
		if (c->inflight == 0)
			return -1;
		idx = c->ring[c->head];
		c->head = (c->head + 1) % win;
		c->inflight--;
		return idx;
	}
	idx = (uint32_t)(id % win);
	if (!c->slot[idx].busy || c->slot[idx].gen != id / win)
		return -1;
	return idx;
}

static void
take_answer(struct worker *w, struct conn *c, const unsigned char *ans,
    size_t len, int cut, uint64_t t)
{
	int counting = t >= w->t_measure;
	enum bench_verdict v;
	uint64_t id = 0;
	long idx;

	v = bench_req_check(w->cfg->req, ans, len, &id);
	if (cut && v == BENCH_ANS_OK)
		v = BENCH_ANS_ERROR;
	if (v != BENCH_ANS_OK && counting) {
		w->n.errors++;
		keep_error(w, ans, len);
	}
	if (v == BENCH_ANS_NOID)
		return;
	if ((idx = match_answer(w, c, id)) < 0) {
		w->n.late += counting;
		return;
	}
	if (counting) {
		w->n.ok += v == BENCH_ANS_OK;
		bench_hist_add(&w->hist, t - c->slot[idx].sent_ns);
	}
	queue_slot(c, (uint32_t)idx);
}

/* One send for up to GSO_MAX_SEGS requests of equal size (udp(7)
 * UDP_SEGMENT): the kernel builds one buffer and cuts it into the same
 * datagrams before the server's socket.  On loopback that saves pktbench
 * about a tenth of its CPU per answer against sendmmsg, enough to stay
 * cheaper than the bare reflector (bench/README.md).  The number sent, 0
 * to let sendmmsg try, or -1 after switching it off for good. */
static int
send_gso(struct conn *c, size_t from, size_t n, size_t len)
{
	union {
		struct cmsghdr align;
		unsigned char buf[CMSG_SPACE(sizeof(uint16_t))];
	} control;
	struct cmsghdr *cm;
	struct msghdr msg;
	uint16_t seg = (uint16_t)len;
	size_t i, count = n - from;

	if (count > GSO_MAX_SEGS)
		count = GSO_MAX_SEGS;
	if (count > GSO_MAX_BYTES / len)
		count = GSO_MAX_BYTES / len;
	if (count < 2)
		return 0;
	for (i = 0; i < count; i++)
		c->gsoiov[i] = *c->tx[from + i].msg_hdr.msg_iov;
	memset(&control, 0, sizeof(control));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = c->gsoiov;
	msg.msg_iovlen = count;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	if (sendmsg(c->fd, &msg, 0) == -1) {
		if (errno != EINVAL && errno != EIO && errno != EOPNOTSUPP &&
		    errno != ENOPROTOOPT)
			return 0;
		c->gso = 0;
		return -1;
	}
	return (int)count;
}

/* Every queued slot gets a new id and leaves in UDP_SEGMENT sends, else
 * one sendmmsg; a refused request stays busy and comes back through the
 * timeout. */
static void
send_queued(struct worker *w, struct conn *c)
{
	const struct bench_req *req = w->cfg->req;
	uint64_t win = (uint64_t)w->cfg->window, t;
	size_t i, done = 0, n = c->ntodo;
	struct slot *s;
	uint32_t idx;
	int r;

	for (i = 0; i < n; i++) {
		idx = c->todo[i];
		s = &c->slot[idx];
		s->gen = (s->gen + 1) % w->gen_mod;
		bench_req_write_id(req, c->txbuf + idx * req->len,
		    s->gen * win + idx);
		c->tx[i].msg_hdr.msg_iov = &c->txiov[idx];
	}
	t = monotime_ns();
	for (i = 0; i < n; i++) {
		idx = c->todo[i];
		c->slot[idx].sent_ns = t;
		c->slot[idx].busy = 1;
		if (req->match == BENCH_MATCH_FIFO)
			c->ring[(c->head + c->inflight++) % win] = idx;
	}
	while (done < n && c->gso && n - done > 1 &&
	    (r = send_gso(c, done, n, req->len)) > 0)
		done += (size_t)r;
	while (done < n) {
		r = sendmmsg(c->fd, c->tx + done, (unsigned int)(n - done), 0);
		if (r > 0) {
			done += (size_t)r;
		} else if (r == -1 && errno != EINTR) {
			/* Connected UDP reports an earlier ICMP error here
			 * once; skip the one request it cost. */
			w->n.send_errors += t >= w->t_measure;
			done++;
		}
	}
	if (t >= w->t_measure)
		w->n.sent += n;
	c->ntodo = 0;
}

static void
receive(struct worker *w, struct conn *c)
{
	struct mmsghdr *m;
	uint64_t t;
	int i, n;

	n = recvmmsg(c->fd, c->rx, (unsigned int)w->cfg->window, MSG_DONTWAIT,
	    NULL);
	if (n <= 0)
		return;
	t = monotime_ns();
	for (i = 0; i < n; i++) {
		m = &c->rx[i];
		take_answer(w, c, m->msg_hdr.msg_iov->iov_base, m->msg_len,
		    (m->msg_hdr.msg_flags & MSG_TRUNC) != 0, t);
		m->msg_hdr.msg_flags = 0;
	}
	send_queued(w, c);
}

/* Requests older than the timeout are lost; in FIFO order only the oldest
 * can be, in id order any slot. */
static void
expire(struct worker *w, struct conn *c, uint64_t t)
{
	uint64_t win = (uint64_t)w->cfg->window, lost = 0;
	uint32_t i;

	if (w->cfg->req->match == BENCH_MATCH_FIFO) {
		while (c->inflight > 0 && t - c->slot[c->ring[c->head]].sent_ns >=
		    w->timeout_ns) {
			queue_slot(c, c->ring[c->head]);
			c->head = (c->head + 1) % win;
			c->inflight--;
			lost++;
		}
	} else {
		for (i = 0; i < win; i++) {
			if (c->slot[i].busy &&
			    t - c->slot[i].sent_ns >= w->timeout_ns) {
				queue_slot(c, i);
				lost++;
			}
		}
	}
	if (t >= w->t_measure)
		w->n.lost += lost;
	if (c->ntodo > 0)
		send_queued(w, c);
}

static int
wait_ms(uint64_t now, uint64_t until)
{
	return until <= now ? 0 : (int)((until - now + 999999) / 1000000);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev[64];
	uint64_t scan_ns, next_scan, t;
	int i, n;

	scan_ns = w->timeout_ns / 4 > 1000000 ? w->timeout_ns / 4 : 1000000;
	for (i = 0; i < w->nconns; i++) {
		for (n = 0; n < w->cfg->window; n++)
			queue_slot(&w->conns[i], (uint32_t)n);
		send_queued(w, &w->conns[i]);
	}
	next_scan = monotime_ns() + scan_ns;
	while ((t = monotime_ns()) < w->t_end) {
		n = epoll_wait(w->ep, ev, 64, wait_ms(t, next_scan < w->t_end ?
		    next_scan : w->t_end));
		for (i = 0; i < n; i++)
			receive(w, ev[i].data.ptr);
		if ((t = monotime_ns()) >= next_scan) {
			for (i = 0; i < w->nconns; i++)
				expire(w, &w->conns[i], t);
			next_scan = t + scan_ns;
		}
	}
	return NULL;
}

static int
conn_alloc(struct conn *c, const struct bench_req *req, size_t win,
    size_t rxcap)
{
	size_t i;

	c->slot = calloc(win, sizeof(*c->slot));
	c->txbuf = malloc(win * req->len);
	c->txiov = calloc(win, sizeof(*c->txiov));
	c->tx = calloc(win, sizeof(*c->tx));
	c->rxbuf = malloc(win * rxcap);
	c->rxiov = calloc(win, sizeof(*c->rxiov));
	c->rx = calloc(win, sizeof(*c->rx));
	c->todo = calloc(win, sizeof(*c->todo));
	c->ring = calloc(win, sizeof(*c->ring));
	c->gsoiov = calloc(win, sizeof(*c->gsoiov));
	if (c->gsoiov == NULL || c->slot == NULL || c->txbuf == NULL || c->txiov == NULL ||
	    c->tx == NULL || c->rxbuf == NULL || c->rxiov == NULL ||
	    c->rx == NULL || c->todo == NULL || c->ring == NULL)
		return -1;
	for (i = 0; i < win; i++) {
		memcpy(c->txbuf + i * req->len, req->tmpl, req->len);
		c->txiov[i].iov_base = c->txbuf + i * req->len;
		c->txiov[i].iov_len = req->len;
		c->tx[i].msg_hdr.msg_iovlen = 1;
		c->rxiov[i].iov_base = c->rxbuf + i * rxcap;
		c->rxiov[i].iov_len = rxcap;
		c->rx[i].msg_hdr.msg_iov = &c->rxiov[i];
		c->rx[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static void
conn_free(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->slot);
	free(c->txbuf);
	free(c->txiov);
	free(c->tx);
	free(c->rxbuf);
	free(c->rxiov);
	free(c->rx);
	free(c->todo);
	free(c->ring);
	free(c->gsoiov);
}

/* A connected socket: the kernel drops answers from any other address or
 * port (udp(7)), so every answer counted came from exactly the target. */
static int
conn_open(struct worker *w, struct conn *c, char *err, size_t errlen)
{
	const struct bench_cfg *cfg = w->cfg;
	struct epoll_event ev;
	int rcvbuf;

	c->fd = socket(cfg->dst.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* Room for a whole window of answers; the kernel caps it at
	 * net.core.rmem_max, which is fine: the default holds about 150. */
	rcvbuf = cfg->window * 2048;
	if (rcvbuf > 212992)
		(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	if (connect(c->fd, (const struct sockaddr *)&cfg->dst,
	    cfg->dstlen) == -1) {
		snprintf(err, errlen, "connect: %s", strerror(errno));
		return -1;
	}
	if (conn_alloc(c, cfg->req, (size_t)cfg->window, w->rxcap) == -1) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	c->gso = cfg->gso;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev) == -1) {
		snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Sockets go round-robin: worker i gets sockets i, i + T, ... */
static int
worker_open(struct worker *w, const struct bench_cfg *cfg, int index,
    char *err, size_t errlen)
{
	int i;

	w->cfg = cfg;
	w->nconns = cfg->conns / cfg->threads +
	    (index < cfg->conns % cfg->threads);
	w->rxcap = cfg->req->len * 4 > RX_MIN_CAP ? cfg->req->len * 4 :
	    RX_MIN_CAP;
	if (w->rxcap > RX_MAX_CAP)
		w->rxcap = RX_MAX_CAP;
	w->gen_mod = cfg->req->id_space == 0 ? 1 :
	    cfg->req->id_space / (uint64_t)cfg->window;
	w->timeout_ns = (uint64_t)cfg->timeout_ms * 1000000u;
	bench_hist_init(&w->hist);
	if ((w->ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		snprintf(err, errlen, "epoll_create1: %s", strerror(errno));
		return -1;
	}
	if ((w->conns = calloc((size_t)w->nconns, sizeof(*w->conns))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < w->nconns; i++)
		w->conns[i].fd = -1;
	for (i = 0; i < w->nconns; i++)
		if (conn_open(w, &w->conns[i], err, errlen) == -1)
			return -1;
	return 0;
}

static void
worker_close(struct worker *w)
{
	int i;

	if (w->conns != NULL)
		for (i = 0; i < w->nconns; i++)
			conn_free(&w->conns[i]);
	free(w->conns);
	if (w->ep >= 0)
		close(w->ep);
}

static void
collect(struct bench_result *res, const struct worker *w)
{
	int i;

	for (i = 0; i < w->nconns; i++)
		if (!w->conns[i].gso)
			res->gso = 0;
	res->n.sent += w->n.sent;
	res->n.ok += w->n.ok;
	res->n.errors += w->n.errors;
	res->n.lost += w->n.lost;
	res->n.late += w->n.late;
	res->n.send_errors += w->n.send_errors;
	bench_hist_merge(&res->hist, &w->hist);
	if (res->first_error[0] == '\0')
		memcpy(res->first_error, w->first_error,
		    sizeof(res->first_error));
}

/* The workers start at once; the main thread only reads the CPU clock at
 * the edges of the measured window. */
static int
start_and_measure(struct worker *w, int nw, const struct bench_cfg *cfg,
    struct bench_result *res, char *err, size_t errlen)
{
	uint64_t t0 = monotime_ns();
	double cpu0;
	int i, rc;

	for (i = 0; i < nw; i++) {
		w[i].t_measure = t0 + (uint64_t)(cfg->warmup_s * 1e9);
		w[i].t_end = w[i].t_measure + (uint64_t)(cfg->duration_s * 1e9);
	}
	for (i = 0; i < nw; i++) {
		if ((rc = pthread_create(&w[i].tid, NULL, worker_main,
		    &w[i])) != 0) {
			snprintf(err, errlen, "pthread_create: %s",
			    strerror(rc));
			errno = rc;
			return -1;
		}
		w[i].started = 1;
	}
	sleep_until(w[0].t_measure);
	cpu0 = cpu_seconds();
	sleep_until(w[0].t_end);
	res->cpu_s = cpu_seconds() - cpu0;
	res->elapsed_s = cfg->duration_s;
	return 0;
}

int
bench_run(const struct bench_cfg *cfg, struct bench_result *res,
    char *err, size_t errlen)
{
	struct worker *w;
	int i, rc = 0, saved = 0;

	memset(res, 0, sizeof(*res));
	bench_hist_init(&res->hist);
	res->gso = cfg->gso;
	if ((w = calloc((size_t)cfg->threads, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < cfg->threads; i++)
		w[i].ep = -1;
	for (i = 0; i < cfg->threads && rc == 0; i++)
		rc = worker_open(&w[i], cfg, i, err, errlen);
	if (rc == 0)
		rc = start_and_measure(w, cfg->threads, cfg, res, err, errlen);
	saved = errno;
	for (i = 0; i < cfg->threads; i++) {
		if (w[i].started) {
			pthread_join(w[i].tid, NULL);
			collect(res, &w[i]);
		}
		worker_close(&w[i]);
	}
	free(w);
	errno = saved;
	return rc;
}
