/* Unit tests for pktq_req: the exact bytes pktq sends for OP and KEY=VALUE
 * arguments or --json text, and the padding it adds for "truncated". */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "pktq_req.h"
#include "testutil.h"

/* The request built from op and the n arguments of kv must be want. */
static void
assert_args_give(const char *op, char *const *kv, int n, const char *want)
{
	struct pktq_req r;

	ck_assert_int_eq(pktq_req_from_args(&r, op, kv, n), 0);
	ck_assert_str_eq(r.text, want);
	ck_assert_uint_eq(r.len, strlen(want));
	pktq_req_free(&r);
}

START_TEST(op_alone_gives_op_member_only)
{
	assert_args_give("ping", NULL, 0, "{\"op\":\"ping\"}");
}
END_TEST

START_TEST(value_that_is_json_becomes_json)
{
	char *kv[] = { "n=42", "b=true", "z=null", "a=[1,\"x\"]",
	    "o={\"k\":1}", "s=\"quoted\"" };

	assert_args_give("echo", kv, 6, "{\"op\":\"echo\",\"n\":42,\"b\":true,"
	    "\"z\":null,\"a\":[1,\"x\"],\"o\":{\"k\":1},\"s\":\"quoted\"}");
}
END_TEST

START_TEST(value_that_is_not_json_becomes_string)
{
	char *kv[] = { "data=hello", "t=tru", "n=42x", "e=" };

	assert_args_give("echo", kv, 4, "{\"op\":\"echo\",\"data\":\"hello\","
	    "\"t\":\"tru\",\"n\":\"42x\",\"e\":\"\"}");
}
END_TEST

START_TEST(number_not_valid_in_json_stays_string)
{
	char *kv[] = { "zip=007", "b=1.", "c=.5" };

	assert_args_give("echo", kv, 3,
	    "{\"op\":\"echo\",\"zip\":\"007\",\"b\":\"1.\",\"c\":\".5\"}");
}
END_TEST

START_TEST(number_is_sent_as_written)
{
	char *kv[] = { "id=9007199254740993", "f=1e999", "g=-0.5E+3" };

	assert_args_give("echo", kv, 3, "{\"op\":\"echo\","
	    "\"id\":9007199254740993,\"f\":1e999,\"g\":-0.5E+3}");
}
END_TEST

START_TEST(value_with_json_prefix_only_becomes_string)
{
	char *kv[] = { "a=[1] [2]", "o={}x" };

	assert_args_give("echo", kv, 2,
	    "{\"op\":\"echo\",\"a\":\"[1] [2]\",\"o\":\"{}x\"}");
}
END_TEST

START_TEST(value_with_surrounding_whitespace_is_still_json)
{
	char *kv[] = { "n= 7\n" };

	assert_args_give("echo", kv, 1, "{\"op\":\"echo\",\"n\":7}");
}
END_TEST

START_TEST(string_value_needing_escapes_is_escaped)
{
	char *kv[] = { "data=a\"b\\c" };

	assert_args_give("echo", kv, 1,
	    "{\"op\":\"echo\",\"data\":\"a\\\"b\\\\c\"}");
}
END_TEST

START_TEST(value_keeps_everything_after_first_equals)
{
	char *kv[] = { "data=a=b=c" };

	assert_args_give("echo", kv, 1, "{\"op\":\"echo\",\"data\":\"a=b=c\"}");
}
END_TEST

START_TEST(later_key_replaces_earlier_one)
{
	char *kv[] = { "data=one", "data=two" };

	assert_args_give("echo", kv, 2, "{\"op\":\"echo\",\"data\":\"two\"}");
}
END_TEST

START_TEST(op_key_replaces_op)
{
	char *kv[] = { "op=info" };

	assert_args_give("ping", kv, 1, "{\"op\":\"info\"}");
}
END_TEST

START_TEST(argument_without_equals_is_einval)
{
	char *kv[] = { "data=ok", "bare" };
	struct pktq_req r;

	errno = 0;
	ck_assert_int_eq(pktq_req_from_args(&r, "echo", kv, 2), -1);
	ck_assert_int_eq(errno, EINVAL);
	pktq_req_free(&r);
}
END_TEST

START_TEST(argument_with_empty_key_is_einval)
{
	char *kv[] = { "=value" };
	struct pktq_req r;

	errno = 0;
	ck_assert_int_eq(pktq_req_from_args(&r, "echo", kv, 1), -1);
	ck_assert_int_eq(errno, EINVAL);
	pktq_req_free(&r);
}
END_TEST

