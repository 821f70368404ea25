/* acl: allow and deny lists of prefixes, compiled at (re)load time into
 * one sorted array of disjoint address intervals, so a lookup is a binary
 * search: O(log n) per datagram however long the lists are.  Pure: no
 * clock, no socket, caller-owned input. */
#ifndef PKTINFOD_ACL_H
#define PKTINFOD_ACL_H

#include <stddef.h>

#include "addr.h"

/* Addresses are the daemon's one form, IPv6 with IPv4 v4-mapped, and so
 * are prefixes (addr_cidr_parse): "0.0.0.0/0" is ::ffff:0:0/96, every
 * IPv4 source and no native IPv6 one, while "::/0" is every address,
 * v4-mapped ones included, as any IPv6 prefix covers what lies under it. */
struct acl;

/* The set "in some allow prefix and in no deny prefix" (deny wins); an
 * empty allow list allows nothing.  A single list, such as admin_allow,
 * is acl_new(list, n, NULL, 0).  NULL with errno ENOMEM, or EINVAL for a
 * prefix longer than 128 bits. */
struct acl *acl_new(const struct addr_cidr *allow, size_t nallow,
    const struct addr_cidr *deny, size_t ndeny);
/* Release a; NULL is a no-op. */
void acl_free(struct acl *a);
/* Non-zero when a allows src. */
int acl_allows(const struct acl *a, const struct in6_addr *src);
/* How many disjoint intervals a holds after merging, for tests and the
 * reload log. */
size_t acl_intervals(const struct acl *a);

#endif
