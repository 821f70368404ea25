#!/bin/sh
# pktq as a user runs it: every exit status triggered for real, argument
# forms, output forms.
. "$(dirname "$0")/lib.sh"
t_require jq

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

t_daemon_stop "$DAEMON_PID"
"$PKTQ" -t 200 -r 1 "127.0.0.1:$PORT" ping 2>"$T_DIR/err"
t_eq "exit 1 when nothing answers" 1 $?
t_check "no-answer message names the address" grep -q "127.0.0.1" "$T_DIR/err"

t_daemon_start naive --naive-source
"$PKTQ" -b 127.0.0.1 "127.0.0.2:$PORT" ping 2>"$T_DIR/err" >/dev/null
t_eq "exit 3 on a source mismatch" 3 $?
"$PKTQ" --no-verify -b 127.0.0.1 "127.0.0.2:$PORT" ping >/dev/null 2>&1
t_eq "--no-verify accepts the wrong source" 0 $?
t_daemon_stop "$DAEMON_PID"

t_done
