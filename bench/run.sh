# bench/run.sh: what `make bench` runs — one pass on loopback that puts the
# bare reflector, pktinfod and (when installed) Unbound and dnsmasq under the
# same pktbench load, the server pinned to CPU 0 and pktbench to CPU 1,
# prints one table with each row's ratio to the reflector, then checks the
# targets of ISSUE 5 and prints PASS or MISS for each.  It installs nothing.
# A missed target is reported, not fatal (a noisy machine must not fail
# make); the exit status is 1 only when a server could not be run.
#
# Environment: top_builddir (where pktinfod, pktbench and bench/reflector
# are; make bench sets it), BENCH_SECONDS (measured seconds per row,
# default 4), BENCH_WARMUP (seconds of load before each row, default 1).

set -u

: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
PKTINFOD="$top_builddir/pktinfod"
PKTBENCH="$top_builddir/pktbench"
REFLECTOR="$top_builddir/bench/reflector"
SECONDS_ROW=${BENCH_SECONDS:-4}
WARMUP=${BENCH_WARMUP:-1}
# The load of ISSUE 5: 8 sockets x 32 requests in flight.
LOAD="-c 8 -w 32"
# echo with 256 bytes of data: 43 bytes of other members + 256.
ECHO_SIZE=299

B_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pktinfod-bench.XXXXXX")
B_PIDS=""
B_FAILED=0

b_cleanup() {
	for pid in $B_PIDS; do
		kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	rm -rf "$B_DIR"
}
trap b_cleanup EXIT
trap 'exit 1' INT TERM

b_log() { printf 'bench: %s\n' "$*" >&2; }

for prog in "$PKTINFOD" "$PKTBENCH" "$REFLECTOR"; do
	if [ ! -x "$prog" ]; then
		b_log "$prog is missing: run make bench from the build directory"
		exit 1
	fi
done

# Server on CPU 0, pktbench on CPU 1, when there are two CPUs to pin to.
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
	PIN_SRV="taskset -c 0"
	PIN_SRV2="taskset -c 0,1"
	PIN_GEN="taskset -c 1"
	PINNING="server on CPU 0, pktbench on CPU 1"
else
	PIN_SRV="" PIN_SRV2="" PIN_GEN=""
	PINNING="NOT pinned (needs taskset and 2 CPUs): numbers are unreliable"
fi

# A program in PATH or in the sbin directories a user's PATH may lack.
b_find() {
	for d in $(printf '%s' "${PATH:-}" | tr ':' ' ') /usr/sbin /usr/local/sbin /sbin; do
		if [ -x "$d/$1" ]; then
			echo "$d/$1"
			return 0
		fi
	done
	return 1
}

b_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# Clock ticks of user + system time of a process, all threads.
b_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

b_now() { date +%s.%N; }

# b_wait_ready NAME PID FILE: wait (bounded) for a ready file; sets PORT.
b_wait_ready() {
	i=0
	while [ ! -s "$3" ]; do
		if ! kill -0 "$2" 2>/dev/null || [ $i -ge 1000 ]; then
			b_log "$1 did not become ready:"
			cat "$B_DIR/$1.log" >&2
			return 1
		fi
		sleep 0.01
		i=$((i + 1))
	done
	PORT=$(cat "$3")
}

# b_start NAME PIN CMD...: start a server that writes "$B_DIR/NAME.ready";
# sets SRV_PID and PORT.
b_start() {
	name=$1 pin=$2
	shift 2
	rm -f "$B_DIR/$name.ready"
	$pin "$@" 2>"$B_DIR/$name.log" &
	SRV_PID=$!
	B_PIDS="$B_PIDS $SRV_PID"
	b_wait_ready "$name" "$SRV_PID" "$B_DIR/$name.ready"
}

b_stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	B_PIDS=$(echo "$B_PIDS" | sed "s/ $1\b//")
}

# A port nobody listens on: the one the kernel gives the reflector.
b_free_port() {
	b_start port "" "$REFLECTOR" -p 0 -r "$B_DIR/port.ready" || return 1
	b_stop "$SRV_PID"
	echo "$PORT"
}

# b_field FILE NAME: a number from pktbench's --json line.
b_field() {
	sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1"
}

