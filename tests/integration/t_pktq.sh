#!/bin/sh
# pktq as a user runs it: every exit status triggered for real, argument
# forms, output forms.
. "$(dirname "$0")/lib.sh"
t_require jq

# not_grep ARGS...: succeed when grep finds nothing.
not_grep() { ! grep -q "$@"; }

t_daemon_start q

"$PKTQ" "127.0.0.1:$PORT" ping >"$T_DIR/out"
t_eq "exit 0 on an ok answer" 0 $?
t_check "pretty output spans lines" test "$(wc -l <"$T_DIR/out")" -gt 1

"$PKTQ" "127.0.0.1:$PORT" nosuchop >"$T_DIR/out"
t_eq "exit 4 when the answer is an error" 4 $?
t_eq "the error answer is printed" unknown_op "$(jq -r .error "$T_DIR/out")"

"$PKTQ" --frobnicate "127.0.0.1:$PORT" 2>"$T_DIR/err"
t_eq "exit 2 on a usage error" 2 $?
t_check "usage error names the flag" grep -q -- --frobnicate "$T_DIR/err"

"$PKTQ" "127.0.0.1:$PORT" 2>/dev/null >/dev/null --json '[1]'
t_eq "exit 2 when --json is not an object" 2 $?

out=$("$PKTQ" --compact "127.0.0.1:$PORT" echo id='"a b"' data='[1,2]')
t_eq "KEY=VALUE parsed as JSON" '{"id":"a b","ok":true,"op":"echo","data":[1,2]}' "$out"
out=$("$PKTQ" --compact "127.0.0.1:$PORT" echo data=hello)
t_eq "KEY=VALUE falls back to a string" '"hello"' "$(echo "$out" | jq -c .data)"
out=$("$PKTQ" --compact "[::1]:$PORT" --json '{"op":"echo","data":[1,2]}')
t_eq "--json sends the object as given" '[1,2]' "$(echo "$out" | jq -c .data)"

out=$("$PKTQ" -4 --compact "localhost:$PORT" whoami)
t_eq "-4 uses IPv4" ipv4 "$(echo "$out" | jq -r .client.family)"
out=$("$PKTQ" -6 --compact "[::1]:$PORT" whoami)
t_eq "-6 uses IPv6" ipv6 "$(echo "$out" | jq -r .client.family)"

out=$("$PKTQ" --compact "127.0.0.1:$PORT" info)
t_eq "info (answer > 3x request) is fetched by padding" true \
    "$(echo "$out" | jq .ok)"

t_eq "-c 3 prints three answers" 3 \
    "$("$PKTQ" --compact -c 3 "127.0.0.1:$PORT" ping | wc -l)"

# The pretty form re-indents the answer's bytes: cJSON_Print would give
# 9.00719925474099e+15 and 1.1.
"$PKTQ" "127.0.0.1:$PORT" echo data=9007199254740993 id=1.10 >"$T_DIR/out"
t_check "pretty output keeps 9007199254740993" \
    grep -qx '	"data":	9007199254740993' "$T_DIR/out"
t_check "pretty output keeps 1.10" grep -qx '	"id":	1.10,' "$T_DIR/out"
t_eq "pretty output is still JSON" true "$(jq .ok "$T_DIR/out")"
out=$("$PKTQ" --compact "127.0.0.1:$PORT" echo data=9007199254740993)
t_eq "--compact prints the answer as received" \
    '{"ok":true,"op":"echo","data":9007199254740993}' "$out"

# -p: the port of a HOST without one; a HOST's own port wins.
"$PKTQ" -p "$PORT" 127.0.0.1 ping >/dev/null
t_eq "-p PORT with a HOST without a port" 0 $?
"$PKTQ" --port "$PORT" ::1 ping >/dev/null
t_eq "--port PORT with a bare IPv6 address" 0 $?
"$PKTQ" -p 9 "127.0.0.1:$PORT" ping >/dev/null
t_eq "HOST:PORT wins over -p" 0 $?
"$PKTQ" -p 0 127.0.0.1 2>"$T_DIR/err"
t_eq "-p 0 is a usage error" 2 $?

# A bare IPv6 literal followed by :PORT: refused, with the bracket forms.
# Usage errors: nothing is sent, so the port need not be the daemon's.
"$PKTQ" ::1:4242 ping >/dev/null 2>"$T_DIR/err"
t_eq "::1:4242 is a usage error" 2 $?
t_check "::1:4242 suggests [::1]:4242" grep -qxF \
    "pktq: ::1:4242: an IPv6 address with a port needs brackets: [::1]:4242" \
    "$T_DIR/err"
t_check "::1:4242, itself an address, names that reading too" grep -qF \
    "for the address ::1:4242 itself, write [::1:4242] or give -p" "$T_DIR/err"
