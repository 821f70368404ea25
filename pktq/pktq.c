/* pktq: the client of pktq(1) — send one pktinfod request, wait for the
 * answer, check that it came from exactly the address and port the request
 * went to, and print it. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "addr.h"
#include "cli.h"
#include "hostport.h"
#include "pktq_json.h"
#include "pktq_net.h"
#include "pktq_req.h"

#define DEFAULT_PORT		4242
#define DEFAULT_OP		"ping"
#define DEFAULT_TIMEOUT_MS	1000
#define DEFAULT_RETRIES		2
#define MAX_TIMEOUT_MS		3600000
#define MAX_RETRIES		1000
#define MAX_COUNT		100000000
#define MAX_PAD_ROUNDS		2
/* The largest UDP payload IPv4 can carry (65535 - 20 - 8). */
#define MAX_REQUEST		65507
/* A request so small that even {"ok":false,"error":"truncated","need":N}
 * (45 bytes without an id) is over amplification_factor times its size
 * gets no answer at all (doc/protocol.md, "Size"), so OP and KEY=VALUE
 * requests are padded to this; 48 bytes cover a factor of 1. */
#define MIN_REQUEST		48
#define RECV_BUFSIZE		65536

/* Exit status, as pktq(1) lists it. */
enum pktq_status {
	PKTQ_OK = 0,
	PKTQ_NOANSWER = 1,
	PKTQ_USAGE = 2,
	PKTQ_MISMATCH = 3,
	PKTQ_ERROR = 4
};

/* What became of one try that ended without a final status. */
enum try_result {
	TRY_TIMEOUT = -1,	/* nothing came: send again */
	TRY_RESEND = -2,	/* the request was padded: send it */
	TRY_NEXT = -3,		/* this address failed: try the next one */
	TRY_FATAL = -4		/* every address would fail the same way */
};

enum long_only_opt {
	OPT_NO_VERIFY = 256,
	OPT_COMPACT,
	OPT_JSON
};

struct opts {
	int family;			/* AF_UNSPEC, AF_INET or AF_INET6 */
	int have_bind;
	struct sockaddr_in6 bind;	/* -b; IPv4 held v4-mapped */
	long timeout_ms;
	long retries;
	long count;
	long default_port;		/* -p, for a HOST without one */
	int have_port;
	int verify;
	int compact;
	const char *json;		/* --json TEXT */
	struct hostport target;		/* HOST[:PORT] */
	const char *op;
	char **kv;			/* KEY=VALUE arguments */
	int nkv;
};

struct session {
	const struct opts *o;
	struct pktq_req req;
	struct hostport_addr *targets;	/* what HOST resolved to */
	size_t ntargets;
	size_t preferred;		/* the address that answered last */
	char buf[RECV_BUFSIZE];
};

static const char usage_text[] =
    "usage: pktq [-4|-6] [-b LOCALADDR] [-p PORT] [-t TIMEOUT_MS]\n"
    "            [-r RETRIES] [-c COUNT] [--no-verify] [--compact]\n"
    "            HOST[:PORT] [OP] [KEY=VALUE...]\n"
    "       pktq [options] HOST[:PORT] --json TEXT\n";

/* After a usage error: every line on stderr starts with "pktq:". */
static const char usage_short[] =
    "pktq: usage: pktq [options] HOST[:PORT] [OP] [KEY=VALUE...] "
    "(pktq -h lists the options)\n";

static const char help_text[] =
    "\n"
    "Send one pktinfod query and print the answer; fail unless the answer\n"
    "comes from exactly the address and port the query was sent to.\n"
    "\n"
    "  -4, --ipv4             use IPv4 addresses only\n"
    "  -6, --ipv6             use IPv6 addresses only\n"
    "  -b, --bind LOCALADDR   send from LOCALADDR[:PORT] (its family only)\n"
    "  -p, --port PORT        the port of a HOST given without one\n"
    "  -t, --timeout MS       wait MS milliseconds per try (default 1000)\n"
    "  -r, --retries N        resend N times per address (default 2)\n"
    "  -c, --count N          send N queries, one after the other (default 1)\n"
    "      --no-verify        accept an answer from any address\n"
    "      --compact          print the answer on one line\n"
    "      --json TEXT        send the JSON object TEXT as the request\n"
    "  -h, --help             show this help\n"
    "  -V, --version          show the version\n"
    "\n"
    "OP defaults to ping; the default port is 4242.  An IPv6 address with\n"
    "a port takes brackets: [::1]:4242.  Exit status: 0 ok, 1 no answer,\n"
    "2 usage, 3 source mismatch, 4 error answer.\n";