# All CPUs' busy ticks (user, nice, system, irq, softirq, steal).
b_busy_ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# b_row ROW LABEL PID PORT PKTBENCH-ARGS...: one pktbench run against the
# server PID; records rps, latency, loss, CPU and RSS of the row in
# "$B_DIR/ROW.*" and adds ROW to the table.
b_row() {
	row=$1 label=$2 pid=$3 port=$4
	shift 4
	b_log "$label"
	rss0=$(b_rss "$pid")
	c0=$(b_cpu_ticks "$pid") a0=$(b_busy_ticks) t0=$(b_now)
	$PIN_GEN "$PKTBENCH" --json "$@" "127.0.0.1:$port" \
	    >"$B_DIR/$row.json" 2>"$B_DIR/$row.err"
	status=$?
	c1=$(b_cpu_ticks "$pid") a1=$(b_busy_ticks) t1=$(b_now)
	rss1=$(b_rss "$pid")
	if [ $status -ne 0 ] || [ ! -s "$B_DIR/$row.json" ]; then
		b_log "$label: pktbench exit $status"
		cat "$B_DIR/$row.err" >&2
		[ -s "$B_DIR/$row.json" ] || B_FAILED=1
	fi
	# Over the whole run, warm-up included: the server's CPU, and what
	# neither it nor pktbench used (other processes, kernel threads), in
	# percent of one core.
	set -- $(awk -v c0="$c0" -v c1="$c1" -v a0="$a0" -v a1="$a1" \
	    -v s="$t0" -v e="$t1" -v hz="$(getconf CLK_TCK)" \
	    -v gen="$(b_field "$B_DIR/$row.json" cpu_pct)" 'BEGIN {
		w = (e > s ? (e - s) * hz : 1)
		srv = 100 * (c1 - c0) / w
		other = 100 * (a1 - a0) / w - srv - gen
		printf "%.0f %.0f\n", srv, (other > 0 ? other : 0)
	}')
	printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$1" "$rss0" "$rss1" "$2" \
	    >"$B_DIR/$row.meta"
	ROWS="${ROWS:-} $row"
}

b_rps() { b_field "$B_DIR/$1.json" rps; }

# The pktbench load of a measured row.
ROWLOAD="--warmup $WARMUP -d $SECONDS_ROW"
# Latency rows: one request at a time.  Before each, a second of full
# load, so that neither CPU is idle-cold when it starts (a virtual CPU
# woken from idle adds tens of microseconds to every answer).
LATLOAD="-c 1 -w 1 --warmup 0.5 -d 3"
b_heat() { $PIN_GEN "$PKTBENCH" $LOAD -d 1 "127.0.0.1:$1" >/dev/null 2>&1; }

# --- the rows -------------------------------------------------------------

