#!/usr/bin/env bash
# `perfprobe report` against `perf report --stdio` on recordings of the same program (bench/busy.c,
# built -O2 as distributions build: no frame pointers) of 2, 8 and 30 s, both at 999 Hz, each tool
# reading its own recording; medians of interleaved runs (ratios to perf report), and each report's
# peak RSS. perfprobe twice: a first report (--no-cache: every module symbolized through libdw) and a
# second one (the symbol cache filled by the first, docs/symbol-cache.md). Run it once with libc6-dbg
# installed and once without: the header says which. With BASE=OTHER_PERFPROBE in the environment, a
# first report by that binary (an earlier build) of the same recording runs interleaved with the others.
# usage: [BASE=PERFPROBE] bench/report_speed.sh [PERFPROBE] [RUNS] [SECONDS...]
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
cache="XDG_CACHE_HOME=$tmp/cache PERFPROBE_CACHE=1"
for s in "${secs[@]}"; do
  "$pp" record -q -o "$tmp/pp$s.data" -- "$tmp/busy" $((s * 1000)) >/dev/null 2>&1
  "$perf" record -q -g -F 999 -o "$tmp/perf$s.data" -- "$tmp/busy" $((s * 1000)) >/dev/null 2>&1
  echo "## $s s: perfprobe $(stat -c %s "$tmp/pp$s.data") bytes, perf $(stat -c %s "$tmp/perf$s.data") bytes"
  # The warm-up run of each command fills the cache for the second-report line.
  base=()
  [[ -z "${BASE:-}" ]] || base=("BASE first=$BASE report --no-cache $tmp/pp$s.data")
  python3 bench/interleave.py "$runs" \
    "perf report --stdio=$perf report --stdio -i $tmp/perf$s.data" \
    "perfprobe report, first=$pp report --no-cache $tmp/pp$s.data" \
    "perfprobe report, second=$cache $pp report $tmp/pp$s.data" "${base[@]}" | tail -$((4 + ${#base[@]}))
  rss=("$perf report --stdio -i $tmp/perf$s.data" "$pp report --no-cache $tmp/pp$s.data" "env $cache $pp report $tmp/pp$s.data")
  [[ -z "${BASE:-}" ]] || rss+=("$BASE report --no-cache $tmp/pp$s.data")
  for cmd in "${rss[@]}"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "peak RSS %M KiB: $cmd" $cmd >/dev/null 2>"$tmp/rss" || true
    tail -1 "$tmp/rss" | sed "s|$tmp/||g"
  done
done
