/* pktbench: the load generator of pktbench(1) and make bench — a closed
 * loop against any UDP request/response server: requests/s, loss and
 * latency percentiles. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cli.h"
#include "hostport.h"
#include "pktbench_hist.h"
#include "pktbench_req.h"
#include "pktbench_run.h"

#define DEFAULT_PORT		4242
#define DEFAULT_CONNS		8
#define DEFAULT_WINDOW		32
#define DEFAULT_SECONDS		5.0
#define DEFAULT_TIMEOUT_MS	200
#define MAX_SECONDS		86400.0
#define MAX_TIMEOUT_MS		60000

/* Exit status. */
enum bench_status {
	BENCH_OK = 0,		/* success answers, and no error answers */
	BENCH_BAD = 1,		/* no success answer, or some error answers */
	BENCH_USAGE = 2,	/* bad arguments, or the sockets failed */
};

enum long_only_opt {
	OPT_PAYLOAD_FILE = 256,
	OPT_OP,
	OPT_DNS,
	OPT_JSON,
	OPT_TIMEOUT,
	OPT_WARMUP,
	OPT_SIZE_TO,
	OPT_NO_GSO
};

struct opts {
	struct bench_cfg cfg;
	long size;			/* -s */
	long pad_to;			/* --pad-to, with --op */
	const char *payload_file;
	const char *op;
	int dns;
	int json;
	struct hostport dest;		/* HOST[:PORT] */
	char target[ADDR_STRLEN];
};

static const char usage_text[] =
    "usage: pktbench [-c CONNS] [-w WINDOW] [-d SECONDS] [-t THREADS]\n"
    "                [-s SIZE | --payload-file FILE [--dns] | --op OP\n"
    "                [--pad-to SIZE]] [--timeout MS] [--warmup SECONDS]\n"
    "                [--no-gso] [--json] HOST[:PORT]\n";

static const char help_text[] =
    "\n"
    "Closed-loop UDP load: CONNS connected sockets with WINDOW requests in\n"
    "flight each; every answer sends the next request.  Prints answers/s,\n"
    "loss and latency percentiles.\n"
    "\n"
    "  -c, --conns N          sockets (default 8)\n"
    "  -w, --window N         requests in flight per socket (default 32)\n"
    "  -d, --duration S       seconds to measure (default 5)\n"
    "  -t, --threads N        threads, sockets spread over them (default 1)\n"
    "  -s, --size SIZE        pktinfod echo requests of SIZE bytes, data\n"
    "                         filling all but 43 of them\n"
    "      --op OP            pktinfod OP requests (default: ping)\n"
    "      --pad-to SIZE      pad --op requests to SIZE bytes\n"
    "      --payload-file F   send the datagram in F; answers complete\n"
    "                         requests in order\n"
    "      --dns              F is a DNS query: rewrite its ID per request,\n"
    "                         match on it, count non-NOERROR/empty as errors\n"
    "      --timeout MS       an answer later than MS is lost (default 200)\n"
    "      --warmup S         run S seconds before measuring (default 0)\n"
    "      --no-gso           one datagram per request in sendmmsg, not\n"
    "                         UDP_SEGMENT batches\n"
    "      --json             print one JSON object\n"
    "  -h, --help             show this help\n"
    "  -V, --version          show the version\n"
    "\n"
    "The default port is 4242.  Exit status: 0 ok, 1 no success answer or\n"
    "some error answers, 2 usage or socket failure.\n";

static void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pktbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage_text, stderr);
	exit(BENCH_USAGE);
}

static long
parse_long(const char *flag, const char *text, long min, long max)
{
	long v;

	if (cli_number(&v, text, min, max) == -1)
		usage_error("bad %s value '%s' (expected %ld to %ld)", flag,
		    text, min, max);
	return v;
}

static double
parse_seconds(const char *flag, const char *text, double min)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (text[0] == '\0' || *end != '\0' || errno != 0 || !(v >= min) ||
	    v > MAX_SECONDS)
		usage_error("bad %s value '%s' (expected seconds, %g to %g)",
		    flag, text, min, MAX_SECONDS);
	return v;
}

/* The usage error of a bad HOST, whose reason may take two lines. */
static void
parse_host(struct opts *o, const char *arg)
{
	char err[512];

	if (hostport_parse(&o->dest, arg, DEFAULT_PORT, 0, err,
	    sizeof(err)) == 0)
		return;
	cli_error_lines("pktbench", err);
	fputs(usage_text, stderr);
	exit(BENCH_USAGE);
}

static const char *
gai_text(int rc)
{
	return rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc);
}

