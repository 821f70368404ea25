# bench/run.sh: what `make bench` runs — one pass on loopback that puts the
# bare reflector, pktinfod and (when installed) Unbound, Knot DNS, NSD and
# dnsmasq under the same pktbench load, the server pinned to CPU 0 and
# pktbench to CPU 1, prints one table with each row's ratio to the
# reflector and one of the worst-case request shapes' CPU per answer
# against a ping's, then checks the targets of ISSUE 13 (and those of
# ISSUE 5 and 11 it kept) and prints PASS, MISS or SKIP for each.  It
# installs nothing.  A missed target is reported, not fatal (a noisy
# machine must not fail make); the exit status is 1 only when a server
# could not be run.
#
# Environment: top_builddir (where pktinfod/pktinfod, pktbench/pktbench,
# bench/reflector and tests/tools/udpq are; make bench sets it),
# BENCH_SECONDS (measured seconds per row, default 4), BENCH_WARMUP
# (seconds of load before each row, default 1), BENCH_SHAPE_SECONDS
# (measured seconds per worst-case shape row, default 2, after 0.5 s of
# warm-up).

set -u

: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
PKTINFOD="$top_builddir/pktinfod/pktinfod"
PKTBENCH="$top_builddir/pktbench/pktbench"
REFLECTOR="$top_builddir/bench/reflector"
# Only to check what the worst-case shapes are answered (make bench builds it).
UDPQ="$top_builddir/tests/tools/udpq"
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

# b_tree_stat PID WHAT: the sum over PID and all its descendants (NSD
# answers from a child of a child of the process started) of WHAT: cpu,
# the clock ticks of user + system time (all threads), user, those of
# user time alone, or rss, the resident KiB (/proc/PID/stat; shared pages
# count once per process).
b_tree_stat() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" -v what="$2" \
	    -v kib="$(($(getconf PAGESIZE) / 1024))" '
	{
		pid = $1
		sub(/^.*\) /, "")	# past the command, which may hold spaces
		parent[pid] = $2
		v[pid] = what == "cpu" ? $12 + $13 : what == "user" ? $12 : $22 * kib
	}
	END {
		for (p in parent) {
			for (q = p; q != "" && q != root && q > 1; q = parent[q]) ;
			if (q == root) sum += v[p]
		}
		print sum + 0
	}'
}
b_rss() { b_tree_stat "$1" rss; }
b_cpu_ticks() { b_tree_stat "$1" cpu; }

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
	    >"$B_DIR/$row.json" 2>"$B_DIR/$row.err" &
	gen=$!
	# With B_CPU_AFTER (seconds, just past pktbench's warm-up), the
	# server's CPU is also sampled from then on, for its CPU per answer
	# over the measured seconds alone.
	if [ -n "${B_CPU_AFTER:-}" ]; then
		sleep "$B_CPU_AFTER"
		m0=$(b_cpu_ticks "$pid") mu0=$(b_tree_stat "$pid" user) u0=$(b_now)
	fi
	wait $gen
	status=$?
	c1=$(b_cpu_ticks "$pid") a1=$(b_busy_ticks) t1=$(b_now)
	rss1=$(b_rss "$pid")
	if [ -n "${B_CPU_AFTER:-}" ]; then
		# The server's share of a core from u0 to t1 (pktbench's measured
		# window, give or take the few milliseconds of its exit), over the
		# answers per second of that window: "CPU USER" us per answer.
		awk -v m0="$m0" -v m1="$c1" -v mu0="$mu0" \
		    -v mu1="$(b_tree_stat "$pid" user)" -v s="$u0" -v e="$t1" \
		    -v hz="$(getconf CLK_TCK)" \
		    -v n="$(b_field "$B_DIR/$row.json" received)" \
		    -v d="$(b_field "$B_DIR/$row.json" duration_s)" 'BEGIN {
			if (e > s && n > 0 && d > 0)
				printf "%.3f %.3f\n",
				    (m1 - m0) / hz / (e - s) / (n / d) * 1e6,
				    (mu1 - mu0) / hz / (e - s) / (n / d) * 1e6
		}' >"$B_DIR/$row.cpu"
	fi
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

# --- worst-case request shapes ----------------------------------------------

