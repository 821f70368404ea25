#!/bin/sh
# SPEC section 3's socket fallbacks, through the real pktinfod with
# tests/shims/shim_sockfail.so preloaded (SHIM_FAIL picks the failure):
#  v6socket        no IPv6 -> IPv4-only, with IP_PKTINFO, and says so (warn)
#  pktinfo_noipv4  no IPv4 -> IPv6-only, logged at info
#  pktinfo         IP_PKTINFO fails while IPv4 works -> exit 1, naming it
# Each mode's negative side is checked too: what it must not serve.
. "$(dirname "$0")/lib.sh"
t_require jq timeout

SHIM="$top_builddir/tests/shims/shim_sockfail.so"
if [ ! -f "$SHIM" ]; then
	t_log "FAIL $SHIM is missing (built by 'make check')"
	exit 1
fi
# A sanitizer build's runtime insists on coming first in the library list;
# the shim does not need it.
SHIM_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
REQ='{"op":"whoami","pad":"............................................"}'

# shim_daemon MODE NAME: t_daemon_start with the shim in MODE.
shim_daemon() {
	T_DAEMON_EXEC="env LD_PRELOAD=$SHIM SHIM_FAIL=$1 ASAN_OPTIONS=$SHIM_ASAN"
	t_daemon_start "$2" --log-level info
	T_DAEMON_EXEC=""
}

features() { "$PKTQ" --compact "$1" info | jq -r '.features | join(" ")'; }

# has_words LIST WORD...: every WORD is in the space-separated LIST.
has_words() {
	list=$1; shift
	for w in "$@"; do
		case " $list " in *" $w "*) ;; *) return 1 ;; esac
	done
}

not() { ! "$@"; }

# IPv6 unavailable: an AF_INET socket with IP_PKTINFO, answers from the
# address asked, nothing on IPv6.
shim_daemon v6socket v4only
t_check "v6socket: warns that IPv6 is unavailable, serving IPv4 only" \
    grep -q "warn: .*IPv6 is unavailable, serving IPv4 only" \
    "$T_DIR/v4only.log"
f=$(features "127.0.0.1:$PORT")
t_log "v6socket: features: $f"
t_check "v6socket: features include pktinfo4" has_words "$f" pktinfo4
t_check "v6socket: features lack dualstack" not has_words "$f" dualstack
t_check "v6socket: features lack pktinfo6" not has_words "$f" pktinfo6
line=$(t_udpq -b 127.0.0.1 127.0.0.2 "$PORT" "$REQ")
t_eq "v6socket: udpq: answer to 127.0.0.2 comes from 127.0.0.2" \
    "127.0.0.2 $PORT" "$(printf '%s\n' "$line" | awk '{ print $2, $3 }')"
t_eq "v6socket: whoami reports server 127.0.0.2, ipv4" "127.0.0.2 ipv4" \
    "$(t_answer "$line" | jq -r '"\(.server.addr) \(.server.family)"')"
"$PKTQ" -b 127.0.0.1 "127.0.0.3:$PORT" whoami >/dev/null 2>"$T_DIR/err"
t_eq "v6socket: pktq -b 127.0.0.1 127.0.0.3 verifies the source" 0 $?
"$PKTQ" -t 300 -r 0 "[::1]:$PORT" ping >/dev/null 2>&1
t_eq "v6socket: nothing answers on ::1" 1 $?
t_daemon_stop "$DAEMON_PID"
t_eq "v6socket: stops with 0" 0 "$STOP_STATUS"
# The port asked for is the port served, by every worker (the wildcard
# [::] has to become 0.0.0.0:PORT on the AF_INET socket).
asked=$PORT
T_DAEMON_EXEC="env LD_PRELOAD=$SHIM SHIM_FAIL=v6socket ASAN_OPTIONS=$SHIM_ASAN"
t_daemon_start v4port --log-level info -w 2 -p "$asked"
T_DAEMON_EXEC=""
t_eq "v6socket: -p $asked -w 2 serves port $asked" "$asked" "$PORT"
ok=0
for i in 1 2 3 4 5 6 7 8; do
	"$PKTQ" --compact -b 127.0.0.1 "127.0.0.2:$asked" ping >/dev/null 2>&1 &&
	    ok=$((ok + 1))
done
t_eq "v6socket: 8 pings to 127.0.0.2:$asked answered and verified" 8 "$ok"
t_daemon_stop "$DAEMON_PID"

# IPv4 disabled: IP_PKTINFO fails and socket(AF_INET) says EAFNOSUPPORT.
shim_daemon pktinfo_noipv4 v6only
t_check "pktinfo_noipv4: logs at info that IPv4 is disabled, serving IPv6 only" \
    grep -q "info: IP_PKTINFO on .*IPv4 is disabled on this host, serving IPv6 only" \
    "$T_DIR/v6only.log"
t_check "pktinfo_noipv4: nothing logged above info" \
    not grep -q -e "warn:" -e "error:" "$T_DIR/v6only.log"
f=$(features "[::1]:$PORT")
t_log "pktinfo_noipv4: features: $f"
t_check "pktinfo_noipv4: features include pktinfo6" has_words "$f" pktinfo6
t_check "pktinfo_noipv4: features lack pktinfo4" not has_words "$f" pktinfo4
line=$(t_udpq ::1 "$PORT" "$REQ")
t_eq "pktinfo_noipv4: udpq: answer to ::1 comes from ::1" "::1 $PORT" \
    "$(printf '%s\n' "$line" | awk '{ print $2, $3 }')"
t_eq "pktinfo_noipv4: whoami reports server ::1, ipv6" "::1 ipv6" \
    "$(t_answer "$line" | jq -r '"\(.server.addr) \(.server.family)"')"
t_daemon_stop "$DAEMON_PID"
t_eq "pktinfo_noipv4: stops with 0" 0 "$STOP_STATUS"

# IP_PKTINFO fails on a host that has IPv4: fatal, never a daemon that
# would answer IPv4 from the wrong address.
rm -f "$T_DIR/fatal.ready"
timeout 10 env LD_PRELOAD="$SHIM" SHIM_FAIL=pktinfo ASAN_OPTIONS="$SHIM_ASAN" \
    "$PKTINFOD" -p 0 --ready-file "$T_DIR/fatal.ready" 2>"$T_DIR/fatal.log"
t_eq "pktinfo: exits 1" 1 $?
t_check "pktinfo: the error names IP_PKTINFO and the address" \
    grep -q "error: IP_PKTINFO on \[::\]:[0-9]*: Invalid argument" \
    "$T_DIR/fatal.log"
t_check "pktinfo: never became ready" test ! -e "$T_DIR/fatal.ready"
sed 's/^/	/' "$T_DIR/fatal.log"

# The control: the same shim without SHIM_FAIL changes nothing.
shim_daemon none control
f=$(features "127.0.0.1:$PORT")
t_check "control: shim loaded, no failure: dualstack pktinfo4 pktinfo6" \
    has_words "$f" dualstack pktinfo4 pktinfo6
t_daemon_stop "$DAEMON_PID"

t_done
