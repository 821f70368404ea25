/* Unit tests for pktbench_req: the exact requests pktbench sends, the id
 * written into each copy, and how answers are judged and matched. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "pktbench_req.h"
#include "testutil.h"

/* A DNS query for example.com A (RFC 1035 4.1.1): ID 0x1234, RD set. */
static const unsigned char dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01
};

/* path names a new file holding the len bytes of data. */
static void
write_temp(char *path, const void *data, size_t len)
{
	int fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

/* The template of r as a NUL-terminated string the test owns. */
static char *
tmpl_text(const struct bench_req *r)
{
	char *s = malloc(r->len + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, r->tmpl, r->len);
	s[r->len] = '\0';
	return s;
}

/* A DNS answer to the query with ID id, flags f2 f3 and ancount answers. */
static void
dns_answer(unsigned char *a, uint16_t id, unsigned char f2, unsigned char f3,
    unsigned char ancount)
{
	memcpy(a, dns_query, sizeof(dns_query));
	a[0] = (unsigned char)(id >> 8);
	a[1] = (unsigned char)id;
	a[2] = f2;
	a[3] = f3;
	a[7] = ancount;
}

START_TEST(op_request_is_json_with_zero_id)
{
	struct bench_req r;
	char *s;

	ck_assert_int_eq(bench_req_op(&r, "ping", 60), 0);
	s = tmpl_text(&r);
	ck_assert_str_eq(s, "{\"id\":\"000000000000\",\"op\":\"ping\","
	    "\"pad\":\"                  \"}");
	ck_assert_uint_eq(r.len, 60);
	ck_assert_int_eq(r.match, BENCH_MATCH_JSON);
	ck_assert_uint_eq(r.id_space, (uint64_t)1 << 48);
	ck_assert_str_eq(r.what, "ping, 60-byte requests");
	free(s);
	bench_req_free(&r);
}
END_TEST

START_TEST(op_request_parses_as_json)
{
	struct bench_req r;
	cJSON *o;

	ck_assert_int_eq(bench_req_op(&r, "stats", 1000), 0);
	o = cJSON_ParseWithLength((const char *)r.tmpl, r.len);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "op")
	    ->valuestring, "stats");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "id")
	    ->valuestring, "000000000000");
	cJSON_Delete(o);
	bench_req_free(&r);
}
END_TEST

START_TEST(op_size_zero_uses_default_for_op)
{
	static const struct {
		const char *op;
		size_t len;
	} want[] = {
		{ "whoami", 96 }, { "info", 256 }, { "stats", 768 },
		{ "ping", 48 }
	};
	struct bench_req r;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(bench_req_op(&r, want[i].op, 0), 0);
		ck_assert_uint_eq(r.len, want[i].len);
		bench_req_free(&r);
	}
}
END_TEST

START_TEST(op_size_below_minimum_gives_unpadded_request)
{
	struct bench_req r;
	char *s;

	ck_assert_int_eq(bench_req_op(&r, "ping", 1), 0);
	s = tmpl_text(&r);
	ck_assert_str_eq(s,
	    "{\"id\":\"000000000000\",\"op\":\"ping\",\"pad\":\"\"}");
	ck_assert_uint_eq(r.len, strlen(s));
	free(s);
	bench_req_free(&r);
}
END_TEST

START_TEST(op_of_largest_size_is_accepted)
{
	struct bench_req r;

	ck_assert_int_eq(bench_req_op(&r, "ping", BENCH_REQ_MAX), 0);
	ck_assert_uint_eq(r.len, BENCH_REQ_MAX);
	ck_assert_uint_eq(r.tmpl[r.len - 1], '}');
	bench_req_free(&r);
}
END_TEST

