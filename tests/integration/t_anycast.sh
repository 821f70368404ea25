#!/bin/sh
# Anycast with BGP: three servers announce one VIP per family to a router
# that spreads the clients over them by ECMP; the real pktinfod on [::]
# on each, BIRD on each with contrib/bird.conf, and the health check
# contrib/pktinfod-healthcheck on each.  Names are this run's.
#
#  ca: client network A                rt: router (BIRD, AS 65000)
#  ca 192.0.2.10-17/25       <----->   rca 192.0.2.1/25
#     2001:db8:a::10-17/64                 2001:db8:a::1/64
#  cb: client network B
#  cb 203.0.113.130-137/25   <----->   rcb 203.0.113.129/25
#     2001:db8:b::10-17/64                 2001:db8:b::1/64
#  s1 up1 198.51.100.2/29    <----->   r1  198.51.100.1/29
#         2001:db8:1:1::2/64               2001:db8:1:1::1/64
#  s2 up2 198.51.100.10/29   <----->   r2  198.51.100.9/29
#         2001:db8:1:2::2/64               2001:db8:1:2::1/64
#  s3 up3 198.51.100.18/29   <----->   r3  198.51.100.17/29
#         2001:db8:1:3::2/64               2001:db8:1:3::1/64
#  s1-s3 lo 203.0.113.53/32, 2001:db8:53::53/128 (the VIP), BIRD (AS
#     65053), default routes via rt
#  as: the host with two uplinks
#  as ua  198.51.100.26/29   <----->   rxa 198.51.100.25/29
#         2001:db8:1:4::2/64               2001:db8:1:4::1/64
#     ub  198.51.100.34/29   <----->   rxb 198.51.100.33/29
#         2001:db8:1:5::2/64               2001:db8:1:5::1/64
#     lo  203.0.113.54/32, 2001:db8:53::54/128 (its VIP); default routes
#         via ub, while rt routes the VIP via ua (static)
#
# rt installs the servers' VIP routes as one multipath route (BIRD's
# kernel protocol with "merge paths yes") and hashes flows on addresses
# and ports (fib_multipath_hash_policy=1, IPv4 and IPv6).  The cases:
#  1. 320 whoami queries from 32 client addresses, each from a port of
#     its own, are spread over all three servers (whoami names the
#     server's uplink; each server's stats counts its share) and every
#     answer comes from the VIP (udpq, pktq, and tshark on ca's link,
#     captured at its router end, rca);
#  3. the health check withdraws a server whose pktinfod stops within
#     WITHDRAW_BOUND_MS; meanwhile no client gets an answer from anything
#     but the VIP, afterwards every query is answered by the two others;
#     pktinfod back, the route comes back (within the same bound);
#  4. the host with two uplinks answers queries that came in on ua, out
#     of ub, from its VIP, and sends them with ipi_ifindex 0 (strace);
#  2. the negative control, last: the same servers with --naive-source
#     (the routes left in place): answers from the servers' uplink
#     addresses, none from the VIP, a connected client gets nothing, and
#     the health check withdraws a naive server.  The test fails if the
#     naive servers' answers are not lost.
# Run alone: make check TESTS=tests/integration/t_anycast.sh
. "$(dirname "$0")/netns.sh"
t_require jq tshark strace bird birdc
t_netns_require

T_START=$(date +%s%3N)
LC_ALL=C
export LC_ALL
CONTRIB="$top_srcdir/contrib"
HEALTHCHECK="$CONTRIB/pktinfod-healthcheck"
SPORT=4242
VIP4=203.0.113.53
VIP6=2001:db8:53::53
AVIP4=203.0.113.54
AVIP6=2001:db8:53::54
REQ='{"op":"whoami","pad":"............................................................"}'
# The health check as the servers run it: a round every 0.5 s, withdrawn
# after 2 failed rounds, announced after 2 good ones.  From a stop to the
# withdrawal: at most 2 rounds (1 s, plus what the round's pktq and birdc
# take) and BGP's update; 1 to 1.5 s on an idle machine, up to 2.5 s on
# one loaded several times over.  The bound leaves room for more.
HC_ARGS="-i 0.5 -f 2 -r 2 -t 300"
WITHDRAW_BOUND_MS=5000

sorted() { printf '%s\n' "$@" | sort | paste -sd ' ' -; }
VIPS_SORTED=$(sorted $VIP4 $VIP6)
phase() { t_log "--- $* (at $(($(t_now_ms) - T_START)) ms)"; }

# nsx NAME COMMAND...: nsx without its subshell: this run's namespace
# names are looked up once (NS_rt, NS_s1, ...; set by topology), since on
# a loaded machine every process costs.
nsx() {
	eval "_n=\$NS_$1"
	shift
	ip netns exec "$_n" "$@"
}

# all_true "A -ge B"...: every test expression holds (for t_check).
all_true() {
	for e; do
		eval "[ $e ]" || return 1
	done
}

# --- Topology ---------------------------------------------------------

# nsbatch NS: the "ip" commands on standard input, run in NS by one
# "ip -batch" (one process per namespace: process creation is what costs
# on a loaded machine); a failure names the command.
nsbatch() {
	cat >"$T_DIR/batch.$1"
	eval "_n=\$NS_$1"
	if ! ip -n "$_n" -batch "$T_DIR/batch.$1" 2>"$T_DIR/ip.err"; then
		t_log "setup failed in $1: $(cat "$T_DIR/ip.err")"
		exit 1
	fi
}

