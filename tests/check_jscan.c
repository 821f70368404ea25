/* Unit tests for jscan: the strict RFC 8259 / RFC 3629 checks of a request
 * and the value spans of its top-level members. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "jscan.h"
#include "testutil.h"

/* jscan_text on a C string: 0 or -1, spans into sp, offset into *bad. */
static int
scan(const char *text, struct jscan_span *sp, size_t max, size_t *n,
    size_t *bad)
{
	*n = 0;
	*bad = (size_t)-1;
	return jscan_text(text, strlen(text), sp, max, n, bad);
}

static void
assert_span(const struct jscan_span *v, const char *want)
{
	ck_assert_ptr_nonnull(v->p);
	ck_assert_uint_eq(v->n, strlen(want));
	ck_assert_msg(memcmp(v->p, want, v->n) == 0, "span \"%.*s\", want %s",
	    (int)v->n, v->p, want);
}

START_TEST(plain_ascii_passes_the_word_check)
{
	const char *t = "{\"id\":1,\"op\":\"ping\",\"pad\":\"          \"}";

	ck_assert_int_eq(jscan_ascii_no_nul(t, strlen(t)), 1);
}
END_TEST

/* The NUL or high byte at every position of a 20-byte text, so that both
 * the word loop and the tail loop see it. */
START_TEST(nul_or_high_byte_anywhere_fails_the_word_check)
{
	char t[20];
	size_t i;

	for (i = 0; i < sizeof(t); i++) {
		memset(t, 'a', sizeof(t));
		t[i] = '\0';
		ck_assert_int_eq(jscan_ascii_no_nul(t, sizeof(t)), 0);
		t[i] = (char)0xc3;
		ck_assert_int_eq(jscan_ascii_no_nul(t, sizeof(t)), 0);
	}
}
END_TEST

START_TEST(utf8_offsets_name_the_first_bad_sequence)
{
	const char *ok = "caf\xc3\xa9 \xf0\x9f\x98\x80";
	const char *overlong = "ab\xc0\xaf";
	const char *surrogate = "a\xed\xa0\x80";
	const char *cut = "abc\xe2\x82";

	ck_assert_uint_eq(jscan_utf8((const unsigned char *)ok, strlen(ok)),
	    strlen(ok));
	ck_assert_uint_eq(jscan_utf8((const unsigned char *)overlong,
	    strlen(overlong)), 2);
	ck_assert_uint_eq(jscan_utf8((const unsigned char *)surrogate,
	    strlen(surrogate)), 1);
	ck_assert_uint_eq(jscan_utf8((const unsigned char *)cut,
	    strlen(cut)), 3);
}
END_TEST

START_TEST(spans_are_the_values_as_written)
{
	struct jscan_span sp[4];
	size_t n, bad;

	ck_assert_int_eq(scan(" {\"id\" : \"a\\\"b\" ,\"data\":[1, {\"x\":"
	    "null}] , \"n\":-1.5e+3}\r\n", sp, 4, &n, &bad), 0);
	ck_assert_uint_eq(n, 3);
	assert_span(&sp[0], "\"a\\\"b\"");
	assert_span(&sp[1], "[1, {\"x\":null}]");
	assert_span(&sp[2], "-1.5e+3");
}
END_TEST

START_TEST(spans_stop_at_max)
{
	struct jscan_span sp[2];
	size_t n, bad;

	ck_assert_int_eq(scan("{\"a\":1,\"b\":2,\"c\":3}", sp, 2, &n, &bad),
	    0);
	ck_assert_uint_eq(n, 2);
	assert_span(&sp[1], "2");
}
END_TEST

