#!/bin/sh
# Hostile input (tests/tools/hostile.c): a catalogue of malformed requests over
# IPv4 and IPv6, each followed by a ping that must still be answered, and a
# seeded pseudo-random mix of HOSTILE_N requests; every answer is held to
# the 3x rule and to strict RFC 8259 (cJSON and jscan), and the daemon's
# counters must match exactly what the client sent and got.
. "$(dirname "$0")/lib.sh"
t_require jq

HOSTILE="$top_builddir/tests/tools/hostile"
HOSTILE_N=${HOSTILE_N:-20000}
HOSTILE_SEED=${HOSTILE_SEED:-8259}
START=$(date +%s)

# A stats request large enough that its answer is never truncated: pktq
# would otherwise pad and send again, and the exact rx counts below would
# have to guess how often.
STATS_PAD=$(printf '%*s' 1500 '' | tr ' ' x)
stats_of() {
	"$PKTQ" --compact "127.0.0.1:$PORT" \
	    --json "{\"op\":\"stats\",\"pad\":\"$STATS_PAD\"}"
}

# client NAME ARGS...: run hostile; its lines go to the log under NAME, its
# "expect" line (the counters it predicts) to $T_DIR/$EXPECT.
client() {
	name=$1; shift
	"$HOSTILE" "$@" >"$T_DIR/$name.out" 2>&1
	rc=$?
	grep -v '^expect ' "$T_DIR/$name.out" | sed "s/^/$T_NAME: $name: /"
	t_eq "$name: every check of hostile $1 passed (exit status)" 0 "$rc"
	grep '^expect ' "$T_DIR/$name.out" >>"$T_DIR/$EXPECT"
}

# compare NAME STATS: each counter the clients expect, summed over their
# runs, against the daemon's stats answer STATS.  That answer's own
# request is in rx.ipv4 already, its answer not yet in tx.
compare() {
	awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "=");
		if (!(kv[1] in sum)) order[++n] = kv[1]; sum[kv[1]] += kv[2] } }
	    END { for (i = 1; i <= n; i++) print order[i], sum[order[i]] }' \
	    "$T_DIR/$EXPECT" >"$T_DIR/$EXPECT.sum"
	t_check "$1: the clients printed their expected counters" \
	    test -s "$T_DIR/$EXPECT.sum"
	while read -r key want; do
		case $key in
		rx_ipv4) path=.rx.ipv4; want=$((want + 1)) ;;
		rx_ipv6) path=.rx.ipv6 ;;
		tx_ipv4) path=.tx.ipv4 ;;
		tx_ipv6) path=.tx.ipv6 ;;
		*) path=.$key ;;
		esac
		t_eq "$1: stats $path" "$want" "$(echo "$2" | jq "$path")"
	done <"$T_DIR/$EXPECT.sum"
}

t_check "the checkers reject what they must (hostile selftest)" \
    "$HOSTILE" selftest

# The catalogue, on a daemon of its own so that its counters start at 0.
t_daemon_start cat -w 1
EXPECT=cat.expect
client cat4 catalogue 127.0.0.1 "$PORT"
client cat6 catalogue ::1 "$PORT"
out=$(stats_of)
compare catalogue "$out"
for key in not_a_request own_port low_port rx_queue_dropped; do
	t_eq "stats has a numeric $key counter (SPEC 6)" number \
	    "$(echo "$out" | jq -r ".$key | type")"
done
t_check "catalogue: the daemon is still alive" kill -0 "$DAEMON_PID"
t_daemon_stop "$DAEMON_PID"
t_eq "catalogue: SIGTERM exits 0" 0 "$STOP_STATUS"

# The mix, on two workers: both families, a few requests in flight.
t_daemon_start mix -w 2
EXPECT=mix.expect
t_log "mix: $HOSTILE_N requests, seed $HOSTILE_SEED"
client mix mix "$PORT" "$HOSTILE_N" "$HOSTILE_SEED"
out=$(stats_of)
compare mix "$out"
t_eq "mix: the kernel dropped none of the requests (rx_queue_dropped)" 0 \
    "$(echo "$out" | jq .rx_queue_dropped)"
t_check "mix: the daemon is still alive" kill -0 "$DAEMON_PID"
t_eq "mix: the daemon still answers a ping" '{"ok":true,"op":"ping"}' \
    "$("$PKTQ" --compact "[::1]:$PORT" ping)"
t_daemon_stop "$DAEMON_PID"
t_eq "mix: SIGTERM exits 0" 0 "$STOP_STATUS"

t_log "took $(($(date +%s) - START)) s"
t_done
