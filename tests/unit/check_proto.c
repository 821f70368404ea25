/* check_proto: unit tests for proto.c (SPEC section 2, the wire protocol).
 * Requests are copied into buffers of exactly their length, so a read past
 * the datagram shows under valgrind and ASan; every answer is parsed back. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "acl.h"
#include "addr.h"
#include "jscan.h"
#include "proto.h"
#include "siphash.h"
#include "testutil.h"

#define OUT_CAP		65536
#define PORT		4242
/* ask() pads requests to this with whitespace, so that no answer in the
 * tests that are not about amplification is limited by it. */
#define ASK_MIN		160

struct reply {
	enum proto_result	 res;
	enum proto_fit		 fit;
	size_t			 n;
	cJSON			*json;	/* the answer parsed back */
	char			 out[OUT_CAP];
};

static const char *const listen_text[] = { "[::]:4242", "127.0.0.1:4243" };
static const char *const features[] = { "dualstack", "pktinfo4", "pktinfo6" };
static struct addr_cidr admin[2];
static struct acl *admin_acl;
static struct proto_env env;
static struct dgram_meta meta;
static struct proto_work *work;

static long long
fake_uptime(void *arg)
{
	(void)arg;
	return 42;
}

static const char *
fake_ifname(unsigned int ifindex, char *buf)
{
	if (ifindex == 9) {	/* Linux takes any byte but '/', ':', space */
		snprintf(buf, IF_NAMESIZE, "q\"\\\x01\xff\xc3");
		return buf;
	}
	if (ifindex != 2)
		return NULL;
	snprintf(buf, IF_NAMESIZE, "eth0");
	return buf;
}

static void
fake_stats(void *arg, cJSON *obj)
{
	(void)arg;
	cJSON_AddNumberToObject(obj, "rx", 1);
}

static void
set_peer(const char *addr, uint16_t port, uint32_t scope_id)
{
	memset(&meta.peer, 0, sizeof(meta.peer));
	meta.peer.sin6_family = AF_INET6;
	meta.peer.sin6_addr = tu_ip(addr);
	meta.peer.sin6_port = htons(port);
	meta.peer.sin6_scope_id = scope_id;
}

static void
set_dst(const char *addr, unsigned int ifindex)
{
	meta.dst = tu_ip(addr);
	meta.spec_dst = meta.dst;
	meta.ifindex = ifindex;
}

static void
setup(void)
{
	static const struct siphash_key key = { 0x0123456789abcdefULL,
	    0x9e3779b97f4a7c15ULL };	/* as random as the daemon's */

	ck_assert_ptr_nonnull(work = proto_work_new(&key));
	ck_assert_int_eq(addr_cidr_parse(&admin[0], "127.0.0.0/8"), 0);
	ck_assert_int_eq(addr_cidr_parse(&admin[1], "::1/128"), 0);
	memset(&env, 0, sizeof(env));
	env.version = "0.1.0";
	env.workers = 4;
	env.listen = listen_text;
	env.nlisten = 2;
	env.features = features;
	env.nfeatures = 3;
	ck_assert_ptr_nonnull(env.admin_allow = admin_acl = acl_new(admin, 2,
	    NULL, 0));
	env.amplification_factor = 3;
	env.max_datagram = 4096;
	env.uptime_s = fake_uptime;
	env.ifname = fake_ifname;
	env.stats = fake_stats;
	set_peer("192.0.2.1", 40000, 0);
	set_dst("198.51.100.2", 2);
}

static void
teardown(void)
{
	proto_work_free(work);
	work = NULL;
	acl_free(admin_acl);
	admin_acl = NULL;
}

/* The daemon's receive buffer holds at most max_datagram bytes of a
 * datagram of len bytes; so does this copy. */
static struct reply *
ask_cap(const char *req, size_t len, size_t cap)
{
	size_t have = len < env.max_datagram ? len : env.max_datagram;
	size_t factor = env.amplification_factor ? env.amplification_factor : 1;
	struct proto_outcome out;
	struct reply *r;
	size_t bad;
	char *buf;

	ck_assert_ptr_nonnull(r = calloc(1, sizeof(*r)));
	ck_assert_ptr_nonnull(buf = malloc(have ? have : 1));
	memcpy(buf, req, have);
	r->n = proto_answer(&env, work, &meta, PORT, buf, len, r->out, cap,
	    &out);
	r->res = out.result;
	r->fit = out.fit;
	free(buf);
	ck_assert_uint_le(r->n, factor * len);
	ck_assert((r->n == 0) == (r->fit == PROTO_FIT_NONE));
	ck_assert(r->res != PROTO_NOT_A_REQUEST || r->n == 0);
	if (r->n == 0)
		return r;
	ck_assert_uint_le(r->n, cap);
	ck_assert_msg(jscan_valid(r->out, r->n, &bad) == 0, "answer is not "
	    "strict JSON at byte %zu: %.*s", bad, (int)r->n, r->out);
	r->json = cJSON_ParseWithLength(r->out, r->n);
	ck_assert_msg(cJSON_IsObject(r->json), "answer is not a JSON object: "
	    "%.*s", (int)r->n, r->out);
	return r;
}

static struct reply *
ask_bytes(const char *req, size_t len)
{
	return ask_cap(req, len, OUT_CAP);
}

static struct reply *
ask(const char *text)
{
	char buf[8192];
	size_t n = strlen(text);

	ck_assert_uint_lt(n, sizeof(buf));
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, text, n);
	return ask_bytes(buf, n > ASK_MIN ? n : ASK_MIN);
}

static void
reply_free(struct reply *r)
{
	cJSON_Delete(r->json);
	free(r);
}

/* The answer's text, NUL-terminated. */
static const char *
text(struct reply *r)
{
	r->out[r->n] = '\0';
	return r->out;
}

static const cJSON *
get(const cJSON *obj, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	ck_assert_msg(item != NULL, "no member \"%s\"", name);
	return item;
}

static const char *
get_str(const cJSON *obj, const char *name)
{
	const cJSON *item = get(obj, name);

	ck_assert_msg(cJSON_IsString(item), "member \"%s\" not a string", name);
	return item->valuestring;
}

static double
get_num(const cJSON *obj, const char *name)
{
	const cJSON *item = get(obj, name);

	ck_assert_msg(cJSON_IsNumber(item), "member \"%s\" not a number", name);
	return item->valuedouble;
}

static void
assert_absent(const cJSON *obj, const char *name)
{
	ck_assert_msg(cJSON_GetObjectItemCaseSensitive(obj, name) == NULL,
	    "unexpected member \"%s\"", name);
}

static void
assert_ok(struct reply *r, const char *op)
{
	ck_assert_msg(r->res == PROTO_OK, "result %s: %s",
	    proto_result_name(r->res), text(r));
	ck_assert(cJSON_IsTrue(get(r->json, "ok")));
	ck_assert_str_eq(get_str(r->json, "op"), op);
}

static void
assert_error(struct reply *r, enum proto_result res)
{
	ck_assert_msg(r->res == res, "result %s, want %s: %s",
	    proto_result_name(r->res), proto_result_name(res), text(r));
	ck_assert(cJSON_IsFalse(get(r->json, "ok")));
	ck_assert_str_eq(get_str(r->json, "error"), proto_result_name(res));
	ck_assert_uint_gt(strlen(get_str(r->json, "message")), 0);
	assert_absent(r->json, "op");
}

