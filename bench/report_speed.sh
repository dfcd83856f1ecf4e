#!/usr/bin/env bash
# `perfprobe report` against `perf report --stdio` on recordings of the same program (bench/busy.c,
# built -O2 as distributions build: no frame pointers) of 2, 8 and 30 s, both at 999 Hz, each tool
# reading its own recording; medians of interleaved runs, and each report's peak RSS.
# usage: bench/report_speed.sh [PERFPROBE] [RUNS] [SECONDS...]
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/release/perfprobe}
runs=${2:-5}
shift 2 || true
secs=("$@")
[[ ${#secs[@]} -gt 0 ]] || secs=(2 8 30)
perf=$(command -v perf || ls /usr/bin/perf_* 2>/dev/null | head -1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -g -o "$tmp/busy" bench/busy.c
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)"
echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC'); perfprobe: $("$pp" --version); perf: $($perf --version)"
echo "# libc6-dbg: $(dpkg-query -W -f='${Status}' libc6-dbg 2>/dev/null || echo absent); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in "${secs[@]}"; do
  "$pp" record -q -o "$tmp/pp$s.data" -- "$tmp/busy" $((s * 1000)) >/dev/null 2>&1
  "$perf" record -q -g -F 999 -o "$tmp/perf$s.data" -- "$tmp/busy" $((s * 1000)) >/dev/null 2>&1
  echo "## $s s: perfprobe $(stat -c %s "$tmp/pp$s.data") bytes, perf $(stat -c %s "$tmp/perf$s.data") bytes"
  python3 bench/interleave.py "$runs" \
    "perfprobe report=$pp report $tmp/pp$s.data" \
    "perf report --stdio=$perf report --stdio -i $tmp/perf$s.data" | tail -3
  for cmd in "$pp report $tmp/pp$s.data" "$perf report --stdio -i $tmp/perf$s.data"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "peak RSS %M KiB: ${cmd%% *} report" $cmd >/dev/null 2>"$tmp/rss" || true
    tail -1 "$tmp/rss" | sed "s|$tmp/||"
  done
done