START_TEST(op_larger_than_udp_is_emsgsize)
{
	struct bench_req r;

	errno = 0;
	ck_assert_int_eq(bench_req_op(&r, "ping", BENCH_REQ_MAX + 1), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
}
END_TEST

START_TEST(op_needing_escapes_is_einval)
{
	const char *bad[] = { "a\"b", "a\\b", "a\nb", "" };
	struct bench_req r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_int_eq(bench_req_op(&r, bad[i], 100), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
}
END_TEST

START_TEST(echo_request_is_exactly_size_bytes)
{
	struct bench_req r;
	size_t size;
	cJSON *o;

	for (size = BENCH_ECHO_OVERHEAD; size < 1500; size += 97) {
		ck_assert_int_eq(bench_req_echo(&r, size), 0);
		ck_assert_uint_eq(r.len, size);
		o = cJSON_ParseWithLength((const char *)r.tmpl, r.len);
		ck_assert_ptr_nonnull(o);
		ck_assert_uint_eq(strlen(cJSON_GetObjectItemCaseSensitive(o,
		    "data")->valuestring), size - BENCH_ECHO_OVERHEAD);
		cJSON_Delete(o);
		bench_req_free(&r);
	}
}
END_TEST

START_TEST(echo_of_overhead_has_empty_data)
{
	struct bench_req r;
	char *s;

	ck_assert_int_eq(bench_req_echo(&r, BENCH_ECHO_OVERHEAD), 0);
	s = tmpl_text(&r);
	ck_assert_str_eq(s,
	    "{\"id\":\"000000000000\",\"op\":\"echo\",\"data\":\"\"}");
	ck_assert_str_eq(r.what, "echo, 43-byte requests with 0 bytes of data");
	free(s);
	bench_req_free(&r);
}
END_TEST

START_TEST(echo_below_overhead_is_einval)
{
	struct bench_req r;

	errno = 0;
	ck_assert_int_eq(bench_req_echo(&r, BENCH_ECHO_OVERHEAD - 1), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(echo_larger_than_udp_is_emsgsize)
{
	struct bench_req r;

	ck_assert_int_eq(bench_req_echo(&r, BENCH_REQ_MAX), 0);
	bench_req_free(&r);
	errno = 0;
	ck_assert_int_eq(bench_req_echo(&r, BENCH_REQ_MAX + 1), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
}
END_TEST

START_TEST(dns_file_is_read_verbatim)
{
	char path[] = "/tmp/check_pktbench_req.XXXXXX";
	struct bench_req r;

	write_temp(path, dns_query, sizeof(dns_query));
	ck_assert_int_eq(bench_req_file(&r, path, BENCH_MATCH_DNS), 0);
	unlink(path);
	ck_assert_int_eq(r.match, BENCH_MATCH_DNS);
	ck_assert_uint_eq(r.len, sizeof(dns_query));
	ck_assert_mem_eq(r.tmpl, dns_query, sizeof(dns_query));
	ck_assert_uint_eq(r.id_space, 65536);
	ck_assert_str_eq(r.what, "DNS payload, 29 bytes");
	bench_req_free(&r);
}
END_TEST

START_TEST(dns_file_that_is_an_answer_is_einval)
{
	char path[] = "/tmp/check_pktbench_req.XXXXXX";
	unsigned char ans[sizeof(dns_query)];
	struct bench_req r;

	dns_answer(ans, 0x1234, 0x81, 0x80, 1);
	write_temp(path, ans, sizeof(ans));
	errno = 0;
	ck_assert_int_eq(bench_req_file(&r, path, BENCH_MATCH_DNS), -1);
	ck_assert_int_eq(errno, EINVAL);
	unlink(path);
}
END_TEST

START_TEST(dns_file_shorter_than_header_is_einval)
{
	char path[] = "/tmp/check_pktbench_req.XXXXXX";
	struct bench_req r;

	write_temp(path, dns_query, 11);
	errno = 0;
	ck_assert_int_eq(bench_req_file(&r, path, BENCH_MATCH_DNS), -1);
	ck_assert_int_eq(errno, EINVAL);
	unlink(path);
}
END_TEST

START_TEST(empty_file_is_emsgsize)
{
	char path[] = "/tmp/check_pktbench_req.XXXXXX";
	struct bench_req r;

	write_temp(path, "", 0);
	errno = 0;
	ck_assert_int_eq(bench_req_file(&r, path, BENCH_MATCH_FIFO), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	unlink(path);
}
END_TEST

START_TEST(file_larger_than_udp_is_emsgsize)
{
	char path[] = "/tmp/check_pktbench_req.XXXXXX";
	unsigned char *big = calloc(1, BENCH_REQ_MAX + 1);
	struct bench_req r;

	ck_assert_ptr_nonnull(big);
	write_temp(path, big, BENCH_REQ_MAX);
	ck_assert_int_eq(bench_req_file(&r, path, BENCH_MATCH_FIFO), 0);
	ck_assert_uint_eq(r.len, BENCH_REQ_MAX);
	bench_req_free(&r);
	unlink(path);
	strcpy(path, "/tmp/check_pktbench_req.XXXXXX");
	write_temp(path, big, BENCH_REQ_MAX + 1);
	errno = 0;
	ck_assert_int_eq(bench_req_file(&r, path, BENCH_MATCH_FIFO), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	unlink(path);
	free(big);
}
END_TEST

START_TEST(missing_file_keeps_open_errno)
{
	struct bench_req r;

	errno = 0;
	ck_assert_int_eq(bench_req_file(&r,
	    "/nonexistent/check_pktbench_req", BENCH_MATCH_FIFO), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(file_with_json_matching_is_einval)
{
	char path[] = "/tmp/check_pktbench_req.XXXXXX";
	struct bench_req r;

	write_temp(path, "{\"op\":\"ping\"}", 13);
	errno = 0;
	ck_assert_int_eq(bench_req_file(&r, path, BENCH_MATCH_JSON), -1);
	ck_assert_int_eq(errno, EINVAL);
	unlink(path);
}
END_TEST

START_TEST(json_id_is_written_as_12_hex_digits)
{
	struct bench_req r;
	unsigned char *buf;
	char *s;

	ck_assert_int_eq(bench_req_op(&r, "ping", 0), 0);
	buf = malloc(r.len);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, r.tmpl, r.len);
	bench_req_write_id(&r, buf, 0xabcdef012345);
	ck_assert_mem_eq(buf, "{\"id\":\"abcdef012345\",\"op\":\"ping\"", 32);
	bench_req_write_id(&r, buf, 0x2a);
	ck_assert_mem_eq(buf, "{\"id\":\"00000000002a\",\"op\":\"ping\"", 32);
	ck_assert_mem_eq(buf + 32, r.tmpl + 32, r.len - 32);
	/* The template itself keeps its zero id. */
	s = tmpl_text(&r);
	ck_assert_ptr_nonnull(strstr(s, "\"id\":\"000000000000\""));
	free(s);
	free(buf);
	bench_req_free(&r);
}
END_TEST

START_TEST(dns_id_is_written_big_endian)
{
	unsigned char buf[sizeof(dns_query)];
	struct bench_req r = { .match = BENCH_MATCH_DNS, .id_space = 65536 };

	memcpy(buf, dns_query, sizeof(buf));
	bench_req_write_id(&r, buf, 0xbeef);
	ck_assert_uint_eq(buf[0], 0xbe);
	ck_assert_uint_eq(buf[1], 0xef);
	ck_assert_mem_eq(buf + 2, dns_query + 2, sizeof(buf) - 2);
}
END_TEST

START_TEST(fifo_payload_is_not_changed)
{
	unsigned char buf[sizeof(dns_query)];
	struct bench_req r = { .match = BENCH_MATCH_FIFO };

	memcpy(buf, dns_query, sizeof(buf));
	bench_req_write_id(&r, buf, 0xbeef);
	ck_assert_mem_eq(buf, dns_query, sizeof(buf));
}
END_TEST

/* bench_req_check of the JSON answer text with JSON matching. */
static enum bench_verdict
check_json(const char *text, uint64_t *id)
{
	struct bench_req r = { .match = BENCH_MATCH_JSON };

	*id = UINT64_MAX;
	return bench_req_check(&r, (const unsigned char *)text, strlen(text),
	    id);
}

START_TEST(json_ok_answer_gives_its_id)
{
	uint64_t id;

	ck_assert_int_eq(check_json("{\"id\":\"00000000002a\",\"ok\":true,"
	    "\"op\":\"ping\"}", &id), BENCH_ANS_OK);
	ck_assert_uint_eq(id, 0x2a);
}
END_TEST

START_TEST(json_ok_answer_with_id_later_gives_its_id)
{
	uint64_t id;

	ck_assert_int_eq(check_json("{\"ok\":true,\"op\":\"ping\","
	    "\"id\":\"abcdef012345\"}", &id), BENCH_ANS_OK);
	ck_assert_uint_eq(id, 0xabcdef012345);
}
END_TEST

START_TEST(json_error_answer_with_id_is_error)
{
	uint64_t id;

	ck_assert_int_eq(check_json("{\"id\":\"000000000007\",\"ok\":false,"
	    "\"error\":\"unknown op\"}", &id), BENCH_ANS_ERROR);
	ck_assert_uint_eq(id, 7);
}
END_TEST

START_TEST(json_answer_without_id_is_noid)
{
	uint64_t id;

	ck_assert_int_eq(check_json("{\"ok\":false,\"error\":\"truncated\"}",
	    &id), BENCH_ANS_NOID);
	ck_assert_int_eq(check_json("{\"ok\":true}", &id), BENCH_ANS_NOID);
}
END_TEST

START_TEST(json_answer_with_malformed_id_is_noid)
{
	const char *bad[] = {
		"{\"id\":\"00000000002A\",\"ok\":true}",	/* upper case */
		"{\"id\":\"2a\",\"ok\":true}",			/* short */
		"{\"id\":\"0000000000002a\",\"ok\":true}",	/* long */
		"{\"id\":\"00000000002a",			/* cut */
		"{\"id\":42,\"ok\":true}"			/* number */
	};
	uint64_t id;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(check_json(bad[i], &id) == BENCH_ANS_NOID,
		    "matched %s", bad[i]);
}
END_TEST

START_TEST(json_answer_round_trips_written_id)
{
	struct bench_req r;
	unsigned char *buf;
	uint64_t id, got;

	ck_assert_int_eq(bench_req_echo(&r, 100), 0);
	buf = malloc(r.len);
	ck_assert_ptr_nonnull(buf);
	for (id = 1; id < r.id_space; id = id * 7 + 3) {
		memcpy(buf, r.tmpl, r.len);
		bench_req_write_id(&r, buf, id);
		/* An answer copying the id, as pktinfod does. */
		memcpy(buf + 7 + BENCH_ID_DIGITS, "\",\"ok\":true}", 13);
		ck_assert_int_eq(bench_req_check(&r, buf,
		    7 + BENCH_ID_DIGITS + 12, &got), BENCH_ANS_OK);
		ck_assert_uint_eq(got, id);
	}
	free(buf);
	bench_req_free(&r);
}
END_TEST

START_TEST(dns_answer_with_same_id_is_matched)
{
	struct bench_req r = { .match = BENCH_MATCH_DNS, .id_space = 65536 };
	unsigned char ans[sizeof(dns_query)];
	uint64_t id = 0;

	dns_answer(ans, 0xbeef, 0x81, 0x80, 1);
	ck_assert_int_eq(bench_req_check(&r, ans, sizeof(ans), &id),
	    BENCH_ANS_OK);
	ck_assert_uint_eq(id, 0xbeef);
}
END_TEST

START_TEST(dns_answer_with_other_id_is_not_matched)
{
	struct bench_req r = { .match = BENCH_MATCH_DNS, .id_space = 65536 };
	unsigned char q[sizeof(dns_query)], ans[sizeof(dns_query)];
	uint64_t id = 0;

	memcpy(q, dns_query, sizeof(q));
	bench_req_write_id(&r, q, 0x0102);
	dns_answer(ans, 0x0201, 0x81, 0x80, 1);
	ck_assert_int_eq(bench_req_check(&r, ans, sizeof(ans), &id),
	    BENCH_ANS_OK);
	ck_assert_uint_ne(id, 0x0102);
	ck_assert_uint_eq(id, 0x0201);
}
END_TEST

START_TEST(dns_error_rcode_is_error)
{
	struct bench_req r = { .match = BENCH_MATCH_DNS, .id_space = 65536 };
	unsigned char ans[sizeof(dns_query)];
	uint64_t id = 0;

	dns_answer(ans, 0x0042, 0x81, 0x83, 0);		/* NXDOMAIN */
	ck_assert_int_eq(bench_req_check(&r, ans, sizeof(ans), &id),
	    BENCH_ANS_ERROR);
	ck_assert_uint_eq(id, 0x42);
	dns_answer(ans, 0x0042, 0x81, 0x82, 1);		/* SERVFAIL */
	ck_assert_int_eq(bench_req_check(&r, ans, sizeof(ans), &id),
	    BENCH_ANS_ERROR);
}
END_TEST

START_TEST(dns_answer_without_records_is_error)
{
	struct bench_req r = { .match = BENCH_MATCH_DNS, .id_space = 65536 };
	unsigned char ans[sizeof(dns_query)];
	uint64_t id = 0;

	dns_answer(ans, 0x0042, 0x81, 0x80, 0);
	ck_assert_int_eq(bench_req_check(&r, ans, sizeof(ans), &id),
	    BENCH_ANS_ERROR);
	/* 256 answers: ANCOUNT's high byte alone counts too. */
	ans[6] = 1;
	ck_assert_int_eq(bench_req_check(&r, ans, sizeof(ans), &id),
	    BENCH_ANS_OK);
}
END_TEST

START_TEST(dns_query_echoed_back_is_error)
{
	struct bench_req r = { .match = BENCH_MATCH_DNS, .id_space = 65536 };
	unsigned char ans[sizeof(dns_query)];
	uint64_t id = 0;

	dns_answer(ans, 0x0042, 0x01, 0x80, 1);		/* QR clear */
	ck_assert_int_eq(bench_req_check(&r, ans, sizeof(ans), &id),
	    BENCH_ANS_ERROR);
}
END_TEST

START_TEST(dns_answer_shorter_than_header_is_noid)
{
	struct bench_req r = { .match = BENCH_MATCH_DNS, .id_space = 65536 };
	unsigned char ans[sizeof(dns_query)];
	uint64_t id = 0;

	dns_answer(ans, 0x0042, 0x81, 0x80, 1);
	ck_assert_int_eq(bench_req_check(&r, ans, 11, &id), BENCH_ANS_NOID);
}
END_TEST

START_TEST(fifo_answer_is_ok_with_id_zero)
{
	struct bench_req r = { .match = BENCH_MATCH_FIFO };
	uint64_t id = 99;

	ck_assert_int_eq(bench_req_check(&r, dns_query, sizeof(dns_query),
	    &id), BENCH_ANS_OK);
	ck_assert_uint_eq(id, 0);
}
END_TEST

START_TEST(free_releases_template)
{
	struct bench_req r;

	ck_assert_int_eq(bench_req_echo(&r, 64), 0);
	bench_req_free(&r);
	ck_assert_ptr_null(r.tmpl);
	bench_req_free(&r);
}
END_TEST

static Suite *
pktbench_req_suite(void)
{
	Suite *s = suite_create("pktbench_req");
	TCase *op = tcase_create("bench_req_op");
	TCase *echo = tcase_create("bench_req_echo");
	TCase *file = tcase_create("bench_req_file");
	TCase *wid = tcase_create("bench_req_write_id");
	TCase *chk = tcase_create("bench_req_check");
	TCase *fr = tcase_create("bench_req_free");

	tcase_add_test(op, op_request_is_json_with_zero_id);
	tcase_add_test(op, op_request_parses_as_json);
	tcase_add_test(op, op_size_zero_uses_default_for_op);
	tcase_add_test(op, op_size_below_minimum_gives_unpadded_request);
	tcase_add_test(op, op_of_largest_size_is_accepted);
	tcase_add_test(op, op_larger_than_udp_is_emsgsize);
	tcase_add_test(op, op_needing_escapes_is_einval);
	tcase_add_test(echo, echo_request_is_exactly_size_bytes);
	tcase_add_test(echo, echo_of_overhead_has_empty_data);
	tcase_add_test(echo, echo_below_overhead_is_einval);
	tcase_add_test(echo, echo_larger_than_udp_is_emsgsize);
	tcase_add_test(file, dns_file_is_read_verbatim);
	tcase_add_test(file, dns_file_that_is_an_answer_is_einval);
	tcase_add_test(file, dns_file_shorter_than_header_is_einval);
	tcase_add_test(file, empty_file_is_emsgsize);
	tcase_add_test(file, file_larger_than_udp_is_emsgsize);
	tcase_add_test(file, missing_file_keeps_open_errno);
	tcase_add_test(file, file_with_json_matching_is_einval);
	tcase_add_test(wid, json_id_is_written_as_12_hex_digits);
	tcase_add_test(wid, dns_id_is_written_big_endian);
	tcase_add_test(wid, fifo_payload_is_not_changed);
	tcase_add_test(chk, json_ok_answer_gives_its_id);
	tcase_add_test(chk, json_ok_answer_with_id_later_gives_its_id);
	tcase_add_test(chk, json_error_answer_with_id_is_error);
	tcase_add_test(chk, json_answer_without_id_is_noid);
	tcase_add_test(chk, json_answer_with_malformed_id_is_noid);
	tcase_add_test(chk, json_answer_round_trips_written_id);
	tcase_add_test(chk, dns_answer_with_same_id_is_matched);
	tcase_add_test(chk, dns_answer_with_other_id_is_not_matched);
	tcase_add_test(chk, dns_error_rcode_is_error);
	tcase_add_test(chk, dns_answer_without_records_is_error);
	tcase_add_test(chk, dns_query_echoed_back_is_error);
	tcase_add_test(chk, dns_answer_shorter_than_header_is_noid);
	tcase_add_test(chk, fifo_answer_is_ok_with_id_zero);
	tcase_add_test(fr, free_releases_template);
	suite_add_tcase(s, op);
	suite_add_tcase(s, echo);
	suite_add_tcase(s, file);
	suite_add_tcase(s, wid);
	suite_add_tcase(s, chk);
	suite_add_tcase(s, fr);
	return s;
}

int
main(void)
{
	return tu_run(pktbench_req_suite());
}
