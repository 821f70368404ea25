/* testutil: helpers every Check test shares. */
#ifndef PKTINFOD_TESTUTIL_H
#define PKTINFOD_TESTUTIL_H

#include <check.h>

#include "netinc.h"

/* The address in text as the daemon holds it (IPv4 v4-mapped); fails the
 * test when text is not an address. */
struct in6_addr tu_ip(const char *text);
/* The loopback interface's name ("lo" on Linux) and index; the platform's
 * testutil_*.c finds them.  Fail the test when there is none. */
const char *tu_loopback_name(void);
unsigned int tu_loopback_index(void);
/* Run suite s, print the results, and return the process exit status. */
int tu_run(Suite *s);

#endif