topology() {
	# (not "ns": t_netns_add sets that)
	for name_ in rt s1 s2 s3 as ca cb; do
		t_netns_add $name_
		eval "NS_$name_=\$(t_ns $name_)"
	done
	RT_NS=$NS_rt
	# The router forwards, and hashes flows on addresses and ports.
	# Loose reverse-path filtering where routing is asymmetric: rt
	# receives as's answers (from as's VIP) on rxb while its route to
	# that VIP points at rxa, and as receives queries on ua while its
	# route to the clients points at ub (the effective value is the
	# maximum of "all" and the interface's).
	nsx rt sh -c '
	    for f in ipv4/ip_forward ipv6/conf/all/forwarding \
		ipv4/fib_multipath_hash_policy ipv6/fib_multipath_hash_policy \
		ipv4/conf/all/rp_filter=2; do
		v=${f#*=}; [ "$v" = "$f" ] && v=1
		echo "$v" >"/proc/sys/net/${f%=*}" || exit 1
	    done' || { t_log "setup failed: router sysctls"; exit 1; }
	nsx as sh -c 'echo 2 >/proc/sys/net/ipv4/conf/all/rp_filter' ||
	    { t_log "setup failed: rp_filter in as"; exit 1; }

	CA_ADDRS="" CB_ADDRS=""
	for i in 0 1 2 3 4 5 6 7; do
		CA_ADDRS="$CA_ADDRS 192.0.2.$((10 + i)) 2001:db8:a::$((10 + i))"
		CB_ADDRS="$CB_ADDRS 203.0.113.$((130 + i)) 2001:db8:b::$((10 + i))"
	done

	{
		for n in 1 2 3; do
			echo "link add r$n address 02:00:00:00:0$n:01 type veth peer name up$n address 02:00:00:00:0$n:02 netns $(eval "echo \$NS_s$n")"
			echo "link set r$n up"
			echo "addr add 198.51.100.$((8 * n - 7))/29 dev r$n"
			echo "addr add 2001:db8:1:$n::1/64 dev r$n nodad"
		done
		cat <<-EOF
		link add rxa address 02:00:00:00:04:01 type veth peer name ua address 02:00:00:00:04:02 netns $NS_as
		link add rxb address 02:00:00:00:05:01 type veth peer name ub address 02:00:00:00:05:02 netns $NS_as
		link add rca address 02:00:00:00:0a:01 type veth peer name ca address 02:00:00:00:0a:02 netns $NS_ca
		link add rcb address 02:00:00:00:0b:01 type veth peer name cb address 02:00:00:00:0b:02 netns $NS_cb
		link set rxa up
		link set rxb up
		link set rca up
		link set rcb up
		addr add 198.51.100.25/29 dev rxa
		addr add 2001:db8:1:4::1/64 dev rxa nodad
		addr add 198.51.100.33/29 dev rxb
		addr add 2001:db8:1:5::1/64 dev rxb nodad
		addr add 192.0.2.1/25 dev rca
		addr add 2001:db8:a::1/64 dev rca nodad
		addr add 203.0.113.129/25 dev rcb
		addr add 2001:db8:b::1/64 dev rcb nodad
		route add $AVIP4/32 via 198.51.100.26 dev rxa
		route add $AVIP6/128 via 2001:db8:1:4::2 dev rxa
		EOF
	} | nsbatch rt
	for n in 1 2 3; do
		nsbatch s$n <<-EOF
		link set up$n up
		addr add 198.51.100.$((8 * n - 6))/29 dev up$n
		addr add 2001:db8:1:$n::2/64 dev up$n nodad
		addr add $VIP4/32 dev lo
		addr add $VIP6/128 dev lo
		route add default via 198.51.100.$((8 * n - 7))
		route add default via 2001:db8:1:$n::1
		EOF
	done
	nsbatch as <<-EOF
	link set ua up
	link set ub up
	addr add 198.51.100.26/29 dev ua
	addr add 2001:db8:1:4::2/64 dev ua nodad
	addr add 198.51.100.34/29 dev ub
	addr add 2001:db8:1:5::2/64 dev ub nodad
	addr add $AVIP4/32 dev lo
	addr add $AVIP6/128 dev lo
	route add default via 198.51.100.33 dev ub
	route add default via 2001:db8:1:5::1 dev ub
	EOF
	for c in a b; do
		{
			echo "link set c$c up"
			if [ $c = a ]; then
				for x in $CA_ADDRS; do
					case $x in
					*:*) echo "addr add $x/64 dev ca nodad" ;;
					*) echo "addr add $x/25 dev ca" ;;
					esac
				done
				echo "route add default via 192.0.2.1"
			else
				for x in $CB_ADDRS; do
					case $x in
					*:*) echo "addr add $x/64 dev cb nodad" ;;
					*) echo "addr add $x/25 dev cb" ;;
					esac
				done
				echo "route add default via 203.0.113.129"
			fi
			echo "route add default via 2001:db8:$c::1"
		} | nsbatch c$c
	done
}

