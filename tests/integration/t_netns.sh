#!/bin/sh
# Source selection on a real multi-homed, dual-stack host: network
# namespaces, the real pktinfod, queried by pktq and by udpq (plain
# sendto/recvfrom).  Names are this run's; "srv" is the host under test.
#
#  c1: client on s1's link          srv: pktinfod on [::]:PORT
#  c1 192.0.2.100/24    <------->   s1 192.0.2.1/24          primary
#     2001:db8:1::100/64               192.0.2.2/24          secondary
#     fe80::ff:fe00:164                2001:db8:1::1/64      global
#                                      fe80::ff:fe00:101     link-local (EUI-64)
#                                      fe80::1               link-local (fixed)
#                                   lo 203.0.113.10/32       VIP, as behind a
#                                      2001:db8:ffff::10/128 DSR load balancer
#  c2: router to a remote client    s2 198.51.100.1/24       primary
#  c2 198.51.100.100/24 <------->      198.51.100.2/24       secondary
#     2001:db8:2::100/64               2001:db8:2::1/64      global
#     fe80::ff:fe00:264                fe80::ff:fe00:201, fe80::1
#  lo 203.0.113.100/32 (remote)     default routes (v4 and v6) via c2 only
#     2001:db8:100::100/128 (remote)
#  c1 routes 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32 via srv;
#  c2 routes 192.0.2.0/24, 203.0.113.10, 2001:db8:1::/64, 2001:db8:ffff::10
#  via srv.
#
# So routing answers c1 from s1's primary addresses, the remote client
# behind c2 from s2's, and a link-local client from the link-local added
# last (RFC 6724 rule 8 ties at the /64): plain sendto answers most
# addresses from the wrong one.  The cases, numbered as in the issue:
#  1. every address, both families, from both sides: the answer comes from
#     exactly the address and port queried (udpq and pktq), and whoami
#     reports that address, its family and the ingress interface;
#  2. the same matrix against --naive-source, the negative control: every
#     answer comes from the source "ip route get" predicts, a mismatch
#     wherever that is not the address queried (printed per address); the
#     test fails if nothing mismatches;
#  3. a query to a subnet broadcast address gets one answer, from the
#     interface's unicast address;
#  4. addresses added while the daemon runs are served at once; removed ones
#     are never a source again, and a query in flight to an address removed
#     before the answer is sent gets no answer from any address (and counts
#     as a send error);
#  5. a connected client (connect(), then send) gets every answer in 1 and
#     none of the mismatched ones in 2;
#  and tshark inside c1 (c2 for the negative control) sees the same sources
#  on the wire.  Case 6, the socket fallbacks, is t_fallback.sh.
# Run alone: make check TESTS=tests/integration/t_netns.sh
. "$(dirname "$0")/netns.sh"
t_require jq tshark
t_netns_require

REQ='{"op":"whoami","pad":"............................................................"}'
C1_LL=fe80::ff:fe00:164
C2_LL=fe80::ff:fe00:264

topology() {
	for ns in srv c1 c2; do
		t_netns_add $ns
	done
	t_netns_veth srv s1 02:00:00:00:01:01 c1 c1 02:00:00:00:01:64
	t_netns_veth srv s2 02:00:00:00:02:01 c2 c2 02:00:00:00:02:64
	t_nsip srv addr add 192.0.2.1/24 brd + dev s1
	t_nsip srv addr add 192.0.2.2/24 brd + dev s1
	t_nsip srv addr add 2001:db8:1::1/64 dev s1 nodad
	t_nsip srv addr add fe80::1/64 dev s1 nodad
	t_nsip srv addr add 198.51.100.1/24 brd + dev s2
	t_nsip srv addr add 198.51.100.2/24 brd + dev s2
	t_nsip srv addr add 2001:db8:2::1/64 dev s2 nodad
	t_nsip srv addr add fe80::1/64 dev s2 nodad
	t_nsip srv addr add 203.0.113.10/32 dev lo
	t_nsip srv addr add 2001:db8:ffff::10/128 dev lo
	t_nsip srv route add default via 198.51.100.100 dev s2
	t_nsip srv -6 route add default via 2001:db8:2::100 dev s2

	t_nsip c1 addr add 192.0.2.100/24 brd + dev c1
	t_nsip c1 addr add 2001:db8:1::100/64 dev c1 nodad
	t_nsip c1 route add 198.51.100.0/24 via 192.0.2.1
	t_nsip c1 route add 203.0.113.0/24 via 192.0.2.1
	t_nsip c1 -6 route add 2001:db8::/32 via 2001:db8:1::1

	t_nsip c2 addr add 198.51.100.100/24 brd + dev c2
	t_nsip c2 addr add 2001:db8:2::100/64 dev c2 nodad
	t_nsip c2 addr add 203.0.113.100/32 dev lo
	t_nsip c2 addr add 2001:db8:100::100/128 dev lo
	t_nsip c2 route add 192.0.2.0/24 via 198.51.100.1
	t_nsip c2 route add 203.0.113.10/32 via 198.51.100.1
	t_nsip c2 -6 route add 2001:db8:1::/64 via 2001:db8:2::1
	t_nsip c2 -6 route add 2001:db8:ffff::10/128 via 2001:db8:2::1
}

