#!/bin/sh
# Answers to a second loopback address, 127.0.0.2, must leave from
# 127.0.0.2.  Under Wine they cannot: Wine 8's WSASendMsg hands Linux no
# control data (msg_controllen=0, .ci/WINDOWS.md section 3), so routing
# picks 127.0.0.1.  This test is listed in XFAIL_TESTS: it checks the
# property for real and fails under Wine, with that reason.  Everything it
# needs to get that far is checked first and is a hard error (exit 99)
# when wrong, so the expected failure cannot hide another one.  Should a
# later Wine pass it, automake reports XPASS and make check fails: then
# move it out of XFAIL_TESTS.  check_sock_win32 shows the control message
# pktinfod.exe hands WSASendMsg.
. "$(dirname "$0")/lib.sh"
t_require_windows

REQ='{"op":"whoami","pad":"............................................"}'

hard_error() {
	t_log "ERROR (not the expected failure): $*"
	exit 99
}

t_daemon_start src
grep -q "$WINE_NOTE" "$T_DIR/src.log" ||
    hard_error "pktinfod.exe did not detect Wine (no wine_get_version in" \
    "ntdll): this test expects to run under Wine"
for dst in 127.0.0.1 ::1; do
	line=$(t_udpq "$dst" "$PORT" "$REQ")
	[ "$(t_source "$line")" = "$dst" ] ||
	    hard_error "the answer via $dst came from '$(t_source "$line")'"
done

for dst in 127.0.0.2 127.0.0.3; do
	line=$(t_udpq -b 127.0.0.1 "$dst" "$PORT" "$REQ")
	[ -n "$line" ] || hard_error "no answer via $dst"
	# The receive side works under Wine: the destination is seen.
	[ "$(t_answer "$line" | jq -r .server.addr)" = "$dst" ] ||
	    hard_error "whoami via $dst reports server.addr" \
	    "$(t_answer "$line" | jq -r .server.addr)"
	t_eq "udpq: answer to $dst comes from $dst" "$dst" "$(t_source "$line")"
	"$PKTQ" -b 127.0.0.1 "$dst:$PORT" whoami >/dev/null 2>"$T_DIR/pktq.err"
	t_eq "native pktq -b 127.0.0.1 $dst verifies the source" 0 $?
done
t_daemon_stop "$DAEMON_PID" INT
[ "$STOP_STATUS" -eq 0 ] || hard_error "pktinfod.exe stopped with $STOP_STATUS"

if [ "$T_FAILS" -gt 0 ]; then
	t_log "expected failure under Wine: Wine 8's WSASendMsg ignores the" \
	    "IN_PKTINFO control message (msg_controllen=0), so the answer to" \
	    "127.0.0.2 leaves from 127.0.0.1"
fi
t_done
