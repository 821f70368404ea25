#!/bin/sh
# pktinfod.exe as a Windows service under Wine's service control manager:
# sc start serves, sc stop is the same graceful stop as Ctrl-C (the pid
# file goes, exit code 0), and a start that fails reports the daemon's
# exit status as the service-specific exit code.
. "$(dirname "$0")/lib.sh"
t_require_windows

SVC=pktinfod
# A second service for the failed start: Wine deletes a service only once
# every handle to it is closed, so the name cannot be reused at once.  The
# name is free: an own-process service's dispatcher table name is ignored.
SVC2=pktinfod-busy
# Wine's drive Z: is the Unix root.
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }
EXE=$(winpath "$top_builddir/pktinfod/pktinfod$EXEEXT")
READY="$T_DIR/svc.ready"
PIDFILE="$T_DIR/svc.pid"

# sc ARG...: Wine's sc.exe; its output without CRs, its exit status.
sc() {
	$RUN sc "$@" >"$T_DIR/sc.raw" 2>&1
	rc=$?
	tr -d '\r' <"$T_DIR/sc.raw"
	return $rc
}
# state NAME [SERVICE]: the number after NAME in sc query's output.
state() { sc query "${2:-$SVC}" | awk -v k="$1" '$1 == k { print $3 }'; }
# in_state STATE [SERVICE]: the service is in STATE.
in_state() { [ "$(state STATE "${2:-$SVC}")" = "$1" ]; }
# wait_state STATE [SERVICE]: until it is (at most 10 s).
wait_state() { t_wait_for 10 in_state "$@"; }
trap 'sc delete "$SVC" >/dev/null; sc delete "$SVC2" >/dev/null; t_cleanup' EXIT

sc create "$SVC" binPath= "$EXE -p 0 --ready-file $(winpath "$READY") -P $(winpath "$PIDFILE")" >"$T_DIR/sc.out"
t_eq "sc create exits 0" 0 $?
sc start "$SVC" >"$T_DIR/sc.out"
t_eq "sc start exits 0" 0 $?
t_wait_for 30 test -s "$READY"
t_check "the service writes its ready file" test -s "$READY"
PORT=$(tr -d '\r' <"$READY")
wait_state 4
t_eq "sc query: RUNNING once the sockets are bound" 4 "$(state STATE)"
for dst in 127.0.0.1 ::1; do
	case $dst in *:*) host="[$dst]" ;; *) host=$dst ;; esac
	out=$("$PKTQ" --compact "$host:$PORT" whoami)
	t_eq "the service answers whoami via $dst" "$dst" \
	    "$(echo "$out" | jq -r .server.addr)"
done
t_check "the pid file is written" test -s "$PIDFILE"

sc stop "$SVC" >"$T_DIR/sc.out"
wait_state 1
t_eq "sc stop: STOPPED" 1 "$(state STATE)"
t_eq "sc stop: exit code 0" 0 "$(state WIN32_EXIT_CODE)"
t_check "sc stop ends gracefully: the pid file is removed" \
    test ! -e "$PIDFILE"

# A start that fails: the port is held by the native daemon.
PKTINFOD=$NATIVE_PKTINFOD
PKTINFOD_WRAPPER=
t_daemon_start holder -w 1
sc create "$SVC2" binPath= "$EXE -p $PORT" >"$T_DIR/sc.out"
t_eq "sc create $SVC2 exits 0" 0 $?
sc start "$SVC2" >"$T_DIR/sc.out"
wait_state 1 "$SVC2"
t_eq "a failed start: STOPPED" 1 "$(state STATE "$SVC2")"
t_eq "a failed start: ERROR_SERVICE_SPECIFIC_ERROR" 1066 \
    "$(state WIN32_EXIT_CODE "$SVC2")"
t_eq "a failed start: the daemon's exit status 1" 1 \
    "$(state SERVICE_EXIT_CODE "$SVC2")"
t_daemon_stop "$DAEMON_PID"

t_done
