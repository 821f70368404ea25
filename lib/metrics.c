/* metrics: the Prometheus text page.  Names follow the Prometheus naming
 * conventions (prometheus.io/docs/practices/naming): a pktinfod_ prefix,
 * counters ending in _total, units in the name, one family per thing
 * counted and a label for its kinds. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "log.h"
#include "metrics.h"
#include "policy.h"
#include "proto.h"

/* The page as it is written: like snprintf, it counts what did not fit. */
struct page {
	char	*buf;
	size_t	 cap;
	size_t	 len;
};

static void put(struct page *, const char *, ...)
    __attribute__((format(PRINTF_ARCHETYPE, 2, 3)));

static void
put(struct page *pg, const char *fmt, ...)
{
	va_list ap;
	size_t room = pg->len < pg->cap ? pg->cap - pg->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? pg->buf + pg->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		pg->len += (size_t)n;
}

static void
family(struct page *pg, const char *name, const char *type, const char *help)
{
	put(pg, "# HELP pktinfod_%s %s\n# TYPE pktinfod_%s %s\n", name, help,
	    name, type);
}

static void
sample(struct page *pg, const char *name, const char *label,
    const char *value, uint64_t n)
{
	if (label == NULL)
		put(pg, "pktinfod_%s %llu\n", name, (unsigned long long)n);
	else
		put(pg, "pktinfod_%s{%s=\"%s\"} %llu\n", name, label, value,
		    (unsigned long long)n);
}

static void
per_family(struct page *pg, const char *name, const char *help,
    uint64_t v4, uint64_t v6)
{
	family(pg, name, "counter", help);
	sample(pg, name, "family", "ipv4", v4);
	sample(pg, name, "family", "ipv6", v6);
}

/* Every datagram that got no answer by design, by why; the label values
 * are the stats answer's names, but for the 3x rule's "dropped". */
static void
drops(struct page *pg, const struct stats *st)
{
	unsigned int i;

	family(pg, "drops_total", "counter", "Datagrams that got no answer, "
	    "by reason.");
	sample(pg, "drops_total", "reason", "amplification",
	    st->counter[STATS_DROPPED]);
	sample(pg, "drops_total", "reason", "not_a_request",
	    st->result[PROTO_NOT_A_REQUEST]);
	for (i = POLICY_PASS + 1; i < POLICY_VERDICT_MAX; i++)
		sample(pg, "drops_total", "reason", policy_verdict_name(i),
		    st->policy[i]);
	sample(pg, "drops_total", "reason", "no_pktinfo",
	    st->counter[STATS_NO_PKTINFO]);
	sample(pg, "drops_total", "reason", "rx_queue_overflow",
	    st->counter[STATS_RXQ_DROPPED]);
}

static void
send_errors(struct page *pg, const struct stats *st)
{
	char name[16];
	unsigned int i;

	family(pg, "send_errors_total", "counter", "Answers that sendmsg "
	    "refused, by errno.");
	for (i = 0; i < STATS_ERRNO_SLOTS && st->send_err[i].n > 0; i++)
		sample(pg, "send_errors_total", "errno",
		    log_errno_name(st->send_err[i].err, name, sizeof(name)),
		    st->send_err[i].n);
	if (st->send_err_other > 0)
		sample(pg, "send_errors_total", "errno", "other",
		    st->send_err_other);
}

/* Address texts hold no quote or backslash, so they need no escaping. */
static void
locals(struct page *pg, const struct stats *st)
{
	char text[ADDR_STRLEN];
	unsigned int i;

	family(pg, "local_datagrams_received_total", "counter", "Datagrams "
	    "received, by the local address they were sent to.");
	for (i = 0; i < st->nlocal; i++)
		sample(pg, "local_datagrams_received_total", "addr",
		    addr_ntop(text, sizeof(text), &st->local[i].addr, 0),
		    st->local[i].rx);
	sample(pg, "local_datagrams_received_total", "addr", "other",
	    st->local_other);
}

static void
workers(struct page *pg, const struct metrics_info *info)
{
	char id[16];
	unsigned int i;

	family(pg, "workers", "gauge", "Worker threads serving datagrams.");
	sample(pg, "workers", NULL, NULL, info->nworkers);
	family(pg, "worker_datagrams_received_total", "counter", "Datagrams "
	    "received, by worker (SO_REUSEPORT spreads clients by hash).");
	for (i = 0; i < info->nworkers; i++) {
		snprintf(id, sizeof(id), "%u", i);
		sample(pg, "worker_datagrams_received_total", "worker", id,
		    info->worker_rx[i]);
	}
}

size_t
metrics_format(char *buf, size_t cap, const struct stats *st,
    const struct metrics_info *info)
{
	struct page pg = { buf, cap, 0 };
	unsigned int i;

	if (cap > 0)
		buf[0] = '\0';
	family(&pg, "build_info", "gauge", "Always 1; the version is a label.");
	sample(&pg, "build_info", "version", info->version, 1);
	family(&pg, "uptime_seconds", "gauge", "Seconds since the daemon "
	    "started.");
	sample(&pg, "uptime_seconds", NULL, NULL,
	    info->uptime_s > 0 ? (uint64_t)info->uptime_s : 0);
	workers(&pg, info);
	per_family(&pg, "datagrams_received_total", "Datagrams received, by "
	    "the client's family.", st->counter[STATS_RX4],
	    st->counter[STATS_RX6]);
	per_family(&pg, "datagrams_sent_total", "Answers sent, by the "
	    "client's family.", st->counter[STATS_TX4],
	    st->counter[STATS_TX6]);
	family(&pg, "requests_total", "counter", "Requests, by what they "
	    "were (the error code of their answer), answered or not.");
	for (i = PROTO_OK; i < PROTO_RESULT_MAX; i++)
		if (i != PROTO_NOT_A_REQUEST)
			sample(&pg, "requests_total", "result",
			    proto_result_name(i), st->result[i]);
	family(&pg, "answers_truncated_total", "counter", "Answers replaced "
	    "by \"truncated\" under the anti-amplification rule.");
	sample(&pg, "answers_truncated_total", NULL, NULL,
	    st->counter[STATS_TRUNCATED]);
	drops(&pg, st);
	family(&pg, "rate_limit_entries", "gauge", "Source prefixes the rate "
	    "limiter's tables hold.");
	sample(&pg, "rate_limit_entries", NULL, NULL, st->rl_entries);
	family(&pg, "rate_limit_slots", "gauge", "What the rate limiter's "
	    "tables can hold (fixed at start).");
	sample(&pg, "rate_limit_slots", NULL, NULL, st->rl_slots);
	send_errors(&pg, st);
	locals(&pg, st);
	return pg.len;
}
