#!/bin/sh
# The configuration file as an operator meets it: --check-config on the
# sample and on broken files (exit 2, the exact file:line:col: key: reason
# on stderr), and a daemon started with -c, whose flags override the file.
. "$(dirname "$0")/lib.sh"

t_require jq
SAMPLE="$top_srcdir/etc/pktinfod.conf"
cd "$T_DIR" || exit 1

"$PKTINFOD" --check-config -c "$SAMPLE" >sample.out 2>sample.err
t_eq "--check-config on the sample exits 0" 0 $?
t_check "... and prints JSON" jq -e . sample.out >/dev/null
t_eq "... equal to the sample (which sets every key to its default)" \
    "$(jq -S . "$SAMPLE")" "$(jq -S . sample.out)"
"$PKTINFOD" --check-config >defaults.out
t_eq "... and to the embedded defaults, with no file" \
    "$(cat defaults.out)" "$(cat sample.out)"
t_eq "... listing the keys in SPEC section 4's order" \
    "listen workers max_datagram amplification_factor allow deny admin_allow rate_limit min_source_port metrics_listen log_level" \
    "$(jq -r 'keys_unsorted | join(" ")' sample.out)"
t_eq "... rate_limit's too" "qps burst prefix_v4 prefix_v6" \
    "$(jq -r '.rate_limit | keys_unsorted | join(" ")' sample.out)"

"$PKTINFOD" --check-config -c "$SAMPLE" -l 127.0.0.1 -p 53 -w 3 \
    --log-level debug --min-source-port 0 >flags.out
t_eq "flags override the sample" '["127.0.0.1:53"] 3 debug 0' \
    "$(jq -r '"\(.listen | tojson) \(.workers) \(.log_level) \(.min_source_port)"' \
    flags.out)"

# broken NAME TEXT MESSAGE: --check-config -c NAME.conf holding TEXT
# exits 2 with exactly MESSAGE on stderr and nothing on stdout.
broken() {
	printf '%b' "$2" >"$1.conf"
	"$PKTINFOD" --check-config -c "$1.conf" >"$1.out" 2>"$1.err"
	t_eq "$1: exits 2" 2 $?
	t_eq "$1: the message" "$3" "$(cat "$1.err")"
	t_check "$1: nothing on stdout" test ! -s "$1.out"
}

broken syntax '{\n  "workers": 1,\n}\n' \
    'syntax.conf:3:1: syntax error: unexpected '"'}'"
broken truncated '{\n  "workers": 1' \
    'truncated.conf:2:15: syntax error: unexpected end of file'
broken unknown '{\n  "workers": 1,\n  "wrokers": 2\n}\n' \
    'unknown.conf:3:3: wrokers: unknown key'
broken unknown_nested '{\n  "rate_limit": { "qps": 1, "bust": 2 }\n}\n' \
    'unknown_nested.conf:2:29: rate_limit.bust: unknown key'
broken duplicate '{\n  "workers": 1,\n  "workers": 2\n}\n' \
    'duplicate.conf:3:3: workers: duplicate key (first at line 2, column 3)'
broken duplicate_nested '{ "rate_limit": { "qps": 1,\n    "qps": 2 } }\n' \
    'duplicate_nested.conf:2:5: rate_limit.qps: duplicate key (first at line 1, column 19)'
broken type '{\n  "workers": "4"\n}\n' \
    'type.conf:2:14: workers: must be a whole number from 0 to 256, not a string'
broken range '{\n  "max_datagram": 70000\n}\n' \
    'range.conf:2:19: max_datagram: must be a whole number from 512 to 65535'
broken qps '{\n  "listen": ["[::]:4242"],\n  "workers": 0,\n  "max_datagram": 4096,\n  "amplification_factor": 3,\n  "rate_limit": {\n    "qps": -5\n  }\n}\n' \
    'qps.conf:7:12: rate_limit.qps: must be a whole number >= 0'
broken fraction '{ "amplification_factor": 2.5 }' \
    'fraction.conf:1:27: amplification_factor: must be a whole number from 1 to 10'
broken cidr '{\n  "allow": ["192.0.2.64", "::/0", "192.0.2.0/24", "192.0.2.0/33"]\n}\n' \
    'cidr.conf:2:51: allow[3]: "192.0.2.0/33" is not a CIDR'
broken listen '{\n  "listen": ["127.0.0.1", "localhost:53"]\n}\n' \
    'listen.conf:2:27: listen[1]: "localhost:53" is not an ADDR[:PORT]'
broken listen_twice '{\n  "listen": ["[::1]", "[::1]:4242"]\n}\n' \
    'listen_twice.conf:2:23: listen[1]: "[::1]:4242" is the same address as listen[0]'
broken listen_overlap '{\n  "listen": ["[::]", "0.0.0.0"]\n}\n' \
    'listen_overlap.conf:2:22: listen[1]: "0.0.0.0" overlaps listen[0] (a wildcard takes every address of its port; [::] takes IPv4 too)'
broken metrics '{ "metrics_listen": "127.0.0.1" }' \
    'metrics.conf:1:21: metrics_listen: "127.0.0.1" has no port'
broken level '{ "log_level": "loud" }' \
    'level.conf:1:16: log_level: "loud" is not one of "error", "warn", "info", "debug"'
broken array '[]' \
    'array.conf:1:1: the configuration must be a JSON object, not an array'

"$PKTINFOD" --check-config -c missing.conf >missing.out 2>missing.err
t_eq "an unreadable file exits 2" 2 $?
t_eq "... naming the file and the error" \
    "missing.conf: No such file or directory" "$(cat missing.err)"
"$PKTINFOD" -c type.conf 2>start.err
t_eq "a config error at start exits 2 before any socket" 2 $?
t_eq "... with the same message" "$(cat type.err)" "$(cat start.err)"

# The daemon on a file: only the file's listen address, its
# min_source_port; t_daemon_start's -p 0 fills no port, the file names one.
printf '{ "listen": ["127.0.0.1:0"], "min_source_port": 0, "workers": 1 }\n' \
    >serve.conf
t_daemon_start serve -c serve.conf
t_eq "-c: the daemon serves the file's listen address" 0 \
    "$("$PKTQ" "127.0.0.1:$PORT" ping >/dev/null; echo $?)"
t_eq "-c: ... and only it (no answer on ::1)" 1 \
    "$("$PKTQ" -t 300 -r 0 "[::1]:$PORT" ping >/dev/null 2>&1; echo $?)"
PING='{"op":"ping","pad":"                                        "}'
if [ "$(id -u)" = 0 ]; then
	t_udpq -b 127.0.0.1 -P 999 127.0.0.1 "$PORT" "$PING" >low.out
	t_eq "-c: min_source_port 0 from the file answers source port 999" \
	    0 $?
else
	t_log "not root: source port 999 cannot be bound, min_source_port unchecked"
fi
t_daemon_stop "$DAEMON_PID"
t_eq "-c: SIGTERM stops it with 0" 0 "$STOP_STATUS"

if [ "$(id -u)" = 0 ]; then
	t_daemon_start override -c serve.conf --min-source-port 1024
	t_udpq -t 300 -b 127.0.0.1 -P 999 127.0.0.1 "$PORT" "$PING" >low2.out
	t_eq "--min-source-port overrides the file: no answer to port 999" 1 $?
	t_daemon_stop "$DAEMON_PID"
fi

t_done
