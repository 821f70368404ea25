/* Unit tests for pktbench_hist: the percentiles pktbench reports, exact
 * below 128 ns and within the documented 1/64 of the true value above. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>

#include <check.h>

#include "pktbench_hist.h"
#include "testutil.h"

/* One histogram is 19 KB: static keeps the tests off a small stack. */
static struct bench_hist h, other;

/* got is within 1/64 of want, as the header promises. */
static void
assert_near(uint64_t got, uint64_t want)
{
	uint64_t diff = got > want ? got - want : want - got;

	ck_assert_msg(diff * 64 <= want, "got %llu, want %llu within 1/64",
	    (unsigned long long)got, (unsigned long long)want);
}

START_TEST(init_empties_histogram)
{
	h.total = 99;
	h.max_ns = 99;
	h.count[5] = 3;
	bench_hist_init(&h);
	ck_assert_uint_eq(h.total, 0);
	ck_assert_uint_eq(h.max_ns, 0);
	ck_assert_uint_eq(h.count[5], 0);
	ck_assert_uint_eq(bench_hist_quantile(&h, 0.5), 0);
}
END_TEST

START_TEST(add_counts_total_and_max)
{
	bench_hist_init(&h);
	bench_hist_add(&h, 500);
	bench_hist_add(&h, 70000);
	bench_hist_add(&h, 3);
	ck_assert_uint_eq(h.total, 3);
	ck_assert_uint_eq(h.max_ns, 70000);
}
END_TEST

START_TEST(values_below_128_are_exact)
{
	uint64_t v;

	for (v = 0; v < 128; v++) {
		bench_hist_init(&h);
		bench_hist_add(&h, v);
		bench_hist_add(&h, 1000);
		ck_assert_uint_eq(bench_hist_quantile(&h, 0.5), v);
	}
}
END_TEST

START_TEST(every_value_is_reported_within_one_64th)
{
	uint64_t v;

	/* Every value through four bucket groups, then a sweep to the top. */
	for (v = 128; v < (1u << 11); v++) {
		bench_hist_init(&h);
		bench_hist_add(&h, v);
		bench_hist_add(&h, (uint64_t)1 << 41);
		assert_near(bench_hist_quantile(&h, 0.5), v);
	}
	for (v = 1u << 11; v < (uint64_t)1 << 42; v += v / 97 + 1) {
		bench_hist_init(&h);
		bench_hist_add(&h, v);
		bench_hist_add(&h, ((uint64_t)1 << 42) - 1);
		assert_near(bench_hist_quantile(&h, 0.5), v);
	}
}
END_TEST

START_TEST(larger_than_range_lands_in_last_bucket)
{
	bench_hist_init(&h);
	bench_hist_add(&h, UINT64_MAX);
	ck_assert_uint_eq(h.count[HIST_BUCKETS - 1], 1);
	ck_assert_uint_eq(h.max_ns, UINT64_MAX);
	assert_near(bench_hist_quantile(&h, 1.0), ((uint64_t)1 << 42) - 1);
}
END_TEST

START_TEST(merge_adds_counts_and_keeps_larger_max)
{
	bench_hist_init(&h);
	bench_hist_init(&other);
	bench_hist_add(&h, 10);
	bench_hist_add(&h, 20);
	bench_hist_add(&other, 30);
	bench_hist_add(&other, 5000);
	bench_hist_merge(&h, &other);
	ck_assert_uint_eq(h.total, 4);
	ck_assert_uint_eq(h.max_ns, 5000);
	ck_assert_uint_eq(bench_hist_quantile(&h, 0.75), 30);
	assert_near(bench_hist_quantile(&h, 1.0), 5000);
	/* from is left alone, and a smaller max does not lower into's. */
	ck_assert_uint_eq(other.total, 2);
	bench_hist_init(&other);
	bench_hist_add(&other, 1);
	bench_hist_merge(&h, &other);
	ck_assert_uint_eq(h.max_ns, 5000);
	ck_assert_uint_eq(bench_hist_quantile(&h, 0.2), 1);
}
END_TEST

START_TEST(merge_of_split_samples_equals_one_histogram)
{
	struct bench_hist *all = &h;
	static struct bench_hist a, b;
	uint64_t v;

	bench_hist_init(all);
	bench_hist_init(&a);
	bench_hist_init(&b);
	for (v = 1; v < 200000; v += 37) {
		bench_hist_add(all, v);
		bench_hist_add(v % 2 ? &a : &b, v);
	}
	bench_hist_merge(&a, &b);
	ck_assert_mem_eq(&a, all, sizeof(a));
}
END_TEST

