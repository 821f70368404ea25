#!/bin/sh
# One dual-stack socket answers IPv4 and IPv6 clients on loopback, from the
# address each asked, and whoami shows what the daemon saw.  Also the body
# t_win_loopback.sh runs against pktinfod.exe under Wine (lib_wine.sh).
. "$(dirname "$0")/lib.sh"
t_require jq

t_daemon_start lo

for dst in 127.0.0.1 ::1; do
	case $dst in *:*) fam=ipv6 host="[$dst]" ;; *) fam=ipv4 host=$dst ;; esac
	out=$("$PKTQ" --compact "$host:$PORT" whoami)
	t_eq "pktq whoami via $dst exits 0" 0 $?
	t_eq "$dst: client.family" "$fam" "$(echo "$out" | jq -r .client.family)"
	t_eq "$dst: client.addr" "$dst" "$(echo "$out" | jq -r .client.addr)"
	t_check "$dst: client.port is the client's" \
	    test "$(echo "$out" | jq .client.port)" -gt 0
	t_eq "$dst: server.addr" "$dst" "$(echo "$out" | jq -r .server.addr)"
	t_eq "$dst: server.family" "$fam" "$(echo "$out" | jq -r .server.family)"
	t_eq "$dst: server.port" "$PORT" "$(echo "$out" | jq -r .server.port)"
	t_match "$dst: server.ifname names the loopback" "$T_LO_IFNAME" \
	    "$(echo "$out" | jq -r .server.ifname)"
	t_eq "$dst: server.ifindex" "$T_LO_IFINDEX" \
	    "$(echo "$out" | jq -r .server.ifindex)"

	line=$(t_udpq "$dst" "$PORT" '{"op":"ping","id":"u1"}      ')
	t_eq "independent client: answer via $dst comes from $dst" "$dst" \
	    "$(t_source "$line")"
	t_eq "independent client: ping via $dst" '{"id":"u1","ok":true,"op":"ping"}' \
	    "$(t_answer "$line")"
done

out=$("$PKTQ" --compact "localhost:$PORT" ping)
t_eq "pktq localhost ping exits 0" 0 $?
t_eq "pktq localhost ping answer" '{"ok":true,"op":"ping"}' "$out"

# The answer's own bytes (pktq --compact prints them as received), not a
# parser's rewriting of them, which would turn 2.50 into 2.5 and drop the
# spaces: id and data are copied byte for byte (doc/protocol.md).
DATA='{"a": [1, 2.50 , "x"]}'
out=$("$PKTQ" --compact "127.0.0.1:$PORT" \
    --json "{\"op\":\"echo\",\"id\":7,\"data\":$DATA}")
t_eq "echo copies data verbatim" \
    "{\"id\":7,\"ok\":true,\"op\":\"echo\",\"data\":$DATA}" "$out"
out=$("$PKTQ" --compact "[::1]:$PORT" --json '{"op":"echo","id":"i\u0064"}')
t_eq "echo copies the id verbatim, escapes and all" \
    '{"id":"i\u0064","ok":true,"op":"echo"}' "$out"

out=$("$PKTQ" --compact "[::1]:$PORT" info)
t_eq "info over ::1 exits 0 (pktq pads after truncated)" 0 $?
t_eq "info workers: the platform's default" "$T_WORKERS" \
    "$(echo "$out" | jq .workers)"
t_eq "info features" "$T_FEATURES" "$(echo "$out" | jq -c .features)"
t_eq "info listen" "[\"[::]:$PORT\"]" "$(echo "$out" | jq -c .listen)"
t_check "info version is a string" \
    test "$(echo "$out" | jq -r '.version | type')" = string

out=$("$PKTQ" --compact "127.0.0.1:$PORT" stats)
t_eq "stats from loopback is allowed" true "$(echo "$out" | jq .ok)"
t_check "stats counts IPv4 datagrams" \
    test "$(echo "$out" | jq .rx.ipv4)" -ge 4
t_check "stats counts IPv6 datagrams" \
    test "$(echo "$out" | jq .rx.ipv6)" -ge 4
t_eq "stats: no send errors" 0 "$(echo "$out" | jq .send_error_total)"
t_eq "stats: no datagram without pktinfo" 0 "$(echo "$out" | jq .no_pktinfo)"
for a in 127.0.0.1 ::1; do
	t_check "stats lists local address $a" \
	    test "$(echo "$out" | jq "[.local[].addr] | index(\"$a\") != null")" = true
done

t_done
