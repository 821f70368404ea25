/* Unit tests for opts: pktinfod's command line and its defaults. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "opts.h"
#include "testutil.h"

static enum opts_result
parse(struct opts *o, char *err, const char *const *args)
{
	char *argv[16];
	int argc = 0;

	argv[argc++] = "pktinfod";
	while (*args != NULL)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return opts_parse(o, argc, argv, err, 256);
}

START_TEST(no_arguments_listen_dualstack_on_4242)
{
	const char *args[] = { NULL };
	struct in6_addr any = tu_ip("::");
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_RUN);
	ck_assert_uint_eq(o.nlisten, 1);
	ck_assert_mem_eq(&o.listen[0].sin6_addr, &any, sizeof(any));
	ck_assert_uint_eq(ntohs(o.listen[0].sin6_port), 4242);
	ck_assert_int_eq(o.log_level, LOG_LVL_INFO);
	ck_assert_int_eq(o.naive_source, 0);
	ck_assert_uint_eq(o.max_datagram, 4096);
	ck_assert_uint_eq(o.amplification_factor, 3);
	ck_assert_uint_eq(o.min_source_port, 1024);
	opts_free(&o);
}
END_TEST

START_TEST(min_source_port_takes_0_to_65535)
{
	const char *zero[] = { "--min-source-port", "0", NULL };
	const char *bad[] = { "--min-source-port", "65536", NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, zero), OPTS_RUN);
	ck_assert_uint_eq(o.min_source_port, 0);
	opts_free(&o);
	ck_assert_int_eq(parse(&o, err, bad), OPTS_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "--min-source-port 65536"));
	opts_free(&o);
}
END_TEST

START_TEST(port_applies_to_listen_without_port_in_any_order)
{
	const char *args[] = { "-l", "127.0.0.1", "-l", "[::1]:5353", "-p",
	    "0", NULL };
	struct in6_addr lo = tu_ip("127.0.0.1");
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_RUN);
	ck_assert_uint_eq(o.nlisten, 2);
	ck_assert_mem_eq(&o.listen[0].sin6_addr, &lo, sizeof(lo));
	ck_assert_uint_eq(ntohs(o.listen[0].sin6_port), 0);
	ck_assert_uint_eq(ntohs(o.listen[1].sin6_port), 5353);
	opts_free(&o);
}
END_TEST

START_TEST(bad_port_names_the_flag)
{
	const char *args[] = { "-p", "70000", NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "-p 70000"));
	opts_free(&o);
}
END_TEST

START_TEST(bad_listen_address_names_the_flag)
{
	const char *args[] = { "-l", "localhost:53", NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "-l localhost:53"));
	opts_free(&o);
}
END_TEST

START_TEST(overlapping_listen_flags_name_both)
{
	const char *args[] = { "-l", "[::]", "-p", "5000", "-l", "0.0.0.0",
	    NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "-l 0.0.0.0: overlaps -l [::] on "
	    "port 5000"));
	opts_free(&o);
}
END_TEST

START_TEST(same_listen_flag_twice_names_both)
{
	const char *args[] = { "-l", "127.0.0.1:53", "-l", "127.0.0.1:53",
	    NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "-l 127.0.0.1:53: overlaps -l "
	    "127.0.0.1:53"));
	opts_free(&o);
}
END_TEST

START_TEST(listen_flags_on_port_0_do_not_overlap)
{
	const char *args[] = { "-l", "[::]", "-l", "0.0.0.0", "-p", "0",
	    NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_RUN);
	ck_assert_uint_eq(o.nlisten, 2);
	opts_free(&o);
}
END_TEST

START_TEST(bad_log_level_names_the_flag)
{
	const char *args[] = { "--log-level", "loud", NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "--log-level loud"));
	opts_free(&o);
}
END_TEST

START_TEST(unknown_option_is_usage_error)
{
	const char *args[] = { "--frobnicate", NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "--frobnicate"));
	opts_free(&o);
}
END_TEST

START_TEST(missing_argument_is_usage_error)
{
	const char *args[] = { "--ready-file", NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "--ready-file"));
	opts_free(&o);
}
END_TEST

START_TEST(flags_set_their_options)
{
	const char *args[] = { "--naive-source", "--ready-file", "/tmp/r",
	    "--log-level", "debug", "--syslog", "-P", "/tmp/p", NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_RUN);
	ck_assert_int_eq(o.naive_source, 1);
	ck_assert_str_eq(o.ready_file, "/tmp/r");
	ck_assert_str_eq(o.pidfile, "/tmp/p");
	ck_assert_int_eq(o.log_level, LOG_LVL_DEBUG);
	ck_assert_int_eq(o.use_syslog, 1);
	opts_free(&o);
}
END_TEST

START_TEST(stray_argument_is_usage_error)
{
	const char *args[] = { "extra", NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "extra"));
	opts_free(&o);
}
END_TEST

START_TEST(config_flags_set_their_options)
{
	const char *args[] = { "--check-config", "--config", "/nonexistent",
	    NULL };
	struct opts o;
	char err[256];

	ck_assert_int_eq(parse(&o, err, args), OPTS_CONFIG);
	ck_assert_int_eq(o.check_config, 1);
	ck_assert_str_eq(o.config_file, "/nonexistent");
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent: "));
	opts_free(&o);
}
END_TEST

START_TEST(help_lists_every_long_option)
{
	static const char *const names[] = { "--config", "--check-config",
	    "--listen", "--port", "--workers", "--user", "--daemon",
	    "--pidfile", "--ready-file", "--log-level", "--syslog", "--batch",
	    "--min-source-port", "--naive-source", "--version", "--help" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(strstr(opts_usage(), names[i]) != NULL,
		    "%s is not in the usage", names[i]);
}
END_TEST

static Suite *
opts_suite(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("opts_parse");

	tcase_add_test(tc, no_arguments_listen_dualstack_on_4242);
	tcase_add_test(tc, port_applies_to_listen_without_port_in_any_order);
	tcase_add_test(tc, bad_port_names_the_flag);
	tcase_add_test(tc, bad_listen_address_names_the_flag);
	tcase_add_test(tc, overlapping_listen_flags_name_both);
	tcase_add_test(tc, same_listen_flag_twice_names_both);
	tcase_add_test(tc, listen_flags_on_port_0_do_not_overlap);
	tcase_add_test(tc, bad_log_level_names_the_flag);
	tcase_add_test(tc, unknown_option_is_usage_error);
	tcase_add_test(tc, missing_argument_is_usage_error);
	tcase_add_test(tc, flags_set_their_options);
	tcase_add_test(tc, stray_argument_is_usage_error);
	tcase_add_test(tc, min_source_port_takes_0_to_65535);
	tcase_add_test(tc, config_flags_set_their_options);
	tcase_add_test(tc, help_lists_every_long_option);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tu_run(opts_suite());
}
