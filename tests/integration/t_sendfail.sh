#!/bin/sh
# One answer of a batch whose source address vanished is dropped and
# counted, and only that one: the others of the same sendmmsg still leave,
# each from its own address.  Runs in a namespace of its own, where
# 192.0.2.1 and 198.51.100.1 sit on lo.  The clients send from 127.0.0.1
# and ::1, which stay, so only the answer's source goes away.
. "$(dirname "$0")/netns.sh"
t_netns_require
t_require jq

REQ='{"op":"whoami","pad":"........................................"}'
t_netns_add srv
t_nsip srv addr add 192.0.2.1/32 dev lo
t_nsip srv addr add 198.51.100.1/32 dev lo

# run MODE ARGS...: a burst to four addresses with the daemon stopped,
# 192.0.2.1 removed before it resumes.
run() {
	mode=$1; shift
	t_nsip srv addr replace 192.0.2.1/32 dev lo
	t_netns_daemon srv "$mode" -w 1 "$@"
	kill -STOP "$DAEMON_PID"
	n=0
	for dst in 127.0.0.1 192.0.2.1 198.51.100.1 ::1; do
		n=$((n + 1))
		case $dst in *:*) bind=::1 ;; *) bind=127.0.0.1 ;; esac
		t_nsx srv "$UDPQ" -S -t 1500 -b "$bind" "$dst" "$PORT" "$REQ" \
		    >"$T_DIR/$mode.$n" 2>"$T_DIR/$mode.$n.sent" &
	done
	t_wait_for 5 t_all_sent "$T_DIR/$mode" 4
	t_nsip srv addr del 192.0.2.1/32 dev lo
	kill -CONT "$DAEMON_PID"
	t_wait_clients
	n=0
	for dst in 127.0.0.1 192.0.2.1 198.51.100.1 ::1; do
		n=$((n + 1))
		got=$(t_source "$(cat "$T_DIR/$mode.$n")")
		if [ "$dst" = 192.0.2.1 ]; then
			t_eq "$mode: no answer at all for the removed 192.0.2.1" "" "$got"
		else
			t_eq "$mode: answer to $dst comes from $dst" "$dst" "$got"
		fi
	done
	out=$(t_nsx srv "$PKTQ" --compact "127.0.0.1:$PORT" stats)
	t_eq "$mode: exactly one send error counted" 1 \
	    "$(echo "$out" | jq .send_error_total)"
	# Linux says ENETUNREACH for an IPv4 source that is not local any more
	# (ip_route_output_key_hash); EINVAL and EADDRNOTAVAIL elsewhere.
	t_check "$mode: counted by errno ($(echo "$out" | jq -c .send_errors))" \
	    test "$(echo "$out" | jq '.send_errors | (.EINVAL // 0) + (.EADDRNOTAVAIL // 0) + (.ENETUNREACH // 0)')" -eq 1
	t_check "$mode: the drop is logged naming the client" \
	    grep -q "answer to .* dropped: sendmsg: E" "$T_DIR/$mode.log"
	t_daemon_stop "$DAEMON_PID"
}

run batched
run single --batch 1
t_done