START_TEST(json_object_is_sent_verbatim)
{
	const char *text = " {\"op\" : \"ping\", \"x\": [1, 2]}\n";
	struct pktq_req r;

	ck_assert_int_eq(pktq_req_from_json(&r, text), 0);
	ck_assert_ptr_eq(r.text, text);
	ck_assert_uint_eq(r.len, strlen(text));
	ck_assert(cJSON_IsObject(r.obj));
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(r.obj, "op")
	    ->valuestring, "ping");
	pktq_req_free(&r);
}
END_TEST

START_TEST(json_that_is_not_an_object_is_einval)
{
	const char *bad[] = { "[1]", "\"op\"", "42", "", "{\"op\":\"ping\"",
	    "{} {}", "{\"op\":\"ping\"}x" };
	struct pktq_req r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_msg(pktq_req_from_json(&r, bad[i]) == -1,
		    "accepted %s", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
		pktq_req_free(&r);
	}
}
END_TEST

START_TEST(whole_value_with_whitespace_parses)
{
	const char text[] = "\t[true] \r\n";
	cJSON *v = pktq_req_parse_whole(text, strlen(text));

	ck_assert_ptr_nonnull(v);
	ck_assert(cJSON_IsArray(v));
	ck_assert(cJSON_IsTrue(cJSON_GetArrayItem(v, 0)));
	cJSON_Delete(v);
}
END_TEST

START_TEST(trailing_garbage_is_not_whole)
{
	const char text[] = "{\"ok\":true}\n,";

	ck_assert_ptr_null(pktq_req_parse_whole(text, strlen(text)));
}
END_TEST

START_TEST(only_len_bytes_are_parsed)
{
	/* An answer datagram is not NUL-terminated where it ends. */
	const char text[] = "{\"ok\":true}garbage";
	cJSON *v = pktq_req_parse_whole(text, 11);

	ck_assert_ptr_nonnull(v);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "ok")));
	cJSON_Delete(v);
}
END_TEST

START_TEST(parse_object_rejects_other_values)
{
	ck_assert_ptr_null(pktq_req_parse_object("[{}]", 4));
	ck_assert_ptr_null(pktq_req_parse_object("null", 4));
}
END_TEST

START_TEST(pad_brings_request_to_exactly_n_bytes)
{
	char *kv[] = { "data=abc" };
	struct pktq_req r;
	size_t need;
	cJSON *back;

	for (need = 40; need <= 1500; need += 173) {
		ck_assert_int_eq(pktq_req_from_args(&r, "echo", kv, 1), 0);
		ck_assert_int_eq(pktq_req_pad(&r, need), 0);
		ck_assert_uint_eq(r.len, need);
		ck_assert_uint_eq(strlen(r.text), need);
		back = pktq_req_parse_object(r.text, r.len);
		ck_assert_ptr_nonnull(back);
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(back, "data")
		    ->valuestring, "abc");
		cJSON_Delete(back);
		pktq_req_free(&r);
	}
}
END_TEST

START_TEST(pad_is_x_bytes_in_last_member)
{
	struct pktq_req r;

	ck_assert_int_eq(pktq_req_from_args(&r, "ping", NULL, 0), 0);
	ck_assert_int_eq(pktq_req_pad(&r, 30), 0);
	/* {"op":"ping","pad":""} is 22 bytes: 8 pad bytes make 30. */
	ck_assert_str_eq(r.text, "{\"op\":\"ping\",\"pad\":\"xxxxxxxx\"}");
	pktq_req_free(&r);
}
END_TEST

START_TEST(pad_below_current_size_adds_empty_pad)
{
	struct pktq_req r;

	ck_assert_int_eq(pktq_req_from_args(&r, "ping", NULL, 0), 0);
	ck_assert_int_eq(pktq_req_pad(&r, 5), 0);
	ck_assert_str_eq(r.text, "{\"op\":\"ping\",\"pad\":\"\"}");
	ck_assert_uint_eq(r.len, 22);
	pktq_req_free(&r);
}
END_TEST

START_TEST(pad_replaces_user_pad)
{
	char *kv[] = { "pad=[1,2,3]" };
	struct pktq_req r;

	ck_assert_int_eq(pktq_req_from_args(&r, "ping", kv, 1), 0);
	ck_assert_int_eq(pktq_req_pad(&r, 25), 0);
	ck_assert_str_eq(r.text, "{\"op\":\"ping\",\"pad\":\"xxx\"}");
	pktq_req_free(&r);
}
END_TEST

