/* fakesys: what the socket layer's fake-syscall tests (check_sock_posix,
 * check_sock_win32) share — the log of the calls a fake saw, in the order
 * it saw them, and the daemon's log caught from standard error. */
#ifndef PKTINFOD_FAKESYS_H
#define PKTINFOD_FAKESYS_H

/* Forget every call recorded. */
void fs_reset(void);
/* Record a call, as text ("bind(3, [::]:4242, AF_INET6)"). */
void fs_record(const char *fmt, ...)
    __attribute__((format(PRINTF_ARCHETYPE, 1, 2)));
/* How many calls were recorded, and the i-th ("" past the last). */
int fs_ncalls(void);
const char *fs_call(int i);
/* The index of the first call that is exactly call, or -1. */
int fs_index(const char *call);
/* Fail the test unless call was recorded. */
void fs_assert_called(const char *call);

/* Catch what is logged to standard error from now on. */
void fs_catch_start(void);
/* Stop catching; the text caught, also kept for fs_assert_logged. */
const char *fs_catch_end(void);
/* The text caught last. */
const char *fs_caught(void);
/* Fail the test unless the text caught holds text. */
void fs_assert_logged(const char *text);

#endif