/* The first address HOST resolves to; the sockets take its family. */
static void
resolve(struct opts *o)
{
	struct hostport_addr *list;
	const char *why;
	size_t n;

	if (hostport_resolve(&o->dest, AF_UNSPEC, gai_text, &list, &n,
	    &why) == -1) {
		fprintf(stderr, "pktbench: %s: %s\n", o->dest.host, why);
		exit(BENCH_USAGE);
	}
	memcpy(&o->cfg.dst, &list[0].sa, list[0].salen);
	o->cfg.dstlen = list[0].salen;
	addr_format(o->target, sizeof(o->target), &list[0].dst);
	free(list);
}

static void
parse_option(struct opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'c':
		o->cfg.conns = (int)parse_long("-c", arg, 1, BENCH_MAX_CONNS);
		break;
	case 'w':
		o->cfg.window = (int)parse_long("-w", arg, 1, BENCH_MAX_WINDOW);
		break;
	case 'd':
		o->cfg.duration_s = parse_seconds("-d", arg, 0.01);
		break;
	case 't':
		o->cfg.threads = (int)parse_long("-t", arg, 1,
		    BENCH_MAX_THREADS);
		break;
	case 's':
		o->size = parse_long("-s", arg, BENCH_ECHO_OVERHEAD,
		    BENCH_REQ_MAX);
		break;
	case OPT_SIZE_TO:
		o->pad_to = parse_long("--pad-to", arg, 1, BENCH_REQ_MAX);
		break;
	case OPT_PAYLOAD_FILE:
		o->payload_file = arg;
		break;
	case OPT_OP:
		o->op = arg;
		break;
	case OPT_DNS:
		o->dns = 1;
		break;
	case OPT_JSON:
		o->json = 1;
		break;
	case OPT_TIMEOUT:
		o->cfg.timeout_ms = parse_long("--timeout", arg, 1,
		    MAX_TIMEOUT_MS);
		break;
	case OPT_WARMUP:
		o->cfg.warmup_s = parse_seconds("--warmup", arg, 0);
		break;
	case OPT_NO_GSO:
		o->cfg.gso = 0;
		break;
	case 'h':
		printf("%s%s", usage_text, help_text);
		exit(BENCH_OK);
	case 'V':
		printf("pktbench %s\n", PACKAGE_VERSION);
		exit(BENCH_OK);
	default:
		/* getopt_long has named the bad flag. */
		fputs(usage_text, stderr);
		exit(BENCH_USAGE);
	}
}

static void
check_combination(const struct opts *o)
{
	int kinds = (o->size != 0) + (o->payload_file != NULL) +
	    (o->op != NULL);

	if (kinds > 1)
		usage_error("-s, --payload-file and --op exclude each other");
	if (o->dns && o->payload_file == NULL)
		usage_error("--dns needs --payload-file");
	if (o->pad_to != 0 && (o->size != 0 || o->payload_file != NULL))
		usage_error("--pad-to goes with --op only");
	if (o->cfg.threads > o->cfg.conns)
		usage_error("-t %d is more threads than the %d sockets of -c",
		    o->cfg.threads, o->cfg.conns);
}

static void
parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "conns", required_argument, NULL, 'c' },
		{ "window", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "threads", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "pad-to", required_argument, NULL, OPT_SIZE_TO },
		{ "payload-file", required_argument, NULL, OPT_PAYLOAD_FILE },
		{ "op", required_argument, NULL, OPT_OP },
		{ "dns", no_argument, NULL, OPT_DNS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "warmup", required_argument, NULL, OPT_WARMUP },
		{ "no-gso", no_argument, NULL, OPT_NO_GSO },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->cfg.conns = DEFAULT_CONNS;
	o->cfg.window = DEFAULT_WINDOW;
	o->cfg.threads = 1;
	o->cfg.duration_s = DEFAULT_SECONDS;
	o->cfg.timeout_ms = DEFAULT_TIMEOUT_MS;
	o->cfg.gso = 1;
	while ((ch = getopt_long(argc, argv, "c:w:d:t:s:hV", longopts,
	    NULL)) != -1)
		parse_option(o, ch, optarg);
	if (optind != argc - 1)
		usage_error(optind == argc ? "missing HOST" :
		    "one HOST only");
	parse_host(o, argv[optind]);
	check_combination(o);
}

static void
make_request(struct opts *o, struct bench_req *req)
{
	int rc;

	if (o->payload_file != NULL)
		rc = bench_req_file(req, o->payload_file,
		    o->dns ? BENCH_MATCH_DNS : BENCH_MATCH_FIFO);
	else if (o->size != 0)
		rc = bench_req_echo(req, (size_t)o->size);
	else
		rc = bench_req_op(req, o->op != NULL ? o->op : "ping",
		    (size_t)o->pad_to);
	if (rc == -1) {
		if (o->payload_file != NULL)
			fprintf(stderr, "pktbench: %s: %s\n", o->payload_file,
			    errno == EINVAL ? "not a DNS query" :
			    errno == EMSGSIZE ? "empty or larger than a "
			    "datagram" : strerror(errno));
		else
			fprintf(stderr, "pktbench: bad request: %s\n",
			    strerror(errno));
		exit(BENCH_USAGE);
	}
	o->cfg.req = req;
}

