# lib.sh: what every integration test shares — a scratch directory, the
# daemon started with a ready file and stopped by its PID, queries, a
# bounded wait, and checks that report every failure instead of stopping
# at the first.  Sourced by tests/integration/t_*.sh; automake runs those
# with top_builddir set.  In a Windows build (RUN set) it loads
# lib_wine.sh, so that the same test bodies drive pktinfod.exe under Wine.

set -u

: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
PKTINFOD="$top_builddir/pktinfod/pktinfod${EXEEXT:-}"
PKTQ="$top_builddir/pktq/pktq${EXEEXT:-}"
UDPQ="$top_builddir/tests/tools/udpq"

# What the daemon under test is like, for the bodies the Wine tests run
# too (lib_wine.sh sets pktinfod.exe's): how long an answer may take, and
# so how long to wait to be sure none comes; the signal that stops it
# gracefully; the loopback interface as whoami names it (a shell pattern)
# and its index; info's default workers and features.
T_REPLY_MS=500
T_STOP_SIGNAL=TERM
T_LO_IFNAME=lo
T_LO_IFINDEX=$(cat /sys/class/net/lo/ifindex 2>/dev/null)
T_WORKERS=$(nproc)
if [ "$T_WORKERS" -gt 1 ]; then
	T_FEATURES='["dualstack","pktinfo4","pktinfo6","batch","reuseport"]'
else
	T_FEATURES='["dualstack","pktinfo4","pktinfo6","batch"]'
fi

T_NAME=$(basename "$0" .sh)
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pktinfod-$T_NAME.XXXXXX")
T_FAILS=0
T_CHECKS=0
T_PIDS=""

t_cleanup() {
	for pid in $T_PIDS; do
		kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	rm -rf "$T_DIR"
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

t_log() { printf '%s: %s\n' "$T_NAME" "$*"; }

# t_result DESCRIPTION STATUS [WHY]: count a check, passed when STATUS is
# 0; a failure is logged with WHY.
t_result() {
	T_CHECKS=$((T_CHECKS + 1))
	if [ "$2" -eq 0 ]; then
		t_log "ok   $1"
	else
		t_log "FAIL $1${3:+: $3}"
		T_FAILS=$((T_FAILS + 1))
	fi
}

# t_check DESCRIPTION COMMAND...: run COMMAND, count a failure if it fails.
t_check() {
	desc=$1; shift
	"$@"
	t_result "$desc" $?
}

# t_eq DESCRIPTION EXPECTED ACTUAL
t_eq() {
	[ "$2" = "$3" ]
	t_result "$1" $? "expected '$2', got '$3'"
}

# t_match DESCRIPTION PATTERN ACTUAL: ACTUAL matches the shell PATTERN.
t_match() {
	# shellcheck disable=SC2254 # PATTERN is a pattern
	case $3 in
	$2) t_result "$1" 0 ;;
	*) t_result "$1" 1 "expected '$2', got '$3'" ;;
	esac
}

# t_skip REASON: exit 77 (skip) outside CI; in CI a skip is a failure.
t_skip() {
	if [ "${CI:-}" = true ]; then
		t_log "FAIL (CI=true, skipping is not allowed): $*"
		exit 1
	fi
	t_log "SKIP: $*"
	exit 77
}

t_require() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || t_skip "$tool is not installed"
	done
}

# t_require_windows: skip unless this is a Windows build (lib_wine.sh).
t_require_windows() {
	[ -n "${RUN:-}" ] || t_skip "not a Windows build: RUN is empty"
}

# t_now_ms: milliseconds since the epoch.
t_now_ms() { echo $(($(date +%s%N) / 1000000)); }

# t_wait_ms BOUND_MS STEP_MS COMMAND...: run COMMAND every STEP_MS
# milliseconds until it succeeds (status 0) or BOUND_MS have passed
# (status 1).  Every poll in the tests is this one, so every wait is
# bounded; t_wait_for is the usual form, a slower step is for a COMMAND
# that costs a few processes.
t_wait_ms() {
	t_wait_end=$(($(t_now_ms) + $1))
	t_wait_step=$(printf '%d.%03d' $(($2 / 1000)) $(($2 % 1000)))
	shift 2
	until "$@"; do
		[ "$(t_now_ms)" -lt "$t_wait_end" ] || return 1
		sleep "$t_wait_step"
	done
}

