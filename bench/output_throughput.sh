#!/usr/bin/env bash
# Pass-through rate of the target's output with an output regex active (`--ready output:REGEX`),
# against `cat` alone: a regex that fires on the first line (matching stops there) and one that
# never fires (the required-literal prefilter keeps the regex engine off the text).
# usage: bench/output_throughput.sh [PERFPROBE] [MIB]
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/release/perfprobe}
mib=${2:-256}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ echo "server: listening on port 8080"; yes 'worker 3: handled request GET /v1/completions in 12.5 ms'; } |
  head -c $((mib << 20)) >"$tmp/log" || true  # yes ends by SIGPIPE
cat "$tmp/log" >/dev/null  # page cache warm
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r), $(date -u +%F)"
rate() {  # label command...
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  awk -v l="$label" -v s="$start" -v e="$end" -v m="$mib" 'BEGIN { printf "%-52s %7.0f MB/s (%.2f s)\n", l, m * 1.048576 / (e - s), e - s }'
}
for round in 1 2 3; do
  echo "## round $round: $mib MiB"
  rate "cat" cat "$tmp/log"
  rate "perfprobe run (no output spec)" "$pp" run -q --no-counters -- cat "$tmp/log"
  rate "perfprobe run --ready 'output:listening on port \\d+'" \
    "$pp" run -q --no-counters --ready 'output:listening on port \d+' -- cat "$tmp/log"
  rate "perfprobe run --ready 'output:model loaded' (never fires)" \
    "$pp" run -q --no-counters --ready 'output:model loaded' -- cat "$tmp/log"
done