static void msg(const char *fmt, ...) __attribute__((format(PRINTF_ARCHETYPE, 1, 2)));
static void usage_error(const char *fmt, ...)
    __attribute__((format(PRINTF_ARCHETYPE, 1, 2), noreturn));

static void vmsg(const char *fmt, va_list ap)
    __attribute__((format(PRINTF_ARCHETYPE, 1, 0)));

static void
vmsg(const char *fmt, va_list ap)
{
	fputs("pktq: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void
msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fputs(usage_short, stderr);
	exit(PKTQ_USAGE);
}

static long
parse_flag_num(const char *flag, const char *text, long min, long max)
{
	long v;

	if (cli_number(&v, text, min, max) == -1)
		usage_error("bad %s value '%s' (expected %ld to %ld)", flag,
		    text, min, max);
	return v;
}

/* The usage error of a bad HOST, whose reason may take two lines. */
static void
parse_host(struct opts *o, const char *arg)
{
	char err[512];

	if (hostport_parse(&o->target, arg, (unsigned int)o->default_port,
	    HOSTPORT_HAS_P | (o->have_port ? HOSTPORT_P_GIVEN : 0), err,
	    sizeof(err)) == 0)
		return;
	cli_error_lines("pktq", err);
	fputs(usage_short, stderr);
	exit(PKTQ_USAGE);
}

static void
parse_bind(struct opts *o, const char *arg)
{
	if (addr_parse(&o->bind, arg, 0) == -1)
		usage_error("bad -b address '%s' (expected ADDR[:PORT])", arg);
	o->have_bind = 1;
}

static void
set_family(struct opts *o, int family)
{
	if (o->family != AF_UNSPEC && o->family != family)
		usage_error("-4 and -6 exclude each other");
	o->family = family;
}

/* -b fixes the family: the socket is bound to that one address. */
static void
check_bind_family(struct opts *o)
{
	int family;

	if (!o->have_bind)
		return;
	family = addr_is_v4mapped(&o->bind.sin6_addr) ? AF_INET : AF_INET6;
	if (o->family != AF_UNSPEC && o->family != family)
		usage_error("-b address is %s but %s was given",
		    family == AF_INET ? "IPv4" : "IPv6",
		    o->family == AF_INET ? "-4" : "-6");
	o->family = family;
}

static void
parse_positional(struct opts *o, int argc, char **argv)
{
	if (argc < 1)
		usage_error("missing HOST");
	parse_host(o, argv[0]);
	argc--, argv++;
	if (argc > 0 && strchr(argv[0], '=') == NULL) {
		o->op = argv[0];
		argc--, argv++;
	}
	o->kv = argv;
	o->nkv = argc;
	for (int i = 0; i < argc; i++) {
		if (strchr(argv[i], '=') == NULL || argv[i][0] == '=')
			usage_error("bad argument '%s' (expected KEY=VALUE)",
			    argv[i]);
	}
	if (o->json != NULL && (o->op != NULL || o->nkv > 0))
		usage_error("--json excludes OP and KEY=VALUE arguments");
	if (o->op == NULL)
		o->op = DEFAULT_OP;
}

/* getopt_long's own messages start with argv[0], a path as often as not,
 * so opterr is off and these name the option as it was written.  word is
 * argv[optind - 1]: the option's own word, except for an unknown letter
 * inside a cluster ("-xq"), which optopt names.  A known long option
 * given "=VALUE" it does not take is '?' for glibc and ':' for mingw's
 * BSD getopt_long, with optopt set by both. */
static void
bad_option(int ch, const char *word)
{
	int len = (int)strcspn(word, "="), islong = strncmp(word, "--", 2) == 0;

	if (islong && optopt != 0 && word[len] == '=')
		usage_error("option %.*s takes no value", len, word);
	if (islong && ch == ':')
		usage_error("option %.*s needs a value", len, word);
	if (ch == ':')
		usage_error("option -%c needs a value", optopt);
	if (islong && optopt == 0)
		usage_error("unknown or ambiguous option %.*s", len, word);
	usage_error("unknown option -%c", optopt);
}

static void
parse_option(struct opts *o, int ch, const char *arg, const char *word)
{
	switch (ch) {
	case '4':
		set_family(o, AF_INET);
		break;
	case '6':
		set_family(o, AF_INET6);
		break;
	case 'b':
		parse_bind(o, arg);
		break;
	case 'p':
		o->default_port = parse_flag_num("-p", arg, 1, 65535);
		o->have_port = 1;
		break;
	case 't':
		o->timeout_ms = parse_flag_num("-t", arg, 1, MAX_TIMEOUT_MS);
		break;
	case 'r':
		o->retries = parse_flag_num("-r", arg, 0, MAX_RETRIES);
		break;
	case 'c':
		o->count = parse_flag_num("-c", arg, 1, MAX_COUNT);
		break;
	case OPT_NO_VERIFY:
		o->verify = 0;
		break;
	case OPT_COMPACT:
		o->compact = 1;
		break;
	case OPT_JSON:
		o->json = arg;
		break;
	case 'h':
		printf("%s%s", usage_text, help_text);
		exit(PKTQ_OK);
	case 'V':
		printf("pktq %s\n", PACKAGE_VERSION);
		exit(PKTQ_OK);
	default:
		bad_option(ch, word);
	}
}

/* getopt_long permutes, so options (--json above all) may follow HOST. */
static void
parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "retries", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'c' },
		{ "no-verify", no_argument, NULL, OPT_NO_VERIFY },
		{ "compact", no_argument, NULL, OPT_COMPACT },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->timeout_ms = DEFAULT_TIMEOUT_MS;
	o->retries = DEFAULT_RETRIES;
	o->count = 1;
	o->default_port = DEFAULT_PORT;
	o->verify = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":46b:p:t:r:c:hV", longopts,
	    NULL)) != -1)
		parse_option(o, ch, optarg, argv[optind - 1]);
	check_bind_family(o);
	parse_positional(o, argc - optind, argv + optind);
}