# ISSUE 13: no datagram up to max_datagram (4096 bytes by default) may cost
# more than 4x a ping's CPU.  b_shape_gen DIR MAX writes, for each shape
# below, DIR/shape_NAME.bin: at most MAX bytes, beginning with
# {"id":"000000000000" as pktbench's own requests do.  pktbench sends a
# file verbatim (--payload-file) and matches answers in order, so error
# answers count like any other; what each shape is answered is checked
# once with tests/tools/udpq before it is loaded.  The nesting limit is
# cJSON's CJSON_NESTING_LIMIT (1000, the strict scan's too, lib/jscan.c), the
# request object included: data nests 999 deep at most.
SHAPE_MAX=4096
SHAPE_DEPTH=999
b_shape_gen() {
	awk -v dir="$1" -v max="$2" -v depth="$3" '
	function put(name, text,   f) {
		f = dir "/shape_" name ".bin"
		printf "%s", text >f
		close(f)
	}
	function rep(u, n,   s, i) {
		s = ""
		for (i = 0; i < n; i++) s = s u
		return s
	}
	# prefix, then unit as many times as fits beside suffix in max bytes
	function fill(prefix, unit, suffix,   room) {
		room = max - length(prefix) - length(suffix)
		return prefix rep(unit, int(room / length(unit))) suffix
	}
	# prefix, then ,"NAME<m>":0 for m = 0, 1, ... as long as they fit
	# beside suffix
	function members(prefix, name, suffix,   s, m) {
		s = prefix
		for (m = 0; length(s ",\"" name m "\":0" suffix) <= max; m++)
			s = s ",\"" name m "\":0"
		return s suffix
	}
	BEGIN {
		id = "{\"id\":\"000000000000\","
		echo = id "\"op\":\"echo\",\"data\":"
		ping = id "\"op\":\"ping\""
		# é € U+1F600 in UTF-8 (mawk counts bytes)
		utf8 = "\303\251\342\202\254\360\237\230\200"
		put("zeros", fill(echo "[0", ",0", "]}"))
		put("floats", fill(echo "[0", ",-1.25e-300", "]}"))
		put("nest", echo rep("[", depth) rep("]", depth) "}")
		d = int((max - length(echo) - 3) / 5)
		d = d < depth ? d : depth
		put("objnest", echo rep("{\"\":", d) "{}" rep("}", d) "}")
		put("objs", fill(echo "[{}", ",{}", "]}"))
		put("escapes", fill(ping ",\"pad\":\"", "\\u00e9\\n\\\"", "\"}"))
		put("utf8", fill(ping ",\"pad\":\"", utf8, "\"}"))
		put("members", members(ping, "a", "}"))
		put("escnames", members(ping, "\\u0061", "}"))
		put("dup_end", members(ping, "a", ",\"a0\":0}"))
		put("badjson_end", fill(echo "[0", ",0", ",]}"))
		put("badutf8_end", fill(ping ",\"pad\":\"", utf8, "\377\"}"))
		put("toodeep", echo rep("[", depth + 1) rep("]", depth + 1) "}")
	}'
}
# The shapes in the order they run; what each is and the answer it must
# get (ok, or the error code).
SHAPES="zeros floats nest objnest objs escapes utf8 members escnames dup_end badjson_end badutf8_end toodeep"
b_shape_what() {
	case $1 in
	zeros) printf '%s\n' "echo, data [0,0,...]:ok" ;;
	floats) printf '%s\n' "echo, data [-1.25e-300,...]:ok" ;;
	nest) printf '%s\n' "echo, data [[[...]]] $SHAPE_DEPTH deep:ok" ;;
	objnest) printf '%s\n' 'echo, data {"":{"":...}}:ok' ;;
	objs) printf '%s\n' "echo, data [{},{},...]:ok" ;;
	escapes) printf '%s\n' 'ping, pad of \u00e9\n\":ok' ;;
	utf8) printf '%s\n' "ping, pad of 2-4 byte UTF-8:ok" ;;
	members) printf '%s\n' 'ping, "a0":0,"a1":0,...:ok' ;;
	escnames) printf '%s\n' 'ping, "\u00610":0,...:ok' ;;
	dup_end) printf '%s\n' "members, duplicate at the end:bad_request" ;;
	badjson_end) printf '%s\n' "zeros, invalid JSON at the end:bad_json" ;;
	badutf8_end) printf '%s\n' "utf8, invalid UTF-8 at the end:bad_json" ;;
	toodeep) printf '%s\n' "nest, $((SHAPE_DEPTH + 1)) deep (too deep):bad_json" ;;
	esac
}
# b_shape_answer PORT FILE: "BYTES KIND" of the answer to FILE (KIND ok or
# the error code), "- none" without one, "? ?" without tests/tools/udpq.
b_shape_answer() {
	[ -x "$UDPQ" ] || { echo "? ?"; return; }
	"$UDPQ" -t 1000 -f "$2" 127.0.0.1 "$1" 2>/dev/null | awk -F '\t' '
		NR == 1 {
			split($1, f, " ")
			k = $2 ~ /"ok":true/ ? "ok" : $2
			if (k != "ok") sub(/.*"error":"/, "", k)
			if (k != "ok") sub(/".*/, "", k)
			print f[4], k
			got = 1
		}
		END { if (!got) print "- none" }'
}

SHAPE_SECONDS=${BENCH_SHAPE_SECONDS:-2}
SHAPE_LOAD="--warmup 0.5 -d $SHAPE_SECONDS"
SHAPE_ROWS=""
SHAPE_WORST=""
b_shape_gen "$B_DIR" $SHAPE_MAX $SHAPE_DEPTH
b_row refl_s "reflector" $REFL_PID $REFL_PORT $LOAD $ROWLOAD
if b_start shapes "$PIN_SRV" "$PKTINFOD" -p 0 -w 1 --log-level warn \
    --ready-file "$B_DIR/shapes.ready"; then
	SHP_PID=$SRV_PID SHP_PORT=$PORT
	for s in $SHAPES; do
		b_shape_answer $SHP_PORT "$B_DIR/shape_$s.bin" >"$B_DIR/shp_$s.ans"
	done
	# A ping row before the shapes and after every three, each shape's
	# CPU taken over the cheaper ping beside it.  These rows are not in
	# the table above (but for the worst one): their own table follows it.
	MAIN_ROWS=$ROWS ROWS=""
	B_CPU_AFTER=0.6		# SHAPE_LOAD's warm-up and 0.1 s
	b_row shp_ping0 "ping, 48 B" $SHP_PID $SHP_PORT $LOAD $SHAPE_LOAD
	n=0
	for s in $SHAPES; do
		b_row shp_$s "shape $s" $SHP_PID $SHP_PORT $LOAD \
		    --payload-file "$B_DIR/shape_$s.bin" $SHAPE_LOAD
		n=$((n + 1))
		if [ $((n % 3)) -eq 0 ]; then
			b_row shp_ping$n "ping, 48 B" $SHP_PID $SHP_PORT $LOAD $SHAPE_LOAD
		fi
	done
	if [ $((n % 3)) -ne 0 ]; then
		b_row shp_ping$n "ping, 48 B" $SHP_PID $SHP_PORT $LOAD $SHAPE_LOAD
	fi
	B_CPU_AFTER=""
	SHAPE_ROWS=$ROWS ROWS=$MAIN_ROWS
	# Each shape's CPU per answer over the cheaper of the ping rows just
	# before and after it: "ROW CPU PING-CPU RATIO" per shape.
	printf '%s\n' $SHAPE_ROWS | while read -r r; do
		printf '%s %s\n' "$r" "$(cut -d' ' -f1 "$B_DIR/$r.cpu" 2>/dev/null)"
	done | awk '
		{ row[NR] = $1; cpu[NR] = $2 }
		END {
			for (i = 1; i <= NR; i++) {
				if (row[i] ~ /^shp_ping/ || cpu[i] == "") continue
				p = ""
				for (j = i - 1; j >= 1; j--) if (row[j] ~ /^shp_ping/) break
				if (j >= 1 && cpu[j] != "") p = cpu[j]
				for (j = i + 1; j <= NR; j++) if (row[j] ~ /^shp_ping/) break
				if (j <= NR && cpu[j] != "" && (p == "" || cpu[j] < p)) p = cpu[j]
				if (p > 0) printf "%s %s %s %.6f\n", row[i], cpu[i], p, cpu[i] / p
			}
		}' >"$B_DIR/shapes.ratios"
	SHAPE_WORST=$(sort -k4 -g "$B_DIR/shapes.ratios" | tail -n 1 | cut -d' ' -f1)
	if [ -n "$SHAPE_WORST" ]; then
		# The worst one again, in the table between two reflector rows.
		s=${SHAPE_WORST#shp_}
		b_row worst "worst shape: $s" $SHP_PID $SHP_PORT $LOAD \
		    --payload-file "$B_DIR/shape_$s.bin" $ROWLOAD
	fi
	b_stop $SHP_PID
else
	B_FAILED=1
fi
b_row refl_s2 "reflector" $REFL_PID $REFL_PORT $LOAD $ROWLOAD

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
UNBOUND_NOTE="" KNOT_NOTE="" NSD_NOTE="" DNSMASQ_NOTE=""

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

# The authoritative servers answer bench.example A from a zone file (SOA
# and NS, which a zone must have, and the A record the query asks for).
cat >"$B_DIR/bench.example.zone" <<EOF
\$ORIGIN bench.example.
\$TTL 3600
@	SOA	ns.bench.example. hostmaster.bench.example. 1 3600 900 604800 300
@	NS	ns.bench.example.
ns	A	192.0.2.53
@	A	192.0.2.1
EOF

# b_dns_row NAME LABEL PID PORT: wait for the DNS server PID to answer,
# measure its row, stop it.
b_dns_row() {
	if b_dns_ready "$1" "$3" "$4"; then
		b_row "$1" "$2" "$3" "$4" $LOAD $DNSLOAD $ROWLOAD
	else
		B_FAILED=1
	fi
	b_stop "$3"
}

# Knot DNS: one UDP worker (and one TCP and one background worker, the
# fewest it takes); its run directory, databases and zone file in the
# bench's directory, as the user running the bench; the zone is never
# written back and keeps no journal.
if KNOTD=$(b_find knotd); then
	port=$(b_free_port)
	mkdir -p "$B_DIR/knot"
	cat >"$B_DIR/knot.conf" <<EOF
server:
    rundir: "$B_DIR/knot"
    pidfile: "$B_DIR/knot/knot.pid"
    user: $(id -un):$(id -gn)
    listen: 127.0.0.1@$port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "$B_DIR/knot/knot.sock"
database:
    storage: "$B_DIR/knot"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "$B_DIR"
    file: "%s.zone"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: bench.example.
EOF
	KNOT_VER=$("$KNOTD" --version 2>/dev/null | awk '{ print $NF; exit }')
	$PIN_SRV "$KNOTD" -c "$B_DIR/knot.conf" 2>"$B_DIR/knot.log" &
	SRV_PID=$!
	B_PIDS="$B_PIDS $SRV_PID"
	b_dns_row knot "knot $KNOT_VER, 1 UDP worker, DNS A" $SRV_PID "$port"
else
	KNOT_NOTE="knot: SKIP, not installed (Debian: apt-get install knot)"
	b_log "$KNOT_NOTE"
fi

# NSD: one server process (nsd -d stays in the foreground as xfrd, with
# the main process below it and the server below that: the srv and RSS
# columns sum all three), no response rate limit, every file it keeps in
# the bench's directory.
if NSD=$(b_find nsd); then
	port=$(b_free_port)
	cat >"$B_DIR/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1
	port: $port
	server-count: 1
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: "$B_DIR"
	pidfile: "$B_DIR/nsd.pid"
	database: ""
	zonelistfile: "$B_DIR/nsd.zonelist"
	xfrdfile: "$B_DIR/nsd.xfrd"
	xfrdir: "$B_DIR"
	logfile: "$B_DIR/nsd.log"
	verbosity: 0
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
remote-control:
	control-enable: no
zone:
	name: bench.example
	zonefile: bench.example.zone
EOF
	NSD_VER=$("$NSD" -v 2>&1 | awk '/^NSD version/ { print $3; exit }')
	$PIN_SRV "$NSD" -d -c "$B_DIR/nsd.conf" 2>>"$B_DIR/nsd.log" &
	SRV_PID=$!
	B_PIDS="$B_PIDS $SRV_PID"
	b_dns_row nsd "nsd $NSD_VER, 1 server, DNS A" $SRV_PID "$port"
else
	NSD_NOTE="nsd: SKIP, not installed (Debian: apt-get install nsd)"
	b_log "$NSD_NOTE"
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
echo "itself).  CPU in percent of one core: srv the server's (all its threads"
echo "and processes), gen pktbench's, other anything else's (another busy"
echo "process makes the row unreliable).  RSS: the server's resident KiB (all"
echo "its processes) before -> after the row."
echo "(*) -w 2 gets CPUs 0 and 1, so its workers share CPU 1 with pktbench."
[ -n "$UNBOUND_NOTE" ] && echo "$UNBOUND_NOTE"
[ -n "$KNOT_NOTE" ] && echo "$KNOT_NOTE"
[ -n "$NSD_NOTE" ] && echo "$NSD_NOTE"
[ -n "$DNSMASQ_NOTE" ] && echo "$DNSMASQ_NOTE"
# The reflector's rows measure the host as much as anything: when they
# spread by more than 15 %, the host changed speed during the run, and a
# ratio whose rows straddle the change says little.
for r in $ROWS; do
	case $r in refl*_lat) ;; refl*) b_rps "$r"; echo ;; esac
done | awk 'NF { if (min == "" || $1 < min) min = $1; if ($1 > max) max = $1 }
	END { if (min > 0 && max / min > 1.15)
		printf "WARNING: the reflector moved between %.0f and %.0f req/s (%.2fx) within the run: the host changed speed, so re-run before trusting a verdict\n", min, max, max / min }'

# The worst-case shapes' own table: each shape's CPU per answer over the
# cheaper of the ping rows beside it.
if [ -n "$SHAPE_ROWS" ]; then
	echo
	echo "worst-case request shapes (ISSUE 13): pktinfod -w 1, max_datagram $SHAPE_MAX;"
	echo "pktbench $LOAD --payload-file, $SHAPE_LOAD; CPU: the daemon's user + system"
	echo "time over the measured seconds / the answers in them"
	echo
	printf '| %-12s | %-40s | %5s | %-18s | %9s | %7s | %7s | %6s |\n' \
	    shape request bytes answer 'answers/s' 'CPU us' 'user us' 'x ping'
	printf '| %-12s | %-40s | %5s | %-18s | %9s | %7s | %7s | %6s |\n' \
	    ------------ "$(printf '%40s' '' | tr ' ' -)" ----- \
	    ------------------ --------- ------- ------- ------
	for r in $SHAPE_ROWS; do
		s=${r#shp_}
		case $s in
		ping*) what="ping, pktbench's own" bytes=48 ans="ok" want=ok ;;
		*)
			what=$(b_shape_what "$s")
			want=${what##*:} what=${what%:*}
			bytes=$(wc -c <"$B_DIR/shape_$s.bin" | tr -d ' ')
			set -- $(cat "$B_DIR/$r.ans")
			ans="$2, $1 B"
			[ "$2" = none ] && ans="no answer"
			[ "$2" = "?" ] && ans="not checked"
			[ "$2" = "$want" ] || [ "$2" = "?" ] || ans="$ans (WANTED $want)"
			;;
		esac
		# (what through the environment: awk -v would read its
		# backslashes as escapes)
		set -- $(cat "$B_DIR/$r.cpu" 2>/dev/null)
		what=$what awk -v s="$s" -v bytes="$bytes" -v ans="$ans" \
		    -v rps="$(b_rps "$r")" -v cpu="${1:-}" -v user="${2:-}" \
		    -v ratio="$(awk -v r="$r" '$1 == r { print $4 }' "$B_DIR/shapes.ratios")" \
		    -v worst="$([ "$r" = "$SHAPE_WORST" ] && echo 1)" 'BEGIN {
			if (s ~ /^ping/) s = "ping"
			printf "| %-12s | %-40s | %5d | %-18s | %9.0f | %7s | %7s | %6s |%s\n",
			    s, ENVIRON["what"], bytes, ans, rps,
			    cpu == "" ? "-" : sprintf("%.2f", cpu),
			    user == "" ? "-" : sprintf("%.2f", user),
			    ratio == "" ? "" : sprintf("%.2f", ratio),
			    worst ? " <- worst case" : ""
		}'
	done
	echo
	echo "CPU us: user + system time per answer (user us: user time alone); x ping:"
	echo "CPU per answer over the cheaper of the ping rows just before and after."
	echo "answer: what the shape is answered (tests/tools/udpq, once), and its size."
