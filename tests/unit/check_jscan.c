/* Unit tests for jscan: the strict RFC 8259 / RFC 3629 checks of a request,
 * its top-level members, and unescaping. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "jscan.h"
#include "testutil.h"

/* jscan_object on a C string: members into mem, offset into *at. */
static enum jscan_result
scan(const char *text, struct jscan_member *mem, size_t max, size_t *n,
    size_t *at)
{
	*n = 0;
	*at = (size_t)-1;
	return jscan_object(text, strlen(text), mem, max, n, at);
}

static void
assert_span(const struct jscan_span *v, const char *want)
{
	ck_assert_ptr_nonnull(v->p);
	ck_assert_uint_eq(v->n, strlen(want));
	ck_assert_msg(memcmp(v->p, want, v->n) == 0, "span \"%.*s\", want %s",
	    (int)v->n, v->p, want);
}

START_TEST(utf8_seq_follows_rfc3629_at_every_edge)
{
	static const struct {
		const char *s;
		size_t len;
	} t[] = {
		{ "a", 1 }, { "\x7f", 1 }, { "\xc2\x80", 2 }, { "\xdf\xbf", 2 },
		{ "\xe0\xa0\x80", 3 }, { "\xed\x9f\xbf", 3 },
		{ "\xee\x80\x80", 3 }, { "\xef\xbf\xbf", 3 },
		{ "\xf0\x90\x80\x80", 4 }, { "\xf4\x8f\xbf\xbf", 4 },
		/* overlong, surrogate, above U+10FFFF, lone continuation */
		{ "\xc0\xaf", 0 }, { "\xc1\xbf", 0 }, { "\xe0\x9f\xbf", 0 },
		{ "\xf0\x8f\xbf\xbf", 0 }, { "\xed\xa0\x80", 0 },
		{ "\xf4\x90\x80\x80", 0 }, { "\xf5\x80\x80\x80", 0 },
		{ "\xff", 0 }, { "\x80", 0 }, { "\xbf", 0 },
		/* a continuation byte missing or wrong */
		{ "\xe2\x82", 0 }, { "\xe2\x82 ", 0 }, { "\xf0\x9d\x84", 0 },
		{ "\xc3 ", 0 }, { "\xe2\xc2\xac", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(jscan_utf8_seq((const unsigned char *)t[i].s,
		    strlen(t[i].s)) == t[i].len, "case %zu", i);
}
END_TEST

/* A NUL and a stray byte of UTF-8 at every position of a 20-byte string
 * (the word loop and the tail loop of the string scan) are named with
 * their offset; so are they outside strings and after the object. */
START_TEST(nul_and_bad_utf8_are_named_at_their_offset)
{
	char t[] = "{\"a\":\"aaaaaaaaaaaaaaaaaaaa\"}";
	struct jscan_member m[2];
	size_t i, n, at;

	for (i = 6; i < 26; i++) {
		memset(t + 6, 'a', 20);
		t[i] = '\0';
		ck_assert_int_eq(jscan_object(t, sizeof(t) - 1, m, 2, &n, &at),
		    JSCAN_NUL);
		ck_assert_uint_eq(at, i);
		t[i] = (char)0xff;
		ck_assert_int_eq(jscan_object(t, sizeof(t) - 1, m, 2, &n, &at),
		    JSCAN_UTF8);
		ck_assert_uint_eq(at, i);
		t[i] = (char)0xc3;	/* cut short by the next 'a' */
		ck_assert_int_eq(jscan_object(t, sizeof(t) - 1, m, 2, &n, &at),
		    JSCAN_UTF8);
		ck_assert_uint_eq(at, i);
	}
	ck_assert_int_eq(scan("{\"a\":\xff}", m, 2, &n, &at), JSCAN_UTF8);
	ck_assert_uint_eq(at, 5);
	ck_assert_int_eq(scan("{\"a\":\xc3\xa9}", m, 2, &n, &at),
	    JSCAN_INVALID);
	ck_assert_uint_eq(at, 5);
	ck_assert_int_eq(jscan_object("{} \0", 4, m, 2, &n, &at), JSCAN_NUL);
	ck_assert_uint_eq(at, 3);
	ck_assert_int_eq(scan("{} \xff", m, 2, &n, &at), JSCAN_UTF8);
	ck_assert_uint_eq(at, 3);
	ck_assert_int_eq(scan("{} x\xff", m, 2, &n, &at), JSCAN_TRAILING);
	ck_assert_uint_eq(at, 2);
}
END_TEST

/* Multibyte characters between plain runs, in names and in values. */
START_TEST(utf8_in_strings_is_taken_whole)
{
	struct jscan_member m[2];
	size_t n, at;

	ck_assert_int_eq(scan("{\"caf\xc3\xa9\":\"\xf0\x9f\x98\x80 and "
	    "\xe2\x82\xac, \xf4\x8f\xbf\xbf.\"}", m, 2, &n, &at), JSCAN_OK);
	ck_assert_uint_eq(n, 1);
	assert_span(&m[0].name, "caf\xc3\xa9");
	ck_assert_int_eq(m[0].escaped, 0);
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

START_TEST(members_are_names_and_values_as_written)
{
	struct jscan_member m[4];
	size_t n, at;

	ck_assert_int_eq(scan(" {\"id\" : \"a\\\"b\" ,\"d\\u0061ta\":[1, "
	    "{\"x\":null}] , \"n\":-1.5e+3}\r\n", m, 4, &n, &at), JSCAN_OK);
	ck_assert_uint_eq(n, 3);
	assert_span(&m[0].name, "id");
	ck_assert_int_eq(m[0].escaped, 0);
	assert_span(&m[0].value, "\"a\\\"b\"");
	assert_span(&m[1].name, "d\\u0061ta");
	ck_assert_int_eq(m[1].escaped, 1);
	assert_span(&m[1].value, "[1, {\"x\":null}]");
	assert_span(&m[2].name, "n");
	assert_span(&m[2].value, "-1.5e+3");
}
END_TEST

/* Only the top level's members: those of nested objects are values. */
START_TEST(nested_members_are_not_recorded)
{
	struct jscan_member m[4];
	size_t n, at;

	ck_assert_int_eq(scan("{\"a\":{\"b\":1,\"c\":{\"d\":2}},\"e\":[{\"f\":3}]}",
	    m, 4, &n, &at), JSCAN_OK);
	ck_assert_uint_eq(n, 2);
	assert_span(&m[0].name, "a");
	assert_span(&m[1].name, "e");
}
END_TEST

START_TEST(members_past_max_are_counted_not_recorded)
{
	struct jscan_member m[3];
	size_t n, at;

	m[2].name.p = NULL;
	ck_assert_int_eq(scan("{\"a\":1,\"b\":2,\"c\":3}", m, 2, &n, &at),
	    JSCAN_OK);
	ck_assert_uint_eq(n, 3);
	assert_span(&m[1].value, "2");
	ck_assert_ptr_null(m[2].name.p);
}
END_TEST

START_TEST(what_cjson_takes_and_rfc8259_does_not_is_refused)
{
	static const struct {
		const char *text;
		enum jscan_result r;
		size_t at;
	} cases[] = {
		{ "{\"a\":01}", JSCAN_INVALID, 6 },	/* leading zero */
		{ "{\"a\":1.}", JSCAN_INVALID, 7 },	/* no fraction digits */
		{ "{\"a\":1e}", JSCAN_INVALID, 7 },	/* no exponent digits */
		{ "{\"a\":\"x\ty\"}", JSCAN_INVALID, 7 },	/* raw control */
		{ "{\"a\":1,}", JSCAN_INVALID, 7 },	/* trailing comma */
		{ "{\"a\":1}\x0b", JSCAN_TRAILING, 7 },	/* not whitespace */
		{ "{\"a\":\"\\x\"}", JSCAN_INVALID, 7 },	/* bad escape */
		{ "{\"a\":\"\\u12g4\"}", JSCAN_INVALID, 10 },	/* bad \u digit */
		{ "{\"a\":tru}", JSCAN_INVALID, 5 },
		{ "{\"a\":1} {}", JSCAN_TRAILING, 7 },	/* a second text */
		{ "[{\"a\":1}]", JSCAN_NOT_OBJECT, 9 },
		{ "\"x\"", JSCAN_NOT_OBJECT, 3 },
		{ "", JSCAN_INVALID, 0 },
	};
	struct jscan_member m[1];
	size_t i, n, at;
	enum jscan_result r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = scan(cases[i].text, m, 1, &n, &at);
		ck_assert_msg(r == cases[i].r, "%s: result %d, want %d",
		    cases[i].text, r, cases[i].r);
		ck_assert_msg(at == cases[i].at, "%s: offset %zu, want %zu",
		    cases[i].text, at, cases[i].at);
	}
}
END_TEST

/* A surrogate escape stands for a character only as a high-low pair. */
START_TEST(lone_surrogate_escapes_are_refused)
{
	static const char *const bad[] = {
		"{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
		"{\"a\":\"\\uDBFFx\"}", "{\"a\":\"\\ud800\\u0041\"}",
		"{\"a\":\"\\ud800\\ud800\"}", "{\"\\udfff\":1}",
		"{\"a\":\"\\ud800\\", "{\"a\":\"\\ud800\\u00",
	};
	struct jscan_member m[1];
	size_t i, n, at;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(scan(bad[i], m, 1, &n, &at) == JSCAN_INVALID,
		    "accepted %s", bad[i]);
	ck_assert_int_eq(scan("{\"a\":\"\\ud83d\\ude00\\uD7FF\\uE000\"}", m,
	    1, &n, &at), JSCAN_OK);
}
END_TEST

START_TEST(byte_order_mark_and_escapes_are_accepted)
{
	struct jscan_member m[1];
	size_t n, at;

	ck_assert_int_eq(scan("\xef\xbb\xbf{\"a\":\"\\u00e9\\n\\/\"}", m, 1,
	    &n, &at), JSCAN_OK);
	assert_span(&m[0].value, "\"\\u00e9\\n\\/\"");
}
END_TEST

/* As deep as JSCAN_DEPTH_MAX, and one level more; and no deeper than
 * cJSON, which reads every answer in pktq, can take. */
START_TEST(nesting_is_bounded_as_cjson_bounds_it)
{
	static char deep[2 * (JSCAN_DEPTH_MAX + 1)];
	size_t i, len, bad;

	ck_assert_int_le(JSCAN_DEPTH_MAX, CJSON_NESTING_LIMIT);
	for (len = 2 * JSCAN_DEPTH_MAX; len <= sizeof(deep); len += 2) {
		for (i = 0; i < len / 2; i++) {
			deep[i] = '[';
			deep[len - 1 - i] = ']';
		}
		bad = 0;
		ck_assert_int_eq(jscan_valid(deep, len, &bad),
		    len == sizeof(deep) ? -1 : 0);
	}
	ck_assert_uint_eq(bad, JSCAN_DEPTH_MAX);
}
END_TEST

START_TEST(valid_takes_any_json_text)
{
	size_t bad;

	ck_assert_int_eq(jscan_valid("[1,\"x\"]", 7, &bad), 0);
	ck_assert_int_eq(jscan_valid(" 0 ", 3, &bad), 0);
	ck_assert_int_eq(jscan_valid("{\"a\":\"\x01\"}", 9, &bad), -1);
	ck_assert_uint_eq(bad, 6);
}
END_TEST

static void
assert_unescapes(const char *in, const char *want, size_t want_n)
{
	char out[64];
	size_t n = jscan_unescape(in, strlen(in), out);

	ck_assert_uint_le(n, strlen(in));
	ck_assert_msg(n == want_n && memcmp(out, want, n) == 0,
	    "%s unescaped to %zu bytes, want %zu", in, n, want_n);
}

START_TEST(unescape_decodes_every_escape)
{
	assert_unescapes("plain", "plain", 5);
	assert_unescapes("\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t", 8);
	assert_unescapes("op\\u0000x", "op\0x", 4);
	assert_unescapes("\\u006fp", "op", 2);
	assert_unescapes("\\u00e9\\u20AC", "\xc3\xa9\xe2\x82\xac", 5);
	assert_unescapes("\\ud83d\\ude00!", "\xf0\x9f\x98\x80!", 5);
	assert_unescapes("\\u007f\\u0080\\u07ff\\u0800\\uffff",
	    "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", 11);
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
	TCase *tc = tcase_create("jscan_utf8");

	tcase_add_test(tc, utf8_seq_follows_rfc3629_at_every_edge);
	tcase_add_test(tc, utf8_offsets_name_the_first_bad_sequence);
	suite_add_tcase(s, tc);
	tc = tcase_create("jscan_object");
	tcase_add_test(tc, members_are_names_and_values_as_written);
	tcase_add_test(tc, nested_members_are_not_recorded);
	tcase_add_test(tc, members_past_max_are_counted_not_recorded);
	tcase_add_test(tc, what_cjson_takes_and_rfc8259_does_not_is_refused);
	tcase_add_test(tc, lone_surrogate_escapes_are_refused);
	tcase_add_test(tc, byte_order_mark_and_escapes_are_accepted);
	tcase_add_test(tc, nul_and_bad_utf8_are_named_at_their_offset);
	tcase_add_test(tc, utf8_in_strings_is_taken_whole);
	suite_add_tcase(s, tc);
	tc = tcase_create("jscan_valid");
	tcase_add_test(tc, nesting_is_bounded_as_cjson_bounds_it);
	tcase_add_test(tc, valid_takes_any_json_text);
	suite_add_tcase(s, tc);
	tc = tcase_create("jscan_unescape");
	tcase_add_test(tc, unescape_decodes_every_escape);
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
