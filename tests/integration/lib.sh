# lib.sh: what every integration test shares — a scratch directory, the
# daemon started with a ready file and stopped by its PID, queries, and
# checks that report every failure instead of stopping at the first.
# Sourced by tests/integration/t_*.sh; automake runs those with
# top_builddir set.

set -u

: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
PKTINFOD="$top_builddir/pktinfod/pktinfod${EXEEXT:-}"
PKTQ="$top_builddir/pktq/pktq${EXEEXT:-}"
UDPQ="$top_builddir/tests/tools/udpq"

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

# t_check DESCRIPTION COMMAND...: run COMMAND, count a failure if it fails.
t_check() {
	desc=$1; shift
	T_CHECKS=$((T_CHECKS + 1))
	if "$@"; then
		t_log "ok   $desc"
	else
		t_log "FAIL $desc"
		T_FAILS=$((T_FAILS + 1))
	fi
}

# t_eq DESCRIPTION EXPECTED ACTUAL
t_eq() {
	T_CHECKS=$((T_CHECKS + 1))
	if [ "$2" = "$3" ]; then
		t_log "ok   $1"
	else
		t_log "FAIL $1: expected '$2', got '$3'"
		T_FAILS=$((T_FAILS + 1))
	fi
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
	i=0
	while [ ! -s "$T_DIR/$name.ready" ]; do
		if ! kill -0 "$DAEMON_PID" 2>/dev/null || [ $i -ge 3000 ]; then
			t_log "daemon $name did not become ready:"
			cat "$T_DIR/$name.log"
			exit 1
		fi
		sleep 0.01
		i=$((i + 1))
	done
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
	i=0
	while kill -0 "$1" 2>/dev/null &&
	    [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; do
		[ $i -ge 500 ] && return 1
		sleep 0.01
		i=$((i + 1))
	done
	T_PIDS=$(echo "$T_PIDS" | sed "s/ $1\b//")
}

# t_udpq ARGS...: the independent client; prints "from ADDR PORT LEN\tDATA".
t_udpq() { "$UDPQ" -t 1000 "$@"; }

# t_source LINE: the address of a "from ADDR PORT ..." line.
t_source() { printf '%s\n' "$1" | awk 'NR == 1 { print $2 }'; }

# t_answer LINE: the payload of a "from ..." line.
t_answer() { printf '%s\n' "$1" | cut -f2-; }

# t_pad N: N spaces, to make a request large enough to be answered.
t_pad() { printf '%*s' "$1" ''; }
