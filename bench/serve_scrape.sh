#!/usr/bin/env bash
# attach --serve: how long one scrape of /metrics takes as the window's events pile up (usdt_burn 0,
# a token every fraction of a millisecond, counted through its SDT probe: needs root), beside a
# scrape of node_exporter with its default collectors on the same machine, and the CPU perfprobe
# used. docs/benchmarks.md records the result.
# usage: bench/serve_scrape.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/rel}
seconds=${2:-20}
tmp=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%F %H:%M UTC')"
"$build/tests/fixtures/usdt_burn" 0 >/dev/null &
pids+=($!)
burn=$!
sleep 0.2
"$build/perfprobe" attach -p "$burn" --serve 127.0.0.1:0 --tokens usdt:burn:token -q --jsonl "$tmp/a.jsonl" \
  -d "$((seconds * 3 + 10))s" 2>/dev/null &
pids+=($!)
pp=$!
until grep -q '"serve"' "$tmp/a.jsonl" 2>/dev/null; do sleep 0.05; done
url=$(grep -o '"url":"[^"]*"' "$tmp/a.jsonl" | cut -d'"' -f4)
node=""
if command -v prometheus-node-exporter >/dev/null; then
  prometheus-node-exporter --web.listen-address=127.0.0.1:19100 >/dev/null 2>&1 &
  pids+=($!)
  node=http://127.0.0.1:19100/metrics
  sleep 1
fi
printf '%8s %12s %18s %22s\n' second tokens "perfprobe scrape" "node_exporter scrape"
for ((s = 1; s <= seconds; s++)); do
  sleep 1
  t_pp=$(curl -s -o "$tmp/m" -w '%{time_total}' "$url") || { echo "scrape failed: $(head -c 200 "$tmp/m")"; continue; }
  tokens=$(awk '/^perfprobe_tokens_total/ {print $NF; exit}' "$tmp/m")
  t_node=-
  [[ -n $node ]] && t_node=$(curl -s -o /dev/null -w '%{time_total}' "$node")
  printf '%8d %12s %16.1f ms %20s\n' "$s" "$tokens" "$(echo "$t_pp * 1000" | bc -l)" \
    "$([[ $t_node == - ]] && echo - || printf '%.1f ms' "$(echo "$t_node * 1000" | bc -l)")"
done
echo "# perfprobe CPU over the run (user+sys, clock ticks): $(awk '{print $14 + $15}' "/proc/$pp/stat")"
