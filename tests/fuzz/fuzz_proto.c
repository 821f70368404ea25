/* fuzz_proto: any datagram gets a defined outcome from proto_answer.
 * Properties: the cause is a known counter; nothing is sent exactly when
 * the 3x rule leaves nothing or the request was an answer; an answer fits
 * the buffer,
 * is at most the amplification factor times the request, is one strict
 * RFC 8259 JSON object (no raw control character in a string) whose "ok"
 * agrees with the result and whose "error" names it; and an answer, sent
 * back as a request, is never answered (no reflection loop,
 * CVE-2024-2169). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "acl.h"
#include "addr.h"
#include "fuzz.h"
#include "jscan.h"
#include "proto.h"
#include "siphash.h"

#define FACTOR 3

static long long
uptime(void *arg)
{
	(void)arg;
	return 42;
}

static const char *
ifname(unsigned int ifindex, char *buf)
{
	if (ifindex != 1)
		return NULL;
	strcpy(buf, "lo");
	return buf;
}

static void
stats(void *arg, struct cJSON *obj)
{
	(void)arg;
	cJSON_AddNumberToObject(obj, "rx", 1);
}

static struct proto_work *work;
static struct acl *admin_acl;

static void
check_answer(const struct proto_env *env, const struct dgram_meta *m,
    const uint8_t *req, size_t len, size_t cap)
{
	static char out[65536], back[65536];
	struct proto_env back_env;
	struct proto_outcome res, res_back;
	const cJSON *ok, *err;
	cJSON *a;
	size_t n, bad;

	res.result = PROTO_RESULT_MAX;
	n = proto_answer(env, work, m, 4242, (const char *)req, len, out, cap,
	    &res);
	FUZZ_CHECK((unsigned int)res.result < PROTO_RESULT_MAX);
	FUZZ_CHECK((n == 0) == (res.fit == PROTO_FIT_NONE));
	FUZZ_CHECK(res.result != PROTO_NOT_A_REQUEST || n == 0);
	if (n == 0)
		return;
	FUZZ_CHECK(n <= cap);
	FUZZ_CHECK(n <= FACTOR * len);
	/* Strict: no raw control byte but the whitespace of a data the
	 * client wrote with it. */
	FUZZ_CHECK(jscan_valid(out, n, &bad) == 0);
	/* Sent back to a daemon that reads datagrams of its size (a smaller
	 * max_datagram answers too_large, itself an answer, once). */
	back_env = *env;
	back_env.max_datagram = PROTO_DATAGRAM_MAX;
	FUZZ_CHECK(proto_answer(&back_env, work, m, 4242, out, n, back,
	    sizeof(back), &res_back) == 0);
	FUZZ_CHECK(res_back.result == PROTO_NOT_A_REQUEST);
	a = cJSON_ParseWithLength(out, n);
	FUZZ_CHECK(a != NULL && cJSON_IsObject(a));
	ok = cJSON_GetObjectItemCaseSensitive(a, "ok");
	FUZZ_CHECK(cJSON_IsBool(ok));
	FUZZ_CHECK(cJSON_IsTrue(ok) == (res.result == PROTO_OK &&
	    res.fit == PROTO_FIT_FULL));
	if (!cJSON_IsTrue(ok)) {
		err = cJSON_GetObjectItemCaseSensitive(a, "error");
		FUZZ_CHECK(cJSON_IsString(err));
		FUZZ_CHECK(strcmp(err->valuestring,
		    res.fit == PROTO_FIT_TRUNCATED ? "truncated" :
		    proto_result_name(res.result)) == 0);
	}
	cJSON_Delete(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const listen[] = { "[::]:4242" };
	static const char *const features[] = { "dualstack", "pktinfo4" };
	struct addr_cidr admin;
	struct proto_env env;
	struct dgram_meta m4, m6;
	struct siphash_key key = { 0x0123456789abcdefULL,
	    0x9e3779b97f4a7c15ULL };

	if (work == NULL && (work = proto_work_new(&key)) == NULL)
		return 0;
	memset(&env, 0, sizeof(env));
	addr_cidr_parse(&admin, "127.0.0.0/8");
	env.version = "fuzz";
	env.workers = 1;
	env.listen = listen;
	env.nlisten = 1;
	env.features = features;
	env.nfeatures = 2;
	if (admin_acl == NULL && (admin_acl = acl_new(&admin, 1, NULL, 0)) ==
	    NULL)
		return 0;
	env.admin_allow = admin_acl;
	env.amplification_factor = FACTOR;
	env.max_datagram = 1024;
	env.uptime_s = uptime;
	env.ifname = ifname;
	env.stats = stats;

	/* An IPv4 client allowed stats, and a link-local IPv6 one that is
	 * not; a roomy answer buffer and a tight one. */
	memset(&m4, 0, sizeof(m4));
	m4.peer.sin6_family = AF_INET6;
	m4.peer.sin6_port = htons(5555);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &m4.peer.sin6_addr);
	inet_pton(AF_INET6, "::ffff:127.0.0.2", &m4.dst);
	m4.spec_dst = m4.dst;
	m4.ifindex = 1;
	memset(&m6, 0, sizeof(m6));
	m6.peer.sin6_family = AF_INET6;
	m6.peer.sin6_port = htons(6666);
	m6.peer.sin6_scope_id = 1;
	inet_pton(AF_INET6, "fe80::1", &m6.peer.sin6_addr);
	inet_pton(AF_INET6, "fe80::2", &m6.dst);
	m6.spec_dst = m6.dst;
	m6.ifindex = 1;

	check_answer(&env, &m4, data, size, 65536);
	check_answer(&env, &m6, data, size, 160);
	return 0;
}