/* Never connect(): a connected socket would silently drop an answer from
 * the wrong source, the very thing pktq exists to show.  An ICMP port
 * unreachable still ends the wait at once: pktq_net_socket asks the
 * platform to report it on the unconnected socket too. */
static int
open_socket(int family, const struct opts *o, enum try_result *why)
{
	char text[ADDR_STRLEN];
	int fd;

	*why = TRY_NEXT;
	if ((fd = pktq_net_socket(family)) == -1) {
		msg("socket %s: %s", family == AF_INET ? "IPv4" : "IPv6",
		    pktq_net_strerror(errno));
		return -1;
	}
	if (o->have_bind && pktq_net_bind(fd, family, &o->bind) == -1) {
		msg("bind %s: %s", addr_format(text, sizeof(text), &o->bind),
		    pktq_net_strerror(errno));
		pktq_net_close(fd);
		*why = TRY_FATAL;
		return -1;
	}
	return fd;
}

static int
send_request(int fd, const struct pktq_req *r, const struct hostport_addr *t)
{
	char text[ADDR_STRLEN];

	if (pktq_net_send(fd, r->text, r->len, t) == -1) {
		msg("sendto %s: %s", addr_format(text, sizeof(text), &t->dst),
		    pktq_net_strerror(errno));
		return -1;
	}
	return 0;
}

/* A link-local dst without a scope left the interface to the kernel, so
 * any scope the answer carries is the one it chose. */
static int
same_source(const struct sockaddr_in6 *dst, const struct sockaddr_in6 *from)
{
	if (memcmp(&dst->sin6_addr, &from->sin6_addr,
	    sizeof(dst->sin6_addr)) != 0 || dst->sin6_port != from->sin6_port)
		return 0;
	return !addr_is_linklocal(&dst->sin6_addr) || dst->sin6_scope_id == 0 ||
	    dst->sin6_scope_id == from->sin6_scope_id;
}

/* need from {"ok":false,"error":"truncated","need":N}, else 0. */
static double
truncated_need(const cJSON *ans)
{
	const cJSON *error, *need;

	error = cJSON_GetObjectItemCaseSensitive(ans, "error");
	need = cJSON_GetObjectItemCaseSensitive(ans, "need");
	if (!cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ans, "ok")) ||
	    !cJSON_IsString(error) || strcmp(error->valuestring, "truncated") ||
	    !cJSON_IsNumber(need))
		return 0;
	return need->valuedouble;
}

