/* testutil_posix: the loopback interface on Linux. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "testutil.h"

const char *
tu_loopback_name(void)
{
	return "lo";
}

unsigned int
tu_loopback_index(void)
{
	unsigned int idx = if_nametoindex("lo");

	ck_assert_msg(idx != 0, "no interface named lo");
	return idx;
}
