#!/bin/sh
# pktinfod.exe under Wine, queried by the native pktq and udpq.  First the
# Linux tests' own bodies, which lib.sh points at pktinfod.exe in a
# Windows build (lib_wine.sh): t_loopback.sh (every op over 127.0.0.1 and
# ::1 on the one dual-stack socket, whoami's view of an IPv4 client) and
# t_badinput.sh (every error code and its counter, too_large through
# WSAEMSGSIZE).  Then what only Windows has: the flags it refuses, the
# port-in-use error as Winsock names it, and the graceful stop on Ctrl-C
# (SIGINT to the Wine process).
. "$(dirname "$0")/lib.sh"
t_require_windows

for body in t_loopback t_badinput; do
	sh "$(dirname "$0")/$body.sh"
	t_eq "$body.sh passes against pktinfod.exe" 0 $?
done

t_daemon_start lo
t_check "the daemon says it runs under Wine" grep -q "$WINE_NOTE" \
    "$T_DIR/lo.log"
t_check "the daemon uses libevent's Windows backend" \
    grep -q "serving (win32 backend)" "$T_DIR/lo.log"

t_wine "$T_DIR/o" "$T_DIR/e" "$PKTINFOD" -p "$PORT"
t_eq "a second daemon on the port exits 1" 1 $?
t_check "its message names bind, the address and WSAEADDRINUSE" \
    grep -q "bind \[::\]:$PORT: WSAEADDRINUSE" "$T_DIR/e"

t_daemon_stop "$DAEMON_PID" INT
t_eq "Ctrl-C (SIGINT to Wine) stops with 0" 0 "$STOP_STATUS"
t_check "the stop is logged as Ctrl-C" grep -q "Ctrl-C: stopping" \
    "$T_DIR/lo.log"
t_check "final stats are logged" grep -q 'info: stats {"rx"' "$T_DIR/lo.log"

for flag in "-u nobody" -d "-w 2"; do
	# shellcheck disable=SC2086 # the flag and its value are two words
	t_wine "$T_DIR/o" "$T_DIR/e" "$PKTINFOD" -p 0 $flag
	t_eq "$flag exits 2 on Windows" 2 $?
	t_check "$flag: the message names the flag and Windows" \
	    grep -q "^pktinfod: ${flag%% *}: .*Windows" "$T_DIR/e"
done
t_wine "$T_DIR/o" "$T_DIR/e" "$PKTINFOD" -V
t_eq "-V exits 0" 0 $?
t_check "-V prints the version" grep -q "^pktinfod [0-9]" "$T_DIR/o"

t_done