/* TRY_RESEND when the request was padded to what a truncated answer
 * asked for; 0 when the answer is final. */
static int
try_pad(struct session *s, const cJSON *ans, int *pads)
{
	double need = truncated_need(ans);

	if (need <= 0)
		return 0;
	if (need > MAX_REQUEST) {
		msg("cannot pad the request to %.0f bytes", need);
		return 0;
	}
	if (*pads >= MAX_PAD_ROUNDS) {
		msg("answer still truncated after %d pad rounds", *pads);
		return 0;
	}
	if (need <= (double)s->req.len) {
		msg("answer truncated, need %.0f, but the request has %zu "
		    "bytes", need, s->req.len);
		return 0;
	}
	if (pktq_req_pad(&s->req, (size_t)need + ((double)(size_t)need < need))
	    == -1) {
		msg("out of memory");
		return 0;
	}
	(*pads)++;
	return TRY_RESEND;
}

/* Both forms print the answer's own bytes, the pretty one re-indented
 * (pktq_json): re-printing through cJSON would turn a verbatim
 * 9007199254740993 into 9.00719925474099e+15.  Should the pretty printer
 * refuse what cJSON took, the bytes as received are still the answer. */
static int
print_answer(const cJSON *ans, const char *raw, size_t len, int compact)
{
	char *text = NULL;
	size_t n = 0;

	if (!compact && pktq_json_pretty(raw, len, &text, &n) == -1) {
		if (errno == ENOMEM) {
			msg("out of memory");
			return PKTQ_NOANSWER;
		}
		compact = 1;
	}
	if (compact) {
		while (len > 0 && strchr(" \t\r\n", raw[len - 1]) != NULL)
			len--;
		fwrite(raw, 1, len, stdout);
	} else
		fwrite(text, 1, n, stdout);
	putchar('\n');
	fflush(stdout);
	free(text);
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ans, "ok")) ?
	    PKTQ_OK : PKTQ_ERROR;
}

static int
handle_answer(struct session *s, const struct hostport_addr *t,
    const struct sockaddr_in6 *from, size_t len, int *pads)
{
	char sent[ADDR_STRLEN], src[ADDR_STRLEN];
	cJSON *ans;
	int rc;

	addr_format(src, sizeof(src), from);
	if (s->o->verify && !same_source(&t->dst, from)) {
		msg("source mismatch: sent to %s, answer from %s",
		    addr_format(sent, sizeof(sent), &t->dst), src);
		return PKTQ_MISMATCH;
	}
	if ((ans = pktq_req_parse_object(s->buf, len)) == NULL) {
		msg("invalid answer from %s", src);
		return PKTQ_NOANSWER;
	}
	if ((rc = try_pad(s, ans, pads)) == 0)
		rc = print_answer(ans, s->buf, len, s->o->compact);
	cJSON_Delete(ans);
	return rc;
}

/* Wait one timeout for one datagram. */
static int
await_answer(struct session *s, int fd, const struct hostport_addr *t,
    int *pads)
{
	long long deadline = pktq_net_now_ms() + s->o->timeout_ms, left;
	char text[ADDR_STRLEN];
	struct sockaddr_in6 from;
	int n, ready;

	while ((left = deadline - pktq_net_now_ms()) > 0) {
		if ((ready = pktq_net_wait(fd, left)) == -1) {
			msg("poll: %s", pktq_net_strerror(errno));
			return TRY_NEXT;
		}
		if (ready == 0)
			continue;
		if ((n = pktq_net_recv(fd, s->buf, sizeof(s->buf), &from)) >= 0)
			return handle_answer(s, t, &from, (size_t)n, pads);
		/* The socket sent only to t: the ICMP error is about t. */
		if (pktq_net_is_port_unreachable(errno)) {
			msg("port unreachable: %s",
			    addr_format(text, sizeof(text), &t->dst));
			return TRY_NEXT;
		}
		if (!pktq_net_is_noise(errno)) {
			msg("recvfrom: %s", pktq_net_strerror(errno));
			return TRY_NEXT;
		}
	}
	return TRY_TIMEOUT;
}

/* A fresh socket per query and address, so a late answer to an earlier
 * query can never pass for the answer to this one. */
