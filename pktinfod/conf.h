/* conf: pktinfod's configuration file (pktinfod.conf(5)),
 * one JSON object, into struct opts.  One table of keys gives the embedded
 * defaults, the file's validation and the canonical text, so that the
 * three cannot drift apart. */
#ifndef PKTINFOD_CONF_H
#define PKTINFOD_CONF_H

#include <stddef.h>
#include <stdio.h>

#include "opts.h"

/* Set every key of the file to its embedded default; listen entries take
 * o->port.  0 / -1 with the reason in err (only ENOMEM). */
int conf_defaults(struct opts *o, char *err, size_t errlen);

/* Read path over o: each key the file sets replaces its value, listen
 * entries without a port take o->port.  0 / -1 with the reason in err:
 * "path:line:column: key: reason" (columns count bytes from 1), or
 * "path: strerror" when the file cannot be read.  After a failure o
 * holds a mix of both, for opts_free() only. */
int conf_load(struct opts *o, const char *path, char *err, size_t errlen);

/* Print the keys' values in o as the canonical configuration: pretty
 * JSON, every key, in the order of pktinfod.conf(5), addresses and prefixes
 * in their canonical text.  0 / -1 with errno. */
int conf_print(const struct opts *o, FILE *f);

#endif
