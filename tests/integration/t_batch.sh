#!/bin/sh
# The batched path (recvmmsg/sendmmsg) and the one-at-a-time path
# (--batch 1) give the same answers from the same sources, for a burst of
# IPv4 and IPv6 clients that the daemon reads in one go; and -w 2 answers
# on both workers, from the right sources.
. "$(dirname "$0")/lib.sh"
t_require jq

REQ='{"op":"whoami","pad":"........................................"}'
# The burst: local address to bind, destination.
BURST="127.0.0.1,127.0.0.2 ::1,::1 127.0.0.1,127.0.0.3 ::1,::1 127.0.0.1,127.0.0.1 127.0.0.1,127.0.0.2"

# burst MODE: stop the daemon, queue the whole burst on its socket, let it
# go; every answer must come from the address its query went to.  Answers
# with the ports blanked are kept in $T_DIR/MODE.answers.
burst() {
	mode=$1
	kill -STOP "$DAEMON_PID"
	n=0
	for pair in $BURST; do
		n=$((n + 1))
		local=${pair%,*} dst=${pair#*,}
		t_udpq -S -t 3000 -b "$local" "$dst" "$PORT" "$REQ" \
		    >"$T_DIR/$mode.$n" 2>"$T_DIR/$mode.$n.sent" &
	done
	release "$T_DIR/$mode" "$n"
	: >"$T_DIR/$mode.answers"
	n=0
	for pair in $BURST; do
		n=$((n + 1))
		dst=${pair#*,}
		line=$(cat "$T_DIR/$mode.$n")
		t_eq "$mode: answer $n to $dst comes from $dst" "$dst" \
		    "$(t_source "$line")"
		t_answer "$line" | jq -c '.client.port = 0 | .server.port = 0' \
		    >>"$T_DIR/$mode.answers"
	done
}

# echo_burst MODE: a burst of echo requests whose answers are large and
# small in turn, read by the daemon in one go.  The answers of a batch
# share one buffer, one after the other: each answer must still carry
# exactly the data its request sent.
ECHO_SIZES="3000 1 2500 7 1800 0 3900 12"
echo_burst() {
	mode=$1
	kill -STOP "$DAEMON_PID"
	n=0
	for size in $ECHO_SIZES; do
		n=$((n + 1))
		dst=127.0.0.1
		[ $((n % 2)) -eq 0 ] && dst=::1
		data=$(head -c "$size" /dev/zero | tr '\0' "$(printf '%s' "abcdefgh" | cut -c$(( (n - 1) % 8 + 1 )))")
		printf '%s' "$data" >"$T_DIR/$mode.echo.$n.data"
		t_udpq -S -t 3000 "$dst" "$PORT" \
		    "{\"id\":$n,\"op\":\"echo\",\"data\":\"$data\"}" \
		    >"$T_DIR/$mode.echo.$n" 2>"$T_DIR/$mode.echo.$n.sent" &
	done
	release "$T_DIR/$mode.echo" "$n"
	n=0
	for size in $ECHO_SIZES; do
		n=$((n + 1))
		line=$(cat "$T_DIR/$mode.echo.$n")
		t_eq "$mode: echo $n ($size bytes of data) answered with id $n" \
		    "$n" "$(t_answer "$line" | jq -r .id)"
		t_eq "$mode: echo $n carries its own $size bytes of data" \
		    "$(cat "$T_DIR/$mode.echo.$n.data")" \
		    "$(t_answer "$line" | jq -r .data)"
	done
}

# release PREFIX N: once the N clients started with their stderr in
# PREFIX.*.sent have sent (bounded wait), let the stopped daemon go and wait
# for the clients' answers.
release() {
	t_wait_for 5 t_all_sent "$1" "$2"
	kill -CONT "$DAEMON_PID"
	t_wait_clients
}

t_daemon_start batched -w 1
burst batched
echo_burst batched
t_daemon_stop "$DAEMON_PID"
t_check "batched: the daemon says it uses batched I/O" \
    grep -q "batched I/O" "$T_DIR/batched.log"

t_daemon_start single -w 1 --batch 1
burst single
echo_burst single
t_daemon_stop "$DAEMON_PID"
t_check "--batch 1: the daemon says it reads one datagram at a time" \
    grep -q "single-datagram I/O" "$T_DIR/single.log"
t_check "batched and single paths give identical answers" \
    cmp "$T_DIR/batched.answers" "$T_DIR/single.answers"

t_daemon_start two -w 2
for dst in 127.0.0.2 127.0.0.3; do
	"$PKTQ" --compact -c 40 -b 127.0.0.1 "$dst:$PORT" whoami >"$T_DIR/w2"
	t_eq "-w 2: 40 answers to $dst, each verified from $dst" 40 \
	    "$(jq -r .server.addr "$T_DIR/w2" | grep -c "^$dst\$")"
done
"$PKTQ" --compact -c 40 "[::1]:$PORT" ping >/dev/null
t_eq "-w 2: 40 IPv6 answers verified" 0 $?
out=$("$PKTQ" --compact "127.0.0.1:$PORT" stats)
t_eq "-w 2: stats has one rx count per worker" 2 \
    "$(echo "$out" | jq '.worker_rx | length')"
t_check "-w 2: both workers answered (worker_rx $(echo "$out" | jq -c .worker_rx))" \
    test "$(echo "$out" | jq '[.worker_rx[] | select(. > 0)] | length')" -eq 2
t_eq "-w 2: info reports two workers" 2 \
    "$("$PKTQ" --compact "127.0.0.1:$PORT" info | jq .workers)"
t_daemon_stop "$DAEMON_PID"
t_eq "-w 2: SIGTERM stops both workers, exit 0" 0 "$STOP_STATUS"
final=$(sed -n 's/.*info: stats //p' "$T_DIR/two.log")
t_check "-w 2: the final stats sum both workers (rx $(echo "$final" | jq -c .rx))" \
    test "$(echo "$final" | jq '.rx.ipv4 >= 82 and .rx.ipv6 >= 40')" = true

t_done
