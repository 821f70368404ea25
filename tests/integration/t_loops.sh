#!/bin/sh
# Reflection loops (SPEC section 2, "Loops"; the Loop DoS class,
# CVE-2024-2169): a datagram that is itself an answer, or comes from one of
# the daemon's own ports, or from port 0 or a port below min_source_port
# (1024), is never answered, only counted.  Without that, one spoofed
# datagram between two responders starts a ping-pong that never stops.
#  1. two daemons on loopback, on different ports: one seed datagram from
#     A's address and port to B (a ping, a whoami, an unknown op, 16 bytes
#     of garbage) makes B answer once at most, A never; A counts B's
#     answer as not_a_request;
#  2. two daemons on the same port, on 127.0.0.2 and 127.0.0.3: a seed
#     from one to the other is not answered at all (own_port); nor is a
#     datagram from a daemon's own address and port to itself;
#  3. source port 0, and 999 over IPv4 and IPv6, get no answer (low_port);
#     1024, the first port allowed, does (the negative control);
#  4. in a network namespace, one IPv6 datagram spoofed from the daemon's
#     own address and port 2001:db8::1 to itself gets no answer.
# The seeds come from tests/tools/rawudp (a raw socket with a hand-built UDP
# header), so this needs root.  Each daemon is asked for its counters over
# the family the seed does not use (or, in 2, counted out), so that the
# stats queries never mix with the counts under test.
# Run alone: make check TESTS=tests/integration/t_loops.sh
. "$(dirname "$0")/netns.sh"
t_require jq
[ "$(id -u)" -eq 0 ] ||
    t_skip "raw sockets (tests/tools/rawudp) and source ports below 1024 need root"
# Before any check: a skip later would hide the failures before it.
t_netns_require
RAWUDP="$top_builddir/tests/tools/rawudp"

# Padded to about 100 bytes: every seed is large enough (3x rule) for its
# full answer, so that what comes back is an ordinary answer, not a
# truncated one.
PAD=$(printf '%070d' 0)
PING="{\"op\":\"ping\",\"pad\":\"$PAD\"}"
WHOAMI="{\"op\":\"whoami\",\"pad\":\"$PAD\"}"
UNKNOWN="{\"op\":\"no_such_op\",\"pad\":\"$PAD\"}"
GARBAGE='not json at all!'
# How long a loop gets to show itself: the unfixed daemons exchange some
# 29 000 datagrams a second each.
SETTLE=0.5

# stats ADDR PORT [NS]: the counters of the daemon at ADDR:PORT (inside
# namespace NS), one line of JSON; "{}" when it does not answer.  One
# datagram per query, padded for the whole answer (3x rule) and never
# resent, so that the test knows how many of the daemon's datagrams were
# its own stats queries.
STATS_REQ="{\"op\":\"stats\",\"pad\":\"$(printf '%0600d' 0)\"}"
stats() {
	case $1 in *:*) set -- "[$1]" "$2" ${3:+"$3"} ;; esac
	if [ $# -gt 2 ]; then
		t_nsx "$3" "$PKTQ" --compact -t 500 -r 0 "$1:$2" \
		    --json "$STATS_REQ"
	else
		"$PKTQ" --compact -t 500 -r 0 "$1:$2" --json "$STATS_REQ"
	fi 2>>"$T_DIR/stats.err" || echo '{}'
}

# jv JSON [JQ-OPTIONS] EXPR: EXPR of JSON, as jq prints it ("null" for a
# missing member).
jv() { j=$1; shift; printf '%s\n' "$j" | jq -r "$@"; }