# The matrix: CLIENT_NS,BIND,DST,SERVER_IF,WHAT per query.  DST and BIND are
# as the client writes them (link-local with the client's interface).
MATRIX="
c1,192.0.2.100,192.0.2.1,s1,s1-primary
c1,192.0.2.100,192.0.2.2,s1,s1-secondary
c1,192.0.2.100,198.51.100.1,s1,s2-primary
c1,192.0.2.100,198.51.100.2,s1,s2-secondary
c1,192.0.2.100,203.0.113.10,s1,VIP
c1,2001:db8:1::100,2001:db8:1::1,s1,s1-global
c1,2001:db8:1::100,2001:db8:2::1,s1,s2-global
c1,2001:db8:1::100,2001:db8:ffff::10,s1,VIP
c1,$C1_LL%c1,fe80::1%c1,s1,s1-link-local
c1,$C1_LL%c1,fe80::ff:fe00:101%c1,s1,s1-link-local-EUI-64
c2,203.0.113.100,192.0.2.1,s2,s1-primary
c2,203.0.113.100,192.0.2.2,s2,s1-secondary
c2,203.0.113.100,198.51.100.1,s2,s2-primary
c2,203.0.113.100,198.51.100.2,s2,s2-secondary
c2,203.0.113.100,203.0.113.10,s2,VIP
c2,2001:db8:100::100,2001:db8:1::1,s2,s1-global
c2,2001:db8:100::100,2001:db8:2::1,s2,s2-global
c2,2001:db8:100::100,2001:db8:ffff::10,s2,VIP
c2,$C2_LL%c2,fe80::1%c2,s2,s2-link-local
c2,$C2_LL%c2,fe80::ff:fe00:201%c2,s2,s2-link-local-EUI-64
"

family() { case $1 in *:*) echo ipv6 ;; *) echo ipv4 ;; esac; }

# source_of NS BIND DST: "ADDR PORT" of the answer to a whoami from BIND.
source_of() {
	t_nsx "$1" "$UDPQ" -t 1000 -b "$2" "$3" "$PORT" "$REQ" |
	    awk 'NR == 1 { print $2, $3 }'
}

# hostport ADDR: ADDR:PORT as pktq takes it.
hostport() { case $1 in *:*) echo "[$1]:$PORT" ;; *) echo "$1:$PORT" ;; esac; }

# server_view ADDR SERVER_IF: how the server names a client-side address.
server_view() { case $1 in *%*) echo "${1%\%*}%$2" ;; *) echo "$1" ;; esac; }

# client_view ADDR CLIENT_DST: the reverse, with the client's scope.
client_view() { case $2 in *%*) echo "$1%${2#*%}" ;; *) echo "$1" ;; esac; }

# routing_source CLIENT SERVER_IF: the source the server's routing picks
# towards CLIENT, i.e. what plain sendto uses.
routing_source() {
	case $1 in
	*%*) t_nsx srv ip route get "${1%\%*}" oif "$2" ;;
	*) t_nsx srv ip route get "$1" ;;
	esac | awk '{ for (i = 1; i < NF; i++) if ($i == "src") { print $(i + 1); exit } }'
}

