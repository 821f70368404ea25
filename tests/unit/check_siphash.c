/* Unit tests for siphash: SipHash-1-3 as CPython 3.11+ computes it (its
 * hash of bytes, with PYTHONHASHSEED=0, is SipHash-1-3 under a key of
 * zeros; hash(b"") alone is special-cased there to 0). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <check.h>

#include "siphash.h"
#include "testutil.h"

/* Inputs of 3, 8 (one whole block) and 17 bytes (two and a tail). */
START_TEST(zero_key_matches_the_reference)
{
	static const struct {
		const char *in;
		int64_t want;
	} cases[] = {
		{ "abc", -4594863902769663758LL },
		{ "abcdefgh", 4574395652268504554LL },
		{ "abcdefghijklmnopq", 7044894726457044172LL },
	};
	struct siphash_key k = { 0, 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_int_eq((int64_t)siphash13(&k, cases[i].in,
		    strlen(cases[i].in)), cases[i].want);
}
END_TEST

/* Another key, another hash: what keeps colliding names from being
 * written in advance. */
START_TEST(key_changes_every_hash)
{
	struct siphash_key a = { 1, 2 }, b = { 1, 3 };

	ck_assert_uint_ne(siphash13(&a, "op", 2), siphash13(&b, "op", 2));
	ck_assert_uint_ne(siphash13(&a, "", 0), siphash13(&b, "", 0));
	ck_assert_uint_ne(siphash13(&a, "op", 2), siphash13(&a, "po", 2));
	ck_assert_uint_ne(siphash13(&a, "a\0", 2), siphash13(&a, "a", 1));
}
END_TEST

static Suite *
siphash_suite(void)
{
	Suite *s = suite_create("siphash");
	TCase *tc = tcase_create("siphash13");

	tcase_add_test(tc, zero_key_matches_the_reference);
	tcase_add_test(tc, key_changes_every_hash);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(siphash_suite());
}