# t_wait_for SECONDS COMMAND...: COMMAND every 10 ms, for SECONDS at most.
t_wait_for() {
	t_wait_s=$1
	shift
	t_wait_ms $((t_wait_s * 1000)) 10 "$@"
}

# t_alive PID: the process runs (a child that died stays a zombie until
# reaped, and kill -0 still finds it).
t_alive() {
	kill -0 "$1" 2>/dev/null &&
	    [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

t_gone() { ! t_alive "$1"; }

# t_ready_or_gone FILE PID: FILE has content, or PID has ended (so that a
# daemon that failed is not waited out).
t_ready_or_gone() { [ -s "$1" ] || t_gone "$2"; }

# t_await_ready FILE PID SECONDS LOG WHAT: wait for PID's ready FILE; when
# PID ends first or SECONDS pass, say WHAT did not become ready, show LOG
# and end the test.
t_await_ready() {
	t_wait_for "$3" t_ready_or_gone "$1" "$2"
	[ -s "$1" ] && return 0
	t_log "$5 did not become ready:"
	cat "$4"
	exit 1
}

# t_done: the test's exit status, with a closing line.
t_done() {
	t_log "$((T_CHECKS - T_FAILS)) passed, $T_FAILS failed"
	[ "$T_FAILS" -eq 0 ]
	exit $?
}

# t_daemon_start NAME [ARGS...]: start pktinfod on a free port, wait for its
# ready file (bounded), set PORT and the PID in variable DAEMON_PID.
t_daemon_start() {
	name=$1; shift
	rm -f "$T_DIR/$name.ready"
	# PKTINFOD_WRAPPER runs the daemon under valgrind (tests/sanitize.sh);
	# T_DAEMON_EXEC is a prefix that must exec, not fork (ip netns exec,
	# env), so that $! stays the daemon's PID.
	${T_DAEMON_EXEC:-} ${PKTINFOD_WRAPPER:-} "$PKTINFOD" -p 0 \
	    --ready-file "$T_DIR/$name.ready" \
	    "$@" 2>"$T_DIR/$name.log" &
	DAEMON_PID=$!
	T_PIDS="$T_PIDS $DAEMON_PID"
	t_await_ready "$T_DIR/$name.ready" "$DAEMON_PID" 30 "$T_DIR/$name.log" \
	    "daemon $name"
	# One line per listen address: PORT is the first one's.  A Windows
	# daemon writes its ready file with CRLF.
	PORT=$(tr -d '\r' <"$T_DIR/$name.ready" | sed -n 1p)
}

# t_daemon_stop PID [SIGNAL]: stop a daemon this test started; its exit
# status lands in STOP_STATUS.
t_daemon_stop() {
	kill "-${2:-TERM}" "$1"
	wait "$1"
	STOP_STATUS=$?
	T_PIDS=$(echo "$T_PIDS" | sed "s/ $1\b//")
}

# t_pid_stop PID: stop a daemon this test started that is not its child
# (-d's), by its PID, and wait until it is gone (or a zombie, when
# nothing reaps orphans here); status 0 when it went within 5 s.
t_pid_stop() {
	kill -TERM "$1" 2>/dev/null
	t_wait_for 5 t_gone "$1" || return 1
	T_PIDS=$(echo "$T_PIDS" | sed "s/ $1\b//")
}

# t_udpq ARGS...: the independent client; prints "from ADDR PORT LEN\tDATA".
t_udpq() { "$UDPQ" -t 1000 "$@"; }

# t_all_sent PREFIX N: udpq -S clients, with their stderr in the files
# PREFIX.*.sent, have sent N datagrams between them.
t_all_sent() { [ "$(cat "$1".*.sent 2>/dev/null | grep -c sent)" -ge "$2" ]; }

# t_wait_clients: wait for this shell's background jobs that are not
# daemons it started (udpq clients).
t_wait_clients() {
	for pid in $(jobs -p); do
		case " $T_PIDS " in *" $pid "*) ;; *) wait "$pid" ;; esac
	done
}

# t_source LINE: the address of a "from ADDR PORT ..." line.
t_source() { printf '%s\n' "$1" | awk 'NR == 1 { print $2 }'; }

# t_answer LINE: the payload of a "from ..." line.
t_answer() { printf '%s\n' "$1" | cut -f2-; }

# t_pad N: N spaces, to make a request large enough to be answered.
t_pad() { printf '%*s' "$1" ''; }

# A Windows build: the daemon under test is pktinfod.exe under Wine.
[ -z "${RUN:-}" ] || . "$(dirname "$0")/lib_wine.sh"
