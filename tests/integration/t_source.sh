#!/bin/sh
# Answers leave from the address the query was sent to.  On loopback every
# 127/8 address is local, but routing picks 127.0.0.1 as the source towards
# a client on 127.0.0.1, so a daemon answering with plain sendto answers
# 127.0.0.2 and 127.0.0.3 from 127.0.0.1.  The same checks against
# --naive-source must see that mismatch: the negative control.
. "$(dirname "$0")/lib.sh"
t_require jq

REQ='{"op":"whoami","pad":"............................................"}'

# check_sources MODE: MODE is "pktinfo" (sources must match) or "naive"
# (they must not, proving the checks can fail).
check_sources() {
	mode=$1
	for dst in 127.0.0.2 127.0.0.3; do
		line=$(t_udpq -b 127.0.0.1 "$dst" "$PORT" "$REQ")
		src=$(t_source "$line")
		if [ "$mode" = pktinfo ]; then
			t_eq "udpq: answer to $dst comes from $dst" "$dst" "$src"
			t_eq "whoami reports server.addr $dst" "$dst" \
			    "$(t_answer "$line" | jq -r .server.addr)"
			"$PKTQ" -b 127.0.0.1 "$dst:$PORT" whoami >/dev/null \
			    2>"$T_DIR/pktq.err"
			t_eq "pktq -b 127.0.0.1 $dst verifies the source" 0 $?
		else
			t_eq "naive: udpq sees the answer to $dst from 127.0.0.1" \
			    127.0.0.1 "$src"
			"$PKTQ" -b 127.0.0.1 "$dst:$PORT" whoami >/dev/null \
			    2>"$T_DIR/pktq.err"
			t_eq "naive: pktq to $dst exits 3 (source mismatch)" 3 $?
			t_check "naive: pktq names both addresses" grep -q \
			    "source mismatch: sent to $dst:$PORT, answer from 127.0.0.1:$PORT" \
			    "$T_DIR/pktq.err"
		fi
	done
	line=$(t_udpq -C -b 127.0.0.1 127.0.0.2 "$PORT" "$REQ")
	if [ "$mode" = pktinfo ]; then
		t_eq "connected client receives the answer from 127.0.0.2" \
		    127.0.0.2 "$(t_source "$line")"
	else
		t_eq "naive: connected client receives nothing" "" "$line"
	fi
}

t_daemon_start good
check_sources pktinfo
t_daemon_stop "$DAEMON_PID"
t_eq "SIGTERM stops the daemon with 0" 0 "$STOP_STATUS"

t_daemon_start naive --naive-source
t_check "naive mode logs a loud warning" grep -q "WITHOUT source selection" \
    "$T_DIR/naive.log"
check_sources naive
t_daemon_stop "$DAEMON_PID"

t_done
