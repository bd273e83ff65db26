#!/usr/bin/env bash
# Chaos run: nginx (deploy/nginx) in front of two gateway nodes, two workers, one Redis. The load tool keeps
# N conversations asking through nginx for D seconds while this script SIGKILLs a random gateway or worker
# every KILL_EVERY seconds (and restarts it), and kills and restarts Redis twice (at D/3 and 2D/3, halfway
# between two kills). Every
# answer must end whole or with an explicit error; the tool fails the run on any duplicated, altered or lost one.
# Bounded in time (D + about 2 minutes), stops by itself, and kills everything it started, even on Ctrl-C.
#
#   bench/chaos.sh [duration-seconds=600] [conversations=200]     (SKIP_BUILD=1 to reuse the Release build;
#   CHAOS_OUT=dir to write the results there instead of bench/results/<UTC>-chaos)
set -uo pipefail
cd "$(dirname "$0")/.."

duration=${1:-600}
conversations=${2:-200}
kill_every=${KILL_EVERY:-30}
base=${CHAOS_PORT:-5960}
redis_port=$((base + 9))
out="${CHAOS_OUT:-bench/results/$(date -u +%Y-%m-%dT%H%MZ)-chaos}"
work=$(mktemp -d /tmp/aspireagent-chaos.XXXXXX)
mkdir -p "$out" "$work/nginx" "$work/redis"
events="$out/events.log"
declare -A pid=()

cleanup() {
  local name
  for name in "${!pid[@]}"; do kill -TERM "${pid[$name]}" 2>/dev/null; done
  for _ in $(seq 50); do
    local alive=0
    for name in "${!pid[@]}"; do kill -0 "${pid[$name]}" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.2
  done
  for name in "${!pid[@]}"; do kill -KILL "${pid[$name]}" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "$(date -u +%H:%M:%S) $*" | tee -a "$events"; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  for project in Services.Socket Services.Inference bench/AspireAgent.LoadTool; do
    dotnet build "$project" -c Release -v q -nologo > "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 2; }
  done
fi

# Configuration every process gets, as Aspire would inject it, plus the run's model and failover timings.
export ConnectionStrings__redis="127.0.0.1:$redis_port"
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
export Logging__LogLevel__Default=Warning
export Inference__Provider=Simulated Inference__Simulated__TokensPerSecond=10 Inference__Simulated__TokenCount=30
export Inference__Concurrency=128
export Bus__Redis__ClaimTimeout=00:00:05 Bus__Redis__LeaseRenewInterval=00:00:01.500 Bus__Redis__ClaimCheckInterval=00:00:01
unset OTEL_EXPORTER_OTLP_ENDPOINT

wait_http() { # name url
  for _ in $(seq 300); do
    curl -fs -o /dev/null "$2" && return 0
    kill -0 "${pid[$1]}" 2>/dev/null || { log "$1 exited at start"; return 1; }
    sleep 0.2
  done
  log "$1 not alive after 60 s"; return 1
}

start_redis() {
  # appendfsync always: a write Redis acknowledged survives its crash, as a production Redis would be set up.
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync always \
    --dir "$work/redis" >> "$out/redis.log" 2>&1 &
  pid[redis]=$!
  for _ in $(seq 100); do redis-cli -p "$redis_port" ping > /dev/null 2>&1 && return 0; sleep 0.1; done
  log "redis did not answer"; return 1
}

start_service() { # name
  local name=$1 dll port
  case "$name" in
    node-1) dll=Services.Socket/bin/Release/net10.0/Services.Socket.dll port=$((base + 1)) ;;
    node-2) dll=Services.Socket/bin/Release/net10.0/Services.Socket.dll port=$((base + 2)) ;;
    worker-1) dll=Services.Inference/bin/Release/net10.0/Services.Inference.dll port=$((base + 3)) ;;
    worker-2) dll=Services.Inference/bin/Release/net10.0/Services.Inference.dll port=$((base + 4)) ;;
  esac
  ( export Gateway__NodeId="$name" ASPNETCORE_URLS="http://127.0.0.1:$port"; exec dotnet exec "$dll" ) >> "$out/$name.log" 2>&1 &
  pid[$name]=$!
  wait_http "$name" "http://127.0.0.1:$port/alive"
}