static void
expect_error(const char *req, enum proto_result res)
{
	struct reply *r = ask(req);

	assert_error(r, res);
	reply_free(r);
}

static void
expect_message(const char *req, enum proto_result res, const char *msg)
{
	struct reply *r = ask(req);

	assert_error(r, res);
	ck_assert_str_eq(get_str(r->json, "message"), msg);
	reply_free(r);
}

static void
expect_text(const char *req, const char *answer)
{
	struct reply *r = ask(req);

	ck_assert_str_eq(text(r), answer);
	reply_free(r);
}

/* An echo of data answers with data, byte for byte. */
static void
expect_echoed(const char *data)
{
	char req[256], want[256];

	snprintf(req, sizeof(req), "{\"op\":\"echo\",\"data\":%s}", data);
	snprintf(want, sizeof(want),
	    "{\"ok\":true,\"op\":\"echo\",\"data\":%s}", data);
	expect_text(req, want);
}

/* An echo of a string holding bytes is bad_json. */
static void
expect_string_bad_json(const char *bytes)
{
	char req[256];

	snprintf(req, sizeof(req), "{\"op\":\"echo\",\"data\":\"%s\"}",
	    bytes);
	expect_error(req, PROTO_BAD_JSON);
}

/* {"id":"iii","op":"OP","pad":"xxx"} of exactly len bytes (no id when
 * idlen is 0); the caller frees it. */
static char *
padded(const char *op, size_t idlen, size_t len)
{
	char head[256], *req;
	int n;

	if (idlen == 0)
		n = snprintf(head, sizeof(head), "{\"op\":\"%s\",\"pad\":\"",
		    op);
	else
		n = snprintf(head, sizeof(head),
		    "{\"id\":\"%.*s\",\"op\":\"%s\",\"pad\":\"", (int)idlen,
		    "iiiiiiiiiiiiiiiiiiii", op);
	ck_assert_uint_le((size_t)n + 2, len);
	ck_assert_ptr_nonnull(req = malloc(len + 1));
	memcpy(req, head, (size_t)n);
	memset(req + n, 'x', len - (size_t)n - 2);
	memcpy(req + len - 2, "\"}", 3);
	return req;
}

/* The length of the full answer to op with an id of idlen bytes. */
static size_t
full_len(const char *op, size_t idlen)
{
	char *req = padded(op, idlen, 2000);
	struct reply *r = ask_bytes(req, 2000);
	size_t n = r->n;

	assert_ok(r, op);
	reply_free(r);
	free(req);
	return n;
}

/* An id length that makes the full whoami answer's length rem modulo the
 * amplification factor, and that length in full. */
static size_t
id_for_remainder(size_t rem, size_t *full)
{
	size_t idlen;

	for (idlen = 1; idlen <= 20; idlen++) {
		*full = full_len("whoami", idlen);
		if (*full % env.amplification_factor == rem)
			return idlen;
	}
	ck_abort_msg("no id length gives remainder %zu", rem);
	return 0;
}

/* tc_ops: every op's answer. */

START_TEST(ping_answers_ok_with_op)
{
	expect_text("{\"op\":\"ping\"}", "{\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

START_TEST(echo_copies_data_verbatim)
{
	expect_echoed("[1.10,12345678901234567890,1e400,-0,\"\\u00e9\\n\","
	    "{\"a\":[true,false,null]}]");
}
END_TEST

START_TEST(echo_keeps_whitespace_inside_data_only)
{
	expect_text("{ \"op\" : \"echo\" , \"data\" :\t[ 1 ,\r\n2 ] }",
	    "{\"ok\":true,\"op\":\"echo\",\"data\":[ 1 ,\r\n2 ]}");
}
END_TEST

START_TEST(echo_data_with_brackets_and_quotes_in_strings)
{
	expect_text("{\"op\":\"echo\","
	    "\"data\":{\"}\":\"]\\\"{,\\\\\"},\"x\":1}",
	    "{\"ok\":true,\"op\":\"echo\",\"data\":{\"}\":\"]\\\"{,\\\\\"}}");
}
END_TEST

START_TEST(echo_without_data_answers_without_data_member)
{
	expect_text("{\"op\":\"echo\"}", "{\"ok\":true,\"op\":\"echo\"}");
}
END_TEST

START_TEST(echo_of_null_data_answers_null_data)
{
	expect_echoed("null");
}
END_TEST

START_TEST(v4mapped_client_shown_as_ipv4_in_whoami)
{
	struct reply *r = ask("{\"op\":\"whoami\"}");
	const cJSON *client;

	assert_ok(r, "whoami");
	client = get(r->json, "client");
	ck_assert_str_eq(get_str(client, "addr"), "192.0.2.1");
	ck_assert_int_eq(get_num(client, "port"), 40000);
	ck_assert_str_eq(get_str(client, "family"), "ipv4");
	reply_free(r);
}
END_TEST

START_TEST(whoami_server_is_destination_port_and_interface)
{
	struct reply *r = ask("{\"op\":\"whoami\"}");
	const cJSON *server;

	assert_ok(r, "whoami");
	server = get(r->json, "server");
	ck_assert_str_eq(get_str(server, "addr"), "198.51.100.2");
	ck_assert_int_eq(get_num(server, "port"), PORT);
	ck_assert_str_eq(get_str(server, "family"), "ipv4");
	ck_assert_int_eq(get_num(server, "ifindex"), 2);
	ck_assert_str_eq(get_str(server, "ifname"), "eth0");
	reply_free(r);
}
END_TEST

START_TEST(ipv6_client_and_server_in_rfc5952_form)
{
	const cJSON *client, *server;
	struct reply *r;

	set_peer("2001:db8:0:0:0:0:0:1", 50000, 0);
	set_dst("2001:0db8::0002", 2);
	r = ask("{\"op\":\"whoami\"}");
	assert_ok(r, "whoami");
	client = get(r->json, "client");
	server = get(r->json, "server");
	ck_assert_str_eq(get_str(client, "addr"), "2001:db8::1");
	ck_assert_str_eq(get_str(client, "family"), "ipv6");
	ck_assert_int_eq(get_num(client, "port"), 50000);
	ck_assert_str_eq(get_str(server, "addr"), "2001:db8::2");
	ck_assert_str_eq(get_str(server, "family"), "ipv6");
	reply_free(r);
}
END_TEST

/* Interface 1 is the loopback on Linux, whatever its name. */
START_TEST(linklocal_addresses_carry_their_interface)
{
	struct reply *r;

	set_peer("fe80::2", 50000, 1);
	set_dst("fe80::1", 1);
	r = ask("{\"op\":\"whoami\"}");
	assert_ok(r, "whoami");
	ck_assert_uint_gt(strlen(get_str(get(r->json, "client"), "addr")), 8);
	ck_assert_uint_gt(strlen(get_str(get(r->json, "server"), "addr")), 8);
	ck_assert_int_eq(strncmp(get_str(get(r->json, "server"), "addr"),
	    "fe80::1%", 8), 0);
	ck_assert_int_eq(strncmp(get_str(get(r->json, "client"), "addr"),
	    "fe80::2%", 8), 0);
	reply_free(r);
}
END_TEST

START_TEST(global_destination_has_no_scope)
{
	struct reply *r;

	set_dst("2001:db8::2", 2);
	r = ask("{\"op\":\"whoami\"}");
	ck_assert_str_eq(get_str(get(r->json, "server"), "addr"),
	    "2001:db8::2");
	reply_free(r);
}
END_TEST

START_TEST(unknown_interface_gives_null_ifname)
{
	struct reply *r;

	set_dst("203.0.113.7", 7);
	r = ask("{\"op\":\"whoami\"}");
	assert_ok(r, "whoami");
	ck_assert_int_eq(get_num(get(r->json, "server"), "ifindex"), 7);
	ck_assert(cJSON_IsNull(get(get(r->json, "server"), "ifname")));
	reply_free(r);
}
END_TEST

/* The writer escapes the name and writes bytes that are not UTF-8 as
 * U+FFFD: the answer stays strict JSON (ask checks it). */
START_TEST(odd_interface_name_is_escaped)
{
	struct reply *r;

	set_dst("203.0.113.7", 9);
	r = ask("{\"op\":\"whoami\"}");
	assert_ok(r, "whoami");
	ck_assert_str_eq(get_str(get(r->json, "server"), "ifname"),
	    "q\"\\\x01\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_ptr_nonnull(strstr(r->out,
	    "\"q\\\"\\\\\\u0001\\ufffd\\ufffd\""));
	reply_free(r);
}
END_TEST

START_TEST(info_lists_version_uptime_workers_listen_features)
{
	struct reply *r = ask("{\"op\":\"info\"}");
	const cJSON *list;

	assert_ok(r, "info");
	ck_assert_str_eq(get_str(r->json, "version"), "0.1.0");
	ck_assert_int_eq(get_num(r->json, "uptime_s"), 42);
	ck_assert_int_eq(get_num(r->json, "workers"), 4);
	list = get(r->json, "listen");
	ck_assert_int_eq(cJSON_GetArraySize(list), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(list, 1)->valuestring,
	    "127.0.0.1:4243");
	list = get(r->json, "features");
	ck_assert_int_eq(cJSON_GetArraySize(list), 3);
	ck_assert_str_eq(cJSON_GetArrayItem(list, 2)->valuestring, "pktinfo6");
	reply_free(r);
}
END_TEST

START_TEST(info_with_no_listen_gives_empty_array)
{
	struct reply *r;

	env.listen = NULL;
	env.nlisten = 0;
	r = ask("{\"op\":\"info\"}");
	assert_ok(r, "info");
	ck_assert(cJSON_IsArray(get(r->json, "listen")));
	ck_assert_int_eq(cJSON_GetArraySize(get(r->json, "listen")), 0);
	reply_free(r);
}
END_TEST

/* More members than the answer's own items (PROTO_ITEMS): the rest come
 * from cJSON's allocator and are freed with the others (ASan and valgrind
 * runs of this test would show a leak or a bad free). */
START_TEST(info_with_many_listen_addresses_lists_them_all)
{
	static char text[40][16];
	const char *list[40];
	const cJSON *got;
	struct reply *r;
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(text[i], sizeof(text[i]), "[::]:%d", 5000 + i);
		list[i] = text[i];
	}
	env.listen = list;
	env.nlisten = 40;
	r = ask("{\"id\":\"0123456789012345678901234567890123456789"
	    "0123456789\",\"op\":\"info\",\"pad\":\"                  "
	    "                                                            "
	    "                                                            "
	    "                                                            "
	    "                      \"}");
	assert_ok(r, "info");
	got = get(r->json, "listen");
	ck_assert_int_eq(cJSON_GetArraySize(got), 40);
	ck_assert_str_eq(cJSON_GetArrayItem(got, 39)->valuestring, "[::]:5039");
	ck_assert_str_eq(get_str(r->json, "id"),
	    "01234567890123456789012345678901234567890123456789");
	ck_assert_int_eq(get_num(r->json, "workers"), 4);
	reply_free(r);
}
END_TEST

