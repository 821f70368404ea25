#!/bin/sh
# pktq.exe under Wine with the same flags, resolution order and source
# verification as on Linux, against the native daemon, which does set the
# source of its answers (so that a correct source and, with
# --naive-source, a wrong one are both really seen); then against
# pktinfod.exe.
. "$(dirname "$0")/lib.sh"
t_require_windows

# The native daemon is started like the Windows one, without Wine.
PKTINFOD=$NATIVE_PKTINFOD
PKTINFOD_WRAPPER=
t_daemon_start native

$RUN "$PKTQ_EXE" --compact "127.0.0.1:$PORT" ping >"$T_DIR/raw" 2>"$T_DIR/e"
t_eq "pktq.exe ping exits 0" 0 $?
t_eq "pktq.exe prints the answer byte for byte (binary stdout, no CR)" \
    '{"ok":true,"op":"ping"}' "$(cat "$T_DIR/raw")"

for dst in 127.0.0.1 ::1; do
	case $dst in *:*) fam=ipv6 host="[$dst]" ;; *) fam=ipv4 host=$dst ;; esac
	t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" --compact "$host:$PORT" whoami
	t_eq "pktq.exe whoami via $dst exits 0" 0 $?
	t_eq "pktq.exe via $dst: client.family" "$fam" \
	    "$(jq -r .client.family "$T_DIR/o")"
	t_eq "pktq.exe via $dst: server.addr" "$dst" \
	    "$(jq -r .server.addr "$T_DIR/o")"
done

t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" "127.0.0.1:$PORT" ping
t_check "pretty output spans lines" test "$(wc -l <"$T_DIR/o")" -gt 1

t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" -4 --compact "localhost:$PORT" whoami
t_eq "pktq.exe -4 localhost uses IPv4" ipv4 "$(jq -r .client.family "$T_DIR/o")"
t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" -6 --compact "[::1]:$PORT" whoami
t_eq "pktq.exe -6 uses IPv6" ipv6 "$(jq -r .client.family "$T_DIR/o")"

t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" -b 127.0.0.1 --compact \
    "127.0.0.2:$PORT" whoami
t_eq "pktq.exe -b 127.0.0.1 127.0.0.2 verifies the source and exits 0" 0 $?
t_eq "whoami shows server.addr 127.0.0.2" 127.0.0.2 \
    "$(jq -r .server.addr "$T_DIR/o")"

t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" --compact "127.0.0.1:$PORT" info
t_eq "pktq.exe info exits 0 (pads after truncated)" 0 $?
t_eq "info is the native daemon's" true "$(jq .ok "$T_DIR/o")"

t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" --compact "[::1]:$PORT" \
    --json '{"op":"echo","data":[1,2]}'
t_eq "pktq.exe --json sends the object as given" '[1,2]' \
    "$(jq -c .data "$T_DIR/o")"
t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" "127.0.0.1:$PORT" nosuchop
t_eq "pktq.exe exits 4 when the answer is an error" 4 $?
t_eq "the error answer is printed" unknown_op "$(jq -r .error "$T_DIR/o")"
t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" --frobnicate "127.0.0.1:$PORT"
t_eq "pktq.exe exits 2 on a usage error" 2 $?
t_check "the usage error names the flag" grep -q frobnicate "$T_DIR/e"

t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" "127.0.0.1:$PORT" echo \
    data=9007199254740993
t_check "pktq.exe pretty output keeps 9007199254740993" \
    grep -qx '	"data":	9007199254740993' "$T_DIR/o"
t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" -p "$PORT" ::1 ping
t_eq "pktq.exe -p PORT with a bare IPv6 address" 0 $?
t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" ::1:4242 ping
t_eq "pktq.exe ::1:4242 is a usage error" 2 $?
t_check "pktq.exe ::1:4242 suggests [::1]:4242" grep -qxF \
    "pktq: ::1:4242: an IPv6 address with a port needs brackets: [::1]:4242" \
    "$T_DIR/e"
# mingw's getopt_long is BSD's, with other return values than glibc's.
: >"$T_DIR/all"
for args in "--frobnicate x" "-x x" "--compact=1 x" "x --timeout" "x -t" \
    "-p 0 x" ""; do
	# shellcheck disable=SC2086
	t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" $args
	cat "$T_DIR/e" >>"$T_DIR/all"
done
t_check "pktq.exe: every stderr line starts with pktq:" \
    sh -c '! grep -qv "^pktq: " "$1"' sh "$T_DIR/all"
t_check "pktq.exe: --compact=1 takes no value" \
    grep -qxF "pktq: option --compact takes no value" "$T_DIR/all"
t_daemon_stop "$DAEMON_PID"

# Wine 8 stubs SIO_UDP_CONNRESET and reports no ICMP error on a UDP
# socket, so pktq.exe waits out its timeout here; on Windows this ends at
# once with "port unreachable" (pktq_net_win32.c), then the same summary.
t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" -t 300 -r 1 "127.0.0.1:$PORT" ping
t_eq "pktq.exe exits 1 when nothing answers" 1 $?
t_check "the no-answer message names the address" grep -q \
    "no answer from 127.0.0.1 (tried: 127.0.0.1:$PORT)" "$T_DIR/e"

# Negative control: a daemon answering without source selection.
t_daemon_start naive --naive-source
t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" -b 127.0.0.1 "127.0.0.2:$PORT" ping
t_eq "pktq.exe exits 3 on a source mismatch" 3 $?
t_check "pktq.exe names both addresses" grep -q \
    "source mismatch: sent to 127.0.0.2:$PORT, answer from 127.0.0.1:$PORT" \
    "$T_DIR/e"
t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" --no-verify -b 127.0.0.1 \
    "127.0.0.2:$PORT" ping
t_eq "pktq.exe --no-verify accepts the wrong source" 0 $?
t_daemon_stop "$DAEMON_PID"

# Both ends Windows.
PKTINFOD="$top_builddir/pktinfod/pktinfod$EXEEXT"
PKTINFOD_WRAPPER=$RUN
t_daemon_start win
for dst in 127.0.0.1 ::1; do
	case $dst in *:*) host="[$dst]" ;; *) host=$dst ;; esac
	t_wine "$T_DIR/o" "$T_DIR/e" "$PKTQ_EXE" --compact "$host:$PORT" whoami
	t_eq "pktq.exe -> pktinfod.exe via $dst exits 0" 0 $?
	t_eq "pktq.exe -> pktinfod.exe via $dst: client.addr" "$dst" \
	    "$(jq -r .client.addr "$T_DIR/o")"
done
t_daemon_stop "$DAEMON_PID" INT
t_eq "pktinfod.exe stops with 0" 0 "$STOP_STATUS"

t_done
