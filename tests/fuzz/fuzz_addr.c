/* fuzz_addr: addr_parse and addr_cidr_parse on any text.  Properties: what
 * parses formats to text that parses back to the same address and port
 * (the canonical text is a fixed point), and a CIDR matches its own
 * network address and, for IPv4, its v4-mapped form only. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "addr.h"
#include "fuzz.h"

#define TEXT_MAX 256

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[TEXT_MAX + 1], out[ADDR_STRLEN + 8], again[ADDR_STRLEN + 8];
	struct sockaddr_in6 a, b;
	struct addr_cidr c;

	if (size > TEXT_MAX)
		size = TEXT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';

	if (addr_parse(&a, text, 4242) == 0) {
		addr_format(out, sizeof(out), &a);
		FUZZ_CHECK(addr_parse(&b, out, 1) == 0);
		FUZZ_CHECK(memcmp(&a.sin6_addr, &b.sin6_addr,
		    sizeof(a.sin6_addr)) == 0);
		FUZZ_CHECK(a.sin6_port == b.sin6_port);
		addr_format(again, sizeof(again), &b);
		FUZZ_CHECK(strcmp(out, again) == 0);
	}
	if (addr_cidr_parse(&c, text) == 0) {
		FUZZ_CHECK(c.len <= 128);
		FUZZ_CHECK(addr_cidr_match(&c, &c.net));
		/* An IPv4 network never matches a plain IPv6 address with
		 * the same last 32 bits. */
		if (addr_is_v4mapped(&c.net) && c.len >= 96) {
			struct in6_addr probe = c.net;

			memset(probe.s6_addr, 0, 12);
			probe.s6_addr[0] = 0x20;
			probe.s6_addr[1] = 0x01;
			probe.s6_addr[2] = 0x0d;
			probe.s6_addr[3] = 0xb8;
			FUZZ_CHECK(!addr_cidr_match(&c, &probe));
		}
	}
	return 0;
}
