#!/bin/sh
# wine-run.sh PROGRAM.exe [ARG]...: run a Windows test program under Wine,
# headless and quiet, in $WINEPREFIX; its exit status is the program's
# (77 = skip and 99 = hard error pass through Wine unchanged).
# wine-run.sh --init: make the prefix afresh and keep its wineserver up for
# 30 s after the last program, so that each test does not pay Wine's
# start-up (5-8 s for a new prefix, 1 s for a cold server, 0.05 s warm).
# wine-run.sh --remove: stop the prefix's wineserver and delete the prefix.
# (.ci/WINDOWS.md sections 3 and 4 tell why each step is the way it is.)
set -eu
: "${WINEPREFIX:?WINEPREFIX must name the test prefix}"
# No DISPLAY: no dialogs.  mscoree/mshtml off: no Mono or Gecko prompt.
# WINEDEBUG=-all also silences Debian's "wine32 is missing" nag (64-bit
# Wine only; the syswow64 rundll32 complaint of a new prefix is harmless).
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" CK_FORK=no
unset DISPLAY

# A server still exiting when its prefix goes makes the next wineboot take a
# minute (P4): kill, wait, then remove.
remove() {
	if [ -d "$WINEPREFIX" ]; then
		wineserver -k 2>/dev/null || true
		wineserver -w 2>/dev/null || true
	fi
	rm -rf "$WINEPREFIX"
}

case ${1:-} in
--init)
	remove
	mkdir -p "$WINEPREFIX"
	# Started here, detached from make's output: a server inheriting it
	# keeps make check | tail waiting for minutes (P3).
	wineserver -p30 </dev/null >/dev/null 2>&1
	# Any first program sets the prefix up; "wineboot -i" as that program
	# would do it twice and leave two services.exe, and StartService then
	# fails with ERROR_SERVICE_DATABASE_LOCKED.  Not into a pipe: the
	# services started would hold it.
	wine cmd.exe /c exit >"$WINEPREFIX/init.log" 2>&1 ||
	    { cat "$WINEPREFIX/init.log" >&2; exit 1; }
	exit 0
	;;
--remove)
	remove
	exit 0
	;;
esac
# Not made by --init (a single test run by hand): Wine makes one itself.
exec wine "$@"
