#!/bin/sh
# One dual-stack socket answers IPv4 and IPv6 clients on loopback, from the
# address each asked, and whoami shows what the daemon saw.
. "$(dirname "$0")/lib.sh"
t_require jq

t_daemon_start lo
LO_INDEX=$(cat /sys/class/net/lo/ifindex)

for dst in 127.0.0.1 ::1; do
	case $dst in *:*) fam=ipv6 host="[$dst]" ;; *) fam=ipv4 host=$dst ;; esac
	out=$("$PKTQ" --compact "$host:$PORT" whoami)
	t_eq "pktq whoami via $dst exits 0" 0 $?
	t_eq "$dst: client.family" "$fam" "$(echo "$out" | jq -r .client.family)"
	t_eq "$dst: client.addr" "$dst" "$(echo "$out" | jq -r .client.addr)"
	t_eq "$dst: server.addr" "$dst" "$(echo "$out" | jq -r .server.addr)"
	t_eq "$dst: server.family" "$fam" "$(echo "$out" | jq -r .server.family)"
	t_eq "$dst: server.port" "$PORT" "$(echo "$out" | jq -r .server.port)"
	t_eq "$dst: server.ifname" lo "$(echo "$out" | jq -r .server.ifname)"
	t_eq "$dst: server.ifindex" "$LO_INDEX" \
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

out=$("$PKTQ" --compact "127.0.0.1:$PORT" echo 'data={"a":[1,2.50,"x"]}' id=7)
t_eq "echo copies data verbatim" '{"a":[1,2.50,"x"]}' \
    "$(echo "$out" | jq -c .data | sed 's/2.5/2.50/')"
t_eq "echo copies the id" 7 "$(echo "$out" | jq .id)"

out=$("$PKTQ" --compact "[::1]:$PORT" info)
t_eq "info over ::1 exits 0 (pktq pads after truncated)" 0 $?
t_eq "info workers: one per CPU by default" "$(nproc)" \
    "$(echo "$out" | jq .workers)"
if [ "$(nproc)" -gt 1 ]; then features='["dualstack","pktinfo4","pktinfo6","batch","reuseport"]'
else features='["dualstack","pktinfo4","pktinfo6","batch"]'; fi
t_eq "info features" "$features" "$(echo "$out" | jq -c .features)"
t_eq "info listen" "[\"[::]:$PORT\"]" "$(echo "$out" | jq -c .listen)"
t_check "info version is a string" \
    test "$(echo "$out" | jq -r '.version | type')" = string

out=$("$PKTQ" --compact "127.0.0.1:$PORT" stats)
t_eq "stats from loopback is allowed" true "$(echo "$out" | jq .ok)"
t_check "stats counts IPv4 datagrams" \
    test "$(echo "$out" | jq .rx.ipv4)" -ge 3
t_check "stats counts IPv6 datagrams" \
    test "$(echo "$out" | jq .rx.ipv6)" -ge 2
t_check "stats lists local address ::1" \
    test "$(echo "$out" | jq '[.local[].addr] | index("::1") != null')" = true

t_done
