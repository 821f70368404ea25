/* cli: what the three programs' command lines share. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
cli_number(long *out, const char *text, long min, long max)
{
	char *end;
	long v;

	/* strtol alone would take " 5", "+5" and "-0". */
	if (*text < '0' || *text > '9') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtol(text, &end, 10);
	if (*end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (errno != 0 || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

void
cli_error_lines(const char *prog, const char *text)
{
	size_t len;

	do {
		len = strcspn(text, "\n");
		fprintf(stderr, "%s: %.*s\n", prog, (int)len, text);
		text += len;
	} while (*text++ != '\0');
}
