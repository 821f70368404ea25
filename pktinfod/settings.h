/* settings: what a reload may change — the source policy with its
 * allow/deny lists, the protocol's limits and admin list, the rate limit —
 * as one immutable snapshot built from struct opts.  Workers read the
 * current one at batch boundaries, so a reload never changes a setting in
 * the middle of a batch. */
#ifndef PKTINFOD_SETTINGS_H
#define PKTINFOD_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"
#include "policy.h"
#include "proto.h"
#include "ratelimit.h"

struct acl;

struct settings {
	unsigned long		 gen;	/* 1 at start, one more per reload */
	struct proto_env	 env;
	struct policy		 policy;
	struct ratelimit_conf	 rate;
	enum log_level		 log_level;
	struct acl		*acl;	/* policy's allow and deny */
	struct acl		*admin;	/* env's admin_allow */
	struct settings		*older;	/* retired, not yet freed */
};

/* A snapshot of o, which it does not keep: env is template with o's
 * limits and admin list, the policy has o's source rules, lists and the
 * ports (host order) the daemon listens on.  NULL / ENOMEM. */
struct settings *settings_new(const struct opts *o,
    const struct proto_env *template, const uint16_t *ports, size_t nports,
    unsigned long gen);
/* Free s (not the ones it points to). */
void settings_free(struct settings *s);
/* Non-zero when a and b limit rates differently (a reload that changes
 * it starts the rate limiters' tables afresh). */
int settings_rate_changed(const struct settings *a,
    const struct settings *b);

#endif