# query_one LABEL MODE CLIENT BIND DST SERVER_IF WHAT: one address of the
# matrix.  MODE "good": the answer comes from DST; "naive": from the source
# routing picks (a mismatch unless that is DST).
query_one() {
	label=$1; mode=$2; cl=$3; bind=$4; dst=$5; sif=$6
	fam=$(family "$dst")
	expect=$dst
	if [ "$mode" = naive ]; then
		expect=$(client_view "$(routing_source "$bind" "$sif")" "$dst")
	fi
	line=$(t_nsx "$cl" "$UDPQ" -t 1000 -b "$bind" "$dst" "$PORT" "$REQ")
	got=$(printf '%s\n' "$line" | awk 'NR == 1 { print $2, $3 }')
	t_eq "$label: udpq: answer source" "$expect $PORT" "$got"
	t_eq "$label: whoami server addr/family/ifname" \
	    "$(server_view "$dst" "$sif") $fam $sif $PORT" \
	    "$(t_answer "$line" | jq -r '[.server.addr, .server.family,
	    .server.ifname, .server.port] | map(tostring) | join(" ")' 2>&1)"
	if [ "$expect" = "$dst" ]; then
		want_pktq=0; want_conn="$dst"
	else
		want_pktq=3; want_conn=""
	fi
	t_nsx "$cl" "$PKTQ" -t 1000 -r 0 -b "$bind" "$(hostport "$dst")" \
	    whoami >/dev/null 2>"$T_DIR/pktq.err"
	t_eq "$label: pktq exit status (0 verified, 3 mismatch)" "$want_pktq" $?
	[ "$want_pktq" = 0 ] || t_check "$label: pktq names both addresses" \
	    grep -qF "source mismatch: sent to $(hostport "$dst"), answer from $(hostport "$expect")" \
	    "$T_DIR/pktq.err"
	[ -s "$T_DIR/pktq.err" ] && sed "s/^/	/" "$T_DIR/pktq.err"
	# The connected client waits in the background (for nothing, when
	# the answer is expected from elsewhere); run_matrix collects it.
	printf '%s\n%s\n' "$want_conn" "$label" >"$T_DIR/conn.$n.want"
	t_nsx "$cl" "$UDPQ" -C -t "$([ -n "$want_conn" ] && echo 1000 ||
	    echo 300)" -b "$bind" "$dst" "$PORT" "$REQ" >"$T_DIR/conn.$n" &
	CONN_PIDS="$CONN_PIDS $!"
	[ "$mode" = naive ] || return 0
	if [ "$got" = "$dst $PORT" ]; then
		t_log "negative control: $label: answered from $dst itself (routing picks it too)"
	else
		from=${got%% *}
		t_log "negative control: $label: MISMATCH, answered from ${from:-nowhere}"
		NAIVE_MISMATCHES=$((NAIVE_MISMATCHES + 1))
	fi
}

# run_matrix MODE
run_matrix() {
	NAIVE_MISMATCHES=0
	CONN_PIDS=""
	n=0
	for e in $MATRIX; do
		IFS=, read -r cl bind dst sif what <<-EOF
		$e
		EOF
		n=$((n + 1))
		query_one "$1 $(family "$dst") $what $dst from $cl ($bind)" \
		    "$1" "$cl" "$bind" "$dst" "$sif"
	done
	MATRIX_SIZE=$n
	wait $CONN_PIDS
	i=0
	while [ $i -lt $n ]; do
		i=$((i + 1))
		{ read -r want; read -r label; } <"$T_DIR/conn.$i.want"
		t_eq "$label: connected udpq: answer received from" "$want" \
		    "$(t_source "$(cat "$T_DIR/conn.$i")")"
	done
}

topology

# 1 and 5: the matrix with source selection (tshark starts meanwhile).
t_netns_daemon srv good
GOOD_PID=$DAEMON_PID
t_capture_start c1 c1 "udp src port $PORT"
run_matrix good

# 3: subnet broadcast, answered once, from the interface's primary address.
for b in c1,192.0.2.100,192.0.2.255,192.0.2.1,s1 \
    c2,198.51.100.100,198.51.100.255,198.51.100.1,s2; do
	IFS=, read -r cl bind dst want sif <<-EOF
	$b
	EOF
	out=$(t_nsx "$cl" "$UDPQ" -B -a -t 300 -b "$bind" "$dst" "$PORT" "$REQ")
	t_eq "ipv4 broadcast $dst from $cl: one answer, from $want" \
	    "$want $PORT" "$(printf '%s\n' "$out" | awk '{ print $2, $3 }')"
	t_eq "ipv4 broadcast $dst: whoami server addr/ifname" "$dst $sif" \
	    "$(t_answer "$out" | jq -r '[.server.addr, .server.ifname] | join(" ")' 2>&1)"
done

# The capture: tshark in c1 sees the answers' sources on the wire.
t_capture_sync 192.0.2.1
for dst in 192.0.2.2 203.0.113.10 2001:db8:2::1 2001:db8:ffff::10 \
    fe80::ff:fe00:101%c1; do
	t_nsx c1 "$UDPQ" -t 1000 "$dst" "$PORT" "$REQ" >/dev/null
done
t_nsx c1 "$UDPQ" -B -t 1000 192.0.2.255 "$PORT" "$REQ" >/dev/null
t_capture_stop 6
t_eq "tshark in c1: answer sources on the wire" \
    "192.0.2.2 203.0.113.10 2001:db8:2::1 2001:db8:ffff::10 fe80::ff:fe00:101 192.0.2.1" \
    "$(awk -v p="$PORT" '
	{ printf "%s%s", sep, ($2 == p ? $1 : $0 " (not from port " p ")") }
	{ sep = " " }' "$T_CAPTURE")"