b_log "$PINNING; $LOAD, $WARMUP s warm-up + $SECONDS_ROW s per row"
# Anything else busy now will disturb the rows: say so up front.
a0=$(b_busy_ticks) t0=$(b_now)
sleep 1
IDLE_BUSY=$(awk -v a0="$a0" -v a1="$(b_busy_ticks)" -v s="$t0" -v e="$(b_now)" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", 100 * (a1 - a0) / hz / (e - s) }')
if [ "$IDLE_BUSY" -gt 10 ]; then
	b_log "WARNING: before any load the machine is already ${IDLE_BUSY}% busy (of one core): expect noisy rows"
fi

# The reflector and one pktinfod -w 1 run side by side (only one is loaded
# at a time), so their rows can alternate: a slow moment of the machine
# then shows in both.  The reflector's receive buffer holds the whole load
# (256 requests), so its limit is the CPU, never a drop.
REFL_ARGS="-b 4194304"
b_start reflector "$PIN_SRV" "$REFLECTOR" $REFL_ARGS -p 0 \
    -r "$B_DIR/reflector.ready" || exit 1
REFL_PID=$SRV_PID REFL_PORT=$PORT
if b_start w1 "$PIN_SRV" "$PKTINFOD" -p 0 -w 1 --log-level warn \
    --ready-file "$B_DIR/w1.ready"; then
	W1_PID=$SRV_PID W1_PORT=$PORT
else
	B_FAILED=1 W1_PID="" W1_PORT=""
fi
if b_start naive "$PIN_SRV" "$PKTINFOD" -p 0 -w 1 --naive-source \
    --log-level error --ready-file "$B_DIR/naive.ready"; then
	NAIVE_PID=$SRV_PID NAIVE_PORT=$PORT
else
	B_FAILED=1 NAIVE_PID="" NAIVE_PORT=""
fi
# The policy an operator would run on a public address: 1000 allow
# prefixes (the load's 127.0.0.0/8 among them) with 100 denies cut out of
# them, and a rate limit far above the load, so that every datagram pays
# for the ACL lookup and the bucket but none is dropped.
awk 'BEGIN {
	printf "{ \"allow\": [\"127.0.0.0/8\", \"::1/128\""
	for (i = 0; i < 998; i++) printf ", \"2001:db8:%x::/48\"", i
	printf "],\n  \"deny\": [\"2001:db8::/64\""
	for (i = 1; i < 100; i++) printf ", \"2001:db8:%x:1::/64\"", i * 7
	printf "],\n  \"rate_limit\": { \"qps\": 100000000, \"prefix_v4\": 32 } }\n"
}' >"$B_DIR/acl.conf"
if b_start acl "$PIN_SRV" "$PKTINFOD" -c "$B_DIR/acl.conf" -p 0 -w 1 \
    --log-level warn --ready-file "$B_DIR/acl.ready"; then
	ACL_PID=$SRV_PID ACL_PORT=$PORT
else
	B_FAILED=1 ACL_PID="" ACL_PORT=""
fi

# Every pktinfod row is bracketed by reflector rows and its ratio taken
# over the better of the two: the machine's speed drifts by 20 % and more
# within a run (other guests of the host), and a ratio against a reflector
# run a minute away measures that drift, not pktinfod.
b_row refl "reflector (bare limit)" $REFL_PID $REFL_PORT $LOAD $ROWLOAD
if [ -n "$W1_PID" ]; then
	# The first row is the 10 s of full load the RSS target speaks of.
	b_row ping "pktinfod -w 1 ping" $W1_PID $W1_PORT $LOAD --warmup 1 -d 9
	b_row refl_b "reflector" $REFL_PID $REFL_PORT $LOAD $ROWLOAD
	b_row echo "pktinfod -w 1 echo 256 B" $W1_PID $W1_PORT $LOAD -s $ECHO_SIZE $ROWLOAD
	b_row refl_c "reflector" $REFL_PID $REFL_PORT $LOAD $ROWLOAD
	b_row whoami "pktinfod -w 1 whoami" $W1_PID $W1_PORT $LOAD --op whoami $ROWLOAD
	b_row refl_d "reflector" $REFL_PID $REFL_PORT $LOAD $ROWLOAD
	b_row ping2 "pktinfod -w 1 ping, again" $W1_PID $W1_PORT $LOAD $ROWLOAD
	b_row echo2 "pktinfod -w 1 echo 256 B, again" $W1_PID $W1_PORT $LOAD -s $ECHO_SIZE $ROWLOAD
	b_row whoami2 "pktinfod -w 1 whoami, again" $W1_PID $W1_PORT $LOAD --op whoami $ROWLOAD
	b_row refl_e "reflector" $REFL_PID $REFL_PORT $LOAD $ROWLOAD
fi
# --naive-source and the normal mode in turn, three pairs, so that both see
# the same machine; the target takes the median of the three pairs' ratios
# (one pair can straddle a jump of the machine's speed).
if [ -n "$NAIVE_PID" ] && [ -n "$W1_PID" ]; then
	for i in 1 2 3; do
		b_row naive$i "pktinfod -w 1 --naive-source" $NAIVE_PID $NAIVE_PORT $LOAD $ROWLOAD
		b_row ping_n$i "pktinfod -w 1 ping (by naive)" $W1_PID $W1_PORT $LOAD $ROWLOAD
	done
