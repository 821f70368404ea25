# netns.sh: network namespaces for the integration tests, on top of lib.sh.
# Namespaces get names unique to this run (PID and the scratch directory's
# random suffix) and are deleted on exit, even on failure; veth pairs are
# created directly inside them, so nothing is ever added to the host's own
# namespace and leftovers cannot collide.  Also: the daemon started inside
# a namespace, packet capture with tshark, and waiting for a datagram to sit
# in a socket's receive queue.  Sourced by the tests that need namespaces.

# Without the privilege to make namespaces (not root, or a container's
# root without CAP_SYS_ADMIN): rerun the test as root of its own user,
# network and mount namespaces where the kernel allows unprivileged ones
# (unshare -rnm), with a private /run for "ip netns" to keep its names in.
if [ -z "${T_NETNS_USERNS:-}" ] && ! unshare -nm true 2>/dev/null &&
    unshare -rnm true 2>/dev/null; then
	T_NETNS_USERNS=1 exec unshare -rnm sh -c \
	    'mount -t tmpfs tmpfs /run && exec sh "$0"' "$0"
fi

. "$(dirname "$0")/lib.sh"

T_NS_PREFIX="pktinfod-$$-${T_DIR##*.}"
T_NS_LIST=""

t_netns_cleanup() {
	for ns in $T_NS_LIST; do
		ip netns del "$ns" 2>/dev/null
	done
}
# Daemons and captures first (t_cleanup kills T_PIDS), then the namespaces.
trap 't_cleanup; t_netns_cleanup' EXIT

# t_netns_require: skip (a failure under CI=true) unless this process can
# create network namespaces.
t_netns_require() {
	t_require ip
	[ "$(id -u)" -eq 0 ] || t_skip "network namespaces need root or" \
	    "unprivileged user namespaces (unshare -rnm), and neither is here"
	T_NS_LIST="$T_NS_PREFIX-probe"
	ip netns add "$T_NS_PREFIX-probe" 2>"$T_DIR/netns.err" ||
	    t_skip "cannot create a network namespace: $(cat "$T_DIR/netns.err")"
	ip netns del "$T_NS_PREFIX-probe"
	T_NS_LIST=""
	[ -z "${T_NETNS_USERNS:-}" ] ||
	    t_log "running as root of an unprivileged user namespace"
}

# t_ns NAME: the full name of this run's namespace NAME.
t_ns() { printf '%s-%s\n' "$T_NS_PREFIX" "$1"; }

# t_nsx NAME COMMAND...: run COMMAND inside namespace NAME.
t_nsx() { ns=$(t_ns "$1"); shift; ip netns exec "$ns" "$@"; }

# t_nsip NAME ARGS...: "ip ARGS" on namespace NAME, failing the test loudly.
t_nsip() {
	ns=$(t_ns "$1"); shift
	if ! ip -n "$ns" "$@" 2>"$T_DIR/ip.err"; then
		t_log "setup failed: ip $*: $(cat "$T_DIR/ip.err")"
		exit 1
	fi
}

# t_netns_add NAME: a namespace with lo up, no forwarding (a host, not a
# router) and no duplicate address detection, so every IPv6 address, the
# kernel's own link-local ones included, is usable at once instead of
# "tentative" for a second.
t_netns_add() {
	ns=$(t_ns "$1")
	ip netns add "$ns" || { t_log "setup failed: ip netns add $ns"; exit 1; }
	T_NS_LIST="$T_NS_LIST $ns"
	ip netns exec "$ns" sh -c '
	    for f in ipv6/conf/all/accept_dad ipv6/conf/default/accept_dad \
		ipv6/conf/all/forwarding ipv4/conf/all/forwarding \
		ipv4/ip_forward; do
		echo 0 >"/proc/sys/net/$f" || exit 1
	    done' || { t_log "setup failed: sysctls in $ns"; exit 1; }
	t_nsip "$1" link set lo up
}

# t_netns_veth NS1 IF1 MAC1 NS2 IF2 MAC2: a veth pair between two
# namespaces, both ends up.  Fixed MACs give fixed EUI-64 link-locals.
t_netns_veth() {
	t_nsip "$1" link add "$2" address "$3" type veth peer name "$5" \
	    address "$6" netns "$(t_ns "$4")"
	t_nsip "$1" link set "$2" up
	t_nsip "$4" link set "$5" up
}

