/* stats: the daemon's counters. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "addr.h"
#include "log.h"
#include "stats.h"

static uint64_t
load(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static void
add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, load(c) + n, __ATOMIC_RELAXED);
}

/* A new slot is filled before nlocal is published (release), so a reader
 * that loads nlocal with acquire sees whole addresses. */
static void
add_local(struct stats *st, const struct in6_addr *dst, uint64_t n)
{
	unsigned int i, nlocal = st->nlocal;

	for (i = 0; i < nlocal; i++) {
		if (memcmp(&st->local[i].addr, dst, sizeof(*dst)) == 0) {
			add(&st->local[i].rx, n);
			return;
		}
	}
	if (nlocal == STATS_LOCAL_SLOTS) {
		add(&st->local_other, n);
		return;
	}
	st->local[nlocal].addr = *dst;
	__atomic_store_n(&st->local[nlocal].rx, n, __ATOMIC_RELAXED);
	__atomic_store_n(&st->nlocal, nlocal + 1, __ATOMIC_RELEASE);
}

void
stats_count_local(struct stats *st, const struct in6_addr *dst)
{
	add_local(st, dst, 1);
}

/* As for add_local: err is written before n is published. */
static void
add_send_errors(struct stats *st, int err, uint64_t n)
{
	unsigned int i;

	for (i = 0; i < STATS_ERRNO_SLOTS; i++) {
		if (st->send_err[i].n == 0) {
			st->send_err[i].err = err;
			__atomic_store_n(&st->send_err[i].n, n,
			    __ATOMIC_RELEASE);
			return;
		}
		if (st->send_err[i].err == err) {
			add(&st->send_err[i].n, n);
			return;
		}
	}
	add(&st->send_err_other, n);
}

void
stats_count_send_error(struct stats *st, int err)
{
	stats_inc(&st->counter[STATS_SEND_ERRORS]);
	add_send_errors(st, err, 1);
}

uint64_t
stats_rx_total(const struct stats *st)
{
	return load(&st->counter[STATS_RX4]) + load(&st->counter[STATS_RX6]);
}

void
stats_add(struct stats *dst, const struct stats *src)
{
	unsigned int i, nlocal;
	uint64_t n;

	for (i = 0; i < STATS_COUNTER_MAX; i++)
		add(&dst->counter[i], load(&src->counter[i]));
	for (i = 0; i < PROTO_RESULT_MAX; i++)
		add(&dst->result[i], load(&src->result[i]));
	for (i = 0; i < POLICY_VERDICT_MAX; i++)
		add(&dst->policy[i], load(&src->policy[i]));
	nlocal = __atomic_load_n(&src->nlocal, __ATOMIC_ACQUIRE);
	for (i = 0; i < nlocal; i++)
		add_local(dst, &src->local[i].addr, load(&src->local[i].rx));
	add(&dst->local_other, load(&src->local_other));
	for (i = 0; i < STATS_ERRNO_SLOTS; i++) {
		n = __atomic_load_n(&src->send_err[i].n, __ATOMIC_ACQUIRE);
		if (n == 0)
			break;
		add_send_errors(dst, src->send_err[i].err, n);
	}
	add(&dst->send_err_other, load(&src->send_err_other));
}

static int
local_cmp(const void *a, const void *b)
{
	const struct stats_local *la = a, *lb = b;

	return la->rx < lb->rx ? 1 : la->rx > lb->rx ? -1 :
	    memcmp(&la->addr, &lb->addr, sizeof(la->addr));
}

static void
add_family_pair(cJSON *obj, const char *name, uint64_t v4, uint64_t v6)
{
	cJSON *pair = cJSON_AddObjectToObject(obj, name);

	cJSON_AddNumberToObject(pair, "ipv4", (double)v4);
	cJSON_AddNumberToObject(pair, "ipv6", (double)v6);
}

static void
add_send_error_json(const struct stats *st, cJSON *obj)
{
	cJSON *errs = cJSON_AddObjectToObject(obj, "send_errors");
	char buf[16];
	unsigned int i;

	for (i = 0; i < STATS_ERRNO_SLOTS && st->send_err[i].n > 0; i++)
		cJSON_AddNumberToObject(errs,
		    log_errno_name(st->send_err[i].err, buf, sizeof(buf)),
		    (double)st->send_err[i].n);
	if (st->send_err_other > 0)
		cJSON_AddNumberToObject(errs, "other",
		    (double)st->send_err_other);
}

static void
add_local_json(const struct stats *st, cJSON *obj)
{
	struct stats_local sorted[STATS_LOCAL_SLOTS];
	cJSON *arr = cJSON_AddArrayToObject(obj, "local"), *item;
	char text[ADDR_STRLEN];
	unsigned int i;

	memcpy(sorted, st->local, st->nlocal * sizeof(sorted[0]));
	qsort(sorted, st->nlocal, sizeof(sorted[0]), local_cmp);
	for (i = 0; i < st->nlocal; i++) {
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "addr",
		    addr_ntop(text, sizeof(text), &sorted[i].addr, 0));
		cJSON_AddNumberToObject(item, "rx", (double)sorted[i].rx);
		cJSON_AddItemToArray(arr, item);
	}
	cJSON_AddNumberToObject(obj, "local_other", (double)st->local_other);
}

void
stats_to_json(const struct stats *st, cJSON *obj)
{
	cJSON *rl;
	unsigned int i;

	add_family_pair(obj, "rx", st->counter[STATS_RX4],
	    st->counter[STATS_RX6]);
	add_family_pair(obj, "tx", st->counter[STATS_TX4],
	    st->counter[STATS_TX6]);
	/* The stats answer has an "ok" member of its own. */
	cJSON_AddNumberToObject(obj, "requests_ok",
	    (double)st->result[PROTO_OK]);
	for (i = PROTO_OK + 1; i < PROTO_RESULT_MAX; i++)
		cJSON_AddNumberToObject(obj, proto_result_name(i),
		    (double)st->result[i]);
	cJSON_AddNumberToObject(obj, "truncated",
	    (double)st->counter[STATS_TRUNCATED]);
	cJSON_AddNumberToObject(obj, "dropped",
	    (double)st->counter[STATS_DROPPED]);
	for (i = POLICY_PASS + 1; i < POLICY_VERDICT_MAX; i++)
		cJSON_AddNumberToObject(obj, policy_verdict_name(i),
		    (double)st->policy[i]);
	cJSON_AddNumberToObject(obj, "no_pktinfo",
	    (double)st->counter[STATS_NO_PKTINFO]);
	cJSON_AddNumberToObject(obj, "rx_queue_dropped",
	    (double)st->counter[STATS_RXQ_DROPPED]);
	cJSON_AddNumberToObject(obj, "send_error_total",
	    (double)st->counter[STATS_SEND_ERRORS]);
	add_send_error_json(st, obj);
	add_local_json(st, obj);
	rl = cJSON_AddObjectToObject(obj, "rate_limit");
	cJSON_AddNumberToObject(rl, "entries", (double)st->rl_entries);
	cJSON_AddNumberToObject(rl, "slots", (double)st->rl_slots);
}

void
stats_log(const struct stats *st)
{
	cJSON *obj = cJSON_CreateObject();
	char *text;

	if (obj == NULL)
		return;
	stats_to_json(st, obj);
	text = cJSON_PrintUnformatted(obj);
	if (text != NULL)
		log_info("stats %s", text);
	cJSON_free(text);
	cJSON_Delete(obj);
}
