/* Unit tests for stats: counting, summing workers, the JSON an operator reads. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "stats.h"
#include "testutil.h"

static cJSON *
as_json(const struct stats *st)
{
	cJSON *obj = cJSON_CreateObject();

	stats_to_json(st, obj);
	return obj;
}

static double
num(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, a);

	if (b != NULL)
		item = cJSON_GetObjectItemCaseSensitive(item, b);
	ck_assert_msg(cJSON_IsNumber(item), "%s.%s missing", a, b ? b : "");
	return item->valuedouble;
}

START_TEST(local_addresses_listed_busiest_first_as_text)
{
	struct stats st;
	struct in6_addr a = tu_ip("127.0.0.2"), b = tu_ip("2001:db8::1");
	cJSON *obj, *local;

	memset(&st, 0, sizeof(st));
	stats_count_local(&st, &a);
	stats_count_local(&st, &b);
	stats_count_local(&st, &b);
	obj = as_json(&st);
	local = cJSON_GetObjectItemCaseSensitive(obj, "local");
	ck_assert_int_eq(cJSON_GetArraySize(local), 2);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(local, 0),
	    "addr")->valuestring, "2001:db8::1");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(local, 1),
	    "addr")->valuestring, "127.0.0.2");
	cJSON_Delete(obj);
}
END_TEST

START_TEST(local_table_overflow_counts_other)
{
	struct stats st;
	struct in6_addr a = tu_ip("2001:db8::");
	unsigned int i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < STATS_LOCAL_SLOTS + 3; i++) {
		a.s6_addr[15] = (unsigned char)i;
		stats_count_local(&st, &a);
	}
	ck_assert_uint_eq(st.nlocal, STATS_LOCAL_SLOTS);
	ck_assert_uint_eq(st.local_other, 3);
}
END_TEST

START_TEST(send_errors_named_by_errno)
{
	struct stats st;
	cJSON *obj;

	memset(&st, 0, sizeof(st));
	stats_count_send_error(&st, EADDRNOTAVAIL);
	stats_count_send_error(&st, EADDRNOTAVAIL);
	stats_count_send_error(&st, EINVAL);
	obj = as_json(&st);
	ck_assert_double_eq(num(obj, "send_errors", "EADDRNOTAVAIL"), 2);
	ck_assert_double_eq(num(obj, "send_errors", "EINVAL"), 1);
	ck_assert_double_eq(num(obj, "send_error_total", NULL), 3);
	cJSON_Delete(obj);
}
END_TEST

START_TEST(counters_per_family_and_result)
{
	struct stats st;
	cJSON *obj;

	memset(&st, 0, sizeof(st));
	st.counter[STATS_RX4] = 5;
	st.counter[STATS_TX6] = 2;
	st.result[PROTO_BAD_JSON] = 7;
	st.result[PROTO_OK] = 9;
	st.counter[STATS_DROPPED] = 1;
	st.counter[STATS_TRUNCATED] = 2;
	obj = as_json(&st);
	ck_assert_double_eq(num(obj, "rx", "ipv4"), 5);
	ck_assert_double_eq(num(obj, "tx", "ipv6"), 2);
	ck_assert_double_eq(num(obj, "bad_json", NULL), 7);
	ck_assert_double_eq(num(obj, "dropped", NULL), 1);
	ck_assert_double_eq(num(obj, "truncated", NULL), 2);
	ck_assert_double_eq(num(obj, "requests_ok", NULL), 9);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(obj, "ok"));
	ck_assert_double_eq(num(obj, "too_large", NULL), 0);
	cJSON_Delete(obj);
}
END_TEST

/* The hardening counters an operator looks for when a client hears
 * nothing (SPEC section 6). */
START_TEST(loop_and_kernel_drop_counters_are_named)
{
	struct stats st;
	cJSON *obj;

	memset(&st, 0, sizeof(st));
	st.result[PROTO_NOT_A_REQUEST] = 4;
	st.policy[POLICY_OWN_PORT] = 3;
	st.policy[POLICY_LOW_PORT] = 2;
	st.counter[STATS_RXQ_DROPPED] = 14959;
	obj = as_json(&st);
	ck_assert_double_eq(num(obj, "not_a_request", NULL), 4);
	ck_assert_double_eq(num(obj, "own_port", NULL), 3);
	ck_assert_double_eq(num(obj, "low_port", NULL), 2);
	ck_assert_double_eq(num(obj, "rx_queue_dropped", NULL), 14959);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(obj, "pass"));
	cJSON_Delete(obj);
}
END_TEST

START_TEST(add_sums_workers)
{
	struct stats a, b;
	struct in6_addr x = tu_ip("127.0.0.2"), y = tu_ip("::1");

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.counter[STATS_RX4] = 3;
	b.counter[STATS_RX4] = 4;
	a.policy[POLICY_OWN_PORT] = 1;
	b.policy[POLICY_OWN_PORT] = 2;
	b.counter[STATS_RXQ_DROPPED] = 9;
	stats_count_local(&a, &x);
	stats_count_local(&b, &x);
	stats_count_local(&b, &y);
	stats_count_send_error(&b, EINVAL);
	stats_add(&a, &b);
	ck_assert_uint_eq(a.counter[STATS_RX4], 7);
	ck_assert_uint_eq(a.policy[POLICY_OWN_PORT], 3);
	ck_assert_uint_eq(a.counter[STATS_RXQ_DROPPED], 9);
	ck_assert_uint_eq(a.nlocal, 2);
	ck_assert_uint_eq(a.local[0].rx, 2);
	ck_assert_uint_eq(a.send_err[0].n, 1);
	ck_assert_int_eq(a.send_err[0].err, EINVAL);
}
END_TEST

static Suite *
stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *count = tcase_create("stats_count");
	TCase *json = tcase_create("stats_to_json");
	TCase *add = tcase_create("stats_add");

	tcase_add_test(count, local_table_overflow_counts_other);
	tcase_add_test(json, local_addresses_listed_busiest_first_as_text);
	tcase_add_test(json, send_errors_named_by_errno);
	tcase_add_test(json, counters_per_family_and_result);
	tcase_add_test(json, loop_and_kernel_drop_counters_are_named);
	tcase_add_test(add, add_sums_workers);
	suite_add_tcase(s, count);
	suite_add_tcase(s, json);
	suite_add_tcase(s, add);
	return s;
}

int
main(void)
{
	return tu_run(stats_suite());
}
