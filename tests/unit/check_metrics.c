/* Unit tests for metrics: the Prometheus text page (exposition format
 * 0.0.4) an operator's scraper reads. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "metrics.h"
#include "testutil.h"

static struct stats st;
static uint64_t worker_rx[2] = { 5, 7 };
static struct metrics_info info = { "0.1.0", 42, worker_rx, 2 };
static char page[8192];

static void
setup(void)
{
	struct in6_addr a = tu_ip("192.0.2.1"), b = tu_ip("2001:db8::1");

	memset(&st, 0, sizeof(st));
	st.counter[STATS_RX4] = 10;
	st.counter[STATS_RX6] = 2;
	st.counter[STATS_TX4] = 9;
	st.counter[STATS_DROPPED] = 3;
	st.counter[STATS_TRUNCATED] = 4;
	st.counter[STATS_RXQ_DROPPED] = 14959;
	st.result[PROTO_OK] = 8;
	st.result[PROTO_BAD_JSON] = 1;
	st.result[PROTO_NOT_A_REQUEST] = 6;
	st.policy[POLICY_LOW_PORT] = 2;
	stats_count_local(&st, &a);
	stats_count_local(&st, &b);
	stats_count_send_error(&st, EADDRNOTAVAIL);
}

static void
assert_line(const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s\n", line);
	ck_assert_msg(strstr(page, want) != NULL, "no line \"%s\" in:\n%s",
	    line, page);
}

START_TEST(counters_are_named_by_prometheus_conventions)
{
	metrics_format(page, sizeof(page), &st, &info);
	assert_line("pktinfod_datagrams_received_total{family=\"ipv4\"} 10");
	assert_line("pktinfod_datagrams_received_total{family=\"ipv6\"} 2");
	assert_line("pktinfod_datagrams_sent_total{family=\"ipv4\"} 9");
	assert_line("pktinfod_requests_total{result=\"ok\"} 8");
	assert_line("pktinfod_requests_total{result=\"bad_json\"} 1");
	assert_line("pktinfod_answers_truncated_total 4");
	assert_line("pktinfod_drops_total{reason=\"amplification\"} 3");
	assert_line("pktinfod_drops_total{reason=\"not_a_request\"} 6");
	assert_line("pktinfod_drops_total{reason=\"low_port\"} 2");
	assert_line("pktinfod_drops_total{reason=\"own_port\"} 0");
	assert_line("pktinfod_drops_total{reason=\"rate_limited\"} 0");
	assert_line("pktinfod_drops_total{reason=\"rx_queue_overflow\"} 14959");
	assert_line("pktinfod_send_errors_total{errno=\"EADDRNOTAVAIL\"} 1");
	assert_line("pktinfod_local_datagrams_received_total"
	    "{addr=\"2001:db8::1\"} 1");
	assert_line("pktinfod_local_datagrams_received_total"
	    "{addr=\"192.0.2.1\"} 1");
	assert_line("pktinfod_worker_datagrams_received_total{worker=\"1\"} 7");
	assert_line("pktinfod_uptime_seconds 42");
	assert_line("pktinfod_build_info{version=\"0.1.0\"} 1");
	assert_line("# TYPE pktinfod_drops_total counter");
	assert_line("# TYPE pktinfod_uptime_seconds gauge");
}
END_TEST

/* Every family has its HELP and TYPE before its samples, and every
 * sample line is NAME[{LABELS}] VALUE with a counter's name in _total. */
START_TEST(every_sample_follows_its_type_line)
{
	char *line, *nl, family[128] = "", type[16] = "";
	size_t nsamples = 0;

	metrics_format(page, sizeof(page), &st, &info);
	for (line = page; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		if (strncmp(line, "# HELP ", 7) == 0)
			continue;
		if (sscanf(line, "# TYPE %127s %15s", family, type) == 2)
			continue;
		ck_assert_msg(strncmp(line, family, strlen(family)) == 0 &&
		    (line[strlen(family)] == ' ' ||
		    line[strlen(family)] == '{'), "\"%s\" outside %s", line,
		    family);
		if (strcmp(type, "counter") == 0)
			ck_assert_ptr_nonnull(strstr(family, "_total"));
		nsamples++;
	}
	ck_assert_str_eq(line, "");	/* the page ends with a newline */
	ck_assert_uint_gt(nsamples, 20);
}
END_TEST

START_TEST(short_buffer_gets_the_length_needed)
{
	char small[64];
	size_t need = metrics_format(NULL, 0, &st, &info);

	ck_assert_uint_eq(metrics_format(page, sizeof(page), &st, &info),
	    need);
	ck_assert_uint_eq(strlen(page), need);
	ck_assert_uint_eq(metrics_format(small, sizeof(small), &st, &info),
	    need);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_int_eq(memcmp(small, page, sizeof(small) - 1), 0);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics_format");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, counters_are_named_by_prometheus_conventions);
	tcase_add_test(tc, every_sample_follows_its_type_line);
	tcase_add_test(tc, short_buffer_gets_the_length_needed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(metrics_suite());
}
