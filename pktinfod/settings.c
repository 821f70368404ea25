/* settings: one snapshot of the reloadable settings. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "settings.h"

/* Every port the daemon listens on is a service port: a datagram from
 * one of them is another responder's answer, or forged. */
static void
set_ports(struct policy *p, const uint16_t *ports, size_t nports)
{
	size_t i, j;

	p->nown = 0;
	for (i = 0; i < nports; i++) {
		for (j = 0; j < p->nown && p->own_port[j] != ports[i]; j++)
			;
		if (j == p->nown && p->nown < POLICY_MAX_PORTS)
			p->own_port[p->nown++] = ports[i];
	}
}

struct settings *
settings_new(const struct opts *o, const struct proto_env *template,
    const uint16_t *ports, size_t nports, unsigned long gen)
{
	struct settings *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto fail;
	s->gen = gen;
	if ((s->acl = acl_new(o->allow, o->nallow, o->deny, o->ndeny)) ==
	    NULL || (s->admin = acl_new(o->admin_allow, o->nadmin_allow,
	    NULL, 0)) == NULL)
		goto fail;
	s->env = *template;
	s->env.admin_allow = s->admin;
	s->env.amplification_factor = o->amplification_factor;
	s->env.max_datagram = o->max_datagram;
	s->policy.min_source_port = o->min_source_port;
	s->policy.acl = s->acl;
	set_ports(&s->policy, ports, nports);
	s->rate.qps = o->rate_limit.qps;
	s->rate.burst = o->rate_limit.burst;
	s->rate.prefix_v4 = o->rate_limit.prefix_v4;
	s->rate.prefix_v6 = o->rate_limit.prefix_v6;
	s->log_level = o->log_level;
	return s;
fail:
	settings_free(s);
	errno = ENOMEM;
	return NULL;
}

void
settings_free(struct settings *s)
{
	if (s == NULL)
		return;
	acl_free(s->acl);
	acl_free(s->admin);
	free(s);
}

int
settings_rate_changed(const struct settings *a, const struct settings *b)
{
	return memcmp(&a->rate, &b->rate, sizeof(a->rate)) != 0;
}