# --- Packet capture -------------------------------------------------------
# One tshark, in rt, on the router's end of three links: rca (client
# network A's link, the same veth pair as ca), rxa and rxb (the two
# uplinks of the host as).  One "IFACE SRC SRCPORT DSTPORT" line per
# packet of the service or marker (to port 9).
cap_start() {
	ip netns exec "$RT_NS" env TMPDIR="$T_DIR" tshark -n -l -a duration:100 \
	    -f "udp port $SPORT or udp dst port 9" -i rca -i rxa -i rxb \
	    -T fields -E separator=' ' -e frame.interface_name \
	    -e ip.src -e ipv6.src -e udp.srcport -e udp.dstport \
	    >"$T_DIR/cap" 2>"$T_DIR/cap.err" &
	CAP_PID=$!
	T_PIDS="$T_PIDS $!"
}

# cap_after IFACE TAG: IFACE's packets after its last marker from port
# TAG, up to its next marker: "SRC SRCPORT DSTPORT" lines.
cap_after() {
	awk -v f="$1" -v t="$2" '$1 != f || NF < 4 { next }
	    $4 == 9 { on = ($3 == t); n = 0; next }
	    on { l[++n] = $2 " " $3 " " $4 }
	    END { for (i = 1; i <= n; i++) print l[i] }' "$T_DIR/cap"
}

# cap_mark IFACE ADDR TAG: send markers from rt, port TAG, to ADDR port 9
# (through IFACE) until the capture shows one, which also proves tshark
# is capturing; only what comes after it counts for cap_after IFACE TAG.
cap_mark() {
	# tshark says so before it really captures, but not much before:
	# no marker is sent until then (each one is two processes).
	t_wait_ms 30000 50 cap_started
	t_wait_for 15 cap_mark_or_gone "$@"
	if ! cap_marked "$1" "$3"; then
		t_log "tshark in rt did not capture on $1:"
		cat "$T_DIR/cap.err"
		exit 1
	fi
}
cap_started() {
	grep -q "^Capturing on" "$T_DIR/cap.err" 2>/dev/null || t_gone "$CAP_PID"
}
# cap_marked IFACE TAG: the capture shows a marker from port TAG on IFACE.
cap_marked() {
	awk -v f="$1" -v t="$2" '$1 == f && $3 == t && $4 == 9 { x = 1 }
	    END { exit !x }' "$T_DIR/cap"
}
# cap_mark_or_gone IFACE ADDR TAG: it does, or tshark is gone; else send
# one more marker.
cap_mark_or_gone() {
	cap_marked "$1" "$3" || t_gone "$CAP_PID" && return 0
	ip netns exec "$RT_NS" "$UDPQ" -P "$3" -t 50 "$2" 9 mark >/dev/null 2>&1
	return 1
}

# cap_wait IFACE TAG COUNT: wait (bounded) for COUNT packets after TAG.
cap_wait() { t_wait_for 5 cap_has "$@"; }
cap_has() { [ "$(cap_after "$1" "$2" | wc -l)" -ge "$3" ]; }

cap_stop() {
	kill -TERM "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	T_PIDS=$(echo "$T_PIDS" | sed "s/ $CAP_PID\b//")
}

# --- BIRD ----------------------------------------------------------------

# server_bird N: BIRD on server sN with contrib/bird.conf itself, linked
# into a directory of sN's own bird-local.conf (BIRD resolves the
# relative include against the path it was given).
server_bird() {
	n=$1
	mkdir -p "$T_DIR/s$n"
	ln -s "$CONTRIB/bird.conf" "$T_DIR/s$n/bird.conf"
	cat >"$T_DIR/s$n/bird-local.conf" <<-EOF
	router id 198.51.100.$((8 * n - 6));
	log "$T_DIR/s$n.bird.log" all;
	define PKTINFOD_LOCAL_AS = 65053;
	define PKTINFOD_PEER_AS = 65000;
	define PKTINFOD_PEER4 = 198.51.100.$((8 * n - 7));
	define PKTINFOD_PEER6 = 2001:db8:1:$n::1;
	define PKTINFOD_VIPS4 = [ $VIP4/32 ];
	define PKTINFOD_VIPS6 = [ $VIP6/128 ];
	EOF
	bird_start s$n "$T_DIR/s$n/bird.conf"
}

# The router's own configuration is the test's: it imports the VIP from
# every server and merges the equal routes into one multipath route.
router_bird() {
	{
		cat <<-EOF
		router id 198.51.100.1;
		log "$T_DIR/rt.bird.log" all;
		protocol device { }
		protocol kernel { ipv4 { import none; export all; }; merge paths yes; }
		protocol kernel { ipv6 { import none; export all; }; merge paths yes; }
		template bgp server { local as 65000; passive yes; hold time 9; }
		EOF
		for n in 1 2 3; do
			cat <<-EOF
			protocol bgp s${n}v4 from server {
				neighbor 198.51.100.$((8 * n - 6)) as 65053;
				ipv4 { import where net = $VIP4/32; export none; };
			}
			protocol bgp s${n}v6 from server {
				neighbor 2001:db8:1:$n::2 as 65053;
				ipv6 { import where net = $VIP6/128; export none; };
			}
			EOF
		done
	} >"$T_DIR/rt.bird.conf"
	bird_start rt "$T_DIR/rt.bird.conf"
}

# bird_start NS CONF: BIRD in the foreground inside NS, its control socket
# and pid file in T_DIR; its PID is $!, checked against the pid file once
# the control socket answers.
bird_start() {
	eval "nsn=\$NS_$1"
	ip netns exec "$nsn" bird -f -c "$2" -s "$T_DIR/$1.ctl" -P "$T_DIR/$1.bird.pid" \
	    2>"$T_DIR/$1.bird.err" &
	pid=$!
	T_PIDS="$T_PIDS $pid"
	eval "BIRD_PID_$1=$pid"
}

