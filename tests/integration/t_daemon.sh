#!/bin/sh
# The daemon's life cycle and flags as an operator meets them, and the
# control messages on the wire (strace) for one whoami per family.
. "$(dirname "$0")/lib.sh"

"$PKTINFOD" -h >"$T_DIR/out"
t_eq "-h exits 0" 0 $?
t_check "-h prints usage" grep -q "usage: pktinfod" "$T_DIR/out"
t_eq "-V prints the version" "pktinfod $(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$top_builddir/config.h")" \
    "$("$PKTINFOD" -V)"
"$PKTINFOD" -p 99999 2>"$T_DIR/err"
t_eq "a bad port exits 2" 2 $?
t_check "the message names the flag" grep -q -- "-p 99999" "$T_DIR/err"
"$PKTINFOD" --bogus 2>"$T_DIR/err"
t_eq "an unknown flag exits 2" 2 $?

t_daemon_start one
"$PKTINFOD" -p "$PORT" 2>"$T_DIR/err"
t_eq "a port in use exits 1" 1 $?
t_check "the message names bind and the address" grep -q "bind \[::\]:$PORT" \
    "$T_DIR/err"
t_daemon_stop "$DAEMON_PID" INT
t_eq "SIGINT stops with 0" 0 "$STOP_STATUS"
t_check "final stats are logged" grep -q '"rx"' "$T_DIR/one.log"

t_daemon_start hup
kill -HUP "$DAEMON_PID"
"$PKTQ" "127.0.0.1:$PORT" ping >/dev/null
t_eq "SIGHUP keeps the daemon serving" 0 $?
t_daemon_stop "$DAEMON_PID"
t_eq "SIGTERM after SIGHUP exits 0" 0 "$STOP_STATUS"

"$PKTINFOD" -l 127.0.0.1 -p 0 --ready-file "$T_DIR/pid.ready" \
    -P "$T_DIR/pid" 2>"$T_DIR/pid.log" &
pid=$!
T_PIDS="$T_PIDS $pid"
t_wait_for 5 test -s "$T_DIR/pid.ready"
t_eq "-P writes the pid file" "$pid" "$(cat "$T_DIR/pid" 2>/dev/null)"
t_eq "-l 127.0.0.1 serves IPv4" 0 "$("$PKTQ" "127.0.0.1:$(cat "$T_DIR/pid.ready")" ping >/dev/null; echo $?)"
t_daemon_stop "$pid"
t_check "the pid file is removed on stop" test ! -e "$T_DIR/pid"

# strace_whoami MODE RECV SEND [ARGS...]: one whoami per family against a
# daemon traced while it runs with ARGS; the control messages must be on
# the RECV call of each query and the SEND call of each answer.
strace_whoami() {
	mode=$1 recv=$2 send=$3; shift 3
	rm -f "$T_DIR/st.ready" "$T_DIR/st.pid"
	strace -f -o "$T_DIR/strace" \
	    -e trace=recvmsg,sendmsg,recvmmsg,sendmmsg \
	    "$PKTINFOD" -p 0 --ready-file "$T_DIR/st.ready" -P "$T_DIR/st.pid" \
	    "$@" 2>"$T_DIR/st.log" &
	spid=$!
	t_wait_for 30 test -s "$T_DIR/st.ready"
	dpid=$(cat "$T_DIR/st.pid")
	T_PIDS="$T_PIDS $dpid"
	sport=$(cat "$T_DIR/st.ready")
	"$PKTQ" "127.0.0.1:$sport" whoami >/dev/null
	"$PKTQ" "[::1]:$sport" whoami >/dev/null
	# Stop the traced daemon itself; strace then exits with it.
	kill -TERM "$dpid"
	wait "$spid"
	T_PIDS=$(echo "$T_PIDS" | sed "s/ $dpid\b//")
	t_check "strace ($mode): the IPv4 query carries IP_PKTINFO" \
	    grep -Eq "$recv"'\(.*"::ffff:127\.0\.0\.1".*cmsg_type=IP_PKTINFO, cmsg_data=\{ipi_ifindex=if_nametoindex\("lo"\), ipi_spec_dst=inet_addr\("127\.0\.0\.1"\), ipi_addr=inet_addr\("127\.0\.0\.1"\)' "$T_DIR/strace"
	t_check "strace ($mode): the IPv4 answer is sent with IP_PKTINFO, ipi_spec_dst 127.0.0.1, ifindex 0" \
	    grep -Eq "$send"'\(.*"::ffff:127\.0\.0\.1".*cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, cmsg_data=\{ipi_ifindex=0, ipi_spec_dst=inet_addr\("127\.0\.0\.1"\)' "$T_DIR/strace"
	# strace 6.1 does not decode in6_pktinfo: it shows IPV6_PKTINFO as
	# its number, 50 (0x32), and no data.
	t_check "strace ($mode): the IPv6 query carries IPV6_PKTINFO" \
	    grep -Eq "$recv"'\(.*"::1".*cmsg_level=SOL_IPV6, cmsg_type=(IPV6_PKTINFO|0x32)' "$T_DIR/strace"
	t_check "strace ($mode): the IPv6 answer is sent with IPV6_PKTINFO" \
	    grep -Eq "$send"'\(.*"::1".*cmsg_len=36, cmsg_level=SOL_IPV6, cmsg_type=(IPV6_PKTINFO|0x32)' "$T_DIR/strace"
}

if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	strace_whoami batched recvmmsg sendmmsg
	strace_whoami "--batch 1" recvmsg sendmsg --batch 1
else
	t_skip "strace is missing or cannot trace here"
fi

t_done
