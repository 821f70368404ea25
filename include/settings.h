/* settings: what a reload may change — the source policy, the protocol's
 * limits and lists, the log level — as one immutable snapshot built from
 * struct opts.  Workers read the current one at batch boundaries, so a
 * reload never changes a setting in the middle of a batch. */
#ifndef PKTINFOD_SETTINGS_H
#define PKTINFOD_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"
#include "policy.h"
#include "proto.h"

struct settings {
	unsigned long		 gen;	/* 1 at start, one more per reload */
	struct opts		 opts;	/* what it was made of */
	struct proto_env	 env;
	struct policy		 policy;
	struct settings		*older;	/* retired, not yet freed */
};

/* A snapshot of o: env is template with o's limits and lists, the policy
 * has o's source rules and the ports (host order) the daemon listens on.
 * NULL / ENOMEM. */
struct settings *settings_new(const struct opts *o,
    const struct proto_env *template, const uint16_t *ports, size_t nports,
    unsigned long gen);
/* Free s (not the ones it points to). */
void settings_free(struct settings *s);

#endif