bird_up() { birdc -s "$T_DIR/$1.ctl" show status >/dev/null 2>&1; }
bird_up_or_gone() { bird_up "$1" || t_gone "$2"; }
bird_ready() {
	pid=$(eval "echo \$BIRD_PID_$1")
	t_wait_for 5 bird_up_or_gone "$1" "$pid"
	if ! bird_up "$1"; then
		t_log "bird in $1 did not start:"
		cat "$T_DIR/$1.bird.err" "$T_DIR/$1.bird.log" 2>/dev/null
		exit 1
	fi
	t_eq "bird in $1: the pid file names the process started" "$pid" \
	    "$(cat "$T_DIR/$1.bird.pid")"
}

# established: how many of the router's six sessions are up.
established() {
	birdc -s "$T_DIR/rt.ctl" show protocols 2>/dev/null |
	    awk '$2 == "BGP" && $NF == "Established" { n++ } END { print n + 0 }'
}

# --- Routes ------------------------------------------------------------

# nexthops ADDR: the router's gateways for ADDR, sorted, on one line.
nexthops() {
	case $1 in *:*) f=-6 ;; *) f=-4 ;; esac
	ip -n "$RT_NS" $f route show "$1" |
	    awk '{ for (i = 1; i < NF; i++) if ($i == "via") print $(i + 1) }' |
	    sort | paste -sd ' ' -
}

# vip_routes: "GW4... / GW6..." (each list sorted), in three processes.
vip_routes() {
	{ ip -n "$RT_NS" -4 route show $VIP4; echo /; ip -n "$RT_NS" -6 route show $VIP6; } |
	    awk 'function out(   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		    if (g[j] < g[i]) { t = g[i]; g[i] = g[j]; g[j] = t }
		for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? " " : ""), g[i]
		n = 0 }
	    $1 == "/" { out(); printf " / "; next }
	    { for (i = 1; i < NF; i++) if ($i == "via") g[++n] = $(i + 1) }
	    END { out(); print "" }'
}

S_GW4="198.51.100.10 198.51.100.18 198.51.100.2"
S_GW6="2001:db8:1:1::2 2001:db8:1:2::2 2001:db8:1:3::2"

# wait_routes V4 V6 BOUND_MS: poll (every 50 ms) until the router's
# gateways for the VIP are V4 and V6 (sorted lists).
wait_routes() { t_wait_ms "$3" 50 routes_are "$1" "$2"; }
routes_are() { [ "$(vip_routes)" = "$1 / $2" ]; }

# --- Queries -----------------------------------------------------------

# batch NS COUNT TIMEOUT V4 V6 ADDR...: COUNT whoami queries from each
# ADDR of NS, each from a socket and port of its own (one udpq -k per
# address), to V4 or V6 by family; one line per query: udpq's "from SRC
# PORT LEN<TAB>ANSWER", or "none ADDR" for each query left unanswered.
batch() {
	eval "nsn=\$NS_$1"
	count=$2 tmo=$3 v4=$4 v6=$5
	shift 5
	ip netns exec "$nsn" sh -c '
	    udpq=$1 req=$2 count=$3 tmo=$4 v4=$5 v6=$6 port=$7; shift 7
	    for a in "$@"; do
		case $a in *:*) vip=$v6 ;; *) vip=$v4 ;; esac
		n=0
		while IFS= read -r l; do
		    [ -n "$l" ] || continue
		    printf "%s\n" "$l"
		    n=$((n + 1))
		done <<-EOF
		$("$udpq" -k "$count" -t "$tmo" -b "$a" "$vip" "$port" "$req")
		EOF
		while [ $n -lt "$count" ]; do
		    echo "none $a"
		    n=$((n + 1))
		done
	    done' sh "$UDPQ" "$REQ" "$count" "$tmo" "$v4" "$v6" "$SPORT" "$@"
}

# from_vip FILE V4 V6: how many answers came from V4 or V6, port SPORT.
from_vip() {
	awk -v a="$2" -v b="$3" -v p="$SPORT" \
	    '$1 == "from" && ($2 == a || $2 == b) && $3 == p { n++ }
	    END { print n + 0 }' "$1"
}

# answered FILE, unanswered FILE, others FILE (the sources that are not
# V4 or V6, with counts).
answered() { grep -c '^from ' "$1"; }
unanswered() { grep -c '^none ' "$1"; }
others() {
	awk -v a="$2" -v b="$3" -v p="$SPORT" \
	    '$1 == "from" && !(($2 == a || $2 == b) && $3 == p) { n[$2 " " $3]++ }
	    END { for (s in n) printf "%s%s x%d", (k++ ? ", " : ""), s, n[s] }' "$1"
}

# fields FILE: the whoami answers of FILE, one "SERVER_ADDR IFNAME
# CLIENT_ADDR CLIENT_PORT" line each, in FILE.f (one jq for them all).
fields() {
	grep '^from ' "$1" | cut -f2- | jq -r '"\(.server.addr) \(.server.ifname) \(.client.addr) \(.client.port)"' >"$1.f"
}

