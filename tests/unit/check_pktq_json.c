/* Unit tests for pktq_json: the pretty form keeps every number and string
 * exactly as received, in cJSON_Print's layout. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "pktq_json.h"
#include "testutil.h"

/* text must pretty-print as want. */
static void
assert_pretty(const char *text, const char *want)
{
	char *out = NULL;
	size_t n = 0;

	ck_assert_int_eq(pktq_json_pretty(text, strlen(text), &out, &n), 0);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(n, strlen(want));
	free(out);
}

/* text must be refused with EINVAL, *out left alone. */
static void
assert_einval(const char *text)
{
	char *out = (char *)"untouched";
	size_t n = 7;

	errno = 0;
	ck_assert_msg(pktq_json_pretty(text, strlen(text), &out, &n) == -1,
	    "accepted '%s'", text);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(out, "untouched");
	ck_assert_uint_eq(n, 7);
}

START_TEST(big_integer_keeps_its_digits)
{
	assert_pretty("{\"ok\":true,\"op\":\"echo\",\"data\":9007199254740993}",
	    "{\n\t\"ok\":\ttrue,\n\t\"op\":\t\"echo\",\n"
	    "\t\"data\":\t9007199254740993\n}");
}
END_TEST

START_TEST(numbers_keep_their_text)
{
	assert_pretty("{\"n\":[1.10,1e400,-0,-0.5E+3,1E-7,0.1000000000000000055511]}",
	    "{\n\t\"n\":\t[1.10, 1e400, -0, -0.5E+3, 1E-7, "
	    "0.1000000000000000055511]\n}");
}
END_TEST

START_TEST(nested_arrays_and_objects_indent_per_level)
{
	assert_pretty("{\"a\":[1,[2,3],{\"b\":{\"c\":[true,null]}}],\"d\":false}",
	    "{\n"
	    "\t\"a\":\t[1, [2, 3], {\n"
	    "\t\t\t\"b\":\t{\n"
	    "\t\t\t\t\"c\":\t[true, null]\n"
	    "\t\t\t}\n"
	    "\t\t}],\n"
	    "\t\"d\":\tfalse\n"
	    "}");
}
END_TEST

START_TEST(empty_object_and_array)
{
	assert_pretty("{}", "{\n}");
	assert_pretty("[]", "[]");
	assert_pretty("{\"o\":{},\"a\":[],\"x\":[{}]}",
	    "{\n\t\"o\":\t{\n\t},\n\t\"a\":\t[],\n\t\"x\":\t[{\n\t\t}]\n}");
}
END_TEST

START_TEST(strings_are_copied_verbatim)
{
	/* Brackets, separators and quotes inside strings are text; escapes
	 * (\/ and \u00e9 too, which cJSON would rewrite) stay as sent. */
	assert_pretty("{\"s\":\"a{b}[c],d:e\",\"q\":\"say \\\"hi\\\"\","
	    "\"b\":\"x\\\\\",\"u\":\"\\u00e9\\ud83d\\ude00 \xc3\xa9\\/\"}",
	    "{\n\t\"s\":\t\"a{b}[c],d:e\",\n\t\"q\":\t\"say \\\"hi\\\"\",\n"
	    "\t\"b\":\t\"x\\\\\",\n"
	    "\t\"u\":\t\"\\u00e9\\ud83d\\ude00 \xc3\xa9\\/\"\n}");
}
END_TEST

START_TEST(names_are_copied_verbatim)
{
	assert_pretty("{\"a\\\"}\":1,\"{\":[\"]\"]}",
	    "{\n\t\"a\\\"}\":\t1,\n\t\"{\":\t[\"]\"]\n}");
}
END_TEST

START_TEST(whitespace_between_tokens_is_replaced)
{
	assert_pretty(" {\n\t\"a\" : [ 1 ,\r\n 2 ] , \"o\" : { } }\n",
	    "{\n\t\"a\":\t[1, 2],\n\t\"o\":\t{\n\t}\n}");
}
END_TEST