start_nginx() {
  cp deploy/nginx/*.conf "$work/nginx/"
  # max_fails=0, as deploy/nginx/upstream.conf now says: a WebSocket only "succeeds" for nginx when it closes,
  # so a node marked failed once gets one new socket per fail_timeout until then, and with every node marked
  # failed nginx answers 502 "no live upstreams" (MAX_FAILS=1 reproduces it). proxy_next_upstream still skips
  # a node that refuses the connection.
  {
    echo "upstream aspireagent_socket {"
    echo "    least_conn;"
    echo "    server 127.0.0.1:$((base + 1)) max_fails=${MAX_FAILS:-0} fail_timeout=5s;"
    echo "    server 127.0.0.1:$((base + 2)) max_fails=${MAX_FAILS:-0} fail_timeout=5s;"
    echo "}"
  } > "$work/nginx/upstream.conf"
  echo "listen 127.0.0.1:$base;" > "$work/nginx/listen.conf"
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g "daemon off; pid $work/nginx/nginx.pid;" >> "$out/nginx.log" 2>&1 &
  pid[nginx]=$!
  wait_http nginx "http://127.0.0.1:$base/health"
}

kill_hard() { # name
  kill -KILL "${pid[$1]}" 2>/dev/null
  wait "${pid[$1]}" 2>/dev/null
}

start_redis || exit 1
for service in node-1 node-2 worker-1 worker-2; do start_service "$service" || exit 1; done
start_nginx || exit 1
log "cluster up: nginx :$base, node-1 :$((base + 1)), node-2 :$((base + 2)), workers, redis :$redis_port"

timeout --signal=INT --kill-after=30 $((duration + 180)) \
  dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll chaos \
  --endpoint "ws://127.0.0.1:$base/ws" --conversations "$conversations" --duration "$duration" \
  --token-count 30 --out "$out/chaos.json" > "$out/chaos.log" 2>&1 &
pid[loadtool]=$!
log "load tool: $conversations conversations for $duration s"

started=$(date +%s)
redis_marks=($((duration / 3 / kill_every * kill_every + kill_every / 2)) $((2 * duration / 3 / kill_every * kill_every + kill_every / 2)))
next_kill=$kill_every
victims=(node-1 node-2 worker-1 worker-2)
kills=0 redis_restarts=0
while :; do
  now=$(( $(date +%s) - started ))
  [ "$now" -ge "$duration" ] && break
  kill -0 "${pid[loadtool]}" 2>/dev/null || { log "the load tool ended early"; break; }
  if [ "$redis_restarts" -lt 2 ] && [ "$now" -ge "${redis_marks[$redis_restarts]}" ]; then
    log "kill -9 redis (restart $((redis_restarts + 1)) of 2); down for 2 s"
    kill_hard redis; sleep 2; start_redis && log "redis back"
    redis_restarts=$((redis_restarts + 1))
  fi
  if [ "$now" -ge "$next_kill" ]; then
    victim=${victims[$((RANDOM % 4))]}
    log "kill -9 $victim (pid ${pid[$victim]})"
    kill_hard "$victim"
    start_service "$victim" && log "$victim back (pid ${pid[$victim]})"
    kills=$((kills + 1))
    next_kill=$((next_kill + kill_every))
  fi
  sleep 1
done
log "chaos over: $kills kills, $redis_restarts Redis restarts; waiting for the answers in flight"
wait "${pid[loadtool]}"
status=$?
unset 'pid[loadtool]'
tail -40 "$out/chaos.log"
for node in "$out"/node-*.log; do
  log "$(basename "$node" .log): $(grep -c 'fail: AspireAgent.Socket.Connection' "$node") connections closed 1011 by an exception" \
    "($(grep -c 'LOADING Redis is loading' "$node") of them Redis LOADING)"
done
log "load tool exit $status; results in $out"
exit $status
