#!/usr/bin/env bash
# Does attach's task-clock cover exactly its window? A busy process of N threads (tests/fixtures/
# busy_threads) is attached for 2 s; task-clock is set beside the threads' own CPU time over the same
# window (/proc utime+stime, the JSON's user_ms + sys_ms) and the CPUs it implies beside the machine's.
# usage: bench/attach_window.sh [BUILD_DIR] [THREADS...]   (default build/release, 4 50 200)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
shift || true
threads=("$@")
[[ ${#threads[@]} -gt 0 ]] || threads=(4 50 200)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [[ -n ${pid:-} ]] && kill "$pid" 2>/dev/null || true' EXIT
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)"
echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %12s %12s %8s %14s\n' threads task-clock "/proc CPU" ratio "CPUs utilized"
for n in "${threads[@]}"; do
  "$build/tests/fixtures/busy_threads" "$n" 0 &
  pid=$!
  sleep 1  # every thread started
  "$build/perfprobe" attach -p "$pid" --duration 2s -q -e task-clock --json "$tmp/a.json"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
  python3 - "$tmp/a.json" "$n" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
tc = run["counters"]["task-clock"]["value"] / 1e6
cpu = run["user_ms"] + run["sys_ms"]
print(f"{sys.argv[2]:>8} {tc:10.1f}ms {cpu:10.1f}ms {tc / cpu:8.3f} {run['derived']['cpus_utilized']:14.2f}")
PY
done