# count_at_least ADDR PORT EXPR N [NS]: EXPR of the daemon's stats is at
# least N.
count_at_least() {
	[ "$(jv "$(stats "$1" "$2" ${5:+"$5"})" "$3 // 0")" -ge "$4" ]
}

# wait_count ADDR PORT EXPR N [NS]: poll (for at most 2 s) until it is.
wait_count() { t_wait_for 2 count_at_least "$@"; }

# stop PID NAME: SIGTERM, and the daemon must exit 0.
stop() {
	t_daemon_stop "$1"
	t_eq "$2: SIGTERM stops it, exit 0" 0 "$STOP_STATUS"
}

# 1. Two daemons on [::] on different ports; seed from 127.0.0.1:PA to
# 127.0.0.1:PB; stats over ::1.
for seed in PING WHOAMI UNKNOWN GARBAGE; do
	case $seed in
	PING) payload=$PING ;;
	WHOAMI) payload=$WHOAMI ;;
	UNKNOWN) payload=$UNKNOWN ;;
	GARBAGE) payload=$GARBAGE ;;
	esac
	t_daemon_start "$seed-a" -w 1
	pid_a=$DAEMON_PID port_a=$PORT
	t_daemon_start "$seed-b" -w 1
	pid_b=$DAEMON_PID port_b=$PORT
	"$RAWUDP" 127.0.0.1 "$port_a" 127.0.0.1 "$port_b" "$payload"
	t_eq "$seed: the seed from A's port $port_a to B's $port_b is sent" \
	    0 $?
	wait_count ::1 "$port_b" .rx.ipv4 1
	sleep "$SETTLE"
	sa=$(stats ::1 "$port_a")
	sb=$(stats ::1 "$port_b")
	t_check "$seed: both daemons answer stats" test "$sa" != {} -a "$sb" != {}
	rx_a=$(jv "$sa" .rx.ipv4) tx_a=$(jv "$sa" .tx.ipv4)
	rx_b=$(jv "$sb" .rx.ipv4) tx_b=$(jv "$sb" .tx.ipv4)
	t_log "$seed: after ${SETTLE}s A rx $rx_a tx $tx_a, B rx $rx_b tx $tx_b"
	t_check "$seed: B received the seed (rx $rx_b)" \
	    test "$rx_b" -ge 1
	t_check "$seed: B answered it once (tx $tx_b)" test "$tx_b" -eq 1
	t_eq "$seed: A answered nothing (B's answer is an answer)" 0 "$tx_a"
	t_check "$seed: 2 datagrams at most in all, not a loop (rx $rx_a + $rx_b)" \
	    test "$(jq -n "$rx_a + $rx_b")" -le 2
	t_eq "$seed: A counted B's answer as not_a_request" "$tx_b" \
	    "$(jv "$sa" .not_a_request)"
	t_eq "$seed: B answered no other datagram (not_a_request)" 0 \
	    "$(jv "$sb" .not_a_request)"
	stop "$pid_a" "$seed: A"
	stop "$pid_b" "$seed: B"
done

# 2. Same port P on 127.0.0.2 (A) and 127.0.0.3 (B).  Each daemon listens
# on IPv4 only, so it gets one stats query, after the wait: rx counts that
# query itself (counted on receipt) and tx does not yet (counted once
# sent), so a silent daemon shows rx 1 + what reached it, tx 0.
t_daemon_start same-a -w 1 -l 127.0.0.2
pid_a=$DAEMON_PID port=$PORT
t_daemon_start same-b -w 1 -l "127.0.0.3:$port"
pid_b=$DAEMON_PID
"$RAWUDP" 127.0.0.2 "$port" 127.0.0.3 "$port" "$PING"
t_eq "same port: the seed from 127.0.0.2:$port to 127.0.0.3:$port is sent" \
    0 $?
sleep "$SETTLE"
sa=$(stats 127.0.0.2 "$port")
sb=$(stats 127.0.0.3 "$port")
t_log "same port: after ${SETTLE}s A rx $(jv "$sa" .rx.ipv4) tx $(jv "$sa" .tx.ipv4), B rx $(jv "$sb" .rx.ipv4) tx $(jv "$sb" .tx.ipv4)"
t_eq "same port: B counted the seed as own_port" 1 "$(jv "$sb" .own_port)"
t_eq "same port: B sent nothing" 0 "$(jv "$sb" .tx.ipv4)"
t_eq "same port: nothing reached A but its stats query (rx)" 1 \
    "$(jv "$sa" .rx.ipv4)"
t_eq "same port: A sent nothing" 0 "$(jv "$sa" .tx.ipv4)"
stop "$pid_a" "same port: A"
stop "$pid_b" "same port: B"

