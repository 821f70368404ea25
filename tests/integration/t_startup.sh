#!/bin/sh
# The start-up as an operator meets it (SPEC section 3): -d's parent exits
# only once the child serves, else with the child's status and error; the
# pid file is locked, holds the serving process's pid and survives a
# second start; -u drops root after the files are written; the ready file
# has a line per socket; -w 0 counts the CPUs the process may use.
. "$(dirname "$0")/lib.sh"

t_require taskset jq

# start_d NAME ARGS...: pktinfod -d, bounded; its status in D_STATUS, its
# standard error in $T_DIR/NAME.err.
start_d() {
	name=$1; shift
	timeout 10 "$PKTINFOD" -d "$@" 2>"$T_DIR/$name.err"
	D_STATUS=$?
}

# Usage errors, before anything is opened.
"$PKTINFOD" -l '[::]' -l 0.0.0.0 -p 4242 2>"$T_DIR/err"
t_eq "-l [::] -l 0.0.0.0 on one port exits 2" 2 $?
t_check "the message names both" grep -q -- "-l 0.0.0.0: overlaps -l \[::\]" \
    "$T_DIR/err"
"$PKTINFOD" -l 127.0.0.1:4242 -l 127.0.0.1:4242 2>"$T_DIR/err"
t_eq "the same -l twice exits 2" 2 $?
t_check "the message names both" \
    grep -q -- "-l 127.0.0.1:4242: overlaps -l 127.0.0.1:4242" "$T_DIR/err"
start_d relative -p 0 -P p.pid
t_eq "-d with a relative -P exits 2" 2 "$D_STATUS"
t_check "the message names -P" grep -q -- "-P needs an absolute path" \
    "$T_DIR/relative.err"

# -d with each failure: the status and the error reach the caller.
t_daemon_start busy -l 127.0.0.1
start_d busy -l 127.0.0.1 -p "$PORT" -P "$T_DIR/busy.pid"
t_eq "-d on a busy port exits 1" 1 "$D_STATUS"
t_check "-d on a busy port: the error is on stderr" \
    grep -q "bind 127.0.0.1:$PORT: Address already in use" "$T_DIR/busy.err"
t_check "-d on a busy port: no pid file" test ! -e "$T_DIR/busy.pid"
t_daemon_stop "$DAEMON_PID"

start_d nopid -l 127.0.0.1 -p 0 -P /nonexistent/p.pid
t_eq "-d with an unwritable pid file exits 1" 1 "$D_STATUS"
t_check "-d with an unwritable pid file: the error is on stderr" \
    grep -q "pid file /nonexistent/p.pid: No such file or directory" \
    "$T_DIR/nopid.err"

start_d nouser -l 127.0.0.1 -p 0 -u nosuchuser
t_eq "-d -u nosuchuser exits 2" 2 "$D_STATUS"
t_check "-d -u nosuchuser: the error is on stderr" \
    grep -q -- "-u nosuchuser: no such user" "$T_DIR/nouser.err"

# The ready file is written after the fork: the child's error crosses
# the pipe, and the child removes the pid file it had written.
start_d noready -l 127.0.0.1 -p 0 -P "$T_DIR/noready.pid" \
    --ready-file /nonexistent/r
t_eq "-d with an unwritable ready file exits 1" 1 "$D_STATUS"
t_check "-d with an unwritable ready file: the child's error is on stderr" \
    grep -q "ready file /nonexistent/r: No such file or directory" \
    "$T_DIR/noready.err"
t_check "-d with an unwritable ready file: the child removed its pid file" \
    test ! -e "$T_DIR/noready.pid"

# -d success: exit 0 once serving; the pid file names the child.
start_d ok -l 127.0.0.1 -p 0 -P "$T_DIR/ok.pid" --ready-file "$T_DIR/ok.ready"
t_eq "-d exits 0 once serving" 0 "$D_STATUS"
dpid=$(cat "$T_DIR/ok.pid" 2>/dev/null)
T_PIDS="$T_PIDS $dpid"
t_check "-d: nothing on stderr" test ! -s "$T_DIR/ok.err"
t_check "-d: the pid file names a live pktinfod" \
    grep -q pktinfod "/proc/$dpid/comm"
t_eq "-d: the port answers at once" 0 \
    "$("$PKTQ" "127.0.0.1:$(sed -n 1p "$T_DIR/ok.ready")" ping >/dev/null; echo $?)"
t_check "-d: SIGTERM to the pid file's pid stops it" t_pid_stop "$dpid"

# The ready file: one line per socket, in -l order; PORT is the first.
t_daemon_start two -l 127.0.0.1 -l '[::1]'
t_eq "two -l: two lines in the ready file" 2 \
    "$(wc -l <"$T_DIR/two.ready" | tr -d ' ')"
port2=$(sed -n 2p "$T_DIR/two.ready")
t_eq "two -l: the first line is 127.0.0.1's port" 0 \
    "$("$PKTQ" "127.0.0.1:$PORT" ping >/dev/null; echo $?)"
t_eq "two -l: the second line is [::1]'s port" 0 \
    "$("$PKTQ" "[::1]:$port2" ping >/dev/null; echo $?)"