fi
[ -n "$NAIVE_PID" ] && b_stop $NAIVE_PID
# Likewise the 1000-entry ACL and the rate limit against the plain ping.
if [ -n "$ACL_PID" ] && [ -n "$W1_PID" ]; then
	for i in 1 2 3; do
		b_row acl$i "ping, 1000-entry ACL + rate limit" $ACL_PID $ACL_PORT $LOAD $ROWLOAD
		b_row ping_a$i "pktinfod -w 1 ping (by ACL)" $W1_PID $W1_PORT $LOAD $ROWLOAD
	done
fi
[ -n "$ACL_PID" ] && b_stop $ACL_PID
b_row refl_f "reflector" $REFL_PID $REFL_PORT $LOAD $ROWLOAD
b_heat $REFL_PORT
b_row refl_lat "reflector, 1 x 1" $REFL_PID $REFL_PORT $LATLOAD
if [ -n "$W1_PID" ]; then
	b_heat $W1_PORT
	b_row ping_lat "pktinfod -w 1 ping, 1 x 1" $W1_PID $W1_PORT $LATLOAD
	b_stop $W1_PID
fi
# Not in the table: is pktbench the limit?  (See the check at the end.)
b_row chk_t2 "reflector, pktbench -t 2" $REFL_PID $REFL_PORT $LOAD -t 2 $ROWLOAD
b_row chk_nogso "reflector, pktbench --no-gso" $REFL_PID $REFL_PORT $LOAD --no-gso $ROWLOAD
b_row refl_g "reflector" $REFL_PID $REFL_PORT $LOAD $ROWLOAD

if b_start w2 "$PIN_SRV2" "$PKTINFOD" -p 0 -w 2 --log-level warn \
    --ready-file "$B_DIR/w2.ready"; then
	b_row w2 "pktinfod -w 2 ping (*)" $SRV_PID $PORT $LOAD $ROWLOAD
	b_stop $SRV_PID
else
	B_FAILED=1
fi


# A standard query for bench.example A with RD set (RFC 1035 4.1): header
# ID 0 (pktbench rewrites it), flags 0x0100, QDCOUNT 1; QNAME, QTYPE A,
# QCLASS IN.
printf '\000\000\001\000\000\001\000\000\000\000\000\000\005bench\007example\000\000\001\000\001' \
    >"$B_DIR/query.bin"

# b_dns_ready NAME PID PORT: poll with one-query pktbench runs (bounded)
# until the server gives a good answer for bench.example.
b_dns_ready() {
	i=0
	until "$PKTBENCH" -c 1 -w 1 -d 0.2 --timeout 100 --dns \
	    --payload-file "$B_DIR/query.bin" "127.0.0.1:$3" \
	    >"$B_DIR/$1.probe" 2>&1; do
		if ! kill -0 "$2" 2>/dev/null || [ $i -ge 50 ]; then
			b_log "$1 does not answer bench.example A:"
			cat "$B_DIR/$1.probe" "$B_DIR/$1.log" >&2
			return 1
		fi
		i=$((i + 1))
	done
}

DNSLOAD="--dns --payload-file $B_DIR/query.bin"
UNBOUND_NOTE="" DNSMASQ_NOTE=""

if UNBOUND=$(b_find unbound); then
	port=$(b_free_port)
	cat >"$B_DIR/unbound.conf" <<EOF
server:
	interface: 127.0.0.1
	port: $port
	num-threads: 1
	do-daemonize: no
	chroot: ""
	username: ""
	directory: "$B_DIR"
	pidfile: "$B_DIR/unbound.pid"
	logfile: "$B_DIR/unbound.log"
	use-syslog: no
	verbosity: 0
	do-ip6: no
	do-tcp: no
	access-control: 127.0.0.0/8 allow
	local-zone: "bench.example." static
	local-data: "bench.example. A 192.0.2.1"
remote-control:
	control-enable: no
EOF
	UNBOUND_VER=$("$UNBOUND" -V 2>/dev/null | awk '/^Version/ { print $2 }')
	$PIN_SRV "$UNBOUND" -d -c "$B_DIR/unbound.conf" 2>"$B_DIR/unbound.log" &
	SRV_PID=$!
	B_PIDS="$B_PIDS $SRV_PID"
	if b_dns_ready unbound $SRV_PID "$port"; then
		b_row unbound "unbound $UNBOUND_VER, 1 thread, DNS A" $SRV_PID "$port" $LOAD $DNSLOAD $ROWLOAD
	else
		B_FAILED=1
	fi
	b_stop $SRV_PID
