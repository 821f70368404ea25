#!/bin/sh
# Policy from the config file (SPEC sections 3, 4, 6): allow/deny before a
# request is read, admin_allow for stats, the per-prefix rate limit, a
# reload (SIGHUP) that changes them under load without losing an answer,
# a bad reload that keeps the old policy, and the metrics endpoint.
# Clients are told apart by their loopback source address (127.0.0.0/8 is
# all local on lo): 127.0.0.2 is always allowed, 127.0.0.3 is the one the
# reload denies, 127.0.0.4 the one over its rate, 127.1.x.y a flood of
# distinct sources.
. "$(dirname "$0")/lib.sh"
t_require jq curl promtool

CONF="$T_DIR/pktinfod.conf"
# A port below the ephemeral range: a client socket on another loopback
# address can be given the daemon's own port number from that range, and
# own_port then rightly leaves it unanswered (about once in 28 000 client
# sockets; the load below opens 20 000).
LPORT=$((10000 + $$ % 20000))
PAD=$(printf '%060d' 0)
PING="{\"op\":\"ping\",\"pad\":\"$PAD\"}"
STATS_REQ="{\"op\":\"stats\",\"pad\":\"$(printf '%01500d' 0)\"}"

# conf DENY QPS [BURST]: the config file, with these deny and rate limits.
conf() {
	cat >"$CONF" <<CONF
{
  "listen": ["127.0.0.1:$LPORT"],
  "workers": ${WORKERS:-2},
  "allow": ["127.0.0.0/8", "::1/128"],
  "deny": [$1],
  "admin_allow": ["127.0.0.1/32", "::1/128"],
  "rate_limit": { "qps": $2, "burst": ${3:-0}, "prefix_v4": 32, "prefix_v6": 64 },
  "min_source_port": 1024,
  "metrics_listen": "127.0.0.1:0",
  "log_level": "info"
}
CONF
}

stats() {
	"$PKTQ" --compact -r 0 -t 1000 "127.0.0.1:$PORT" --json "$STATS_REQ"
}

# pings FROM N: N pings from FROM one after the other, no resend: 0 when
# every one was answered.
pings() { "$PKTQ" -b "$1" -r 0 -t 500 -c "$2" --compact "127.0.0.1:$PORT" \
    --json "$PING" >/dev/null 2>&1; }

# wait_log TEXT: until the daemon's log has TEXT (bounded).
wait_log() { t_wait_for 3 grep -q "$1" "$T_DIR/pol.log"; }

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

conf '' 0
t_daemon_start pol -c "$CONF"
pid=$DAEMON_PID

# admin_allow 127.0.0.1/32: stats from .1, forbidden from .2.
t_eq "stats from 127.0.0.1 (in admin_allow)" true \
    "$(stats | jq .ok)"
t_eq "stats from 127.0.0.2 (not in admin_allow) is forbidden" forbidden \
    "$("$PKTQ" -b 127.0.0.2 -r 0 --compact "127.0.0.1:$PORT" \
    --json "$STATS_REQ" | jq -r .error)"

# Reload under load: .2 keeps querying through three reloads and loses no
# answer; after the first, .3 is denied and gets none.
pings 127.0.0.3 5
t_eq "before the reload 127.0.0.3 is answered" 0 $?
pings 127.0.0.2 20000 &
load=$!
T_PIDS="$T_PIDS $load"
conf '"127.0.0.3/32"' 0
kill -HUP "$pid"
t_check "reload 1 logged" wait_log "generation 2"
kill -HUP "$pid"
t_check "reload 2 logged" wait_log "generation 3"
printf '{ "listen": [' >"$CONF"
kill -HUP "$pid"
t_check "a broken file is refused, naming it" wait_log "pktinfod.conf:1:"
wait "$load"
t_eq "127.0.0.2 got all 20000 answers across the reloads" 0 $?
T_PIDS=$(echo "$T_PIDS" | sed "s/ $load\b//")
pings 127.0.0.3 5
t_eq "127.0.0.3, denied by the reload, gets no answer" 1 $?
pings 127.0.0.2 5
t_eq "the old policy still serves after the bad reload" 0 $?
s=$(stats)
t_eq "denied counts the 127.0.0.3 pings" true \
    "$(echo "$s" | jq '.denied >= 1')"