# t_netns_daemon NS NAME ARGS...: t_daemon_start inside namespace NS; the
# PID comes from the daemon's own pid file and must be the one we wait for.
t_netns_daemon() {
	ns=$1; name=$2; shift 2
	T_DAEMON_EXEC="ip netns exec $(t_ns "$ns")"
	t_daemon_start "$name" -P "$T_DIR/$name.pid" "$@"
	T_DAEMON_EXEC=""
	if [ "$(cat "$T_DIR/$name.pid")" != "$DAEMON_PID" ]; then
		t_log "daemon $name: pid file says $(cat "$T_DIR/$name.pid"), started $DAEMON_PID"
		exit 1
	fi
}

# t_wait_recvq NS PORT: wait (bounded) until a datagram sits unread in the
# receive queue of a UDP socket bound to PORT in NS — with the daemon
# stopped, that proves a query has arrived but is not yet answered.
t_wait_recvq() {
	i=0
	while [ $i -lt 500 ]; do
		t_nsx "$1" ss -Hnua "sport = :$2" |
		    awk '$2 > 0 { found = 1 } END { exit !found }' && return 0
		sleep 0.01
		i=$((i + 1))
	done
	t_log "no datagram reached the socket on port $2 in $1 within 5 s"
	return 1
}

# t_capture_start NS IFACE FILTER: start tshark inside NS on IFACE for the
# packets matching FILTER (for at most 60 s).  tshark takes a second or two
# to start, so start it early and call t_capture_sync before the packets
# that count.
t_capture_start() {
	T_CAPTURE_N=$((${T_CAPTURE_N:-0} + 1))
	T_CAPTURE_OUT="$T_DIR/capture.$T_CAPTURE_N"
	T_CAPTURE_NS=$1
	# Not through t_nsx: a function run in the background is a subshell,
	# and its pid would be the subshell's, not tshark's (ip netns exec
	# becomes tshark).
	ip netns exec "$(t_ns "$1")" env TMPDIR="$T_DIR" \
	    tshark -n -l -i "$2" -a duration:60 \
	    -f "($3) or (udp dst port 9)" -T fields -E separator=' ' \
	    -e ip.src -e ipv6.src -e udp.srcport -e udp.dstport \
	    >"$T_CAPTURE_OUT" 2>"$T_CAPTURE_OUT.err" &
	T_CAPTURE_PID=$!
	T_PIDS="$T_PIDS $T_CAPTURE_PID"
}

# t_capture_sync ADDR: return once tshark demonstrably sees packets
# ("Capturing on" comes before the capture is really live): send datagrams
# to ADDR port 9 (discard) until one shows up.  Only the packets after it
# count.
t_capture_sync() {
	i=0
	until awk '$3 == 9 { found = 1 } END { exit !found }' "$T_CAPTURE_OUT"; do
		if ! kill -0 "$T_CAPTURE_PID" 2>/dev/null || [ $i -ge 200 ]; then
			t_log "tshark in $T_CAPTURE_NS did not start capturing:"
			cat "$T_CAPTURE_OUT.err"
			exit 1
		fi
		t_nsx "$T_CAPTURE_NS" "$UDPQ" -t 50 "$1" 9 sync >/dev/null 2>&1
		i=$((i + 1))
	done
}

# t_capture_stop COUNT: wait (bounded) until COUNT packets matching the
# capture filter were seen after the sync and stop tshark; T_CAPTURE then
# names a file with one "SRC SRCPORT" line per packet.
t_capture_stop() {
	T_CAPTURE="$T_CAPTURE_OUT.txt"
	i=0
	while capture_after_sync; [ "$(wc -l <"$T_CAPTURE")" -lt "$1" ] &&
	    [ $i -lt 500 ]; do
		sleep 0.01
		i=$((i + 1))
	done
	# Not SIGINT: a non-interactive shell starts background jobs with
	# SIGINT ignored.
	kill -TERM "$T_CAPTURE_PID" 2>/dev/null
	wait "$T_CAPTURE_PID" 2>/dev/null
	T_PIDS=$(echo "$T_PIDS" | sed "s/ $T_CAPTURE_PID\b//")
	capture_after_sync
}

capture_after_sync() {
	awk '$3 == 9 { n = 0; next } { l[++n] = $1 " " $2 }
	    END { for (i = 1; i <= n; i++) print l[i] }' "$T_CAPTURE_OUT" \
	    >"$T_CAPTURE"
}
