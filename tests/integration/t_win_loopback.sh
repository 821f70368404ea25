#!/bin/sh
# pktinfod.exe under Wine, queried by the native pktq and udpq over
# 127.0.0.1 and ::1 on its one dual-stack socket: every op, the error
# codes, whoami's view of an IPv4 client, the flags Windows refuses, and
# the graceful stop on Ctrl-C (SIGINT to the Wine process).
. "$(dirname "$0")/lib_wine.sh"

t_daemon_start lo
t_check "the daemon says it runs under Wine" grep -q "$WINE_NOTE" \
    "$T_DIR/lo.log"
t_check "the daemon uses libevent's Windows backend" \
    grep -q "serving (win32 backend)" "$T_DIR/lo.log"

for dst in 127.0.0.1 ::1; do
	case $dst in *:*) fam=ipv6 host="[$dst]" ;; *) fam=ipv4 host=$dst ;; esac
	out=$("$PKTQ" --compact "$host:$PORT" whoami)
	t_eq "native pktq whoami via $dst exits 0" 0 $?
	t_eq "$dst: client.family" "$fam" "$(echo "$out" | jq -r .client.family)"
	t_eq "$dst: client.addr" "$dst" "$(echo "$out" | jq -r .client.addr)"
	t_check "$dst: client.port is the client's" \
	    test "$(echo "$out" | jq .client.port)" -gt 0
	t_eq "$dst: server.addr" "$dst" "$(echo "$out" | jq -r .server.addr)"
	t_eq "$dst: server.family" "$fam" "$(echo "$out" | jq -r .server.family)"
	t_eq "$dst: server.port" "$PORT" "$(echo "$out" | jq -r .server.port)"
	t_check "$dst: server.ifindex is set" \
	    test "$(echo "$out" | jq .server.ifindex)" -gt 0
	t_eq "$dst: server.ifname names the loopback" loopback \
	    "$(echo "$out" | jq -r .server.ifname | cut -c1-8)"

	line=$(t_udpq "$dst" "$PORT" '{"op":"ping","id":"u1"}      ')
	t_eq "independent client: answer via $dst comes from $dst" "$dst" \
	    "$(t_source "$line")"
	t_eq "independent client: ping via $dst" \
	    '{"id":"u1","ok":true,"op":"ping"}' "$(t_answer "$line")"
done

out=$("$PKTQ" --compact "localhost:$PORT" ping)
t_eq "pktq localhost ping exits 0" 0 $?
t_eq "pktq localhost ping answer" '{"ok":true,"op":"ping"}' "$out"

out=$("$PKTQ" --compact "127.0.0.1:$PORT" echo 'data={"a":[1,2.50,"x"]}' id=7)
t_eq "echo copies data verbatim" '{"a":[1,2.50,"x"]}' \
    "$(echo "$out" | jq -c .data | sed 's/2.5/2.50/')"
t_eq "echo copies the id" 7 "$(echo "$out" | jq .id)"

out=$("$PKTQ" --compact "[::1]:$PORT" info)
t_eq "info over ::1 exits 0 (pktq pads after truncated)" 0 $?
t_eq "info: one worker on Windows" 1 "$(echo "$out" | jq .workers)"
t_eq "info features" '["dualstack","pktinfo4","pktinfo6"]' \
    "$(echo "$out" | jq -c .features)"
t_eq "info listen" "[\"[::]:$PORT\"]" "$(echo "$out" | jq -c .listen)"

PAD=$(t_pad 60)
# error_of PAYLOAD: the "error" member of the answer, or "none".
error_of() {
	line=$(t_udpq -t 2000 127.0.0.1 "$PORT" "$1")
	[ -n "$line" ] || { echo none; return; }
	t_answer "$line" | jq -r .error
}
t_eq "'{' is bad_json" bad_json "$(error_of "{$PAD")"
t_eq "trailing garbage is bad_json" bad_json \
    "$(error_of "{\"op\":\"ping\"}x$PAD")"
t_eq "op of the wrong type is bad_request" bad_request \
    "$(error_of "{\"op\":1}$PAD")"
t_eq "missing op is bad_request" bad_request "$(error_of "{\"id\":1}$PAD")"
t_eq "unknown op is unknown_op" unknown_op \
    "$(error_of "{\"op\":\"nope\"}$PAD")"
printf '{"op":"ping","pad":"\377\376"}%s' "$PAD" >"$T_DIR/utf8"
line=$(t_udpq -t 2000 -f "$T_DIR/utf8" 127.0.0.1 "$PORT")
t_eq "invalid UTF-8 is bad_json" bad_json "$(t_answer "$line" | jq -r .error)"
printf '{"op":"ping"}\0%s' "$PAD" >"$T_DIR/nul"
line=$(t_udpq -t 2000 -f "$T_DIR/nul" 127.0.0.1 "$PORT")
t_eq "a NUL byte is bad_json" bad_json "$(t_answer "$line" | jq -r .error)"

# Over max_datagram (4096): WSARecvMsg fails with WSAEMSGSIZE, which is a
# truncated datagram, not a socket error.
printf '{"op":"ping","pad":"%s"}' "$(t_pad 5000)" >"$T_DIR/big"
line=$(t_udpq -t 2000 -f "$T_DIR/big" ::1 "$PORT")
t_eq "a 5 KB datagram is too_large" too_large \
    "$(t_answer "$line" | jq -r .error)"

REQ='{"op":"info","pad":"...................."}'
line=$(t_udpq -t 2000 127.0.0.1 "$PORT" "$REQ")
t_eq "a small info request is truncated" truncated \
    "$(t_answer "$line" | jq -r .error)"
t_check "truncated says how large the request must be" \
    test "$(t_answer "$line" | jq .need)" -gt ${#REQ}

out=$("$PKTQ" --compact "127.0.0.1:$PORT" stats)
t_eq "stats from loopback is allowed" true "$(echo "$out" | jq .ok)"
t_check "stats counts IPv4 datagrams" test "$(echo "$out" | jq .rx.ipv4)" -ge 10
t_check "stats counts IPv6 datagrams" test "$(echo "$out" | jq .rx.ipv6)" -ge 3
t_eq "stats counts bad_json" 4 "$(echo "$out" | jq .bad_json)"
t_eq "stats counts bad_request" 2 "$(echo "$out" | jq .bad_request)"
t_eq "stats counts unknown_op" 1 "$(echo "$out" | jq .unknown_op)"
t_eq "stats counts too_large" 1 "$(echo "$out" | jq .too_large)"
t_eq "stats: no send errors" 0 "$(echo "$out" | jq .send_error_total)"
t_eq "stats: no datagram without pktinfo" 0 "$(echo "$out" | jq .no_pktinfo)"
t_check "stats lists local address 127.0.0.1" \
    test "$(echo "$out" | jq '[.local[].addr] | index("127.0.0.1") != null')" = true
t_check "stats lists local address ::1" \
    test "$(echo "$out" | jq '[.local[].addr] | index("::1") != null')" = true

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