START_TEST(what_cjson_takes_and_rfc8259_does_not_is_refused)
{
	static const struct {
		const char *text;
		size_t bad;
	} cases[] = {
		{ "{\"a\":01}", 6 },		/* leading zero */
		{ "{\"a\":1.}", 7 },		/* no fraction digits */
		{ "{\"a\":1e}", 7 },		/* no exponent digits */
		{ "{\"a\":\"x\ty\"}", 7 },	/* raw control character */
		{ "{\"a\":1,}", 7 },		/* trailing comma */
		{ "{\"a\":1}\x0b", 7 },		/* not whitespace */
		{ "{\"a\":\"\\x\"}", 7 },	/* bad escape */
		{ "{\"a\":\"\\u12g4\"}", 10 },	/* bad \u digit */
		{ "{\"a\":tru}", 5 },
		{ "{\"a\":1} {}", 8 },		/* a second text */
	};
	struct jscan_span sp[1];
	size_t i, n, bad;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(scan(cases[i].text, sp, 1, &n, &bad) == -1,
		    "accepted %s", cases[i].text);
		ck_assert_msg(bad == cases[i].bad, "%s: offset %zu, want %zu",
		    cases[i].text, bad, cases[i].bad);
	}
}
END_TEST

START_TEST(byte_order_mark_and_escapes_are_accepted)
{
	struct jscan_span sp[1];
	size_t n, bad;

	ck_assert_int_eq(scan("\xef\xbb\xbf{\"a\":\"\\u00e9\\n\\/\"}", sp, 1,
	    &n, &bad), 0);
	assert_span(&sp[0], "\"\\u00e9\\n\\/\"");
}
END_TEST

/* As deep as cJSON nests, and one level more. */
START_TEST(nesting_is_bounded_as_cjson_bounds_it)
{
	static char deep[2 * (CJSON_NESTING_LIMIT + 1)];
	struct jscan_span sp[1];
	size_t i, len, n, bad;

	for (len = 2 * CJSON_NESTING_LIMIT; len <= sizeof(deep); len += 2) {
		for (i = 0; i < len / 2; i++) {
			deep[i] = '[';
			deep[len - 1 - i] = ']';
		}
		bad = 0;
		ck_assert_int_eq(jscan_text(deep, len, sp, 1, &n, &bad),
		    len == sizeof(deep) ? -1 : 0);
	}
	ck_assert_uint_eq(bad, CJSON_NESTING_LIMIT);
}
END_TEST

START_TEST(member_finds_the_kth_value)
{
	const char *t = "{\"a\":1, \"b\" :{\"c\":[2]},\"d\":\"e\"}";
	struct jscan_span v;

	ck_assert_int_eq(jscan_member(t, strlen(t), 1, &v), 0);
	assert_span(&v, "{\"c\":[2]}");
	ck_assert_int_eq(jscan_member(t, strlen(t), 2, &v), 0);
	assert_span(&v, "\"e\"");
	ck_assert_int_eq(jscan_member(t, strlen(t), 3, &v), -1);
}
END_TEST

START_TEST(ws_skips_only_the_four_rfc_bytes)
{
	const char *t = " \t\r\n\x0b";

	ck_assert_ptr_eq(jscan_ws(t, t + strlen(t)), t + 4);
	ck_assert_ptr_eq(jscan_ws(t, t + 2), t + 2);
}
END_TEST

static Suite *
jscan_suite(void)
{
	Suite *s = suite_create("jscan");
	TCase *tc = tcase_create("jscan_ascii_no_nul");

	tcase_add_test(tc, plain_ascii_passes_the_word_check);
	tcase_add_test(tc, nul_or_high_byte_anywhere_fails_the_word_check);
	suite_add_tcase(s, tc);
	tc = tcase_create("jscan_utf8");
	tcase_add_test(tc, utf8_offsets_name_the_first_bad_sequence);
	suite_add_tcase(s, tc);
	tc = tcase_create("jscan_text");
	tcase_add_test(tc, spans_are_the_values_as_written);
	tcase_add_test(tc, spans_stop_at_max);
	tcase_add_test(tc, what_cjson_takes_and_rfc8259_does_not_is_refused);
	tcase_add_test(tc, byte_order_mark_and_escapes_are_accepted);
	tcase_add_test(tc, nesting_is_bounded_as_cjson_bounds_it);
	suite_add_tcase(s, tc);
	tc = tcase_create("jscan_member");
	tcase_add_test(tc, member_finds_the_kth_value);
	suite_add_tcase(s, tc);
	tc = tcase_create("jscan_ws");
	tcase_add_test(tc, ws_skips_only_the_four_rfc_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(jscan_suite());
}