START_TEST(pad_of_json_request_renders_it)
{
	const char *text = "{ \"op\": \"ping\", \"id\": 7 }";
	struct pktq_req r;

	ck_assert_int_eq(pktq_req_from_json(&r, text), 0);
	ck_assert_int_eq(pktq_req_pad(&r, 40), 0);
	ck_assert_ptr_ne(r.text, text);
	ck_assert_str_eq(r.text,
	    "{\"op\":\"ping\",\"id\":7,\"pad\":\"xxxxxxxxxxx\"}");
	ck_assert_uint_eq(r.len, 40);
	pktq_req_free(&r);
}
END_TEST

START_TEST(pad_twice_keeps_one_pad_member)
{
	struct pktq_req r;

	ck_assert_int_eq(pktq_req_from_args(&r, "ping", NULL, 0), 0);
	ck_assert_int_eq(pktq_req_pad(&r, 100), 0);
	ck_assert_int_eq(pktq_req_pad(&r, 200), 0);
	ck_assert_uint_eq(r.len, 200);
	ck_assert_int_eq(cJSON_GetArraySize(r.obj), 2);
	pktq_req_free(&r);
}
END_TEST

START_TEST(free_clears_request)
{
	struct pktq_req r;

	ck_assert_int_eq(pktq_req_from_args(&r, "ping", NULL, 0), 0);
	pktq_req_free(&r);
	ck_assert_ptr_null(r.obj);
	ck_assert_ptr_null(r.owned);
	ck_assert_ptr_null(r.text);
	ck_assert_uint_eq(r.len, 0);
	pktq_req_free(&r);
}
END_TEST

static Suite *
pktq_req_suite(void)
{
	Suite *s = suite_create("pktq_req");
	TCase *args = tcase_create("pktq_req_from_args");
	TCase *json = tcase_create("pktq_req_from_json");
	TCase *whole = tcase_create("pktq_req_parse_whole");
	TCase *object = tcase_create("pktq_req_parse_object");
	TCase *pad = tcase_create("pktq_req_pad");
	TCase *fr = tcase_create("pktq_req_free");

	tcase_add_test(args, op_alone_gives_op_member_only);
	tcase_add_test(args, value_that_is_json_becomes_json);
	tcase_add_test(args, value_that_is_not_json_becomes_string);
	tcase_add_test(args, value_with_json_prefix_only_becomes_string);
	tcase_add_test(args, number_not_valid_in_json_stays_string);
	tcase_add_test(args, number_is_sent_as_written);
	tcase_add_test(args, value_with_surrounding_whitespace_is_still_json);
	tcase_add_test(args, string_value_needing_escapes_is_escaped);
	tcase_add_test(args, value_keeps_everything_after_first_equals);
	tcase_add_test(args, later_key_replaces_earlier_one);
	tcase_add_test(args, op_key_replaces_op);
	tcase_add_test(args, argument_without_equals_is_einval);
	tcase_add_test(args, argument_with_empty_key_is_einval);
	tcase_add_test(json, json_object_is_sent_verbatim);
	tcase_add_test(json, json_that_is_not_an_object_is_einval);
	tcase_add_test(whole, whole_value_with_whitespace_parses);
	tcase_add_test(whole, trailing_garbage_is_not_whole);
	tcase_add_test(whole, only_len_bytes_are_parsed);
	tcase_add_test(object, parse_object_rejects_other_values);
	tcase_add_test(pad, pad_brings_request_to_exactly_n_bytes);
	tcase_add_test(pad, pad_is_x_bytes_in_last_member);
	tcase_add_test(pad, pad_below_current_size_adds_empty_pad);
	tcase_add_test(pad, pad_replaces_user_pad);
	tcase_add_test(pad, pad_of_json_request_renders_it);
	tcase_add_test(pad, pad_twice_keeps_one_pad_member);
	tcase_add_test(fr, free_clears_request);
	suite_add_tcase(s, args);
	suite_add_tcase(s, json);
	suite_add_tcase(s, whole);
	suite_add_tcase(s, object);
	suite_add_tcase(s, pad);
	suite_add_tcase(s, fr);
	return s;
}

int
main(void)
{
	return tu_run(pktq_req_suite());
}