# servers FILE: which server answered, by the uplink whoami names, with
# counts: "up1 N1 up2 N2 up3 N3" (0 included), from FILE.f.
servers() {
	awk '{ n[$2]++ } END { printf "up1 %d up2 %d up3 %d", n["up1"], n["up2"], n["up3"]
	    for (k in n) if (k !~ /^up[123]$/) printf " %s %d", k, n[k] }' "$1.f"
}

# share N: server sN's count of datagrams to the VIP (its stats "local").
share() {
	nsx s$1 "$PKTQ" --compact "127.0.0.1:$SPORT" stats |
	    jq --arg a "$VIP4" --arg b "$VIP6" \
	    '[.local[] | select(.addr == $a or .addr == $b) | .rx] | add // 0'
}

# both NAME COUNT: batch from ca and cb at once, COUNT queries from each
# of their 16 addresses; the answers in NAME.ca, NAME.cb and NAME.
both() {
	b0=$(t_now_ms)
	batch ca "$2" 1000 $VIP4 $VIP6 $CA_ADDRS >"$T_DIR/$1.ca" &
	bpid=$!
	batch cb "$2" 1000 $VIP4 $VIP6 $CB_ADDRS >"$T_DIR/$1.cb"
	wait $bpid
	cat "$T_DIR/$1.ca" "$T_DIR/$1.cb" >"$T_DIR/$1"
	t_log "$1: $((32 * $2)) queries in $(($(t_now_ms) - b0)) ms"
}

healthcheck_start() {
	eval "nsn=\$NS_s$1"
	ip netns exec "$nsn" sh "$HEALTHCHECK" $HC_ARGS -s "$T_DIR/s$1.ctl" -q "$PKTQ" \
	    "$VIP4:$SPORT" "[$VIP6]:$SPORT" 2>>"$T_DIR/s$1.hc.log" &
	eval "HC_PID_$1=\$!"
	T_PIDS="$T_PIDS $!"
}

# === Set-up ==============================================================
phase "set-up"

topology
t_check "contrib/bird.conf with contrib/bird-local.conf parses (bird -p)" \
    bird -p -c "$CONTRIB/bird.conf"

# The captures take a second or two to start: start them all now.
cap_start

# BIRD first (the servers connect a second after they start), the
# daemons meanwhile, then the health checks, which announce the VIP.
router_bird
for n in 1 2 3; do
	server_bird $n
done
for n in 1 2 3; do
	t_netns_daemon s$n s$n -w 1 -l "[::]:$SPORT"
	eval "SRV_PID_$n=\$DAEMON_PID"
done
for ns in rt s1 s2 s3; do
	bird_ready $ns
done
for n in 1 2 3; do
	healthcheck_start $n
done

all_established() { [ "$(established)" -ge 6 ]; }
t_wait_ms 20000 50 all_established
t_eq "bird: the router's six BGP sessions (3 servers x 2 families) are Established" \
    6 "$(established)"
wait_routes "$S_GW4" "$S_GW6" 10000
t_eq "router: the IPv4 VIP is one route via all three servers" "$S_GW4" \
    "$(nexthops $VIP4)"
t_eq "router: the IPv6 VIP is one route via all three servers" "$S_GW6" \
    "$(nexthops $VIP6)"
t_log "VIP routes in place $(($(t_now_ms) - T_START)) ms after the start:"
ip -n "$NS_rt" -4 route show $VIP4 | sed 's/^/	/'
ip -n "$NS_rt" -6 route show $VIP6 | sed 's/^/	/'
t_check "bird on s1 announces the VIP only through pktinfod_vip" \
    sh -c "birdc -s '$T_DIR/s1.ctl' show route | grep -q 'pktinfod_vip'"

# === 1. Spread over the three servers, every answer from the VIP =========
phase "1. ECMP spread"

cap_mark rca 192.0.2.10 20001
for n in 1 2 3; do eval "SHARE0_$n=\$(share $n)"; done
s0=$(t_now_ms)
both p1 10
for n in 1 2 3; do eval "SHARE1_$n=\$(share $n)"; done
# The health checks' pings between the two readings: at most one a VIP
# a round, a round at most every 0.5 s.
pings=$((2 * (($(t_now_ms) - s0) / 500 + 2)))
t_eq "1: 320 queries from 32 addresses, all answered" "320 0" \
    "$(answered "$T_DIR/p1") $(unanswered "$T_DIR/p1")"
t_eq "1: every answer comes from the VIP and port $SPORT (udpq)" 320 \
    "$(from_vip "$T_DIR/p1" $VIP4 $VIP6)"
t_eq "1: no answer from any other address" "" \
    "$(others "$T_DIR/p1" $VIP4 $VIP6)"
fields "$T_DIR/p1"
t_eq "1: whoami names the VIP as the address the queries came to" \
    "$VIPS_SORTED" "$(awk '{ print $1 }' "$T_DIR/p1.f" | sort -u | paste -sd ' ' -)"
flows=$(awk '{ print $3, $4 }' "$T_DIR/p1.f" | sort -u | wc -l)
t_log "1: $flows distinct client address/port pairs"
t_check "1: at least 300 distinct flows (address and port)" [ "$flows" -ge 300 ]
spread=$(servers "$T_DIR/p1")
t_log "1: answered by: $spread"
set -- $spread
t_check "1: each server answers at least 10% of the 320 flows ($spread)" \
    all_true "$# -eq 6" "$2 -ge 32" "$4 -ge 32" "$6 -ge 32"