else
	UNBOUND_NOTE="unbound: SKIP, not installed (Debian: apt-get install unbound)"
	b_log "$UNBOUND_NOTE"
fi

if DNSMASQ=$(b_find dnsmasq); then
	port=$(b_free_port)
	DNSMASQ_VER=$("$DNSMASQ" -v 2>/dev/null | awk 'NR == 1 { print $3 }')
	$PIN_SRV "$DNSMASQ" -k --conf-file=/dev/null --port="$port" \
	    --listen-address=127.0.0.1 --bind-interfaces --no-resolv \
	    --no-hosts --address=/bench.example/192.0.2.1 \
	    --pid-file="$B_DIR/dnsmasq.pid" --user=root \
	    2>"$B_DIR/dnsmasq.log" &
	SRV_PID=$!
	B_PIDS="$B_PIDS $SRV_PID"
	if b_dns_ready dnsmasq $SRV_PID "$port"; then
		b_row dnsmasq "dnsmasq $DNSMASQ_VER, DNS A" $SRV_PID "$port" $LOAD $DNSLOAD $ROWLOAD
	else
		B_FAILED=1
	fi
	b_stop $SRV_PID
else
	DNSMASQ_NOTE="dnsmasq: SKIP, not installed (Debian: apt-get install dnsmasq-base)"
	b_log "$DNSMASQ_NOTE"
fi

b_row refl_h "reflector, at the end" $REFL_PID $REFL_PORT $LOAD $ROWLOAD
b_stop $REFL_PID

# --- the table --------------------------------------------------------------

# b_base ROW: the reflector's req/s for ROW, the better of the reflector
# rows just before and just after it (1 x 1 rows: the reflector's 1 x 1
# row; a reflector row: itself).
b_base() {
	case $1 in
	*_lat) b_rps refl_lat; return ;;
	refl*) b_rps "$1"; return ;;
	esac
	printf '%s\n' $ROWS | awk -v row="$1" '
		/^refl/ && !/_lat$/ { if (!seen) before = $0; else if (after == "") after = $0 }
		$0 == row { seen = 1 }
		END { print before; print after }' | while read -r r; do
		[ -n "$r" ] && b_rps "$r"
	done | awk '$1 > m { m = $1 } END { if (m > 0) print m }'
}
# b_rel ROW: ROW's req/s over its base ("" without a row), with more
# decimals than anything prints, so that a verdict rounds the same way as
# the row in the table.
b_rel() {
	[ -s "$B_DIR/$1.json" ] || return 0
	awk -v a="$(b_rps "$1")" -v b="$(b_base "$1")" \
	    'BEGIN { if (a != "" && b > 0) printf "%.6f", a / b }'
}
# b_best ROW...: the best relative rate of the rows.
b_best() {
	for r in "$@"; do b_rel "$r"; echo; done |
	    awk '$1 > m { m = $1 } END { if (m > 0) printf "%.3f", m }'
}
# b_median ROW...: the median relative rate of the rows that ran.
b_median() {
	for r in "$@"; do b_rel "$r"; echo; done | awk 'NF' | sort -n |
	    awk '{ v[NR] = $1 } END { if (NR > 0) printf "%.3f",
		(NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# ping has five rows (two of its own, three beside --naive-source): their
# median, so that one row caught in a spike of the host (one came out at
# 0.98x beside others at 0.82x) cannot decide the verdict.
PING=$(b_median ping ping2 ping_n1 ping_n2 ping_n3)
ECHO=$(b_best echo echo2)
WHOAMI=$(b_best whoami whoami2)

echo
echo "make bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
    "Linux $(uname -r)"
echo "loopback 127.0.0.1, $PINNING; pktbench $LOAD unless noted;"
echo "before the run the machine was ${IDLE_BUSY}% busy (of one core)"
echo
printf '| %-32s | %7s | %6s | %7s | %7s | %5s | %4s | %4s | %5s | %-13s |\n' \
    row 'req/s' 'x refl' 'p50 us' 'p99 us' lost srv gen other 'RSS KiB'
printf '| %-32s | %7s | %6s | %7s | %7s | %5s | %4s | %4s | %5s | %-13s |\n' \
    "$(printf '%32s' '' | tr ' ' -)" ------- ------ ------- ------- \
    ----- ---- ---- ----- -------------
for row in $ROWS; do
	case $row in chk_*) continue ;; esac
	IFS='	' read -r label srvcpu rss0 rss1 other <"$B_DIR/$row.meta"
	f="$B_DIR/$row.json"
	base=$(b_base "$row")
	awk -v label="$label" -v rps="$(b_field "$f" rps)" -v base="$base" \
	    -v p50="$(b_field "$f" p50_us)" -v p99="$(b_field "$f" p99_us)" \
	    -v lost="$(b_field "$f" lost)" -v srv="$srvcpu" \
	    -v gen="$(b_field "$f" cpu_pct)" -v r0="$rss0" -v r1="$rss1" \
	    -v other="$other" 'BEGIN {
		printf "| %-32s | %7.0f | %6.2f | %7.1f | %7.1f | %5d | %3d%% | %3.0f%% | %4d%% | %-13s |\n",
		    label, rps, (base > 0 ? rps / base : 0), p50, p99, lost,
		    srv, gen, other, r0 " -> " r1
	}'
