#!/bin/sh
# systemd readiness (SPEC section 3): under a service manager
# (NOTIFY_SOCKET set) the daemon says READY=1 only once the port answers,
# RELOADING=1 then READY=1 around a reload, STOPPING=1 on SIGTERM, and a
# STATUS= line with its counters.  tests/tools/notifyd plays the manager.
. "$(dirname "$0")/lib.sh"
t_require jq
grep -q '^#define HAVE_SYSTEMD 1' "$top_builddir/config.h" ||
    t_skip "built without libsystemd (Debian: libsystemd-dev)"

SOCK="$T_DIR/notify.sock"
"$top_builddir/tests/tools/notifyd" "$SOCK" 30 >"$T_DIR/notes" 2>&1 &
T_PIDS="$T_PIDS $!"
t_wait_for 3 test -S "$SOCK"
echo '{ "listen": ["127.0.0.1"] }' >"$T_DIR/p.conf"

# wait_note TEXT: until notifyd printed TEXT (bounded); the line number.
wait_note() {
	t_wait_for 5 grep -q "^$1" "$T_DIR/notes"
	grep -n "^$1" "$T_DIR/notes" | tail -n 1 | cut -d: -f1
}

NOTIFY_SOCKET="$SOCK"
export NOTIFY_SOCKET
t_daemon_start n -c "$T_DIR/p.conf"
pid=$DAEMON_PID
unset NOTIFY_SOCKET
ready=$(wait_note "READY=1")
t_check "READY=1 is sent" test -n "$ready"
# The ready file comes before READY=1 (t_daemon_start waited for it); the
# first query after READY=1 must be answered at once.
t_eq "once READY=1 is sent the port answers" '{"ok":true,"op":"ping"}' \
    "$("$PKTQ" --compact -r 0 -t 300 "127.0.0.1:$PORT" ping)"
t_check "a STATUS= line with the counters" grep -q '^STATUS=serving: ' \
    "$T_DIR/notes"

kill -HUP "$pid"
reloading=$(wait_note "RELOADING=1")
t_check "SIGHUP sends RELOADING=1" test -n "$reloading"
ready_twice() { [ "$(grep -c '^READY=1' "$T_DIR/notes")" -ge 2 ]; }
t_wait_for 5 ready_twice
again=$(wait_note "READY=1")
t_check "then READY=1 again (line $reloading, then $again)" \
    test -n "$reloading" -a "${again:-0}" -gt "${reloading:-0}"

t_daemon_stop "$pid"
t_eq "SIGTERM exits 0" 0 "$STOP_STATUS"
t_check "SIGTERM sends STOPPING=1" grep -q '^STOPPING=1' "$T_DIR/notes"
t_log "what the manager heard: $(tr '\n' '|' <"$T_DIR/notes")"
t_done