static const char *
match_name(enum bench_match m)
{
	return m == BENCH_MATCH_JSON ? "id" : m == BENCH_MATCH_DNS ? "dns-id" :
	    "fifo";
}

static double
us(const struct bench_result *r, double q)
{
	return (double)bench_hist_quantile(&r->hist, q) / 1000.0;
}

static double
rate(const struct bench_result *r)
{
	return r->elapsed_s > 0 ? (double)r->n.ok / r->elapsed_s : 0;
}

static double
cpu_pct(const struct bench_result *r)
{
	return r->elapsed_s > 0 ? 100.0 * r->cpu_s / r->elapsed_s : 0;
}

static void
print_json(const struct opts *o, const struct bench_result *r)
{
	const struct bench_counts *n = &r->n;

	printf("{\"target\":\"%s\",\"request\":\"%s\",\"request_bytes\":%zu,"
	    "\"match\":\"%s\",\"conns\":%d,\"window\":%d,\"threads\":%d,"
	    "\"duration_s\":%.3f,\"rps\":%.0f,\"sent\":%llu,"
	    "\"received\":%llu,\"ok\":%llu,\"lost\":%llu,\"errors\":%llu,"
	    "\"late\":%llu,\"send_errors\":%llu,\"p50_us\":%.1f,"
	    "\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
	    "\"cpu_pct\":%.1f,\"gso\":%s}\n",
	    o->target, o->cfg.req->what, o->cfg.req->len,
	    match_name(o->cfg.req->match), o->cfg.conns, o->cfg.window,
	    o->cfg.threads, r->elapsed_s, rate(r),
	    (unsigned long long)n->sent,
	    (unsigned long long)(n->ok + n->errors),
	    (unsigned long long)n->ok, (unsigned long long)n->lost,
	    (unsigned long long)n->errors, (unsigned long long)n->late,
	    (unsigned long long)n->send_errors, us(r, 0.5), us(r, 0.99),
	    us(r, 0.999), (double)r->hist.max_ns / 1000.0, cpu_pct(r),
	    r->gso ? "true" : "false");
}

static void
print_human(const struct opts *o, const struct bench_result *r)
{
	const struct bench_counts *n = &r->n;

	printf("pktbench %s: %s, answers matched by %s\n", o->target,
	    o->cfg.req->what, match_name(o->cfg.req->match));
	printf("  %d connected sockets x %d in flight, %d thread%s, %.1f s "
	    "measured after %.1f s warm-up, timeout %ld ms\n",
	    o->cfg.conns, o->cfg.window, o->cfg.threads,
	    o->cfg.threads == 1 ? "" : "s", r->elapsed_s, o->cfg.warmup_s,
	    o->cfg.timeout_ms);
	printf("  %.0f answers/s: %llu sent, %llu ok, %llu errors, %llu lost, "
	    "%llu late, %llu send errors\n", rate(r),
	    (unsigned long long)n->sent, (unsigned long long)n->ok,
	    (unsigned long long)n->errors, (unsigned long long)n->lost,
	    (unsigned long long)n->late, (unsigned long long)n->send_errors);
	printf("  latency p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f "
	    "us\n", us(r, 0.5), us(r, 0.99), us(r, 0.999),
	    (double)r->hist.max_ns / 1000.0);
	printf("  pktbench CPU %.0f%% of one core, sending with %s\n",
	    cpu_pct(r), r->gso ? "UDP_SEGMENT" : "sendmmsg");
	printf("  the sockets are connected: answers from any other address "
	    "or port are dropped by the kernel and count as lost\n");
}

int
main(int argc, char **argv)
{
	static struct bench_result res;
	struct bench_req req;
	struct opts o;
	char err[160];

	parse_args(&o, argc, argv);
	resolve(&o);
	make_request(&o, &req);
	if (bench_run(&o.cfg, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "pktbench: %s: %s\n", o.target, err);
		bench_req_free(&req);
		return BENCH_USAGE;
	}
	if (o.json)
		print_json(&o, &res);
	else
		print_human(&o, &res);
	if (res.n.errors > 0)
		fprintf(stderr, "pktbench: %llu error answers; the first: %s\n",
		    (unsigned long long)res.n.errors, res.first_error);
	else if (res.n.ok == 0)
		fprintf(stderr, "pktbench: no answer from %s\n", o.target);
	bench_req_free(&req);
	return res.n.ok > 0 && res.n.errors == 0 ? BENCH_OK : BENCH_BAD;
}