# 4: addresses added and removed while the daemon runs.
stat_errors() {
	t_nsx srv "$PKTQ" --compact "127.0.0.1:$PORT" stats |
	    jq -r '"\(.send_error_total) \(.send_errors | tojson)"'
}
t_nsip srv addr add 192.0.2.3/24 dev s1
t_nsip srv addr add 2001:db8:1::3/64 dev s1 nodad
t_nsip srv addr add 203.0.113.11/32 dev lo
for e in 192.0.2.100,192.0.2.3 192.0.2.100,203.0.113.11 \
    2001:db8:1::100,2001:db8:1::3; do
	IFS=, read -r bind dst <<-EOF
	$e
	EOF
	t_eq "$(family "$dst") $dst added after start: answered from it" \
	    "$dst $PORT" "$(source_of c1 "$bind" "$dst")"
done
t_nsip srv addr del 192.0.2.2/24 dev s1
t_nsip srv addr del 192.0.2.3/24 dev s1
t_nsip srv addr del 203.0.113.11/32 dev lo
t_nsip srv addr del 2001:db8:1::3/64 dev s1
for dst in 192.0.2.2 192.0.2.3 203.0.113.11 2001:db8:1::3; do
	t_eq "$(family "$dst") $dst removed: no answer from any address" "" \
	    "$(t_nsx c1 "$UDPQ" -a -t 300 "$dst" "$PORT" "$REQ")"
done
for e in 192.0.2.100,192.0.2.1 2001:db8:1::100,2001:db8:1::1; do
	IFS=, read -r bind dst <<-EOF
	$e
	EOF
	t_eq "$(family "$dst") $dst still answered from itself after removals" \
	    "$dst $PORT" "$(source_of c1 "$bind" "$dst")"
done

prefixed() { case $1 in *:*) echo "$1/64" ;; *) echo "$1/24" ;; esac; }

# A query in flight: it sits in the stopped daemon's socket when its
# destination is removed, so the answer cannot be sent from it — and must
# not be sent from anything else.
for e in 192.0.2.100,192.0.2.4,s1 2001:db8:1::100,2001:db8:1::4,s1; do
	IFS=, read -r bind dst sif <<-EOF
	$e
	EOF
	t_nsip srv addr add "$(prefixed "$dst")" dev "$sif"
	before=$(stat_errors)
	kill -STOP "$GOOD_PID"
	t_nsx c1 "$UDPQ" -a -t 600 -b "$bind" "$dst" "$PORT" "$REQ" \
	    >"$T_DIR/inflight.out" &
	qpid=$!
	t_wait_recvq srv "$PORT"
	t_nsip srv addr del "$(prefixed "$dst")" dev "$sif"
	kill -CONT "$GOOD_PID"
	wait "$qpid"
	t_eq "$(family "$dst") query in flight to $dst, removed before the answer: no answer from any address" \
	    "" "$(cat "$T_DIR/inflight.out")"
	after=$(stat_errors)
	t_log "$(family "$dst") in flight: send errors before: $before; after: $after"
	t_eq "$(family "$dst") the dropped answer to $dst counts as a send error" \
	    "$((${before%% *} + 1))" "${after%% *}"
done
t_eq "after the dropped answers the daemon still answers 192.0.2.1 from it" \
    "192.0.2.1 $PORT" "$(source_of c1 192.0.2.100 192.0.2.1)"
t_daemon_stop "$GOOD_PID"
t_eq "the daemon stops with 0" 0 "$STOP_STATUS"

# 2: the negative control, on the same topology (192.0.2.2 back first).
t_nsip srv addr add 192.0.2.2/24 brd + dev s1
t_netns_daemon srv naive --naive-source
t_capture_start c2 c2 "udp src port $PORT"
run_matrix naive
t_log "negative control: $NAIVE_MISMATCHES of $MATRIX_SIZE addresses answered from another address (or not at all)"
t_capture_sync 198.51.100.1
t_nsx c2 "$UDPQ" -t 1000 -b 203.0.113.100 192.0.2.1 "$PORT" "$REQ" >/dev/null
t_nsx c2 "$UDPQ" -t 1000 -b 2001:db8:100::100 2001:db8:ffff::10 "$PORT" \
    "$REQ" >/dev/null
t_capture_stop 2
t_eq "naive: tshark in c2 sees the answers to 192.0.2.1 and 2001:db8:ffff::10 leave from s2's addresses" \
    "198.51.100.1 $PORT 2001:db8:2::1 $PORT" "$(paste -sd ' ' "$T_CAPTURE")"
t_check "negative control: --naive-source mismatches at least once" \
    [ "$NAIVE_MISMATCHES" -gt 0 ]
t_daemon_stop "$DAEMON_PID"

t_done