START_TEST(stats_from_ipv4_loopback_adds_counters)
{
	struct reply *r;

	set_peer("127.0.0.1", 40000, 0);
	r = ask("{\"op\":\"stats\"}");
	assert_ok(r, "stats");
	ck_assert_int_eq(get_num(r->json, "rx"), 1);
	reply_free(r);
}
END_TEST

START_TEST(stats_from_ipv6_loopback_adds_counters)
{
	struct reply *r;

	set_peer("::1", 40000, 0);
	r = ask("{\"op\":\"stats\"}");
	assert_ok(r, "stats");
	ck_assert_int_eq(get_num(r->json, "rx"), 1);
	reply_free(r);
}
END_TEST

START_TEST(stats_from_other_source_is_forbidden)
{
	struct reply *r = ask("{\"op\":\"stats\"}");

	assert_error(r, PROTO_FORBIDDEN);
	ck_assert_str_eq(get_str(r->json, "message"),
	    "stats is allowed only from admin_allow sources");
	assert_absent(r->json, "rx");
	reply_free(r);
}
END_TEST

START_TEST(escaped_key_names_match)
{
	expect_text("{\"\\u006fp\":\"p\\u0069ng\"}",
	    "{\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

/* RFC 7493 section 2.3: first-wins here and last-wins in a filter in
 * front would disagree about what was asked. */
START_TEST(duplicate_member_names_are_bad_request)
{
	expect_message("{\"op\":\"ping\",\"op\":\"stats\"}", PROTO_BAD_REQUEST,
	    "duplicate member \"op\"");
	expect_message("{\"op\":\"ping\",\"pad\":\"x\",\"pad\":\"y\"}",
	    PROTO_BAD_REQUEST, "duplicate member \"pad\"");
	expect_message("{\"op\":\"ping\",\"x\":1,\"x\":2}", PROTO_BAD_REQUEST,
	    "duplicate member \"x\"");
	expect_message("{\"op\":\"ping\",\"\\u006fp\":\"ping\"}",
	    PROTO_BAD_REQUEST, "duplicate member \"op\"");
	expect_message("{\"op\":\"ping\",\"a\\u0000\":1,\"a\\u0000\":2}",
	    PROTO_BAD_REQUEST, "duplicate member \"a\\u0000\"");
}
END_TEST

/* Past PROTO_PAIRWISE members the check goes through the hash table: a
 * duplicate anywhere among hundreds, escaped or not, is found, and
 * distinct names are not taken for duplicates. */
START_TEST(duplicate_among_many_members_is_found)
{
	char req[4096];
	size_t n;
	int i;

	n = (size_t)snprintf(req, sizeof(req), "{\"op\":\"ping\"");
	for (i = 0; i < 300; i++)
		n += (size_t)snprintf(req + n, sizeof(req) - n, ",\"m%d\":%d",
		    i, i);
	snprintf(req + n, sizeof(req) - n, "}");
	expect_text(req, "{\"ok\":true,\"op\":\"ping\"}");
	snprintf(req + n, sizeof(req) - n, ",\"\\u006d17\":0}");
	expect_message(req, PROTO_BAD_REQUEST, "duplicate member \"m17\"");
	snprintf(req + n, sizeof(req) - n, ",\"m299\":0}");
	expect_message(req, PROTO_BAD_REQUEST, "duplicate member \"m299\"");
}
END_TEST

/* Names past 8 bytes take the other hash; names that differ only in
 * trailing NULs share a word of the short hash and are still distinct. */
START_TEST(duplicate_long_names_and_nul_tails)
{
	static const char nuls[] = "\\u0000\\u0000\\u0000\\u0000\\u0000"
	    "\\u0000\\u0000";
	char req[4096];
	size_t n;
	int i;

	n = (size_t)snprintf(req, sizeof(req), "{\"op\":\"ping\"");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(req + n, sizeof(req) - n,
		    ",\"a-rather-long-name-%d\":0", i);
	for (i = 0; i < 8; i++)
		n += (size_t)snprintf(req + n, sizeof(req) - n, ",\"z%.*s\":0",
		    6 * i, nuls);
	snprintf(req + n, sizeof(req) - n, "}");
	expect_text(req, "{\"ok\":true,\"op\":\"ping\"}");
	snprintf(req + n, sizeof(req) - n, ",\"a-rather-long-name-42\":1}");
	expect_message(req, PROTO_BAD_REQUEST,
	    "duplicate member \"a-rather-long-name-42\"");
	snprintf(req + n, sizeof(req) - n, ",\"z\\u0000\\u0000\":1}");
	expect_message(req, PROTO_BAD_REQUEST,
	    "duplicate member \"z\\u0000\\u0000\"");
}
END_TEST

/* The table is emptied by a new generation, not by writing: 65 536
 * tables on, the generations wrap, and no mark left from the first may
 * pass for a member.  The small tables between never touch the large
 * table's upper slots, so those marks are still there when the large
 * request comes again. */
START_TEST(duplicate_table_survives_its_generations)
{
	char big[4096], small[128], out[256];
	struct proto_outcome res;
	size_t n;
	int i;

	n = (size_t)snprintf(big, sizeof(big), "{\"op\":\"ping\"");
	for (i = 0; i < 300; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, ",\"m%d\":0", i);
	snprintf(big + n, sizeof(big) - n, "}");
	expect_text(big, "{\"ok\":true,\"op\":\"ping\"}");
	for (i = 0; i < 65534; i++) {	/* the next is table 65 537 */
		n = (size_t)snprintf(small, sizeof(small), "{\"op\":\"ping\","
		    "\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,"
		    "\"x%d\":0}", i);
		/* proto_answer alone: ask's checks 65 534 times took seconds */
		ck_assert_uint_eq(proto_answer(&env, work, &meta, PORT, small,
		    n, out, sizeof(out), &res), 23);
	}
	expect_text(big, "{\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

/* data is copied verbatim: what is inside is the client's business. */
START_TEST(duplicates_inside_data_are_echoed)
{
	expect_text("{\"op\":\"echo\",\"data\":{\"a\":1,\"a\":2}}",
	    "{\"ok\":true,\"op\":\"echo\",\"data\":{\"a\":1,\"a\":2}}");
}
END_TEST

/* RFC 8259 section 8.3: names are compared as the strings they stand
 * for, escapes undone, \u0000 included; so is op. */
START_TEST(names_and_op_are_compared_unescaped)
{
	expect_text("{\"\\u006fp\":\"p\\u0069ng\"}",
	    "{\"ok\":true,\"op\":\"ping\"}");
	expect_message("{\"op\\u0000x\":\"ping\"}", PROTO_BAD_REQUEST,
	    "member \"op\" is missing");
	expect_message("{\"op\":\"ping\\u0000junk\"}", PROTO_UNKNOWN_OP,
	    "unknown op \"ping\\u0000junk\"");
	expect_message("{\"op\":\"stats\\u0000\"}", PROTO_UNKNOWN_OP,
	    "unknown op \"stats\\u0000\"");
	expect_text("{\"op\":\"ping\",\"pad\":\"a\\u0000b\"}",
	    "{\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

/* An answer sent back, by another responder or a forged source, must
 * end there (CVE-2024-2169): a top-level ok or error member is enough. */
static void
expect_not_a_request(const char *req)
{
	struct reply *r = ask(req);

	ck_assert_msg(r->n == 0 && r->res == PROTO_NOT_A_REQUEST,
	    "%s answered (%s): %s", req, proto_result_name(r->res), text(r));
	reply_free(r);
}

START_TEST(answers_are_not_answered)
{
	expect_not_a_request("{\"ok\":true,\"op\":\"ping\"}");
	expect_not_a_request("{\"ok\":false,\"error\":\"bad_json\","
	    "\"message\":\"x\"}");
	expect_not_a_request("{\"op\":\"ping\",\"ok\":1}");
	expect_not_a_request("{\"error\":null,\"op\":\"whoami\"}");
	expect_not_a_request("{\"op\":\"ping\",\"\\u006fk\":true}");
	expect_not_a_request("{\"ok\":1,\"ok\":2}");
	expect_text("{\"op\":\"echo\",\"data\":{\"ok\":true}}",
	    "{\"ok\":true,\"op\":\"echo\",\"data\":{\"ok\":true}}");
}
END_TEST

/* Every kind of answer the daemon sends, sent back to it. */
START_TEST(own_answers_sent_back_are_not_answered)
{
	static const char *const reqs[] = {
		"{\"op\":\"ping\",\"id\":7}", "{\"op\":\"echo\",\"data\":[1]}",
		"{\"op\":\"whoami\"}", "{\"op\":\"info\"}", "{\"op\":\"nope\"}",
		"{", "{\"op\":1}",
		"{\"op\":\"info\",\"pad\":\"0123456789012345678\"}",
	};
	struct reply *r, *back;
	size_t i;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		r = i + 1 < sizeof(reqs) / sizeof(reqs[0]) ? ask(reqs[i]) :
		    ask_bytes(reqs[i], strlen(reqs[i]));
		ck_assert_uint_gt(r->n, 0);
		back = ask_bytes(r->out, r->n);
		ck_assert_msg(back->n == 0 &&
		    back->res == PROTO_NOT_A_REQUEST, "%s answered", text(r));
		reply_free(back);
		reply_free(r);
	}
}
END_TEST

START_TEST(unknown_members_and_pad_are_ignored)
{
	expect_text("{\"v\":2,\"op\":\"ping\",\"pad\":\"xxxx\","
	    "\"more\":{\"a\":[]}}",
	    "{\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

/* tc_errors: bad_json, bad_request, unknown_op, too_large. */

START_TEST(empty_datagram_is_dropped)
{
	struct reply *r = ask_bytes("", 0);

	ck_assert_uint_eq(r->n, 0);
	ck_assert_int_eq(r->fit, PROTO_FIT_NONE);
	reply_free(r);
}
END_TEST

START_TEST(nul_byte_is_bad_json)
{
	static const char req[] = "{\"op\":\"ping\",\"pad\":\"\0\"}"
	    "                                                            ";
	struct reply *r = ask_bytes(req, sizeof(req) - 1);

	assert_error(r, PROTO_BAD_JSON);
	ck_assert_str_eq(get_str(r->json, "message"), "NUL byte at byte 20");
	reply_free(r);
}
END_TEST

START_TEST(not_an_object_is_bad_json)
{
	expect_message("[{\"op\":\"ping\"}]", PROTO_BAD_JSON,
	    "the request must be a JSON object");
	expect_error("\"ping\"", PROTO_BAD_JSON);
	expect_error("42", PROTO_BAD_JSON);
	expect_error("null", PROTO_BAD_JSON);
}
END_TEST

START_TEST(trailing_garbage_is_bad_json)
{
	expect_message("{\"op\":\"ping\"} x", PROTO_BAD_JSON,
	    "trailing data after the JSON object at byte 13");
	expect_error("{\"op\":\"ping\"}{\"op\":\"ping\"}", PROTO_BAD_JSON);
	expect_error("{\"op\":\"ping\"}\x0b", PROTO_BAD_JSON);
	expect_message("{\"op\":\"ping\"}\xef\xbb\xbf", PROTO_BAD_JSON,
	    "trailing data after the JSON object at byte 13");
}
END_TEST

START_TEST(trailing_whitespace_is_accepted)
{
	expect_text("{\"op\":\"ping\"} \t\r\n ",
	    "{\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

START_TEST(syntax_error_is_bad_json_with_offset)
{
	struct reply *r = ask("{\"op\":\"ping\",}");

	assert_error(r, PROTO_BAD_JSON);
	ck_assert_int_eq(strncmp(get_str(r->json, "message"),
	    "invalid JSON at byte ", 21), 0);
	reply_free(r);
	expect_error("{\"op\":\"ping\"", PROTO_BAD_JSON);
	expect_error("{\"op\" \"ping\"}", PROTO_BAD_JSON);
	expect_error("{op:\"ping\"}", PROTO_BAD_JSON);
}
END_TEST

/* cJSON takes all of these; they are not JSON (RFC 8259). */
START_TEST(control_byte_as_whitespace_is_bad_json)
{
	expect_message("\x0b{\"op\":\"ping\"}", PROTO_BAD_JSON,
	    "invalid JSON at byte 0");
	expect_error("{\"op\":\x01\"ping\"}", PROTO_BAD_JSON);
}
END_TEST

START_TEST(raw_control_character_in_string_is_bad_json)
{
	expect_message("{\"op\":\"echo\",\"data\":\"a\tb\"}", PROTO_BAD_JSON,
	    "invalid JSON at byte 22");
	expect_error("{\"op\":\"echo\",\"data\":\"a\nb\"}", PROTO_BAD_JSON);
}
END_TEST

START_TEST(non_rfc_numbers_are_bad_json)
{
	expect_error("{\"op\":\"echo\",\"data\":01}", PROTO_BAD_JSON);
	expect_error("{\"op\":\"echo\",\"data\":-01}", PROTO_BAD_JSON);
	expect_error("{\"op\":\"echo\",\"data\":1.}", PROTO_BAD_JSON);
	expect_error("{\"op\":\"echo\",\"data\":1.e5}", PROTO_BAD_JSON);
	expect_error("{\"op\":\"echo\",\"data\":[1e]}", PROTO_BAD_JSON);
}
END_TEST

START_TEST(rfc_numbers_are_echoed)
{
	expect_echoed("[0,-0.5e-3,1E+2,10,1e400]");
}
END_TEST

START_TEST(byte_order_mark_is_accepted)
{
	expect_text("\xef\xbb\xbf{\"op\":\"ping\"}",
	    "{\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

/* cJSON's nesting limit: the request object and 999 arrays inside it. */
static char *
nested(size_t arrays)
{
	static const char head[] = "{\"op\":\"echo\",\"data\":";
	size_t n = sizeof(head) - 1;
	char *req;

	ck_assert_ptr_nonnull(req = malloc(n + 2 * arrays + 2));
	memcpy(req, head, n);
	memset(req + n, '[', arrays);
	memset(req + n + arrays, ']', arrays);
	memcpy(req + n + 2 * arrays, "}", 2);
	return req;
}

START_TEST(nesting_at_limit_is_echoed)
{
	char *req = nested(999);
	struct reply *r = ask(req);

	assert_ok(r, "echo");
	ck_assert_uint_eq(strlen(text(r)), strlen(req) + 10);
	reply_free(r);
	free(req);
}
END_TEST

START_TEST(nesting_over_limit_is_bad_json)
{
	char *req = nested(1000);

	expect_error(req, PROTO_BAD_JSON);
	free(req);
}
END_TEST

START_TEST(missing_op_is_bad_request)
{
	expect_message("{\"data\":1}", PROTO_BAD_REQUEST,
	    "member \"op\" is missing");
	expect_message("{\"OP\":\"ping\"}", PROTO_BAD_REQUEST,
	    "member \"op\" is missing");
}
END_TEST

START_TEST(op_of_wrong_type_is_bad_request)
{
	expect_message("{\"op\":1}", PROTO_BAD_REQUEST,
	    "member \"op\" must be a string");
	expect_error("{\"op\":[\"ping\"]}", PROTO_BAD_REQUEST);
	expect_error("{\"op\":null}", PROTO_BAD_REQUEST);
}
END_TEST

START_TEST(pad_of_wrong_type_is_bad_request)
{
	expect_message("{\"op\":\"ping\",\"pad\":123}", PROTO_BAD_REQUEST,
	    "member \"pad\" must be a string");
}
END_TEST

START_TEST(unknown_op_is_named_in_message)
{
	expect_message("{\"op\":\"foo\"}", PROTO_UNKNOWN_OP,
	    "unknown op \"foo\"");
	expect_message("{\"op\":\"PING\"}", PROTO_UNKNOWN_OP,
	    "unknown op \"PING\"");
	expect_message("{\"op\":\"\"}", PROTO_UNKNOWN_OP, "unknown op \"\"");
}
END_TEST

START_TEST(long_unknown_op_is_quoted_at_most_32_bytes)
{
	char req[300], msg[100];

	snprintf(req, sizeof(req), "{\"op\":\"%0200d\"}", 7);
	snprintf(msg, sizeof(msg), "unknown op \"%032d...\"", 0);
	expect_message(req, PROTO_UNKNOWN_OP, msg);
	snprintf(req, sizeof(req), "{\"op\":\"%033d\"}", 7);
	expect_message(req, PROTO_UNKNOWN_OP, msg);
	snprintf(req, sizeof(req), "{\"op\":\"%032d\"}", 0);
	snprintf(msg, sizeof(msg), "unknown op \"%032d\"", 0);
	expect_message(req, PROTO_UNKNOWN_OP, msg);
}
END_TEST

START_TEST(unknown_op_quote_is_cut_on_character_boundary)
{
	/* é takes bytes 31 and 32: the cut at 32 would split it. */
	expect_message("{\"op\":"
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9zzzz\"}",
	    PROTO_UNKNOWN_OP,
	    "unknown op \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"");
}
END_TEST

START_TEST(unknown_op_with_quotes_and_controls_stays_valid_json)
{
	expect_message("{\"op\":\"a\\\"b\\u0001\\\\\"}", PROTO_UNKNOWN_OP,
	    "unknown op \"a\"b\001\\\"");
}
END_TEST

START_TEST(datagram_over_max_is_too_large)
{
	char *req = padded("ping", 4, 5000);
	struct reply *r = ask_bytes(req, 5000);

	assert_error(r, PROTO_TOO_LARGE);
	ck_assert_str_eq(get_str(r->json, "message"),
	    "datagram of 5000 bytes exceeds max_datagram 4096");
	assert_absent(r->json, "id");
	reply_free(r);
	free(req);
}
END_TEST

START_TEST(datagram_one_byte_over_max_is_too_large)
{
	char *req = padded("ping", 0, 4097);
	struct reply *r = ask_bytes(req, 4097);

	assert_error(r, PROTO_TOO_LARGE);
	reply_free(r);
	free(req);
}
END_TEST

START_TEST(datagram_of_max_is_answered)
{
	char *req = padded("ping", 4, 4096);
	struct reply *r = ask_bytes(req, 4096);

	assert_ok(r, "ping");
	ck_assert_str_eq(get_str(r->json, "id"), "iiii");
	reply_free(r);
	free(req);
}
END_TEST

/* tc_utf8: RFC 3629, strictly. */

START_TEST(valid_multibyte_utf8_is_echoed)
{
	/* é € U+1D11E, then the edges U+D7FF, U+E000 and U+10FFFF. */
	expect_echoed("\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e"
	    "\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\"");
}
END_TEST

START_TEST(invalid_utf8_message_names_byte_offset)
{
	expect_message("{\"op\":\"echo\",\"data\":\"\xff\"}", PROTO_BAD_JSON,
	    "invalid UTF-8 at byte 21");
}
END_TEST

START_TEST(overlong_encoding_is_bad_json)
{
	expect_string_bad_json("\xc0\xaf");
	expect_string_bad_json("\xc1\xbf");
	expect_string_bad_json("\xe0\x80\xaf");
	expect_string_bad_json("\xe0\x9f\xbf");
	expect_string_bad_json("\xf0\x80\x80\xaf");
	expect_string_bad_json("\xf0\x8f\xbf\xbf");
}
END_TEST

START_TEST(surrogate_encoded_in_utf8_is_bad_json)
{
	expect_string_bad_json("\xed\xa0\x80");
	expect_string_bad_json("\xed\xbf\xbf");
}
END_TEST

START_TEST(code_point_above_10ffff_is_bad_json)
{
	expect_string_bad_json("\xf4\x90\x80\x80");
	expect_string_bad_json("\xf5\x80\x80\x80");
	expect_string_bad_json("\xff");
}
END_TEST

START_TEST(truncated_sequence_is_bad_json)
{
	expect_string_bad_json("\xe2\x82");
	expect_string_bad_json("\xf0\x9d\x84");
	expect_string_bad_json("\xc3 ");
}
END_TEST

START_TEST(truncated_sequence_at_datagram_end_is_bad_json)
{
	char *req = padded("ping", 0, 60);
	struct reply *r;

	req[59] = '\xe2';
	r = ask_bytes(req, 60);
	assert_error(r, PROTO_BAD_JSON);
	ck_assert_str_eq(get_str(r->json, "message"),
	    "invalid UTF-8 at byte 59");
	reply_free(r);
	memcpy(req + 58, "\xe2\x82", 2);
	r = ask_bytes(req, 60);
	ck_assert_str_eq(get_str(r->json, "message"),
	    "invalid UTF-8 at byte 58");
	reply_free(r);
	free(req);
}
END_TEST

START_TEST(lone_continuation_byte_is_bad_json)
{
	expect_string_bad_json("\x80");
	expect_string_bad_json("\xc3\xa9\xa9");
}
END_TEST

START_TEST(escaped_lone_surrogate_is_bad_json)
{
	expect_error("{\"op\":\"echo\",\"data\":\"\\ud800\"}", PROTO_BAD_JSON);
}
END_TEST

/* tc_id: copied verbatim, first, only when valid. */

START_TEST(string_id_copied_verbatim)
{
	expect_text("{\"id\":\"a\\u0041\\/\",\"op\":\"ping\"}",
	    "{\"id\":\"a\\u0041\\/\",\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

START_TEST(number_id_copied_verbatim)
{
	expect_text("{\"op\":\"ping\",\"id\":12345678901234567890}",
	    "{\"id\":12345678901234567890,\"ok\":true,\"op\":\"ping\"}");
	expect_text("{\"op\":\"ping\",\"id\":1e400}",
	    "{\"id\":1e400,\"ok\":true,\"op\":\"ping\"}");
	expect_text("{\"op\":\"ping\",\"id\":1.10}",
	    "{\"id\":1.10,\"ok\":true,\"op\":\"ping\"}");
	expect_text("{\"op\":\"ping\",\"id\":-0}",
	    "{\"id\":-0,\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

START_TEST(whitespace_around_id_is_not_copied)
{
	expect_text("{ \"id\" :\t7 \n, \"op\":\"ping\"}",
	    "{\"id\":7,\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

START_TEST(escaped_id_key_is_found)
{
	expect_text("{\"op\":\"ping\",\"\\u0069d\":7}",
	    "{\"id\":7,\"ok\":true,\"op\":\"ping\"}");
}
END_TEST

START_TEST(nested_id_is_not_the_id)
{
	expect_text("{\"data\":{\"id\":1,\"x\":[{\"id\":2}]},"
	    "\"pad\":\"\\\"id\\\":3\",\"id\":\"outer\",\"op\":\"echo\"}",
	    "{\"id\":\"outer\",\"ok\":true,\"op\":\"echo\","
	    "\"data\":{\"id\":1,\"x\":[{\"id\":2}]}}");
}
END_TEST

/* Which of two ids the answer should carry is the question itself. */
START_TEST(duplicate_ids_are_bad_request_without_id)
{
	struct reply *r = ask("{\"id\":1,\"id\":2,\"op\":\"ping\"}");

	assert_error(r, PROTO_BAD_REQUEST);
	assert_absent(r->json, "id");
	reply_free(r);
}
END_TEST

START_TEST(id_of_64_bytes_is_accepted)
{
	char req[200];
	struct reply *r;

	snprintf(req, sizeof(req), "{\"id\":\"%062d\",\"op\":\"ping\"}", 0);
	r = ask(req);
	assert_ok(r, "ping");
	ck_assert_uint_eq(strlen(get_str(r->json, "id")), 62);
	reply_free(r);
	snprintf(req, sizeof(req), "{\"id\":1%063d,\"op\":\"ping\"}", 0);
	r = ask(req);
	assert_ok(r, "ping");
	reply_free(r);
}
END_TEST

START_TEST(id_of_65_bytes_is_bad_request)
{
	char req[200];
	struct reply *r;

	snprintf(req, sizeof(req), "{\"id\":\"%063d\",\"op\":\"ping\"}", 0);
	r = ask(req);
	assert_error(r, PROTO_BAD_REQUEST);
	ck_assert_str_eq(get_str(r->json, "message"),
	    "member \"id\" has 65 bytes, more than 64");
	assert_absent(r->json, "id");
	reply_free(r);
	snprintf(req, sizeof(req), "{\"id\":1%064d,\"op\":\"ping\"}", 0);
	expect_error(req, PROTO_BAD_REQUEST);
}
END_TEST

START_TEST(id_of_wrong_type_is_bad_request_without_id)
{
	static const char *const reqs[] = {
		"{\"id\":true,\"op\":\"ping\"}",
		"{\"id\":null,\"op\":\"ping\"}",
		"{\"id\":{},\"op\":\"ping\"}",
		"{\"id\":[1],\"op\":\"ping\"}",
	};
	struct reply *r;
	size_t i;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		r = ask(reqs[i]);
		assert_error(r, PROTO_BAD_REQUEST);
		ck_assert_str_eq(get_str(r->json, "message"),
		    "member \"id\" must be a string or a number");
		assert_absent(r->json, "id");
		reply_free(r);
	}
}
END_TEST

START_TEST(error_answers_carry_the_id_first)
{
	struct reply *r = ask("{\"op\":\"nope\",\"id\":\"q1\"}");

	assert_error(r, PROTO_UNKNOWN_OP);
	ck_assert_int_eq(strncmp(text(r), "{\"id\":\"q1\",\"ok\":false,", 22),
	    0);
	reply_free(r);
	r = ask("{\"id\":5,\"op\":\"stats\"}");
	assert_error(r, PROTO_FORBIDDEN);
	ck_assert_int_eq(get_num(r->json, "id"), 5);
	reply_free(r);
	r = ask("{\"id\":6,\"op\":7}");
	assert_error(r, PROTO_BAD_REQUEST);
	ck_assert_int_eq(get_num(r->json, "id"), 6);
	reply_free(r);
}
END_TEST

START_TEST(bad_json_answer_has_no_id)
{
	struct reply *r = ask("{\"id\":1,\"op\":\"ping\",}");

	assert_error(r, PROTO_BAD_JSON);
	assert_absent(r->json, "id");
	reply_free(r);
}
END_TEST

/* tc_amplification: SPEC 2, at most factor x request, exactly. */

START_TEST(answer_exactly_at_factor_times_request_is_sent)
{
	size_t full, idlen = id_for_remainder(0, &full);
	size_t len = full / env.amplification_factor;
	char *req = padded("whoami", idlen, len);
	struct reply *r = ask_bytes(req, len);

	assert_ok(r, "whoami");
	ck_assert_uint_eq(r->n, full);
	ck_assert_uint_eq(r->n, env.amplification_factor * len);
	reply_free(r);
	free(req);
}
END_TEST

START_TEST(answer_one_byte_over_factor_gets_truncated_with_need)
{
	size_t full, idlen = id_for_remainder(1, &full);
	size_t len = full / env.amplification_factor;
	char *req = padded("whoami", idlen, len);
	struct reply *r = ask_bytes(req, len);

	ck_assert_uint_eq(full, env.amplification_factor * len + 1);
	ck_assert_int_eq(r->fit, PROTO_FIT_TRUNCATED);
	ck_assert(cJSON_IsFalse(get(r->json, "ok")));
	ck_assert_str_eq(get_str(r->json, "error"), "truncated");
	ck_assert_int_eq(get_num(r->json, "need"), len + 1);
	ck_assert_uint_eq(strlen(get_str(r->json, "id")), idlen);
	ck_assert_int_eq(cJSON_GetArraySize(r->json), 4);
	reply_free(r);
	free(req);
}
END_TEST

START_TEST(request_of_need_bytes_gets_full_answer)
{
	size_t full, need, idlen = id_for_remainder(2, &full);
	char *req = padded("whoami", idlen, 40);
	struct reply *r = ask_bytes(req, 40);

	ck_assert_int_eq(r->fit, PROTO_FIT_TRUNCATED);
	need = (size_t)get_num(r->json, "need");
	reply_free(r);
	free(req);
	req = padded("whoami", idlen, need - 1);
	r = ask_bytes(req, need - 1);
	ck_assert_int_eq(r->fit, PROTO_FIT_TRUNCATED);
	reply_free(r);
	free(req);
	req = padded("whoami", idlen, need);
	r = ask_bytes(req, need);
	assert_ok(r, "whoami");
	ck_assert_uint_eq(r->n, full);
	reply_free(r);
	free(req);
}
END_TEST

START_TEST(truncated_answer_has_exactly_its_members)
{
	struct reply *r = ask_bytes("{\"op\":\"whoami\"}", 15);

	ck_assert_int_eq(r->fit, PROTO_FIT_TRUNCATED);
	ck_assert_int_eq(strncmp(text(r),
	    "{\"ok\":false,\"error\":\"truncated\",\"need\":", 39), 0);
	ck_assert_int_eq(cJSON_GetArraySize(r->json), 3);
	reply_free(r);
}
END_TEST

/* With a factor of 1 a truncated answer of T bytes needs a request of T. */
START_TEST(truncated_answer_exactly_at_limit_is_sent)
{
	size_t full, len;
	char want[100], *req;
	struct reply *r;

	env.amplification_factor = 1;
	full = full_len("whoami", 0);
	len = (size_t)snprintf(want, sizeof(want),
	    "{\"ok\":false,\"error\":\"truncated\",\"need\":%zu}", full);
	req = padded("whoami", 0, len);
	r = ask_bytes(req, len);
	ck_assert_int_eq(r->fit, PROTO_FIT_TRUNCATED);
	ck_assert_str_eq(text(r), want);
	reply_free(r);
	free(req);
}
END_TEST

START_TEST(truncated_answer_too_large_is_dropped)
{
	size_t full, len;
	char want[100], *req;
	struct reply *r;

	env.amplification_factor = 1;
	full = full_len("whoami", 0);
	len = (size_t)snprintf(want, sizeof(want),
	    "{\"ok\":false,\"error\":\"truncated\",\"need\":%zu}", full) - 1;
	req = padded("whoami", 0, len);
	r = ask_bytes(req, len);
	ck_assert_int_eq(r->fit, PROTO_FIT_NONE);
	ck_assert_uint_eq(r->n, 0);
	reply_free(r);
	free(req);
	env.amplification_factor = 3;
	r = ask_bytes("{\"op\":\"info\"}", 13);
	ck_assert_int_eq(r->fit, PROTO_FIT_NONE);
	reply_free(r);
}
END_TEST

START_TEST(error_answers_are_limited_too)
{
	static const char req[] = "{\"op\":\"nope\",\"x\":1}";
	struct reply *r = ask(req);
	size_t full = r->n;

	assert_error(r, PROTO_UNKNOWN_OP);
	reply_free(r);
	r = ask_bytes(req, sizeof(req) - 1);
	ck_assert_int_eq(r->fit, PROTO_FIT_TRUNCATED);
	ck_assert_int_eq(get_num(r->json, "need"), (full + 2) / 3);
	reply_free(r);
	r = ask_bytes("{\"x\":1}", 7);
	ck_assert_int_eq(r->fit, PROTO_FIT_NONE);
	reply_free(r);
}
END_TEST

START_TEST(factor_comes_from_env)
{
	struct reply *r;

	env.amplification_factor = 20;
	r = ask_bytes("{\"op\":\"whoami\"}", 15);
	assert_ok(r, "whoami");
	reply_free(r);
}
END_TEST

START_TEST(factor_zero_is_taken_as_one)
{
	struct reply *r;

	env.amplification_factor = 0;
	r = ask_bytes("{\"op\":\"ping\",\"pad\":\"x\"}", 23);
	ck_assert_str_eq(text(r), "{\"ok\":true,\"op\":\"ping\"}");
	reply_free(r);
}
END_TEST

START_TEST(answer_larger_than_out_asks_for_more_than_max_datagram)
{
	char *req = padded("whoami", 0, 90);
	struct reply *r = ask_cap(req, 90, 100);

	free(req);

	ck_assert_int_eq(r->fit, PROTO_FIT_TRUNCATED);
	ck_assert_int_eq(get_num(r->json, "need"), 4097);
	reply_free(r);
}
END_TEST

START_TEST(echo_data_larger_than_out_asks_for_more_than_max_datagram)
{
	char req[301];
	struct reply *r;

	ck_assert_int_eq(snprintf(req, sizeof(req),
	    "{\"op\":\"echo\",\"data\":\"%0277d\"}", 0), 300);
	r = ask_cap(req, 300, 200);
	ck_assert_int_eq(r->fit, PROTO_FIT_TRUNCATED);
	ck_assert_int_eq(get_num(r->json, "need"), 4097);
	reply_free(r);
}
END_TEST

START_TEST(out_too_small_for_anything_drops)
{
	struct reply *r = ask_cap("{\"op\":\"ping\"}", 13, 20);

	ck_assert_int_eq(r->fit, PROTO_FIT_NONE);
	reply_free(r);
}
END_TEST

/* tc_result_name */

START_TEST(result_names_are_the_counter_names)
{
	static const char *const want[PROTO_RESULT_MAX] = { "ok", "bad_json",
	    "bad_request", "unknown_op", "too_large", "forbidden",
	    "not_a_request" };
	int i;

	for (i = 0; i < PROTO_RESULT_MAX; i++)
		ck_assert_str_eq(proto_result_name((enum proto_result)i),
		    want[i]);
	ck_assert_str_eq(proto_result_name(PROTO_RESULT_MAX), "unknown");
}
END_TEST

static TCase *
tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc;

	tc = tcase(s, "tc_ops");
	tcase_add_test(tc, ping_answers_ok_with_op);
	tcase_add_test(tc, echo_copies_data_verbatim);
	tcase_add_test(tc, echo_keeps_whitespace_inside_data_only);
	tcase_add_test(tc, echo_data_with_brackets_and_quotes_in_strings);
	tcase_add_test(tc, echo_without_data_answers_without_data_member);
	tcase_add_test(tc, echo_of_null_data_answers_null_data);
	tcase_add_test(tc, v4mapped_client_shown_as_ipv4_in_whoami);
	tcase_add_test(tc, whoami_server_is_destination_port_and_interface);
	tcase_add_test(tc, ipv6_client_and_server_in_rfc5952_form);
	tcase_add_test(tc, linklocal_addresses_carry_their_interface);
	tcase_add_test(tc, global_destination_has_no_scope);
	tcase_add_test(tc, unknown_interface_gives_null_ifname);
	tcase_add_test(tc, odd_interface_name_is_escaped);
	tcase_add_test(tc, info_lists_version_uptime_workers_listen_features);
	tcase_add_test(tc, info_with_no_listen_gives_empty_array);
	tcase_add_test(tc, info_with_many_listen_addresses_lists_them_all);
	tcase_add_test(tc, stats_from_ipv4_loopback_adds_counters);
	tcase_add_test(tc, stats_from_ipv6_loopback_adds_counters);
	tcase_add_test(tc, stats_from_other_source_is_forbidden);
	tcase_add_test(tc, escaped_key_names_match);
	tcase_add_test(tc, duplicate_member_names_are_bad_request);
	tcase_add_test(tc, duplicate_among_many_members_is_found);
	tcase_add_test(tc, duplicate_long_names_and_nul_tails);
	tcase_add_test(tc, duplicate_table_survives_its_generations);
	tcase_add_test(tc, duplicates_inside_data_are_echoed);
	tcase_add_test(tc, names_and_op_are_compared_unescaped);
	tcase_add_test(tc, answers_are_not_answered);
	tcase_add_test(tc, own_answers_sent_back_are_not_answered);
	tcase_add_test(tc, unknown_members_and_pad_are_ignored);

	tc = tcase(s, "tc_errors");
	tcase_add_test(tc, empty_datagram_is_dropped);
	tcase_add_test(tc, nul_byte_is_bad_json);
	tcase_add_test(tc, not_an_object_is_bad_json);
	tcase_add_test(tc, trailing_garbage_is_bad_json);
	tcase_add_test(tc, trailing_whitespace_is_accepted);
	tcase_add_test(tc, syntax_error_is_bad_json_with_offset);
	tcase_add_test(tc, control_byte_as_whitespace_is_bad_json);
	tcase_add_test(tc, raw_control_character_in_string_is_bad_json);
	tcase_add_test(tc, non_rfc_numbers_are_bad_json);
	tcase_add_test(tc, rfc_numbers_are_echoed);
	tcase_add_test(tc, byte_order_mark_is_accepted);
	tcase_add_test(tc, nesting_at_limit_is_echoed);
	tcase_add_test(tc, nesting_over_limit_is_bad_json);
	tcase_add_test(tc, missing_op_is_bad_request);
	tcase_add_test(tc, op_of_wrong_type_is_bad_request);
	tcase_add_test(tc, pad_of_wrong_type_is_bad_request);
	tcase_add_test(tc, unknown_op_is_named_in_message);
	tcase_add_test(tc, long_unknown_op_is_quoted_at_most_32_bytes);
	tcase_add_test(tc, unknown_op_quote_is_cut_on_character_boundary);
	tcase_add_test(tc,
	    unknown_op_with_quotes_and_controls_stays_valid_json);
	tcase_add_test(tc, datagram_over_max_is_too_large);
	tcase_add_test(tc, datagram_one_byte_over_max_is_too_large);
	tcase_add_test(tc, datagram_of_max_is_answered);

	tc = tcase(s, "tc_utf8");
	tcase_add_test(tc, valid_multibyte_utf8_is_echoed);
	tcase_add_test(tc, invalid_utf8_message_names_byte_offset);
	tcase_add_test(tc, overlong_encoding_is_bad_json);
	tcase_add_test(tc, surrogate_encoded_in_utf8_is_bad_json);
	tcase_add_test(tc, code_point_above_10ffff_is_bad_json);
	tcase_add_test(tc, truncated_sequence_is_bad_json);
	tcase_add_test(tc, truncated_sequence_at_datagram_end_is_bad_json);
	tcase_add_test(tc, lone_continuation_byte_is_bad_json);
	tcase_add_test(tc, escaped_lone_surrogate_is_bad_json);

	tc = tcase(s, "tc_id");
	tcase_add_test(tc, string_id_copied_verbatim);
	tcase_add_test(tc, number_id_copied_verbatim);
	tcase_add_test(tc, whitespace_around_id_is_not_copied);
	tcase_add_test(tc, escaped_id_key_is_found);
	tcase_add_test(tc, nested_id_is_not_the_id);
	tcase_add_test(tc, duplicate_ids_are_bad_request_without_id);
	tcase_add_test(tc, id_of_64_bytes_is_accepted);
	tcase_add_test(tc, id_of_65_bytes_is_bad_request);
	tcase_add_test(tc, id_of_wrong_type_is_bad_request_without_id);
	tcase_add_test(tc, error_answers_carry_the_id_first);
	tcase_add_test(tc, bad_json_answer_has_no_id);

	tc = tcase(s, "tc_amplification");
	tcase_add_test(tc, answer_exactly_at_factor_times_request_is_sent);
	tcase_add_test(tc,
	    answer_one_byte_over_factor_gets_truncated_with_need);
	tcase_add_test(tc, request_of_need_bytes_gets_full_answer);
	tcase_add_test(tc, truncated_answer_has_exactly_its_members);
	tcase_add_test(tc, truncated_answer_exactly_at_limit_is_sent);
	tcase_add_test(tc, truncated_answer_too_large_is_dropped);
	tcase_add_test(tc, error_answers_are_limited_too);
	tcase_add_test(tc, factor_comes_from_env);
	tcase_add_test(tc, factor_zero_is_taken_as_one);
	tcase_add_test(tc,
	    answer_larger_than_out_asks_for_more_than_max_datagram);
	tcase_add_test(tc,
	    echo_data_larger_than_out_asks_for_more_than_max_datagram);
	tcase_add_test(tc, out_too_small_for_anything_drops);

	tc = tcase(s, "tc_result_name");
	tcase_add_test(tc, result_names_are_the_counter_names);
	return s;
}

int
main(void)
{
	return tu_run(proto_suite());
}