fi

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
echo "targets (ISSUE 13, and ISSUE 11 and ISSUE 5 where it says so):"
b_target "ping >= 0.92x reflector" "$PING" ">=" 0.92 "${PING}x (the median of 5 runs, each over its reflector bracket)"
b_target "echo 256 B >= 0.88x reflector" "$ECHO" ">=" 0.88 "${ECHO}x (the better of 2 runs)"
b_target "whoami >= 0.88x reflector" "$WHOAMI" ">=" 0.88 "${WHOAMI}x (the better of 2 runs)"
# pktinfod -w 1 ping against each DNS server: the two rows' ratios to
# their reflector brackets, since they ran at different moments.
b_peer() {
	if [ -s "$B_DIR/$1.json" ]; then
		u=$(b_rel "$1")
		r=$(b_ratio "$PING" "$u")
		b_target "pktinfod -w 1 ping >= ${3}x $2" "$r" ">=" "$3" \
		    "${r}x (${PING}x / $(printf '%.3f' "$u")x the reflector)"
	elif [ -n "$5" ]; then
		echo "SKIP  pktinfod -w 1 ping >= ${3}x $2: $2 is not installed (Debian: apt-get install $4)"
	else
		echo "SKIP  pktinfod -w 1 ping >= ${3}x $2: no $2 row (it could not be benchmarked, see above)"
	fi
}
b_peer knot "Knot DNS" 1.35 knot "$KNOT_NOTE"
b_peer nsd NSD 2.2 nsd "$NSD_NOTE"
b_peer unbound Unbound 2.2 unbound "$UNBOUND_NOTE"
if [ -s "$B_DIR/naive3.json" ] && [ -s "$B_DIR/ping_n3.json" ]; then
	pairs=$(for i in 1 2 3; do
		b_ratio "$(b_rps naive$i)" "$(b_rps ping_n$i)"; echo
	done | sort -n | tr '\n' ' ')
	r=$(echo "$pairs" | awk '{ print $2 }')
	b_target "--naive-source <= 1.03x normal" "$r" "<=" 1.03 \
	    "${r}x (the median of 3 alternating pairs: $pairs)"