"$PKTQ" ::1:65535 ping >/dev/null 2>"$T_DIR/err"
t_eq "::1:65535 (no address: 5 hex digits) is a usage error" 2 $?
t_check "::1:65535 gives only the bracket form" not_grep "itself" \
    "$T_DIR/err"
"$PKTQ" 2001:db8::1:53 ping >/dev/null 2>"$T_DIR/err"
t_eq "2001:db8::1:53 is a usage error" 2 $?
t_check "2001:db8::1:53 suggests [2001:db8::1]:53" grep -qF \
    'brackets: [2001:db8::1]:53' "$T_DIR/err"
# -4 stops these before anything is sent: resolution fails (status 1), so
# they were taken as addresses, not refused as usage errors (status 2).
"$PKTQ" -4 2001:db8::53 ping >/dev/null 2>&1
t_eq "2001:db8::53 (2001:db8: is no address) is an address" 1 $?
"$PKTQ" -4 -p 53 2001:db8::1:53 ping >/dev/null 2>&1
t_eq "with -p, 2001:db8::1:53 is an address" 1 $?
"$PKTQ" -t 200 -r 0 ::1 ping >/dev/null 2>&1
t_check "a bare ::1 is not a usage error" test $? -ne 2

# Negative control for the port unreachable below: a listener that never
# answers (a 13-byte --json request is too small even for "truncated")
# sends no ICMP, and pktq waits out its timeout.
t0=$(date +%s%3N)
"$PKTQ" -t 300 -r 0 "127.0.0.1:$PORT" --json '{"op":"info"}' 2>"$T_DIR/err"
t_eq "silent listener: exit 1" 1 $?
t_check "silent listener: pktq waited its 300 ms" \
    test $(($(date +%s%3N) - t0)) -ge 300
t_check "silent listener: no port unreachable" \
    not_grep "port unreachable" "$T_DIR/err"

t_daemon_stop "$DAEMON_PID"

# Nothing listens on $PORT now: the ICMP port unreachable ends each try
# at once instead of 3 x 3000 ms, for IPv4, IPv6 and a v4-mapped address
# (sent from an IPv6 socket).
for host in 127.0.0.1 "[::1]" "[::ffff:127.0.0.1]"; do
	case $host in
	"[::1]") shown="[::1]:$PORT" ;;
	*) shown="127.0.0.1:$PORT" ;;
	esac
	t0=$(date +%s%3N)
	"$PKTQ" -t 3000 -r 2 "$host:$PORT" ping 2>"$T_DIR/err"
	rc=$? ms=$(($(date +%s%3N) - t0))
	t_eq "$host closed port: exit 1" 1 $rc
	t_check "$host closed port: back in under 1 s (took $ms ms)" \
	    test "$ms" -lt 1000
	t_check "$host closed port: port unreachable: $shown" \
	    grep -qxF "pktq: port unreachable: $shown" "$T_DIR/err"
	t_check "$host closed port: the summary names the address" \
	    grep -qF "(tried: $shown)" "$T_DIR/err"
done

t_daemon_start naive --naive-source
"$PKTQ" -b 127.0.0.1 "127.0.0.2:$PORT" ping 2>"$T_DIR/err" >/dev/null
t_eq "exit 3 on a source mismatch" 3 $?
cat "$T_DIR/err" >>"$T_DIR/all.err"
"$PKTQ" --no-verify -b 127.0.0.1 "127.0.0.2:$PORT" ping >/dev/null 2>&1
t_eq "--no-verify accepts the wrong source" 0 $?
t_daemon_stop "$DAEMON_PID"

# Every line pktq writes on stderr starts with "pktq:" (not argv[0], not
# the bare usage text), whatever the error.
for args in "--frobnicate 127.0.0.1" "-x 127.0.0.1" "--compact=1 127.0.0.1" \
    "127.0.0.1 -t" "127.0.0.1 --timeout" "-t 0 127.0.0.1" "" "::1:4242" \
    "-4 -6 127.0.0.1" "127.0.0.1:99999" "[::1 ping" "127.0.0.1 ping bare" \
    "-r 0 -t 100 127.0.0.1:$PORT" "-4 ::1" "-b 192.0.2.300 127.0.0.1"; do
	# shellcheck disable=SC2086
	"$PKTQ" $args >/dev/null 2>>"$T_DIR/all.err"
done
"$PKTQ" 127.0.0.1 --json '[1]' >/dev/null 2>>"$T_DIR/all.err"
t_check "stderr has lines to check" test "$(wc -l <"$T_DIR/all.err")" -ge 30
t_check "every stderr line starts with pktq:" \
    not_grep -v '^pktq: ' "$T_DIR/all.err"

t_done