done
echo
echo "x refl: requests/s over the better of the reflector rows just before and"
echo "after (1 x 1 rows: over the reflector's 1 x 1 row; a reflector row: over"
echo "itself).  CPU in percent of one core: srv the server's,"
echo "gen pktbench's, other anything else's (another busy process makes the"
echo "row unreliable).  RSS: the server's VmRSS before -> after the row."
echo "(*) -w 2 gets CPUs 0 and 1, so its workers share CPU 1 with pktbench."
[ -n "$UNBOUND_NOTE" ] && echo "$UNBOUND_NOTE"
[ -n "$DNSMASQ_NOTE" ] && echo "$DNSMASQ_NOTE"
# The reflector's rows measure the host as much as anything: when they
# spread by more than 15 %, the host changed speed during the run, and a
# ratio whose rows straddle the change says little.
for r in $ROWS; do
	case $r in refl*_lat) ;; refl*) b_rps "$r"; echo ;; esac
done | awk 'NF { if (min == "" || $1 < min) min = $1; if ($1 > max) max = $1 }
	END { if (min > 0 && max / min > 1.15)
		printf "WARNING: the reflector moved between %.0f and %.0f req/s (%.2fx) within the run: the host changed speed, so re-run before trusting a verdict\n", min, max, max / min }'

# --- the targets ----------------------------------------------------------

# b_target NAME VALUE OP LIMIT TEXT: PASS when VALUE OP LIMIT holds.
b_target() {
	if [ -z "$2" ] || [ -z "$4" ]; then
		printf 'SKIP  %s: no measurement\n' "$1"
		return
	fi
	if awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN {
		exit !((op == ">=" && v >= l) || (op == "<=" && v <= l)) }'; then
		verdict=PASS
	else
		verdict=MISS
	fi
	printf '%-5s %s: %s\n' "$verdict" "$1" "$5"
}

b_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.3f", a / b }'; }

echo
echo "targets (ISSUE 5):"
b_target "ping >= 0.85x reflector" "$PING" ">=" 0.85 "${PING}x (the median of 5 runs, each over its reflector bracket)"
b_target "echo 256 B >= 0.75x reflector" "$ECHO" ">=" 0.75 "${ECHO}x (the better of 2 runs)"
b_target "whoami >= 0.75x reflector" "$WHOAMI" ">=" 0.75 "${WHOAMI}x (the better of 2 runs)"
if [ -s "$B_DIR/unbound.json" ]; then
	u=$(b_rel unbound)
	r=$(b_ratio "$PING" "$u")
	b_target "pktinfod -w 1 >= 1.25x Unbound" "$r" ">=" 1.25 \
	    "${r}x (${PING}x / $(printf '%.3f' "$u")x the reflector)"
else
	echo "SKIP  pktinfod -w 1 >= 1.25x Unbound: no Unbound row"