# stats counts the health check's pings too (to the same VIP): at least
# the server's share of the clients, at most that plus the pings.
for n in 1 2 3; do
	eval "got=\$((SHARE1_$n - SHARE0_$n)) want=\$$((2 * n))"
	t_log "1: s$n stats: $got datagrams to the VIP during the run, $want of them from the clients"
	t_check "1: s$n's stats show its share ($want <= $got <= $want + $pings pings)" \
	    all_true "$got -ge $want" "$got -le $((want + pings))"
done
n_ca=$(answered "$T_DIR/p1.ca")
cap_wait rca 20001 $((2 * n_ca))
cap_after rca 20001 | awk -v p=$SPORT '$2 == p' >"$T_DIR/p1.wire"
t_eq "1: tshark on ca's link: $n_ca answers, all from the VIP port $SPORT" \
    "$n_ca $VIPS_SORTED" "$(wc -l <"$T_DIR/p1.wire") $(awk '{ print $1 }' \
    "$T_DIR/p1.wire" | sort -u | paste -sd ' ' -)"
for e in ca,192.0.2.17,$VIP4:$SPORT ca,2001:db8:a::17,[$VIP6]:$SPORT \
    cb,203.0.113.137,$VIP4:$SPORT cb,2001:db8:b::17,[$VIP6]:$SPORT; do
	IFS=, read -r ns bind dst <<-EOF
	$e
	EOF
	nsx $ns "$PKTQ" -t 1000 -r 1 -b "$bind" "$dst" whoami \
	    >/dev/null 2>"$T_DIR/pktq.err"
	t_eq "1: pktq from $bind to $dst verifies the source (exit 0)" 0 $?
done

# === 3. The health check withdraws a stopped server ======================
phase "3. health check"

# A client keeps querying, both families in turn, while s2's pktinfod
# stops and the check withdraws s2: no answer may come from anything but
# the VIP (the queries hashed to s2 meanwhile get none).
rm -f "$T_DIR/p3.stop"
nsn=$NS_cb
ip netns exec "$nsn" sh -c '
    i=0
    while [ ! -e "$1/p3.stop" ] && [ $i -lt 200 ]; do
	case $((i % 2)) in 0) vip=$4 b=203.0.113.131 ;; *) vip=$5 b=2001:db8:b::11 ;; esac
	"$2" -t 200 -b "$b" "$vip" "$6" "$3" || echo "none $b"
	i=$((i + 1))
    done' sh "$T_DIR" "$UDPQ" "$REQ" $VIP4 $VIP6 $SPORT >"$T_DIR/p3.window" &
p3q=$!
T_PIDS="$T_PIDS $p3q"
t0=$(t_now_ms)
t_daemon_stop "$SRV_PID_2"
wait_routes "198.51.100.18 198.51.100.2" "2001:db8:1:1::2 2001:db8:1:3::2" 10000
withdraw_ms=$(($(t_now_ms) - t0))
t_log "3: s2's pktinfod stopped; its VIP routes withdrawn after $withdraw_ms ms (bound $WITHDRAW_BOUND_MS ms)"
sed 's/^/	s2 health check: /' "$T_DIR/s2.hc.log"
t_check "3: the health check withdrew s2 (IPv4 and IPv6) within $WITHDRAW_BOUND_MS ms ($withdraw_ms ms)" \
    [ "$withdraw_ms" -le "$WITHDRAW_BOUND_MS" ]
t_eq "3: router: the IPv4 VIP via s1 and s3 only" \
    "198.51.100.18 198.51.100.2" "$(nexthops $VIP4)"
t_eq "3: router: the IPv6 VIP via s1 and s3 only" \
    "2001:db8:1:1::2 2001:db8:1:3::2" "$(nexthops $VIP6)"
t_check "3: s2's BIRD keeps its BGP sessions (routes withdrawn, not the session)" \
    sh -c "[ \$(birdc -s '$T_DIR/s2.ctl' show protocols | grep -c Established) -eq 2 ]"
touch "$T_DIR/p3.stop"
wait $p3q
T_PIDS=$(echo "$T_PIDS" | sed "s/ $p3q\b//")
t_log "3: during the withdrawal: $(answered "$T_DIR/p3.window") answered, $(unanswered "$T_DIR/p3.window") unanswered"
t_check "3: the client kept getting answers during the withdrawal" \
    [ "$(answered "$T_DIR/p3.window")" -gt 0 ]
t_eq "3: during the withdrawal no answer came from anything but the VIP" "" \
    "$(others "$T_DIR/p3.window" $VIP4 $VIP6)"

both p3 3
t_eq "3: s2 withdrawn: 96 queries, all answered, all from the VIP" "96 96" \
    "$(answered "$T_DIR/p3") $(from_vip "$T_DIR/p3" $VIP4 $VIP6)"
fields "$T_DIR/p3"
spread=$(servers "$T_DIR/p3")
t_log "3: answered by: $spread"
set -- $spread
t_check "3: by s1 and s3, never s2 ($spread)" \
    all_true "$# -eq 6" "$2 -gt 0" "$4 -eq 0" "$6 -gt 0"

t0=$(t_now_ms)
t_netns_daemon s2 s2-again -w 1 -l "[::]:$SPORT"
SRV_PID_2=$DAEMON_PID
wait_routes "$S_GW4" "$S_GW6" 10000
return_ms=$(($(t_now_ms) - t0))
t_log "3: s2's pktinfod back; its routes returned after $return_ms ms"
t_check "3: the health check announced s2 again within $WITHDRAW_BOUND_MS ms ($return_ms ms)" \
    [ "$return_ms" -le "$WITHDRAW_BOUND_MS" ]
