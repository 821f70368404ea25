/* settings: one snapshot of the reloadable settings. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>

#include "settings.h"

/* Every port the daemon listens on is a service port: a datagram from
 * one of them is another responder's answer, or forged. */
static void
set_policy(struct policy *p, const struct opts *o, const uint16_t *ports,
    size_t nports)
{
	size_t i, j;

	p->min_source_port = o->min_source_port;
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

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	s->gen = gen;
	s->opts = *o;
	s->env = *template;
	s->env.admin_allow = s->opts.admin_allow;
	s->env.nadmin_allow = s->opts.nadmin_allow;
	s->env.amplification_factor = s->opts.amplification_factor;
	s->env.max_datagram = s->opts.max_datagram;
	set_policy(&s->policy, &s->opts, ports, nports);
	return s;
}

void
settings_free(struct settings *s)
{
	free(s);
}
