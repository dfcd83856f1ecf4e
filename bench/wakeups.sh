#!/usr/bin/env bash
# perfprobe's own wake-ups and CPU time during a run, against perf stat's on the same target: a
# program that sleeps (makes no marks, no output) and one that computes. GNU time's figures cover
# the tool and its target; the target alone is shown first so the tool's share can be read off.
# usage: bench/wakeups.sh [PERFPROBE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/release/perfprobe}
secs=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/busy" bench/busy.c
perf=$(command -v perf || ls /usr/bin/perf_* 2>/dev/null | head -1)
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r), $(date -u +%F)"
echo "# perfprobe: $("$pp" --version); perf: $($perf --version)"
measure() {  # label command...: voluntary switches (wake-ups) per second and CPU seconds, tool + target
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S %w" -o "$tmp/t" "$@" >/dev/null 2>&1 || true
  read -r wall user sys vol <"$tmp/t"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v v="$vol" \
    'BEGIN { printf "%-28s wall %6.2f s  cpu %6.3f s  wake-ups %6d  (%6.1f/s)\n", l, w, u + s, v, v / w }'
}
for target in "sleep $secs" "$tmp/busy $((secs * 400))"; do
  echo "## target: ${target/#$tmp\//}"
  # shellcheck disable=SC2086
  measure "bare" $target
  # shellcheck disable=SC2086
  measure "perf stat" "$perf" stat -o /dev/null -- $target
  # shellcheck disable=SC2086
  measure "perfprobe run" "$pp" run -q -- $target
  # shellcheck disable=SC2086
  measure "perfprobe run --interval 0" "$pp" run -q --interval 0 -- $target
done