START_TEST(layout_matches_cjson_print)
{
	/* Where cJSON keeps the text (small numbers, plain strings), the two
	 * must agree byte for byte. */
	static const char *texts[] = {
		"{\"ok\":true,\"op\":\"ping\"}",
		"{\"ok\":true,\"data\":{\"k\":[1,2]}}",
		"{\"a\":[{\"b\":[{\"c\":{}}]},[],[[]],{}],\"z\":null}",
		"{\"id\":\"a b\",\"n\":-3,\"f\":0.5,\"e\":{\"x\":{\"y\":{}}}}",
		"[{\"a\":1},{\"b\":[2,{\"c\":3}]}]",
	};
	char *out, *want;
	size_t i, n;
	cJSON *v;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ck_assert_ptr_nonnull(v = cJSON_Parse(texts[i]));
		ck_assert_ptr_nonnull(want = cJSON_Print(v));
		ck_assert_int_eq(pktq_json_pretty(texts[i], strlen(texts[i]),
		    &out, &n), 0);
		ck_assert_str_eq(out, want);
		free(out);
		cJSON_free(want);
		cJSON_Delete(v);
	}
}
END_TEST

START_TEST(only_len_bytes_are_read)
{
	const char text[] = "{\"ok\":true}{\"more\":1}";
	char *out;
	size_t n;

	ck_assert_int_eq(pktq_json_pretty(text, 11, &out, &n), 0);
	ck_assert_str_eq(out, "{\n\t\"ok\":\ttrue\n}");
	free(out);
}
END_TEST

START_TEST(deep_nesting_indents_every_level)
{
	char text[2 * 300 + 1], *out;
	size_t i, n, tabs = 0;

	for (i = 0; i < 300; i++) {
		text[i] = '[';
		text[300 + i] = ']';
	}
	text[600] = '\0';
	text[299] = '{';
	text[300] = '}';
	ck_assert_int_eq(pktq_json_pretty(text, 600, &out, &n), 0);
	for (i = 0; i < n; i++)
		tabs += out[i] == '\t';
	/* The empty object at level 300 closes 299 tabs in. */
	ck_assert_uint_eq(tabs, 299);
	ck_assert_uint_eq(n, 600 + 1 + 299);
	free(out);
}
END_TEST

START_TEST(malformed_text_is_einval)
{
	assert_einval("");
	assert_einval("   ");
	assert_einval("{\"a\":1");
	assert_einval("{\"a\":1]}");
	assert_einval("]");
	assert_einval("{\"a\":\"open");
	assert_einval("{\"a\":\"x\\");
	assert_einval("{}{}");
	assert_einval("1 2");
	assert_einval("[1:2]");
	assert_einval(",");
}
END_TEST

static Suite *
pktq_json_suite(void)
{
	Suite *s = suite_create("pktq_json");
	TCase *pretty = tcase_create("pktq_json_pretty");

	tcase_add_test(pretty, big_integer_keeps_its_digits);
	tcase_add_test(pretty, numbers_keep_their_text);
	tcase_add_test(pretty, nested_arrays_and_objects_indent_per_level);
	tcase_add_test(pretty, empty_object_and_array);
	tcase_add_test(pretty, strings_are_copied_verbatim);
	tcase_add_test(pretty, names_are_copied_verbatim);
	tcase_add_test(pretty, whitespace_between_tokens_is_replaced);
	tcase_add_test(pretty, layout_matches_cjson_print);
	tcase_add_test(pretty, only_len_bytes_are_read);
	tcase_add_test(pretty, deep_nesting_indents_every_level);
	tcase_add_test(pretty, malformed_text_is_einval);
	suite_add_tcase(s, pretty);
	return s;
}

int
main(void)
{
	return tu_run(pktq_json_suite());
}