# A datagram from the daemon's own address and port to itself.
t_daemon_start self4 -w 1
pid=$DAEMON_PID port=$PORT
"$RAWUDP" 127.0.0.1 "$port" 127.0.0.1 "$port" "$PING"
t_eq "self, IPv4: the seed from 127.0.0.1:$port to itself is sent" 0 $?
wait_count ::1 "$port" .own_port 1
sleep "$SETTLE"
s=$(stats ::1 "$port")
t_log "self, IPv4: after ${SETTLE}s rx $(jv "$s" .rx.ipv4) tx $(jv "$s" .tx.ipv4)"
t_eq "self, IPv4: counted as own_port" 1 "$(jv "$s" .own_port)"
t_eq "self, IPv4: nothing sent" 0 "$(jv "$s" .tx.ipv4)"
t_check "self, IPv4: one datagram received at most (rx $(jv "$s" .rx.ipv4))" \
    test "$(jv "$s" .rx.ipv4)" -le 1
stop "$pid" "self, IPv4"

# 3. Low source ports.  Port 0 cannot be bound, so rawudp sends it; 999 and
# 1024 come from udpq bound to them.  At debug level each silence is
# logged with its reason, so that a user whose client hears nothing can
# learn why.
t_daemon_start low -w 1 --log-level debug
pid=$DAEMON_PID port=$PORT
"$RAWUDP" 127.0.0.1 0 127.0.0.1 "$port" "$PING"
t_eq "low port: the ping from 127.0.0.1 port 0 is sent" 0 $?
wait_count ::1 "$port" .rx.ipv4 1
t_udpq -t 500 -b 127.0.0.1 -P 999 127.0.0.1 "$port" "$PING" \
    >"$T_DIR/low999.4"
t_eq "low port: no answer to 127.0.0.1 port 999 (udpq status 1)" 1 $?
t_udpq -t 500 -b ::1 -P 999 ::1 "$port" "$PING" >"$T_DIR/low999.6"
t_eq "low port: no answer to ::1 port 999 (udpq status 1)" 1 $?
t_udpq -t 1000 -b 127.0.0.1 -P 1024 127.0.0.1 "$port" "$PING" \
    >"$T_DIR/low1024"
t_eq "low port: 127.0.0.1 port 1024, the first allowed, is answered" 0 $?
t_eq "low port: ... with a ping answer" true \
    "$(t_answer "$(cat "$T_DIR/low1024")" | jq -r .ok)"
s=$(stats ::1 "$port")
t_log "low port: rx $(jv "$s" -c .rx) tx $(jv "$s" -c .tx) send_errors $(jv "$s" -c .send_errors)"
t_eq "low port: port 0 and both 999s counted as low_port" 3 \
    "$(jv "$s" .low_port)"
t_eq "low port: one IPv4 answer sent, to port 1024" 1 "$(jv "$s" .tx.ipv4)"
t_eq "low port: no answer tried to port 0 (send errors)" 0 \
    "$(jv "$s" .send_error_total)"
t_check "low port: the debug log names the source and the reason" \
    grep -q 'no answer to 127.0.0.1:0: its source port is below min_source_port' \
    "$T_DIR/low.log"
stop "$pid" "low port"

# 4. IPv6, in a namespace: 2001:db8::1 on lo, the daemon on [::]; the
# seed comes from 2001:db8::1:P to 2001:db8::1:P; stats over 127.0.0.1.
t_netns_add srv
t_nsip srv addr add 2001:db8::1/128 dev lo nodad
t_netns_daemon srv self6 -w 1
pid=$DAEMON_PID port=$PORT
t_nsx srv "$RAWUDP" 2001:db8::1 "$port" 2001:db8::1 "$port" "$PING"
t_eq "self, IPv6: the seed from [2001:db8::1]:$port to itself is sent" 0 $?
wait_count 127.0.0.1 "$port" .own_port 1 srv
sleep "$SETTLE"
s=$(stats 127.0.0.1 "$port" srv)
t_log "self, IPv6: after ${SETTLE}s rx $(jv "$s" .rx.ipv6) tx $(jv "$s" .tx.ipv6)"
t_eq "self, IPv6: counted as own_port" 1 "$(jv "$s" .own_port)"
t_eq "self, IPv6: nothing sent" 0 "$(jv "$s" .tx.ipv6)"
t_check "self, IPv6: one datagram received at most (rx $(jv "$s" .rx.ipv6))" \
    test "$(jv "$s" .rx.ipv6)" -le 1
stop "$pid" "self, IPv6"

t_done
