/* Unit tests for jwrite: the bounded writer of answers.  Every text it
 * writes is read back with cJSON and with the strict scanner. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "jscan.h"
#include "jwrite.h"
#include "testutil.h"

static void
assert_text(const struct jwrite *w, const char *want)
{
	size_t n = jwrite_end(w), bad;

	ck_assert_uint_eq(n, strlen(want));
	ck_assert_msg(memcmp(w->start, want, n) == 0, "wrote %.*s, want %s",
	    (int)n, w->start, want);
	ck_assert_int_eq(jscan_valid(w->start, n, &bad), 0);
}

/* s written as a JSON string, then read back: the text wanted, and the
 * string cJSON decodes from it. */
static void
assert_str(const char *s, size_t n, const char *want, const char *decoded)
{
	char buf[256];
	struct jwrite w;
	cJSON *v;

	jwrite_init(&w, buf, sizeof(buf));
	jwrite_str(&w, s, n);
	assert_text(&w, want);
	v = cJSON_ParseWithLength(buf, jwrite_end(&w));
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(cJSON_GetStringValue(v), decoded);
	cJSON_Delete(v);
}

START_TEST(members_and_nesting_get_their_commas)
{
	char buf[128];
	struct jwrite w;

	jwrite_init(&w, buf, sizeof(buf));
	jwrite_open(&w, '{');
	jwrite_key(&w, "id");
	jwrite_raw(&w, "\"x\"", 3);
	jwrite_key(&w, "ok");
	jwrite_bool(&w, 1);
	jwrite_key(&w, "o");
	jwrite_open(&w, '{');
	jwrite_key(&w, "n");
	jwrite_uint(&w, 18446744073709551615ULL);
	jwrite_key(&w, "z");
	jwrite_uint(&w, 0);
	jwrite_close(&w, '}');
	jwrite_key(&w, "a");
	jwrite_open(&w, '[');
	jwrite_bool(&w, 0);
	jwrite_cstr(&w, NULL);
	jwrite_open(&w, '[');
	jwrite_close(&w, ']');
	jwrite_close(&w, ']');
	jwrite_close(&w, '}');
	assert_text(&w, "{\"id\":\"x\",\"ok\":true,\"o\":{\"n\":"
	    "18446744073709551615,\"z\":0},\"a\":[false,null,[]]}");
}
END_TEST

START_TEST(strings_are_escaped_per_rfc8259)
{
	assert_str("plain", 5, "\"plain\"", "plain");
	assert_str("a\"b\\c", 5, "\"a\\\"b\\\\c\"", "a\"b\\c");
	assert_str("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t");
	assert_str("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"", "\x01\x1f\x7f");
	assert_str("", 0, "\"\"", "");
	assert_str("caf\xc3\xa9 \xf0\x9f\x98\x80", 10,
	    "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xf0\x9f\x98\x80");
}
END_TEST

/* A NUL is written as \u0000 (cJSON's string ends there when read back);
 * bytes that are not UTF-8 (an interface name may hold any) become
 * U+FFFD, one per byte, so the answer stays valid JSON and UTF-8. */
START_TEST(nul_and_bad_utf8_stay_valid_json)
{
	assert_str("a\0b", 3, "\"a\\u0000b\"", "a");
	assert_str("\xff" "a\xc3", 3, "\"\\ufffda\\ufffd\"",
	    "\xef\xbf\xbd" "a\xef\xbf\xbd");
	assert_str("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"",
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

/* Every cut of the buffer either holds the whole text or says 0, and
 * never writes past its end. */
START_TEST(a_text_that_does_not_fit_is_refused_whole)
{
	static const char want[] = "{\"a\":\"x\\ny\",\"b\":[12345,true]}";
	char buf[sizeof(want) + 8];
	struct jwrite w;
	size_t cap;

	for (cap = 0; cap <= sizeof(want) - 1; cap++) {
		memset(buf, '#', sizeof(buf));
		jwrite_init(&w, buf, cap);
		jwrite_open(&w, '{');
		jwrite_key(&w, "a");
		jwrite_str(&w, "x\ny", 3);
		jwrite_key(&w, "b");
		jwrite_open(&w, '[');
		jwrite_uint(&w, 12345);
		jwrite_bool(&w, 1);
		jwrite_close(&w, ']');
		jwrite_close(&w, '}');
		if (cap == sizeof(want) - 1)
			assert_text(&w, want);
		else
			ck_assert_uint_eq(jwrite_end(&w), 0);
		ck_assert_int_eq(buf[cap], '#');
	}
}
END_TEST

static Suite *
jwrite_suite(void)
{
	Suite *s = suite_create("jwrite");
	TCase *tc = tcase_create("jwrite");

	tcase_add_test(tc, members_and_nesting_get_their_commas);
	tcase_add_test(tc, strings_are_escaped_per_rfc8259);
	tcase_add_test(tc, nul_and_bad_utf8_stay_valid_json);
	tcase_add_test(tc, a_text_that_does_not_fit_is_refused_whole);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(jwrite_suite());
}
