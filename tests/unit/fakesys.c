/* fakesys: the call log and the caught log of the fake-syscall tests. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fakesys.h"

#define FS_CALLS_MAX 64

static struct {
	char text[FS_CALLS_MAX][64];
	int n;
} calls;

/* The log goes to stderr: caught in a file to be read back. */
static struct {
	FILE *file;
	int saved;
	char text[4096];
} caught;

void
fs_reset(void)
{
	calls.n = 0;
	caught.text[0] = '\0';
}

void
fs_record(const char *fmt, ...)
{
	va_list ap;

	ck_assert_int_lt(calls.n, FS_CALLS_MAX);
	va_start(ap, fmt);
	vsnprintf(calls.text[calls.n++], sizeof(calls.text[0]), fmt, ap);
	va_end(ap);
}

int
fs_ncalls(void)
{
	return calls.n;
}

const char *
fs_call(int i)
{
	return i >= 0 && i < calls.n ? calls.text[i] : "";
}

int
fs_index(const char *call)
{
	int i;

	for (i = 0; i < calls.n; i++)
		if (strcmp(calls.text[i], call) == 0)
			return i;
	return -1;
}

void
fs_assert_called(const char *call)
{
	ck_assert_msg(fs_index(call) >= 0, "no call %s", call);
}

void
fs_catch_start(void)
{
	fflush(stderr);
	ck_assert_ptr_nonnull(caught.file = tmpfile());
	caught.saved = dup(fileno(stderr));
	ck_assert_int_ge(caught.saved, 0);
	ck_assert_int_ne(dup2(fileno(caught.file), fileno(stderr)), -1);
}

const char *
fs_catch_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(caught.saved, fileno(stderr));
	close(caught.saved);
	rewind(caught.file);
	n = fread(caught.text, 1, sizeof(caught.text) - 1, caught.file);
	caught.text[n] = '\0';
	fclose(caught.file);
	return caught.text;
}

const char *
fs_caught(void)
{
	return caught.text;
}

void
fs_assert_logged(const char *text)
{
	ck_assert_msg(strstr(caught.text, text) != NULL,
	    "log lacks \"%s\"; it says: %s", text, caught.text);
}