both p3b 3
t_eq "3: s2 back: 96 queries, all answered, all from the VIP" "96 96" \
    "$(answered "$T_DIR/p3b") $(from_vip "$T_DIR/p3b" $VIP4 $VIP6)"
fields "$T_DIR/p3b"
spread=$(servers "$T_DIR/p3b")
t_log "3: answered by: $spread"
set -- $spread
t_check "3: all three servers answer again ($spread)" \
    all_true "$# -eq 6" "$2 -gt 0" "$4 -gt 0" "$6 -gt 0"

# === 4. Two uplinks: in on ua, out of ub, from the VIP, ipi_ifindex 0 ===
phase "4. two uplinks"

rm -f "$T_DIR/as.ready" "$T_DIR/as.pid"
nsn=$NS_as
ip netns exec "$nsn" strace -f -o "$T_DIR/as.strace" -e trace=sendmsg,sendmmsg \
    "$PKTINFOD" -w 1 -l "[::]:$SPORT" --ready-file "$T_DIR/as.ready" \
    -P "$T_DIR/as.pid" 2>"$T_DIR/as.log" &
as_strace=$!
T_PIDS="$T_PIDS $as_strace"
t_await_ready "$T_DIR/as.ready" "$as_strace" 10 "$T_DIR/as.log" \
    "pktinfod on as (under strace)"
AS_PID=$(cat "$T_DIR/as.pid")
T_PIDS=" $AS_PID$T_PIDS"
UA_INDEX=$(ip -n "$NS_as" -o link show ua | cut -d: -f1)
cap_mark rxa 198.51.100.26 20004
cap_mark rxb 198.51.100.34 20004
AS_QUERIES="ca,192.0.2.10,$AVIP4 ca,2001:db8:a::10,$AVIP6
    cb,203.0.113.130,$AVIP4 cb,2001:db8:b::10,$AVIP6"
for e in $AS_QUERIES; do
	IFS=, read -r ns bind dst <<-EOF
	$e
	EOF
	line=$(nsx $ns "$UDPQ" -t 1000 -b "$bind" "$dst" $SPORT "$REQ")
	t_eq "4: $dst from $bind: answered from $dst port $SPORT (udpq)" \
	    "$dst $SPORT" "$(printf '%s\n' "$line" | awk 'NR == 1 { print $2, $3 }')"
	t_eq "4: $dst from $bind: whoami: came to $dst on ua (ifindex $UA_INDEX)" \
	    "$dst ua $UA_INDEX" "$(t_answer "$line" |
	    jq -r '"\(.server.addr) \(.server.ifname) \(.server.ifindex)"' 2>&1)"
done
cap_wait rxa 20004 4
cap_wait rxb 20004 4
t_eq "4: tshark on the ua link: the 4 queries came in there (to port $SPORT), no answer left there" \
    "4 0" "$(cap_after rxa 20004 | awk -v p=$SPORT '$3 == p { q++ } $2 == p { a++ }
    END { print q + 0, a + 0 }')"
t_eq "4: tshark on the ub link: no query came in there" 0 \
    "$(cap_after rxb 20004 | awk -v p=$SPORT '$3 == p' | wc -l)"
t_eq "4: tshark on the ub link: the 4 answers left there, from the VIP port $SPORT" \
    "4 $(sorted $AVIP4 $AVIP6)" "$(cap_after rxb 20004 | awk -v p=$SPORT '$2 == p' | wc -l) $(
    cap_after rxb 20004 | awk -v p=$SPORT '$2 == p { print $1 }' | sort -u |
    paste -sd ' ' -)"
for e in $AS_QUERIES; do
	IFS=, read -r ns bind dst <<-EOF
	$e
	EOF
	case $dst in *:*) hp="[$dst]:$SPORT" ;; *) hp="$dst:$SPORT" ;; esac
	nsx $ns "$PKTQ" -t 1000 -r 1 -b "$bind" "$hp" whoami >/dev/null \
	    2>"$T_DIR/pktq.err"
	t_eq "4: pktq from $bind to $hp verifies the source (exit 0)" 0 $?
done
t_pid_stop "$AS_PID"
wait "$as_strace"
T_PIDS=$(echo "$T_PIDS" | sed "s/ $as_strace\b//; s/ $AS_PID\b//")
# The answers go out with the VIP as source and no interface, so that
# routing picks ub: ipi_ifindex 0 for IPv4 (strace 6.1 shows in6_pktinfo
# only as a 36-byte IPV6_PKTINFO, not its fields).
for c in 192.0.2.10 203.0.113.130; do
	t_check "4: strace: the answer to $c is sent with IP_PKTINFO ipi_ifindex=0, ipi_spec_dst $AVIP4" \
	    grep -Eq 'sendm?msg\(.*"::ffff:'"$c"'".*cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data=\{ipi_ifindex=0, ipi_spec_dst=inet_addr\("'"$AVIP4"'"\)' \
	    "$T_DIR/as.strace"
done
for c in 2001:db8:a::10 2001:db8:b::10; do
	t_check "4: strace: the answer to $c is sent with IPV6_PKTINFO" \
	    grep -Eq 'sendm?msg\(.*"'"$c"'".*cmsg_len=36, cmsg_level=SOL_IPV6, cmsg_type=(IPV6_PKTINFO|0x32)' \
	    "$T_DIR/as.strace"
