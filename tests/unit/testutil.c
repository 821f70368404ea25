/* testutil: helpers every Check test shares. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include "addr.h"
#include "testutil.h"

struct in6_addr
tu_ip(const char *text)
{
	struct in6_addr a;
	struct in_addr v4;

	if (inet_pton(AF_INET, text, &v4) == 1)
		addr_set_v4mapped(&a, &v4);
	else
		ck_assert_msg(inet_pton(AF_INET6, text, &a) == 1,
		    "not an address: %s", text);
	return a;
}

int
tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
