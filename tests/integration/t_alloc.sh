#!/bin/sh
# No heap allocation per datagram once warm: pktinfod runs twice under a
# malloc-counting shim, once with a warm-up only and once with the same
# warm-up plus 10 000 more requests (both families, whoami and echo, every
# one fully parsed and answered); the two counts must be equal.
. "$(dirname "$0")/lib.sh"

SHIM="$top_builddir/tests/shims/shim_malloc.so"
[ -f "$SHIM" ] || t_skip "$SHIM is not built"

# count_allocs N: ALLOCS = allocations of a daemon that answered N x 2
# requests after the warm-up.
count_allocs() {
	rm -f "$T_DIR/count"
	PKTINFOD_WRAPPER="env LD_PRELOAD=$SHIM ALLOC_COUNT_FILE=$T_DIR/count"
	t_daemon_start alloc -w 1
	PKTINFOD_WRAPPER=
	for dst in 127.0.0.1 "[::1]"; do
		"$PKTQ" --compact -c 500 "$dst:$PORT" whoami >/dev/null
		"$PKTQ" --compact -c 500 "$dst:$PORT" echo data='[1,"two",{"3":4}]' >/dev/null
	done
	if [ "$1" -gt 0 ]; then
		"$PKTQ" --compact -c "$1" "127.0.0.1:$PORT" whoami >"$T_DIR/a4"
		"$PKTQ" --compact -c "$1" "[::1]:$PORT" echo data='[1,"two",{"3":4}]' >"$T_DIR/a6"
		t_eq "all $1 IPv4 whoami answered ok" "$1" \
		    "$(grep -c '"ok":true' "$T_DIR/a4")"
		t_eq "all $1 IPv6 echo answered ok" "$1" \
		    "$(grep -c '"ok":true' "$T_DIR/a6")"
	fi
	t_daemon_stop "$DAEMON_PID"
	ALLOCS=$(cat "$T_DIR/count")
}

count_allocs 0
warm=$ALLOCS
count_allocs 5000
loaded=$ALLOCS
t_check "the shim counted the daemon's start-up allocations ($warm)" \
    test "${warm:-0}" -gt 0
t_eq "allocations after 10 000 more requests (warm-up only: $warm)" \
    "$warm" "$loaded"
t_done
