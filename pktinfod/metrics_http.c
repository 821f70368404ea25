/* metrics_http: a listening TCP socket handed to evhttp. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/util.h>

#include "addr.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"

/* Scrapers keep their connection: a few at once is plenty. */
#define METRICS_BACKLOG 16
/* No socket: INVALID_SOCKET on Windows is ~0, -1 once an evutil_socket_t. */
#define NO_FD ((evutil_socket_t)-1)
/* A page larger than this is a bug, not a reason to allocate more. */
#define METRICS_PAGE_MAX (1024 * 1024)

struct metrics_http {
	evutil_socket_t		 fd;
	uint16_t		 port;
	struct evhttp		*http;
	metrics_http_page	 page;
	void			*arg;
	char			 name[ADDR_STRLEN];
};

static int
listen_fd(struct metrics_http *mh, const struct sockaddr_in6 *addr)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 bound;
	ev_socklen_t len;

	memset(&ss, 0, sizeof(ss));
	if (addr_to_sockaddr_in((struct sockaddr_in *)&ss, addr) == 0)
		len = sizeof(struct sockaddr_in);
	else {
		memcpy(&ss, addr, sizeof(*addr));
		len = sizeof(*addr);
	}
	if ((mh->fd = (evutil_socket_t)socket(ss.ss_family, SOCK_STREAM, 0)) ==
	    NO_FD) {
		log_error("metrics_listen %s: socket: %s", mh->name,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		return -1;
	}
	if (evutil_make_listen_socket_reuseable(mh->fd) == -1 ||
	    evutil_make_socket_closeonexec(mh->fd) == -1 ||
	    evutil_make_socket_nonblocking(mh->fd) == -1 ||
	    bind(mh->fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(mh->fd, METRICS_BACKLOG) == -1) {
		log_error("metrics_listen %s: %s", mh->name,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		return -1;
	}
	len = sizeof(ss);
	if (getsockname(mh->fd, (struct sockaddr *)&ss, &len) == 0 &&
	    addr_from_sockaddr(&bound, (struct sockaddr *)&ss, len) == 0) {
		mh->port = ntohs(bound.sin6_port);
		addr_format(mh->name, sizeof(mh->name), &bound);
	}
	return 0;
}

struct metrics_http *
metrics_http_open(const struct sockaddr_in6 *addr)
{
	struct metrics_http *mh;

	if ((mh = calloc(1, sizeof(*mh))) == NULL) {
		log_error("metrics_listen: out of memory");
		return NULL;
	}
	mh->fd = NO_FD;
	addr_format(mh->name, sizeof(mh->name), addr);
	if (listen_fd(mh, addr) == -1) {
		metrics_http_free(mh);
		return NULL;
	}
	return mh;
}

/* The page is written into the reply's buffer directly, grown once when
 * the first guess was short. */
static int
add_page(struct metrics_http *mh, struct evbuffer *out)
{
	struct evbuffer_iovec v;
	size_t guess = 8192, n;

	for (;;) {
		if (evbuffer_reserve_space(out, (ev_ssize_t)guess, &v, 1) < 1)
			return -1;
		n = mh->page(mh->arg, v.iov_base, v.iov_len);
		if (n < v.iov_len) {
			v.iov_len = n;
			return evbuffer_commit_space(out, &v, 1);
		}
		if (n >= METRICS_PAGE_MAX)
			return -1;
		guess = n + 1;
	}
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct metrics_http *mh = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(
	    req));
	struct evbuffer *out = evhttp_request_get_output_buffer(req);

	if (path == NULL || strcmp(path, "/metrics") != 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, "only /metrics is here");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_send_error(req, HTTP_BADMETHOD, "GET or HEAD only");
		return;
	}
	if (add_page(mh, out) == -1) {
		evhttp_send_error(req, HTTP_INTERNAL, "the page did not fit");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", METRICS_CONTENT_TYPE);
	evhttp_send_reply(req, HTTP_OK, "OK", NULL);
}

int
metrics_http_start(struct metrics_http *mh, struct event_base *base,
    metrics_http_page page, void *arg)
{
	mh->page = page;
	mh->arg = arg;
	if ((mh->http = evhttp_new(base)) == NULL) {
		log_error("metrics_listen %s: evhttp_new failed", mh->name);
		return -1;
	}
	evhttp_set_allowed_methods(mh->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(mh->http, on_request, mh);
	if (evhttp_accept_socket(mh->http, mh->fd) == -1) {
		log_error("metrics_listen %s: evhttp_accept_socket failed",
		    mh->name);
		return -1;
	}
	mh->fd = NO_FD;	/* evhttp's now */
	log_info("metrics on http://%s/metrics", mh->name);
	return 0;
}

uint16_t
metrics_http_port(const struct metrics_http *mh)
{
	return mh->port;
}

void
metrics_http_free(struct metrics_http *mh)
{
	if (mh == NULL)
		return;
	if (mh->http != NULL)
		evhttp_free(mh->http);
	if (mh->fd != NO_FD)
		evutil_closesocket(mh->fd);
	free(mh);
}
