#!/usr/bin/env bash
# Interleaved A/B of builds on a noisy machine: one streaming run of each build in turn, for several rounds, so
# that each round compares builds measured minutes apart. AspireAgent alone (the one-process host), K = 100 × 40
# unless STREAMS, TOKENS_PER_SECOND and TOKEN_COUNT say otherwise (K = 250 × 100: 250, 100, 150).
#
#   bench/interleave.sh <rounds> <memory|redis> <repository>...
#
# Each repository (a worktree of the commit to measure, e.g. `git worktree add /tmp/before <commit>`) must hold
# its Release build (`dotnet build AspireAgent.sln -c Release`). In redis mode every run gets its own empty
# redis-server on REDIS_PORT (6393). Prints one line per run: µs of server CPU per token, chunk latency P50 (ms),
# tokens delivered per second; in redis mode also redis-server's CPU per token (its `used_cpu` over the run ÷ the
# run's tokens: its rate × 30 s, warm-up included) and its script calls, publishes and appended events
# (`commandstats`). The full output is in the load tool's log under /tmp.
set -uo pipefail
[ $# -ge 3 ] || { sed -n 2,10p "$0"; exit 2; }
rounds=$1; mode=$2; shift 2
case "$mode" in memory|redis) ;; *) echo "mode is memory or redis" >&2; exit 2 ;; esac
redis_port=${REDIS_PORT:-6393}
streams=${STREAMS:-100}; rate=${TOKENS_PER_SECOND:-40}; tokens=${TOKEN_COUNT:-60}
ulimit -n "$(ulimit -Hn)"

figure() { grep -E "^\| $2" "$1" | awk -F'|' '{gsub(/ /, "", $3); print $3}'; }

for round in $(seq 1 "$rounds"); do
  for repo in "$@"; do
    log=$(mktemp /tmp/interleave.XXXXXX.log)
    env=()
    if [ "$mode" = redis ]; then
      redis-server --port "$redis_port" --save '' --appendonly no --daemonize yes --logfile /dev/null
      sleep 0.5
      env=(--server-env "ConnectionStrings__redis=127.0.0.1:$redis_port")
    fi
    (cd "$repo" && dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream \
      --streams "$streams" --tokens-per-second "$rate" --token-count "$tokens" --duration 20 --runs 1 --targets aspireagent \
      --port 6975 "${env[@]}") > "$log" 2>&1
    rc=$?
    redis=""
    if [ "$mode" = redis ]; then
      tps=$(figure "$log" 'tokens delivered' | tr -d ,)
      cpu=$(redis-cli -p "$redis_port" info cpu | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { print s }')
      redis=$(printf '  redis-server µs/token %5.1f  %s' "$(awk -v c="$cpu" -v t="${tps:-0}" 'BEGIN { print (t > 0 ? c * 1e6 / (t * 30) : 0) }')" \
        "$(redis-cli -p "$redis_port" info commandstats | awk -F'[_:=,]' '/^cmdstat_(evalsha|publish|spublish|xadd):/ { printf "%s %s  ", $2, $4 }')")
      redis-cli -p "$redis_port" shutdown nosave > /dev/null 2>&1
    fi
    printf 'round %s  %-40s  µs/token %6s  P50 ms %6s  tokens/s %7s%s  rc %s  (%s)\n' "$round" "$repo" \
      "$(figure "$log" 'server CPU per token')" "$(figure "$log" 'chunk latency P50')" \
      "$(figure "$log" 'tokens delivered')" "$redis" "$rc" "$log"
  done
done
