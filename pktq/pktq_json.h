/* pktq_json: the pretty form pktq prints an answer in, re-indented token
 * by token from the bytes received, so that every number and string keeps
 * the daemon's exact text (cJSON_Print would turn 9007199254740993 into
 * 9.00719925474099e+15).  Pure: bytes in, bytes out. */
#ifndef PKTINFOD_PKTQ_JSON_H
#define PKTINFOD_PKTQ_JSON_H

#include <stddef.h>

/* The len bytes of text, one JSON value that cJSON accepted, laid out as
 * cJSON_Print lays it out (a tab per level, "name":<tab>value, arrays on
 * one line), into *out: *outlen bytes and a NUL, to be freed with free().
 * 0 / -1 with errno EINVAL (an unterminated string, unbalanced brackets,
 * more than one value) or ENOMEM. */
int pktq_json_pretty(const char *text, size_t len, char **out,
    size_t *outlen);

#endif
