/* addr: the daemon's one address form is struct sockaddr_in6 / struct
 * in6_addr, with IPv4 held v4-mapped (::ffff:a.b.c.d) exactly as the
 * dual-stack socket sees it.  Conversion from and to sockaddrs, parsing,
 * canonical text, CIDR matching and the overlap of listen addresses. */
#ifndef PKTINFOD_ADDR_H
#define PKTINFOD_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "netinc.h"

/* Room for "[ipv6%ifname]:65535" and a NUL. */
#define ADDR_STRLEN (INET6_ADDRSTRLEN + IF_NAMESIZE + 10)

/* An IPv4 or IPv6 prefix; IPv4 prefixes are held v4-mapped (len + 96). */
struct addr_cidr {
	struct in6_addr net;
	unsigned int len;
};

/* Set out to the v4-mapped form of v4 (the IN6ADDR_SETV4MAPPED idea). */
void addr_set_v4mapped(struct in6_addr *out, const struct in_addr *v4);
/* Non-zero when a is ::ffff:0:0/96. */
int addr_is_v4mapped(const struct in6_addr *a);
/* The IPv4 address inside a v4-mapped a. */
void addr_get_v4(struct in_addr *out, const struct in6_addr *a);
/* Non-zero for fe80::/10. */
int addr_is_linklocal(const struct in6_addr *a);
/* Non-zero for ff00::/8 and for v4-mapped 224.0.0.0/4. */
int addr_is_multicast(const struct in6_addr *a);
/* Non-zero for v4-mapped 255.255.255.255. */
int addr_is_v4_broadcast(const struct in6_addr *a);
/* Non-zero for :: and for v4-mapped 0.0.0.0. */
int addr_is_unspecified(const struct in6_addr *a);
/* "ipv4" for v4-mapped a, else "ipv6". */
const char *addr_family_name(const struct in6_addr *a);

/* Convert any AF_INET or AF_INET6 sockaddr to the v4-mapped-or-IPv6 form;
 * 0 / -1 (EAFNOSUPPORT for another family, EINVAL for a short salen). */
int addr_from_sockaddr(struct sockaddr_in6 *out, const struct sockaddr *sa, size_t salen);
/* Write sin as a plain sockaddr_in when it is v4-mapped (for an AF_INET socket); 0 / -1 (EAFNOSUPPORT). */
int addr_to_sockaddr_in(struct sockaddr_in *out, const struct sockaddr_in6 *sin);

/* Parse "A.B.C.D[:PORT]", "[V6[%IF]][:PORT]" or a bare "V6[%IF]" into out;
 * a missing port becomes default_port.  0 / -1 with errno EINVAL. */
int addr_parse(struct sockaddr_in6 *out, const char *text, uint16_t default_port);

/* Non-zero when sockets bound to a and b would take the same datagrams:
 * the same address and port, or a wildcard that covers the other ([::],
 * dual-stack, covers every address; 0.0.0.0 every IPv4 one).  Port 0
 * never overlaps: the kernel gives each socket a port of its own. */
int addr_listen_overlap(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b);

/* Canonical text of a: dotted quad for v4-mapped, RFC 5952 for IPv6, and
 * "%ifname" (or "%index" when the interface is unknown) appended for
 * link-local when scope_id is non-zero.  Returns buf. */
char *addr_ntop(char *buf, size_t len, const struct in6_addr *a, uint32_t scope_id);
/* "a.b.c.d:port" or "[v6]:port" for sin.  Returns buf. */
char *addr_format(char *buf, size_t len, const struct sockaddr_in6 *sin);

/* Parse "ADDR/LEN" or a bare address (a host prefix).  0 / -1 with errno EINVAL. */
int addr_cidr_parse(struct addr_cidr *out, const char *text);
/* Non-zero when a lies inside c. */
int addr_cidr_match(const struct addr_cidr *c, const struct in6_addr *a);
/* Non-zero when a lies inside any of the n prefixes. */
int addr_cidr_list_match(const struct addr_cidr *list, size_t n, const struct in6_addr *a);

#endif
