#!/bin/sh
# Bad input gets the documented answer or a counted drop, and the daemon
# keeps serving.  Also the body t_win_loopback.sh runs against
# pktinfod.exe under Wine (lib_wine.sh).
. "$(dirname "$0")/lib.sh"
t_require jq

t_daemon_start bad --log-level debug
PAD=$(t_pad 60)

# error_of PAYLOAD: the "error" member of the answer, or "none".
error_of() {
	line=$(t_udpq -t "$T_REPLY_MS" 127.0.0.1 "$PORT" "$1")
	[ -n "$line" ] || { echo none; return; }
	t_answer "$line" | jq -r .error
}

t_eq "'{' is bad_json" bad_json "$(error_of "{$PAD")"
t_eq "'[]' is bad_json" bad_json "$(error_of "[]$PAD")"
t_eq "trailing garbage is bad_json" bad_json "$(error_of "{\"op\":\"ping\"}x$PAD")"
t_eq "op of the wrong type is bad_request" bad_request \
    "$(error_of "{\"op\":1}$PAD")"
t_eq "missing op is bad_request" bad_request "$(error_of "{\"id\":1}$PAD")"
t_eq "unknown op is unknown_op" unknown_op "$(error_of "{\"op\":\"nope\"}$PAD")"
t_eq "id of the wrong type is bad_request" bad_request \
    "$(error_of "{\"op\":\"ping\",\"id\":[1]}$PAD")"

printf '{"op":"ping","pad":"\377\376"}%s' "$PAD" >"$T_DIR/utf8"
line=$(t_udpq -t "$T_REPLY_MS" -f "$T_DIR/utf8" 127.0.0.1 "$PORT")
t_eq "invalid UTF-8 is bad_json" bad_json "$(t_answer "$line" | jq -r .error)"

printf '{"op":"ping"}\0%s' "$PAD" >"$T_DIR/nul"
line=$(t_udpq -t "$T_REPLY_MS" -f "$T_DIR/nul" 127.0.0.1 "$PORT")
t_eq "a NUL byte is bad_json" bad_json "$(t_answer "$line" | jq -r .error)"

head -c 65000 /dev/zero | tr '\0' ' ' >"$T_DIR/big"
line=$(t_udpq -t "$T_REPLY_MS" -f "$T_DIR/big" 127.0.0.1 "$PORT")
t_eq "a 65000-byte datagram is too_large" too_large \
    "$(t_answer "$line" | jq -r .error)"
line=$(t_udpq -t "$T_REPLY_MS" -f "$T_DIR/big" ::1 "$PORT")
t_eq "a 65000-byte IPv6 datagram is too_large" too_large \
    "$(t_answer "$line" | jq -r .error)"

: >"$T_DIR/empty"
t_eq "an empty datagram gets no answer" "" \
    "$(t_udpq -t "$T_REPLY_MS" -f "$T_DIR/empty" 127.0.0.1 "$PORT")"
t_eq "a bare '{' gets no answer (answer > 3x request)" none "$(error_of "{")"

t_eq "a 13-byte info request gets nothing (even truncated is > 3x)" "" \
    "$(t_udpq -t "$T_REPLY_MS" 127.0.0.1 "$PORT" '{"op":"info"}')"
line=$(t_udpq 127.0.0.1 "$PORT" '{"op":"info","pad":"012345678901234567"}')
t_eq "info from a 40-byte request is truncated" truncated \
    "$(t_answer "$line" | jq -r .error)"
need=$(t_answer "$line" | jq .need)
req=$(printf '{"op":"info","pad":"%*s"}' $((need - 22)) '')
line=$(t_udpq 127.0.0.1 "$PORT" "$req")
t_eq "a request of exactly need=$need bytes gets the full answer" true \
    "$(t_answer "$line" | jq .ok)"

out=$("$PKTQ" --compact "127.0.0.1:$PORT" ping)
t_eq "daemon still answers after bad input" '{"ok":true,"op":"ping"}' "$out"

out=$("$PKTQ" --compact "127.0.0.1:$PORT" stats)
t_eq "stats: bad_json counted, answered or not (5 + empty + bare {)" 7 \
    "$(echo "$out" | jq .bad_json)"
t_eq "stats: bad_request counted" 3 "$(echo "$out" | jq .bad_request)"
t_eq "stats: unknown_op counted" 1 "$(echo "$out" | jq .unknown_op)"
t_eq "stats: too_large counted" 2 "$(echo "$out" | jq .too_large)"
t_eq "stats: three drops counted (empty, bare {, tiny info)" 3 \
    "$(echo "$out" | jq .dropped)"
t_check "stats: truncated counted" test "$(echo "$out" | jq .truncated)" -ge 1
t_check "stats: every IPv4 datagram counted (17 sent)" \
    test "$(echo "$out" | jq .rx.ipv4)" -ge 17
t_eq "stats: the IPv6 datagram counted" 1 "$(echo "$out" | jq .rx.ipv6)"

t_check "debug log: a dropped answer tells the client to pad" grep -Eq \
    'no answer to 127\.0\.0\.1:[0-9]+: answer of [0-9]+ bytes exceeds 3 x 13-byte request: pad the request' \
    "$T_DIR/bad.log"

t_daemon_stop "$DAEMON_PID" "$T_STOP_SIGNAL"
t_eq "SIG$T_STOP_SIGNAL after bad input exits 0" 0 "$STOP_STATUS"
t_done
