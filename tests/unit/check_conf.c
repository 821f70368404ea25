/* Unit tests for conf: the configuration file through opts_parse -c, its
 * defaults, its errors (file:line:col: key: reason) and its canonical
 * text. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "conf.h"
#include "opts.h"
#include "testutil.h"

/* A file of its own per test process (Check forks one per test). */
static char conf_path[64];

static void
setup(void)
{
	snprintf(conf_path, sizeof(conf_path), "check_conf.%ld.tmp",
	    (long)getpid());
}

static void
teardown(void)
{
	remove(conf_path);
}

static void
write_conf(const char *text)
{
	FILE *f = fopen(conf_path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

/* opts_parse with argv "pktinfod ARGS...". */
static enum opts_result
parse_args(struct opts *o, char *err, size_t errlen, const char *const *args)
{
	char *argv[16];
	int argc = 0;

	argv[argc++] = "pktinfod";
	while (*args != NULL)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	return opts_parse(o, argc, argv, err, errlen);
}

/* opts_parse -c on text. */
static enum opts_result
parse_text(struct opts *o, char *err, size_t errlen, const char *text)
{
	const char *args[] = { "-c", conf_path, NULL };

	write_conf(text);
	return parse_args(o, err, errlen, args);
}

/* Loading text fails with exactly "FILE:" want. */
static void
assert_error(const char *text, const char *want)
{
	struct opts o;
	char err[512], full[600];

	ck_assert_int_eq(parse_text(&o, err, sizeof(err), text), OPTS_CONFIG);
	snprintf(full, sizeof(full), "%s:%s", conf_path, want);
	ck_assert_str_eq(err, full);
	opts_free(&o);
}

/* conf_print's text for o. */
static char *
printed(const struct opts *o)
{
	FILE *f = tmpfile();
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(conf_print(o, f), 0);
	n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
assert_cidr(const struct addr_cidr *c, const char *net, unsigned int len)
{
	struct in6_addr want = tu_ip(net);

	ck_assert_mem_eq(&c->net, &want, sizeof(want));
	ck_assert_uint_eq(c->len, len);
}

static const char every_key[] =
    "{\n"
    "  \"listen\": [\"127.0.0.1:5300\", \"[::1]\"],\n"
    "  \"workers\": 4,\n"
    "  \"max_datagram\": 65535,\n"
    "  \"amplification_factor\": 10,\n"
    "  \"allow\": [\"192.0.2.0/24\", \"2001:db8::/32\"],\n"
    "  \"deny\": [\"192.0.2.7\"],\n"
    "  \"admin_allow\": [\"198.51.100.0/25\"],\n"
    "  \"rate_limit\": { \"qps\": 100, \"burst\": 200, \"prefix_v4\": 24,"
    " \"prefix_v6\": 48 },\n"
    "  \"min_source_port\": 0,\n"
    "  \"metrics_listen\": \"127.0.0.1:9100\",\n"
    "  \"log_level\": \"debug\"\n"
    "}\n";

START_TEST(every_key_set_to_a_non_default_reads_back)
{
	struct in6_addr lo = tu_ip("127.0.0.1"), lo6 = tu_ip("::1");
	struct opts o;
	char err[512];

	ck_assert_int_eq(parse_text(&o, err, sizeof(err), every_key), OPTS_RUN);
	ck_assert_uint_eq(o.nlisten, 2);
	ck_assert_mem_eq(&o.listen[0].sin6_addr, &lo, sizeof(lo));
	ck_assert_uint_eq(ntohs(o.listen[0].sin6_port), 5300);
	ck_assert_mem_eq(&o.listen[1].sin6_addr, &lo6, sizeof(lo6));
	ck_assert_uint_eq(ntohs(o.listen[1].sin6_port), 4242);
	ck_assert_uint_eq(o.workers, 4);
	ck_assert_uint_eq(o.max_datagram, 65535);
	ck_assert_uint_eq(o.amplification_factor, 10);
	ck_assert_uint_eq(o.nallow, 2);
	assert_cidr(&o.allow[0], "192.0.2.0", 96 + 24);
	assert_cidr(&o.allow[1], "2001:db8::", 32);
	ck_assert_uint_eq(o.ndeny, 1);
	assert_cidr(&o.deny[0], "192.0.2.7", 128);
	ck_assert_uint_eq(o.nadmin_allow, 1);
	assert_cidr(&o.admin_allow[0], "198.51.100.0", 96 + 25);
	ck_assert_uint_eq(o.rate_limit.qps, 100);
	ck_assert_uint_eq(o.rate_limit.burst, 200);
	ck_assert_uint_eq(o.rate_limit.prefix_v4, 24);
	ck_assert_uint_eq(o.rate_limit.prefix_v6, 48);
	ck_assert_uint_eq(o.min_source_port, 0);
	ck_assert_int_eq(o.metrics_enabled, 1);
	ck_assert_mem_eq(&o.metrics_listen.sin6_addr, &lo, sizeof(lo));
	ck_assert_uint_eq(ntohs(o.metrics_listen.sin6_port), 9100);
	ck_assert_int_eq(o.log_level, LOG_LVL_DEBUG);
	opts_free(&o);
}
END_TEST

START_TEST(empty_object_gives_the_embedded_defaults)
{
	const char *none[] = { NULL };
	struct opts file, flags;
	char err[512], *a, *b;

	ck_assert_int_eq(parse_text(&file, err, sizeof(err), "{}"), OPTS_RUN);
	ck_assert_int_eq(parse_args(&flags, err, sizeof(err), none), OPTS_RUN);
	a = printed(&file);
	b = printed(&flags);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(file.nallow, flags.nallow);
	ck_assert_mem_eq(file.allow, flags.allow,
	    flags.nallow * sizeof(*flags.allow));
	ck_assert_uint_eq(file.nadmin_allow, flags.nadmin_allow);
	ck_assert_mem_eq(file.admin_allow, flags.admin_allow,
	    flags.nadmin_allow * sizeof(*flags.admin_allow));
	ck_assert_mem_eq(file.listen, flags.listen,
	    flags.nlisten * sizeof(*flags.listen));
	free(a);
	free(b);
	opts_free(&file);
	opts_free(&flags);
}
END_TEST

/* SPEC section 4's example, in cJSON's pretty form. */
START_TEST(defaults_print_as_the_spec_sample)
{
	const char *none[] = { NULL };
	const char *want =
	    "{\n"
	    "\t\"listen\":\t[\"[::]:4242\"],\n"
	    "\t\"workers\":\t0,\n"
	    "\t\"max_datagram\":\t4096,\n"
	    "\t\"amplification_factor\":\t3,\n"
	    "\t\"allow\":\t[\"0.0.0.0/0\", \"::/0\"],\n"
	    "\t\"deny\":\t[],\n"
	    "\t\"admin_allow\":\t[\"127.0.0.0/8\", \"::1/128\"],\n"
	    "\t\"rate_limit\":\t{\n"
	    "\t\t\"qps\":\t0,\n"
	    "\t\t\"burst\":\t0,\n"
	    "\t\t\"prefix_v4\":\t32,\n"
	    "\t\t\"prefix_v6\":\t64\n"
	    "\t},\n"
	    "\t\"min_source_port\":\t1024,\n"
	    "\t\"metrics_listen\":\tnull,\n"
	    "\t\"log_level\":\t\"info\"\n"
	    "}\n";
	struct opts o;
	char err[512], *text;

	ck_assert_int_eq(parse_args(&o, err, sizeof(err), none), OPTS_RUN);
	text = printed(&o);
	ck_assert_str_eq(text, want);
	free(text);
	opts_free(&o);
}
END_TEST

START_TEST(print_gives_canonical_addresses_and_prefixes)
{
	struct opts o;
	char err[512], *text;

	ck_assert_int_eq(parse_text(&o, err, sizeof(err),
	    "{\"listen\": [\"[0:0::1]:53\"], \"allow\": [\"198.51.100.77/24\", "
	    "\"2001:DB8:0:0::/32\", \"::ffff:198.51.100.0/120\"], "
	    "\"metrics_listen\": \"[::FFFF:127.0.0.1]:9100\"}"), OPTS_RUN);
	text = printed(&o);
	ck_assert_ptr_nonnull(strstr(text, "\"listen\":\t[\"[::1]:53\"]"));
	ck_assert_ptr_nonnull(strstr(text, "\"allow\":\t[\"198.51.100.0/24\", "
	    "\"2001:db8::/32\", \"198.51.100.0/24\"]"));
	ck_assert_ptr_nonnull(strstr(text,
	    "\"metrics_listen\":\t\"127.0.0.1:9100\""));
	free(text);
	opts_free(&o);
}
END_TEST

START_TEST(flags_override_the_file)
{
	const char *args[] = { "-c", conf_path, "-l", "127.0.0.2", "-w", "2",
	    "--min-source-port", "2000", "--log-level", "warn", NULL };
	struct in6_addr lo2 = tu_ip("127.0.0.2");
	struct opts o;
	char err[512];

	write_conf(every_key);
	ck_assert_int_eq(parse_args(&o, err, sizeof(err), args), OPTS_RUN);
	ck_assert_uint_eq(o.nlisten, 1);
	ck_assert_mem_eq(&o.listen[0].sin6_addr, &lo2, sizeof(lo2));
	ck_assert_uint_eq(o.workers, 2);
	ck_assert_uint_eq(o.min_source_port, 2000);
	ck_assert_int_eq(o.log_level, LOG_LVL_WARN);
	ck_assert_uint_eq(o.max_datagram, 65535);	/* the file's */
	opts_free(&o);
}
END_TEST

START_TEST(port_flag_applies_to_file_listen_without_port)
{
	const char *args[] = { "-p", "0", "-c", conf_path, NULL };
	struct opts o;
	char err[512];

	write_conf(every_key);
	ck_assert_int_eq(parse_args(&o, err, sizeof(err), args), OPTS_RUN);
	ck_assert_uint_eq(ntohs(o.listen[0].sin6_port), 5300);
	ck_assert_uint_eq(ntohs(o.listen[1].sin6_port), 0);
	opts_free(&o);
}
END_TEST

START_TEST(parse_again_reads_the_file_again)
{
	const char *args[] = { "-c", conf_path, NULL };
	struct opts o;
	char err[512];

	write_conf("{\"workers\": 3}");
	ck_assert_int_eq(parse_args(&o, err, sizeof(err), args), OPTS_RUN);
	ck_assert_uint_eq(o.workers, 3);
	opts_free(&o);
	write_conf("{\"workers\": 5}");
	ck_assert_int_eq(parse_args(&o, err, sizeof(err), args), OPTS_RUN);
	ck_assert_uint_eq(o.workers, 5);
	opts_free(&o);
}
END_TEST

/* The lists before the bad entry were allocated: opts_free releases
 * them (valgrind and LeakSanitizer fail this test on a leak). */
START_TEST(failed_parse_leaks_nothing)
{
	struct opts o;
	char err[512];

	ck_assert_int_eq(parse_text(&o, err, sizeof(err),
	    "{\"allow\": [\"198.51.100.0/24\"], \"deny\": [\"198.51.100.0/26\"], "
	    "\"admin_allow\": [\"::1\", \"nope\"]}"), OPTS_CONFIG);
	ck_assert_uint_eq(o.nallow, 1);
	ck_assert_uint_eq(o.ndeny, 1);
	opts_free(&o);
	ck_assert_ptr_null(o.allow);
	ck_assert_ptr_null(o.deny);
	ck_assert_ptr_null(o.admin_allow);
	ck_assert_uint_eq(o.nadmin_allow, 0);
}
END_TEST

START_TEST(ipv4_cidr_matches_v4_mapped_addresses)
{
	struct in6_addr in = tu_ip("198.51.100.7"), out = tu_ip("203.0.113.1");
	struct opts o;
	char err[512];

	ck_assert_int_eq(parse_text(&o, err, sizeof(err),
	    "{\"allow\": [\"198.51.100.0/24\"]}"), OPTS_RUN);
	ck_assert(addr_cidr_list_match(o.allow, o.nallow, &in));
	ck_assert(!addr_cidr_list_match(o.allow, o.nallow, &out));
	opts_free(&o);
}
END_TEST

START_TEST(acl_lists_take_100000_entries)
{
	size_t n = 100000, i, len = 0;
	char *text = malloc(n * 24 + 64);
	struct opts o;
	char err[512];

	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text, "{\"deny\": [");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%s\"2001:db8:%zx:%zx::/64\"",
		    i == 0 ? "" : ",", i / 65536, i % 65536);
	strcpy(text + len, "]}");
	ck_assert_int_eq(parse_text(&o, err, sizeof(err), text), OPTS_RUN);
	ck_assert_uint_eq(o.ndeny, n);
	assert_cidr(&o.deny[n - 1], "2001:db8:1:869f::", 64);
	free(text);
	opts_free(&o);
}
END_TEST

START_TEST(unreadable_file_names_the_file_and_errno)
{
	const char *args[] = { "-c", "no-such-dir/pktinfod.conf", NULL };
	struct opts o;
	char err[512];

	ck_assert_int_eq(parse_args(&o, err, sizeof(err), args), OPTS_CONFIG);
	ck_assert_str_eq(err,
	    "no-such-dir/pktinfod.conf: No such file or directory");
	opts_free(&o);
}
END_TEST

START_TEST(syntax_error_names_line_and_column)
{
	assert_error("{\n  \"workers\": 1,\n}\n", "3:1: syntax error: "
	    "unexpected '}'");
}
END_TEST

START_TEST(syntax_error_at_end_of_file)
{
	assert_error("{\n  \"workers\": 1", "2:15: syntax error: unexpected "
	    "end of file");
}
END_TEST

/* cJSON takes "01" and raw control characters; RFC 8259 does not. */
START_TEST(syntax_is_rfc_8259_strict)
{
	assert_error("{\"workers\": 01}", "1:14: syntax error: unexpected "
	    "'1'");
	assert_error("{\"log_level\": \"in\tfo\"}", "1:18: syntax error: "
	    "unexpected byte 0x09");
	assert_error("{} x", "1:4: syntax error: unexpected 'x'");
}
END_TEST

START_TEST(columns_count_bytes_from_1)
{
	/* The byte order mark is one character but three bytes. */
	assert_error("\xef\xbb\xbf{\"frob\": 1}", "1:5: frob: unknown key");
}
END_TEST

START_TEST(not_an_object_is_an_error)
{
	assert_error("\n  [1]", "2:3: the configuration must be a JSON "
	    "object, not an array");
}
END_TEST

START_TEST(unknown_key_names_key_line_and_column)
{
	assert_error("{\n  \"workers\": 1,\n  \"wrokers\": 2\n}",
	    "3:3: wrokers: unknown key");
}
END_TEST

START_TEST(unknown_rate_limit_key_names_the_path)
{
	assert_error("{\"rate_limit\": {\"qps\": 1, \"bust\": 2}}",
	    "1:27: rate_limit.bust: unknown key");
}
END_TEST

START_TEST(duplicate_key_is_an_error)
{
	assert_error("{\n  \"workers\": 1,\n  \"workers\": 2\n}",
	    "3:3: workers: duplicate key (first at line 2, column 3)");
}
END_TEST

START_TEST(duplicate_rate_limit_key_is_an_error)
{
	assert_error("{\"rate_limit\": {\"qps\": 1, \"qps\": 2}}",
	    "1:27: rate_limit.qps: duplicate key (first at line 1, column 17)");
}
END_TEST

/* RFC 8259 names are compared unescaped, to the byte. */
START_TEST(escaped_names_compare_unescaped)
{
	struct opts o;
	char err[512];

	ck_assert_int_eq(parse_text(&o, err, sizeof(err),
	    "{\"work\\u0065rs\": 7}"), OPTS_RUN);
	ck_assert_uint_eq(o.workers, 7);
	opts_free(&o);
	assert_error("{\"workers\": 1, \"work\\u0065rs\": 2}",
	    "1:16: workers: duplicate key (first at line 1, column 2)");
	assert_error("{\"workers\\u0000\": 1}", "1:2: workers\\u0000: "
	    "unknown key");
}
END_TEST

START_TEST(wrong_type_names_key_and_type)
{
	assert_error("{\"workers\": \"4\"}", "1:13: workers: must be a whole "
	    "number from 0 to 256, not a string");
	assert_error("{\"allow\": \"192.0.2.0/24\"}", "1:11: allow: must be an "
	    "array of CIDR strings, not a string");
	assert_error("{\"rate_limit\": []}", "1:16: rate_limit: must be an "
	    "object, not an array");
	assert_error("{\"log_level\": null}", "1:15: log_level: must be one "
	    "of \"error\", \"warn\", \"info\", \"debug\", not null");
	assert_error("{\"metrics_listen\": false}", "1:20: metrics_listen: "
	    "must be null or an \"ADDR:PORT\" string, not a boolean");
}
END_TEST

START_TEST(out_of_range_number_names_the_range)
{
	assert_error("{\"max_datagram\": 511}", "1:18: max_datagram: must be "
	    "a whole number from 512 to 65535");
	assert_error("{\"max_datagram\": 65536}", "1:18: max_datagram: must "
	    "be a whole number from 512 to 65535");
	assert_error("{\"rate_limit\": {\"prefix_v6\": 129}}", "1:30: "
	    "rate_limit.prefix_v6: must be a whole number from 0 to 128");
	assert_error("{\"rate_limit\": {\"burst\": 4294967296}}", "1:26: "
	    "rate_limit.burst: must be at most 4294967295");
}
END_TEST

/* The message of the issue, to the letter. */
START_TEST(negative_qps_is_not_a_whole_number)
{
	assert_error("{\n"
	    "  \"listen\": [\"[::]:4242\"],\n"
	    "  \"workers\": 0,\n"
	    "  \"max_datagram\": 4096,\n"
	    "  \"amplification_factor\": 3,\n"
	    "  \"rate_limit\": {\n"
	    "    \"qps\": -5\n"
	    "  }\n"
	    "}\n", "7:12: rate_limit.qps: must be a whole number >= 0");
}
END_TEST

START_TEST(fraction_where_whole_number_needed)
{
	struct opts o;
	char err[512];

	assert_error("{\"amplification_factor\": 2.5}", "1:26: "
	    "amplification_factor: must be a whole number from 1 to 10");
	/* One JSON number, however it is written. */
	ck_assert_int_eq(parse_text(&o, err, sizeof(err),
	    "{\"max_datagram\": 1.5e3}"), OPTS_RUN);
	ck_assert_uint_eq(o.max_datagram, 1500);
	opts_free(&o);
}
END_TEST

START_TEST(bad_cidr_names_the_index)
{
	assert_error("{\"allow\": [\"198.51.100.0/24\", \"::/0\", \"192.0.2.0/24\",\n"
	    "  \"192.0.2.0/33\"]}", "2:3: allow[3]: \"192.0.2.0/33\" is not a "
	    "CIDR");
	assert_error("{\"deny\": [1]}", "1:11: deny[0]: must be a CIDR "
	    "string, not a number");
}
END_TEST

START_TEST(bad_listen_address_names_the_index)
{
	assert_error("{\"listen\": [\"127.0.0.1\", \"localhost:53\"]}",
	    "1:26: listen[1]: \"localhost:53\" is not an ADDR[:PORT]");
	assert_error("{\"listen\": []}", "1:12: listen: must hold at least 1 "
	    "address");
}
END_TEST

/* With the default port, "[::1]" and "[::1]:4242" are one address. */
START_TEST(same_listen_address_twice_is_an_error)
{
	assert_error("{\"listen\": [\"[::1]\", \"127.0.0.1:53\", "
	    "\"[::1]:4242\"]}", "1:38: listen[2]: \"[::1]:4242\" is the same "
	    "address as listen[0]");
}
END_TEST

START_TEST(metrics_listen_needs_a_port)
{
	struct opts o;
	char err[512];

	assert_error("{\"metrics_listen\": \"[::1]\"}", "1:20: metrics_listen: "
	    "\"[::1]\" has no port");
	assert_error("{\"metrics_listen\": \"localhost:9100\"}", "1:20: "
	    "metrics_listen: \"localhost:9100\" is not an ADDR:PORT");
	ck_assert_int_eq(parse_text(&o, err, sizeof(err),
	    "{\"metrics_listen\": null}"), OPTS_RUN);
	ck_assert_int_eq(o.metrics_enabled, 0);
	opts_free(&o);
}
END_TEST

START_TEST(bad_log_level_names_the_choices)
{
	assert_error("{\"log_level\": \"loud\"}", "1:15: log_level: \"loud\" is "
	    "not one of \"error\", \"warn\", \"info\", \"debug\"");
}
END_TEST

/* cJSON would read "127.0.0.1\u0000x" as "127.0.0.1". */
START_TEST(escaped_nul_in_a_value_is_an_error)
{
	assert_error("{\"listen\": [\"127.0.0.1\\u0000x\"]}", "1:23: listen: "
	    "\\u0000 is not allowed in a string");
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *ok = tcase_create("conf_load");
	TCase *bad = tcase_create("conf_load_errors");

	tcase_add_checked_fixture(ok, setup, teardown);
	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(ok, every_key_set_to_a_non_default_reads_back);
	tcase_add_test(ok, empty_object_gives_the_embedded_defaults);
	tcase_add_test(ok, defaults_print_as_the_spec_sample);
	tcase_add_test(ok, print_gives_canonical_addresses_and_prefixes);
	tcase_add_test(ok, flags_override_the_file);
	tcase_add_test(ok, port_flag_applies_to_file_listen_without_port);
	tcase_add_test(ok, parse_again_reads_the_file_again);
	tcase_add_test(ok, failed_parse_leaks_nothing);
	tcase_add_test(ok, ipv4_cidr_matches_v4_mapped_addresses);
	tcase_add_test(ok, acl_lists_take_100000_entries);
	tcase_add_test(ok, escaped_names_compare_unescaped);
	tcase_add_test(ok, fraction_where_whole_number_needed);
	tcase_add_test(ok, metrics_listen_needs_a_port);
	tcase_add_test(bad, unreadable_file_names_the_file_and_errno);
	tcase_add_test(bad, syntax_error_names_line_and_column);
	tcase_add_test(bad, syntax_error_at_end_of_file);
	tcase_add_test(bad, syntax_is_rfc_8259_strict);
	tcase_add_test(bad, columns_count_bytes_from_1);
	tcase_add_test(bad, not_an_object_is_an_error);
	tcase_add_test(bad, unknown_key_names_key_line_and_column);
	tcase_add_test(bad, unknown_rate_limit_key_names_the_path);
	tcase_add_test(bad, duplicate_key_is_an_error);
	tcase_add_test(bad, duplicate_rate_limit_key_is_an_error);
	tcase_add_test(bad, wrong_type_names_key_and_type);
	tcase_add_test(bad, out_of_range_number_names_the_range);
	tcase_add_test(bad, negative_qps_is_not_a_whole_number);
	tcase_add_test(bad, bad_cidr_names_the_index);
	tcase_add_test(bad, bad_listen_address_names_the_index);
	tcase_add_test(bad, same_listen_address_twice_is_an_error);
	tcase_add_test(bad, bad_log_level_names_the_choices);
	tcase_add_test(bad, escaped_nul_in_a_value_is_an_error);
	suite_add_tcase(s, ok);
	suite_add_tcase(s, bad);
	return s;
}

int
main(void)
{
	return tu_run(conf_suite());
}