t_eq "the daemon is still alive" 0 "$(kill -0 "$pid"; echo $?)"

# A key that needs a restart is kept, and the log says so.
WORKERS=1 conf '' 0
kill -HUP "$pid"
t_check "reload with workers changed is logged as needing a restart" \
    wait_log "workers changed; it needs a restart"
t_eq "... and the two workers serve on" 2 \
    "$(stats | jq '.worker_rx | length')"

# Rate limit: 50 qps per /32.  127.0.0.4 sends 400 at once, four times
# 0.5 s apart: the burst (50) and 50 a second of the time between the
# first burst and the last are answered; .5 stays under its limit and
# loses none.
conf '' 50 50
kill -HUP "$pid"
t_check "reload with the rate limit logged" wait_log "generation 5"
got=0
for round in 1 2 3 4; do
	[ "$round" -eq 1 ] && first=$(date +%s%N)
	[ "$round" -eq 4 ] && last=$(date +%s%N)
	n=$(t_udpq -t 300 -a -n 400 -b 127.0.0.4 127.0.0.1 "$PORT" "$PING" |
	    grep -c '^from ')
	got=$((got + n))
	[ "$round" -lt 4 ] && sleep 0.5
done
ms=$(((last - first) / 1000000))
want=$((50 + 50 * ms / 1000))
t_log "rate limit: 127.0.0.4 got $got of 1600 over $ms ms (the limit allows $want)"
t_check "127.0.0.4 gets its burst and qps: $got of $want (-25 %, +10 %)" \
    test "$got" -ge $((want * 3 / 4)) -a "$got" -le $((want * 11 / 10 + 2))
pings 127.0.0.5 30
t_eq "127.0.0.5, under its limit, loses none of 30" 0 $?
t_check "rate_limited counted" test "$(stats | jq .rate_limited)" -ge 1000

# A flood of 10 000 distinct sources: the limiter's table stays at its
# size, and memory does not grow with the sources.
before=$(rss_kib "$pid")
"$UDPQ" -m 10000 127.0.0.1 "$PORT" "$PING"
t_eq "10 000 sources sent" 0 $?
sleep 0.3
s=$(stats)
after=$(rss_kib "$pid")
t_log "flood: limiter $(echo "$s" | jq -c .rate_limit), RSS $before -> $after KiB"
t_check "the limiter table holds no more than its slots" \
    test "$(echo "$s" | jq '.rate_limit.entries <= .rate_limit.slots')" = true
t_check "some of the 10 000 sources are in it" \
    test "$(echo "$s" | jq .rate_limit.entries)" -ge 1000
t_check "RSS within 1 MiB after 10 000 sources ($before -> $after KiB)" \
    test $((after - before)) -le 1024

# Metrics: scraped with curl, valid for promtool, and counting what the
# stats answer counts.
mport=$(sed -n 's|.*metrics on http://127\.0\.0\.1:\([0-9]*\)/metrics.*|\1|p' \
    "$T_DIR/pol.log" | head -n 1)
t_check "the log names the metrics port" test -n "$mport"
curl -sf "http://127.0.0.1:$mport/metrics" >"$T_DIR/metrics" 2>&1
t_eq "curl gets /metrics" 0 $?
promtool check metrics <"$T_DIR/metrics" >"$T_DIR/promtool" 2>&1
t_eq "promtool check metrics: $(head -c 300 "$T_DIR/promtool")" 0 $?
t_check "metrics count the denied datagrams" \
    grep -q '^pktinfod_drops_total{reason="denied"} [1-9]' "$T_DIR/metrics"
t_check "metrics count the rate-limited datagrams" \
    grep -q '^pktinfod_drops_total{reason="rate_limited"} [1-9]' \
    "$T_DIR/metrics"
t_eq "another path is 404" 404 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$mport/")"

t_daemon_stop "$pid"
t_eq "SIGTERM exits 0" 0 "$STOP_STATUS"
t_done