done
t_eq "4: strace: no IPv4 answer names an interface" 0 \
    "$(grep -c 'ipi_ifindex=[1-9]' "$T_DIR/as.strace")"

# === 2. The negative control: the same servers with --naive-source =====
phase "2. negative control"

# The health checks stop first, so the routes stay as they are: the
# naive servers stay announced.
for n in 1 2 3; do
	eval "t_daemon_stop \$HC_PID_$n"
	eval "t_daemon_stop \$SRV_PID_$n"
	t_netns_daemon s$n s$n-naive -w 1 -l "[::]:$SPORT" --naive-source
	eval "SRV_PID_$n=\$DAEMON_PID"
done
t_eq "2: the routes are still via all three servers" "$S_GW4 $S_GW6" \
    "$(nexthops $VIP4) $(nexthops $VIP6)"
cap_mark rca 192.0.2.10 20002
both p2 3
t_log "2: naive servers: $(answered "$T_DIR/p2") of 96 answered, $(from_vip "$T_DIR/p2" $VIP4 $VIP6) from the VIP; the others from: $(others "$T_DIR/p2" $VIP4 $VIP6)"
t_eq "2: negative control: no answer comes from the VIP" 0 \
    "$(from_vip "$T_DIR/p2" $VIP4 $VIP6)"
t_eq "2: negative control: every answer comes from a server's uplink address" \
    "$(answered "$T_DIR/p2")" "$(awk -v p=$SPORT '$1 == "from" && $3 == p &&
    $2 ~ /^(198\.51\.100\.(2|10|18)|2001:db8:1:[123]::2)$/ { n++ } END { print n + 0 }' "$T_DIR/p2")"
t_check "2: negative control: the naive servers answered at all (so the sources were seen)" \
    [ "$(answered "$T_DIR/p2")" -ge 48 ]
n_ca=$(answered "$T_DIR/p2.ca")
cap_wait rca 20002 $((2 * n_ca))
t_eq "2: tshark on ca's link: the naive answers leave from the servers' uplinks, none from the VIP" \
    "$n_ca 0" "$(cap_after rca 20002 | awk -v p=$SPORT -v a=$VIP4 -v b=$VIP6 '
    $2 == p && $1 ~ /^(198\.51\.100\.(2|10|18)|2001:db8:1:[123]::2)$/ { u++ }
    $2 == p && ($1 == a || $1 == b) { v++ } END { print u + 0, v + 0 }')"
cap_stop
# What a user sees: pktq reports the mismatch, a connected client gets
# nothing at all (in parallel, 300 ms each).
for dst in "$VIP4:$SPORT" "[$VIP6]:$SPORT"; do
	nsx ca "$PKTQ" -t 300 -r 0 "$dst" whoami >/dev/null 2>"$T_DIR/pktq.err"
	t_eq "2: pktq to $dst against the naive servers: source mismatch (exit 3)" 3 $?
	sed 's/^/	/' "$T_DIR/pktq.err"
done
# (8 connected sockets in each of four udpq, from four addresses).
conn=""
for e in ca,192.0.2.10,$VIP4 ca,2001:db8:a::10,$VIP6 \
    cb,203.0.113.130,$VIP4 cb,2001:db8:b::10,$VIP6; do
	IFS=, read -r ns bind dst <<-EOF
	$e
	EOF
	eval "nsn=\$NS_$ns"
	ip netns exec "$nsn" "$UDPQ" -C -k 8 -t 300 -b "$bind" "$dst" $SPORT \
	    "$REQ" >"$T_DIR/p2.conn.$bind" &
	conn="$conn $!"
done
wait $conn
t_eq "2: negative control: 32 connected clients get no answer at all" 0 \
    "$(cat "$T_DIR"/p2.conn.* | grep -c '^from ')"
# The health check does not let such a server stay announced: it queries
# from 127.0.0.1 and ::1, which the naive server answers from loopback.
nsx s1 sh "$HEALTHCHECK" -1 -t 300 -s "$T_DIR/s1.ctl" -q "$PKTQ" \
    "$VIP4:$SPORT" "[$VIP6]:$SPORT" 2>"$T_DIR/s1.hc1.log"
t_eq "2: pktinfod-healthcheck -1 against the naive s1: unhealthy, withdrawn (exit 1)" 1 $?
sed 's/^/	/' "$T_DIR/s1.hc1.log"
t_check "2: it names the mismatch" grep -q "answered from another address" \
    "$T_DIR/s1.hc1.log"
wait_routes "198.51.100.10 198.51.100.18" "2001:db8:1:2::2 2001:db8:1:3::2" 5000
t_eq "2: router: the naive s1 withdrawn (IPv4, IPv6)" \
    "198.51.100.10 198.51.100.18 2001:db8:1:2::2 2001:db8:1:3::2" \
    "$(nexthops $VIP4) $(nexthops $VIP6)"

for n in 1 2 3; do
	eval "t_daemon_stop \$SRV_PID_$n"
done
T_ELAPSED=$(($(t_now_ms) - T_START))
t_log "the whole test took $T_ELAPSED ms"
t_check "the whole test took under 60 s ($T_ELAPSED ms)" [ "$T_ELAPSED" -lt 60000 ]
t_done