START_TEST(empty_histogram_quantile_is_zero)
{
	bench_hist_init(&h);
	ck_assert_uint_eq(bench_hist_quantile(&h, 0.99), 0);
}
END_TEST

START_TEST(p50_of_uniform_samples_is_median_within_bucket_error)
{
	uint64_t v;

	/* 1000, 2000, ..., 1001000 ns: 1001 values, the 501st is 501000. */
	bench_hist_init(&h);
	for (v = 1000; v <= 1001000; v += 1000)
		bench_hist_add(&h, v);
	assert_near(bench_hist_quantile(&h, 0.5), 501000);
}
END_TEST

START_TEST(p99_of_uniform_samples_is_within_bucket_error)
{
	uint64_t v;

	/* 1..100000 us: ceil(0.99 * 100000) = 99000th is 99000 us. */
	bench_hist_init(&h);
	for (v = 1; v <= 100000; v++)
		bench_hist_add(&h, v * 1000);
	assert_near(bench_hist_quantile(&h, 0.99), 99000000);
	assert_near(bench_hist_quantile(&h, 0.999), 99900000);
}
END_TEST

START_TEST(quantile_rank_rounds_up)
{
	uint64_t v;

	/* Ten exact values 10..100: p50 is the 5th, p51 the 6th, p1 the 1st. */
	bench_hist_init(&h);
	for (v = 10; v <= 100; v += 10)
		bench_hist_add(&h, v);
	ck_assert_uint_eq(bench_hist_quantile(&h, 0.5), 50);
	ck_assert_uint_eq(bench_hist_quantile(&h, 0.51), 60);
	ck_assert_uint_eq(bench_hist_quantile(&h, 0.01), 10);
	ck_assert_uint_eq(bench_hist_quantile(&h, 0.9), 90);
	ck_assert_uint_eq(bench_hist_quantile(&h, 1.0), 100);
}
END_TEST

START_TEST(max_quantile_never_exceeds_max)
{
	bench_hist_init(&h);
	bench_hist_add(&h, 1000000);
	ck_assert_uint_le(bench_hist_quantile(&h, 1.0), 1000000);
	assert_near(bench_hist_quantile(&h, 1.0), 1000000);
}
END_TEST

START_TEST(skewed_samples_give_tail_not_median)
{
	int i;

	/* 990 fast answers and 10 slow ones: p99 is fast, p99.9 is slow. */
	bench_hist_init(&h);
	for (i = 0; i < 990; i++)
		bench_hist_add(&h, 50000);
	for (i = 0; i < 10; i++)
		bench_hist_add(&h, 20000000);
	assert_near(bench_hist_quantile(&h, 0.99), 50000);
	assert_near(bench_hist_quantile(&h, 0.999), 20000000);
}
END_TEST

static Suite *
pktbench_hist_suite(void)
{
	Suite *s = suite_create("pktbench_hist");
	TCase *init = tcase_create("bench_hist_init");
	TCase *add = tcase_create("bench_hist_add");
	TCase *merge = tcase_create("bench_hist_merge");
	TCase *quant = tcase_create("bench_hist_quantile");

	tcase_add_test(init, init_empties_histogram);
	tcase_add_test(add, add_counts_total_and_max);
	tcase_add_test(add, values_below_128_are_exact);
	tcase_add_test(add, every_value_is_reported_within_one_64th);
	tcase_add_test(add, larger_than_range_lands_in_last_bucket);
	tcase_add_test(merge, merge_adds_counts_and_keeps_larger_max);
	tcase_add_test(merge, merge_of_split_samples_equals_one_histogram);
	tcase_add_test(quant, empty_histogram_quantile_is_zero);
	tcase_add_test(quant,
	    p50_of_uniform_samples_is_median_within_bucket_error);
	tcase_add_test(quant, p99_of_uniform_samples_is_within_bucket_error);
	tcase_add_test(quant, quantile_rank_rounds_up);
	tcase_add_test(quant, max_quantile_never_exceeds_max);
	tcase_add_test(quant, skewed_samples_give_tail_not_median);
	suite_add_tcase(s, init);
	suite_add_tcase(s, add);
	suite_add_tcase(s, merge);
	suite_add_tcase(s, quant);
	return s;
}

int
main(void)
{
	return tu_run(pktbench_hist_suite());
}