static int
try_target(struct session *s, const struct hostport_addr *t)
{
	enum try_result why;
	long tries = 0;
	int fd, pads = 0, rc = TRY_TIMEOUT;

	if ((fd = open_socket(t->family, s->o, &why)) == -1)
		return why;
	while (tries <= s->o->retries) {
		if (send_request(fd, &s->req, t) == -1) {
			rc = TRY_NEXT;
			break;
		}
		rc = await_answer(s, fd, t, &pads);
		if (rc == TRY_RESEND)
			tries = 0;
		else if (rc == TRY_TIMEOUT)
			tries++;
		else
			break;
	}
	pktq_net_close(fd);
	return rc == TRY_TIMEOUT ? TRY_NEXT : rc;
}

static void
report_no_answer(const struct session *s)
{
	char text[ADDR_STRLEN];
	size_t i, k;

	fprintf(stderr, "pktq: no answer from %s (tried:", s->o->target.host);
	for (k = 0; k < s->ntargets; k++) {
		i = (s->preferred + k) % s->ntargets;
		fprintf(stderr, "%s %s", k > 0 ? "," : "",
		    addr_format(text, sizeof(text), &s->targets[i].dst));
	}
	fputs(")\n", stderr);
	if (s->req.len < MIN_REQUEST)
		msg("the request has %zu bytes: too few for a large answer, "
		    "or even a \"truncated\" one; add a \"pad\" member",
		    s->req.len);
}

static int
query(struct session *s)
{
	size_t i, k;
	int rc;

	for (k = 0; k < s->ntargets; k++) {
		i = (s->preferred + k) % s->ntargets;
		rc = try_target(s, &s->targets[i]);
		if (rc == TRY_FATAL)
			return PKTQ_NOANSWER;
		if (rc != TRY_NEXT) {
			s->preferred = i;
			return rc;
		}
	}
	report_no_answer(s);
	return PKTQ_NOANSWER;
}

static int
resolve(struct session *s)
{
	const struct opts *o = s->o;
	const char *why;

	if (hostport_resolve(&o->target, o->family, pktq_net_gai_strerror,
	    &s->targets, &s->ntargets, &why) == 0)
		return 0;
	msg("%s: %s%s", o->target.host, why, o->family == AF_UNSPEC ? "" :
	    o->family == AF_INET ? " (IPv4 only: -4 or -b)" :
	    " (IPv6 only: -6 or -b)");
	return -1;
}

static int
build_request(struct pktq_req *r, const struct opts *o)
{
	if (o->json == NULL) {
		if (pktq_req_from_args(r, o->op, o->kv, o->nkv) == 0 &&
		    (r->len >= MIN_REQUEST ||
		    pktq_req_pad(r, MIN_REQUEST) == 0))
			return 0;
		msg("building the request: %s", strerror(errno));
		return -1;
	}
	if (pktq_req_from_json(r, o->json) == -1) {
		if (errno == EINVAL)
			usage_error("--json: not a JSON object: %s", o->json);
		msg("--json: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* With -c, the exit status is that of the worst query. */
static int
worse(int a, int b)
{
	static const int rank[] = {
		[PKTQ_OK] = 0, [PKTQ_ERROR] = 1, [PKTQ_NOANSWER] = 2,
		[PKTQ_MISMATCH] = 3, [PKTQ_USAGE] = 4
	};

	return rank[b] > rank[a] ? b : a;
}

static int
run(struct session *s, const struct opts *o)
{
	int rc = PKTQ_OK;

	if (build_request(&s->req, o) == -1)
		return PKTQ_NOANSWER;
	if (resolve(s) == -1)
		return PKTQ_NOANSWER;
	for (long i = 0; i < o->count; i++)
		rc = worse(rc, query(s));
	return rc;
}

int
main(int argc, char **argv)
{
	struct session s;
	struct opts o;
	int rc;

	if (pktq_net_init() == -1) {
		msg("socket set-up: %s", pktq_net_strerror(errno));
		return PKTQ_NOANSWER;
	}
	parse_args(&o, argc, argv);
	memset(&s, 0, sizeof(s));
	s.o = &o;
	rc = run(&s, &o);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		msg("stdout: %s", strerror(errno));
		rc = worse(rc, PKTQ_NOANSWER);
	}
	pktq_req_free(&s.req);
	free(s.targets);
	return rc;
}