t_eq "two -l: info lists both in order" "[\"127.0.0.1:$PORT\",\"[::1]:$port2\"]" \
    "$("$PKTQ" --compact "127.0.0.1:$PORT" info | jq -c .listen)"
t_daemon_stop "$DAEMON_PID"

# -w 0: the CPUs of the affinity mask, as nproc counts them; the
# negative control is the same flag without taskset.
T_DAEMON_EXEC="taskset -c 0" t_daemon_start one_cpu -l 127.0.0.1 -w 0
t_eq "-w 0 under taskset -c 0 starts one worker" 1 \
    "$("$PKTQ" --compact "127.0.0.1:$PORT" info | jq .workers)"
t_daemon_stop "$DAEMON_PID"
t_daemon_start all_cpus -l 127.0.0.1 -w 0
t_eq "-w 0 without taskset starts nproc workers" "$(nproc)" \
    "$("$PKTQ" --compact "127.0.0.1:$PORT" info | jq .workers)"
t_daemon_stop "$DAEMON_PID"

if [ "$(id -u)" -ne 0 ]; then
	[ "$T_FAILS" -eq 0 ] || t_done
	t_skip "-u nobody and a pid file in a root-only directory need root"
fi

# -u nobody with the pid file in a directory only root may write: the
# files are written before root goes.
t_check "the pid file's directory is root's alone" \
    test "$(stat -c %U:%a "$T_DIR")" = root:700
uid=$(id -u nobody) gid=$(id -g nobody)
t_daemon_start nobody -l 127.0.0.1 -u nobody -P "$T_DIR/p.pid"
first=$DAEMON_PID
t_eq "-u nobody: the pid file holds the daemon's pid" "$first" \
    "$(cat "$T_DIR/p.pid" 2>/dev/null)"
t_eq "-u nobody: uids" "$uid $uid $uid $uid" \
    "$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "/proc/$first/status")"
t_eq "-u nobody: gids" "$gid $gid $gid $gid" \
    "$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "/proc/$first/status")"
t_eq "-u nobody: no supplementary groups but its own" "$gid" \
    "$(awk '$1 == "Groups:" { print $2 }' "/proc/$first/status")"
t_eq "-u nobody: no effective capability" 0000000000000000 \
    "$(awk '$1 == "CapEff:" { print $2 }' "/proc/$first/status")"
t_eq "-u nobody: no permitted capability" 0000000000000000 \
    "$(awk '$1 == "CapPrm:" { print $2 }' "/proc/$first/status")"
t_eq "-u nobody: the daemon answers" 0 \
    "$("$PKTQ" "127.0.0.1:$PORT" ping >/dev/null; echo $?)"

"$PKTINFOD" -l 127.0.0.1 -p 0 -P "$T_DIR/p.pid" 2>"$T_DIR/second.err"
t_eq "a second instance on the same pid file exits 2" 2 $?
t_check "the message names the file and the holder" \
    grep -q "pid file $T_DIR/p.pid: held by pid $first" "$T_DIR/second.err"
start_d second -l 127.0.0.1 -p 0 -P "$T_DIR/p.pid"
t_eq "a second instance with -d exits 2 too" 2 "$D_STATUS"
t_check "-d: the message is on stderr" \
    grep -q "pid file $T_DIR/p.pid: held by pid $first" "$T_DIR/second.err"
t_eq "the first instance's pid file is left as it was" "$first" \
    "$(cat "$T_DIR/p.pid" 2>/dev/null)"
t_eq "the first instance still answers" 0 \
    "$("$PKTQ" "127.0.0.1:$PORT" ping >/dev/null; echo $?)"
t_daemon_stop "$first"
t_eq "-u nobody stops with 0" 0 "$STOP_STATUS"

# Stopped as nobody, it could not remove the file from root's directory;
# unlocked, the next start takes it over, and removes it as root.
t_daemon_start third -l 127.0.0.1 -P "$T_DIR/p.pid"
t_eq "a stale pid file is taken over" "$DAEMON_PID" \
    "$(cat "$T_DIR/p.pid" 2>/dev/null)"
t_daemon_stop "$DAEMON_PID"
t_check "the pid file is removed by its (root) daemon" test ! -e "$T_DIR/p.pid"

# The issue's first report: -d -u nobody -P in root's directory.
start_d dnobody -l 127.0.0.1 -p 0 -u nobody -P "$T_DIR/d.pid" \
    --ready-file "$T_DIR/d.ready"
t_eq "-d -u nobody -P exits 0" 0 "$D_STATUS"
dpid=$(cat "$T_DIR/d.pid" 2>/dev/null)
T_PIDS="$T_PIDS $dpid"
t_eq "-d -u nobody: the pid file's process runs as nobody" "$uid" \
    "$(awk '$1 == "Uid:" { print $3 }' "/proc/$dpid/status")"
t_eq "-d -u nobody: it answers" 0 \
    "$("$PKTQ" "127.0.0.1:$(sed -n 1p "$T_DIR/d.ready")" ping >/dev/null; echo $?)"
t_check "-d -u nobody: SIGTERM to the pid file's pid stops it" \
    t_pid_stop "$dpid"

t_done
