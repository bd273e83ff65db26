#!/usr/bin/env bash
# Every figure of BENCHMARKS.md, in one bounded run (about 30 minutes on 2 cores). Results and logs go to
# bench/results/<UTC date>/. Loopback only. Usage: bench/run-all.sh [connections|stream|storm|micro ...]
set -uo pipefail
cd "$(dirname "$0")/.."

# Every socket is a descriptor on both ends of loopback: take the hard limit (raising it needs CAP_SYS_RESOURCE).
ulimit -n "$(ulimit -Hn)"

out="bench/results/$(date -u +%Y-%m-%dT%H%MZ)"
mkdir -p "$out"
{
  echo "date: $(date -u --iso-8601=seconds)"
  echo "nproc: $(nproc)"
  grep -m1 'model name' /proc/cpuinfo
  free -h | head -2
  echo "fd limit: $(ulimit -n) (hard $(ulimit -Hn))"
  dotnet --version
  git rev-parse HEAD
} > "$out/machine.txt"

dotnet build AspireAgent.sln -c Release -v q -nologo > "$out/build.log"
tool="dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll"
failed=0
measure() {
  local name=$1; shift
  $tool "$@" --out "$out/$name.json" 2>&1 | tee "$out/$name.log"
  [ "${PIPESTATUS[0]}" = 0 ] || failed=1
}
for step in ${@:-connections stream storm micro}; do
  case "$step" in
    connections)
      measure connections connections --count 19000 --sources 4 --heartbeat-interval 5 --hold 20 --runs 3 ;;
    stream)
      measure stream-100 stream --streams 100 --tokens-per-second 40 --token-count 60 --duration 20 --runs 3
      measure stream-250 stream --streams 250 --tokens-per-second 100 --token-count 150 --duration 20 --runs 3 ;;
    storm)
      measure storm storm --clients 10000 --runs 3 ;;
    micro)
      (cd bench/AspireAgent.Benchmarks && dotnet bin/Release/net10.0/AspireAgent.Benchmarks.dll --filter '*' --artifacts "../../$out/bdn") 2>&1 | tail -120 > "$out/micro.log"
      dotnet bench/AspireAgent.Benchmarks/bin/Release/net10.0/AspireAgent.Benchmarks.dll memory 2000 2>&1 | tee "$out/compression-memory.log" ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
echo "results in $out"
# Non-zero when any run lost, duplicated or altered a token, or dropped a connection: those figures do not count.
exit $failed
