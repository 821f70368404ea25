/* testutil_win32: the loopback interface on Windows, found by its type
 * (Windows calls it "Loopback Pseudo-Interface 1"; if_indextoname gives
 * the NDIS name, "loopback_0" on Windows and "loopback_1" under Wine). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include "testutil.h"

unsigned int
tu_loopback_index(void)
{
	IP_ADAPTER_ADDRESSES *list, *a;
	ULONG len = 16384;
	unsigned int idx = 0;

	ck_assert_ptr_nonnull(list = malloc(len));
	ck_assert_uint_eq(GetAdaptersAddresses(AF_UNSPEC, 0, NULL, list, &len),
	    ERROR_SUCCESS);
	for (a = list; a != NULL && idx == 0; a = a->Next)
		if (a->IfType == IF_TYPE_SOFTWARE_LOOPBACK)
			idx = a->IfIndex;
	free(list);
	ck_assert_msg(idx != 0, "no loopback interface");
	return idx;
}

const char *
tu_loopback_name(void)
{
	static char name[IF_NAMESIZE];

	ck_assert_ptr_nonnull(if_indextoname(tu_loopback_index(), name));
	return name;
}
