#!/usr/bin/env bash
# What perfprobe costs before it does anything: `perfprobe --version` and the fixed cost of
# `perfprobe run -- /bin/true`, against /bin/true itself, perf stat and hyperfine -N on the same
# program, interleaved in one run (medians), and the page faults of each start. Give an older build
# as OLD to see the change side by side.
# usage: bench/startup.sh [PERFPROBE] [OLD_PERFPROBE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/release/perfprobe}
old=${2:-}
runs=${3:-100}
perf=$(command -v perf || ls /usr/bin/perf_* 2>/dev/null | head -1)
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)"
echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC'); perfprobe: $("$pp" --version); perf: $($perf --version); $(hyperfine --version)"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
set -- "bare /bin/true=/bin/true" \
  "perfprobe --version=$pp --version" \
  "perfprobe run -- /bin/true=$pp run -q -- /bin/true" \
  "perf stat -- /bin/true=$perf stat -o /dev/null -- /bin/true" \
  "hyperfine -N -r 1 /bin/true=hyperfine -N -r 1 -w 0 --style none --export-json /dev/null -- /bin/true"
if [[ -n $old ]]; then
  set -- "$@" "OLD perfprobe --version=$old --version" "OLD perfprobe run -- /bin/true=$old run -q -- /bin/true"
fi
python3 bench/interleave.py "$runs" "$@"
echo "## page faults and CPU time of one start (means of perf stat -r 50)"
for b in "$pp" $old; do
  for args in "--version" "run -q -- /bin/true"; do
    # shellcheck disable=SC2086
    "$perf" stat -r 50 -e page-faults,task-clock -- "$b" $args 2>&1 >/dev/null |
      awk -v what="$b $args" '/page-faults/ {pf=$1} /task-clock/ {tc=$1} END {printf "%-60s %6s page faults  %8s ms CPU\n", what, pf, tc}'
  done
done