else
	echo "SKIP  --naive-source <= 1.03x normal: no rows"
fi
if [ -n "$SHAPE_WORST" ]; then
	set -- $(grep "^$SHAPE_WORST " "$B_DIR/shapes.ratios")
	r=$(printf '%.2f' "$4")
	b_target "worst-case request shape <= 4x a ping's CPU per answer" \
	    "$r" "<=" 4 "${r}x (${SHAPE_WORST#shp_}: $(printf '%.2f' "$2") us of CPU per answer, ping $(printf '%.2f' "$3") us beside it)"
else
	echo "SKIP  worst-case request shape <= 4x a ping's CPU per answer: no shape rows"
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
	b_target "RSS after 10 s of load within 1 MiB (ISSUE 5)" "$d" "<=" 1024 \
	    "$rss0 -> $rss1 KiB (+$d)"
	# Once every op has run, repeating a load must not add a page.
	d=$((rss_end - rss_op))
	b_target "no RSS growth across runs (ISSUE 5)" "$d" "<=" 0 \
	    "$rss_op KiB after the first ping, echo and whoami runs, $rss_end after three more rows and a 1 x 1 run"
else
	echo "SKIP  RSS: no pktinfod -w 1 row"
fi
d=$(awk -v a="$(b_field "$B_DIR/ping_lat.json" p50_us)" \
    -v b="$(b_field "$B_DIR/refl_lat.json" p50_us)" \
    'BEGIN { if (a != "" && b != "") printf "%.1f", a - b }')
b_target "1 x 1 p50 within 10 us of the reflector (ISSUE 5)" "$d" "<=" 10 "+$d us"

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