fi
if [ -s "$B_DIR/naive3.json" ] && [ -s "$B_DIR/ping_n3.json" ]; then
	pairs=$(for i in 1 2 3; do
		b_ratio "$(b_rps naive$i)" "$(b_rps ping_n$i)"; echo
	done | sort -n | tr '\n' ' ')
	r=$(echo "$pairs" | awk '{ print $2 }')
	b_target "--naive-source <= 1.05x normal" "$r" "<=" 1.05 \
	    "${r}x (the median of 3 alternating pairs: $pairs)"
else
	echo "SKIP  --naive-source <= 1.05x normal: no rows"
fi
if [ -s "$B_DIR/acl3.json" ] && [ -s "$B_DIR/ping_a3.json" ]; then
	pairs=$(for i in 1 2 3; do
		b_ratio "$(b_rps acl$i)" "$(b_rps ping_a$i)"; echo
	done | sort -n | tr '\n' ' ')
	r=$(echo "$pairs" | awk '{ print $2 }')
	b_target "1000-entry ACL + rate limit >= 0.95x plain ping (ISSUE 11)" \
	    "$r" ">=" 0.95 "${r}x (the median of 3 alternating pairs: $pairs)"
else
	echo "SKIP  1000-entry ACL + rate limit >= 0.95x plain ping: no rows"
fi
if [ -s "$B_DIR/ping.meta" ]; then
	IFS='	' read -r _ _ rss0 rss1 _ <"$B_DIR/ping.meta"
	IFS='	' read -r _ _ _ rss_op _ <"$B_DIR/whoami.meta"
	IFS='	' read -r _ _ _ rss_end _ <"$B_DIR/ping_lat.meta"
	d=$((rss1 - rss0))
	b_target "RSS after 10 s of load within 1 MiB" "$d" "<=" 1024 \
	    "$rss0 -> $rss1 KiB (+$d)"
	# Once every op has run, repeating a load must not add a page.
	d=$((rss_end - rss_op))
	b_target "no RSS growth across runs" "$d" "<=" 0 \
	    "$rss_op KiB after the first ping, echo and whoami runs, $rss_end after three more rows and a 1 x 1 run"
else
	echo "SKIP  RSS: no pktinfod -w 1 row"
fi
d=$(awk -v a="$(b_field "$B_DIR/ping_lat.json" p50_us)" \
    -v b="$(b_field "$B_DIR/refl_lat.json" p50_us)" \
    'BEGIN { if (a != "" && b != "") printf "%.1f", a - b }')
b_target "1 x 1 p50 within 10 us of the reflector" "$d" "<=" 10 "+$d us"

# pktbench is not the limit when, on cores of its own, it spends less CPU
# per answer than the reflector: the reflector saturates first.  A second
# thread on the same core must not raise the rate either (if it did, the
# one-thread loop would be waiting, not working).
echo
echo "load generator check (pktbench against the reflector, $LOAD):"
b_check() {
	awk -v label="$2" -v rps="$(b_rps "$1")" \
	    -v gen="$(b_field "$B_DIR/$1.json" cpu_pct)" \
	    -v srv="$(cut -f2 "$B_DIR/$1.meta")" -v base="$(b_base "$1")" \
	    'BEGIN {
		if (rps <= 0) exit
		printf "  %-24s %8.0f req/s (%.2fx)  CPU per answer: pktbench %.2f us (%.0f%%), reflector %.2f us (%.0f%%)\n",
		    label, rps, (base > 0 ? rps / base : 0),
		    gen / 100 / rps * 1e6, gen, srv / 100 / rps * 1e6, srv
	}'
}
b_check refl "pktbench -t 1"
b_check chk_t2 "pktbench -t 2 (1 core)"
b_check chk_nogso "pktbench --no-gso"
r=$(awk -v g="$(b_field "$B_DIR/refl.json" cpu_pct)" -v s="$(cut -f2 "$B_DIR/refl.meta")" \
    'BEGIN { if (s > 0) printf "%.2f", g / s }')
b_target "pktbench CPU per answer below the reflector's" "$r" "<=" 0.99 \
    "${r}x the reflector's"

[ $B_FAILED -eq 0 ] || b_log "some server could not be benchmarked (see above)"
exit $B_FAILED
