#!/usr/bin/env bash
# `perfprobe report` against `perf report --stdio` on recordings of the same program (bench/busy.c,
# built -O2 as distributions build: no frame pointers) of 2, 8 and 30 s, both at 999 Hz, each tool
# reading its own recording; medians of interleaved runs (ratios to perf report), and each report's
# peak RSS. perfprobe twice: a first report (--no-cache: every module symbolized through libdw) and a
# second one (the symbol cache filled by the first, docs/symbol-cache.md). Run it once with libc6-dbg
# installed and once without: the header says which. With BASE=OTHER_PERFPROBE in the environment, a
# first report by that binary (an earlier build) of the same recording runs interleaved with the others.
# BEFORE=OLD_PERFPROBE adds an older build's second report of its own recording (before/after in one
# interleaved run, also across data file versions). DATA=DIR keeps the recordings there and reuses those
# it finds (recording is most of the script's time on a loaded machine); empty DIR after changing builds.
# CONTEND=1 records with a busy loop pinned to the program's CPU (both tools alike): the program is
# preempted thousands of times, so the off-CPU wait chains reach into libc's printf and start code, whose
# compressed debug info is the dearest part of a first report with libc6-dbg. A quiet recording's
# chains never leave busy.c and libc's start code.
# usage: [BASE=PERFPROBE] [BEFORE=OLD] [DATA=DIR] [CONTEND=1] bench/report_speed.sh [PERFPROBE] [RUNS] [SECONDS...]
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
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)"
echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC'); perfprobe: $("$pp" --version); perf: $($perf --version)"
echo "# libc6-dbg: $(dpkg-query -W -f='${Status}' libc6-dbg 2>/dev/null || echo absent); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
before=${BEFORE:-}
data=${DATA:-$tmp}
mkdir -p "$data"
# In DATA too: the recordings name the binary, and a second run reuses them.
[[ -x $data/busy ]] || cc -O2 -g -o "$data/busy" bench/busy.c
[[ -z $before ]] || echo "# before: $before ($("$before" --version))"
cache="XDG_CACHE_HOME=$tmp/cache PERFPROBE_CACHE=1"
old_cache="XDG_CACHE_HOME=$tmp/cache-before PERFPROBE_CACHE=1"
kind=quiet
[[ -z ${CONTEND:-} ]] || kind=contended
echo "# recordings: $kind"
record() {  # OUT COMMAND...: records unless DATA already holds OUT
  [[ ! -s $1 ]] || return 0
  if [[ $kind == contended ]]; then
    taskset -c 0 sh -c 'while :; do :; done' &
    local competitor=$!
    taskset -c 0 "${@:2}" >/dev/null 2>&1 || true
    kill "$competitor"
    wait "$competitor" 2>/dev/null || true
  else
    "${@:2}" >/dev/null 2>&1
  fi
}
for s in "${secs[@]}"; do
  record "$data/pp-$kind$s.data" "$pp" record -q -o "$data/pp-$kind$s.data" -- "$data/busy" $((s * 1000))
  record "$data/perf-$kind$s.data" "$perf" record -q -g -F 999 -o "$data/perf-$kind$s.data" -- "$data/busy" $((s * 1000))
  commands=("perf report --stdio=$perf report --stdio -i $data/perf-$kind$s.data"
    "perfprobe report, first=$pp report --no-cache $data/pp-$kind$s.data"
    "perfprobe report, second=$cache $pp report $data/pp-$kind$s.data")
  rss=("$perf report --stdio -i $data/perf-$kind$s.data" "$pp report --no-cache $data/pp-$kind$s.data"
    "env $cache $pp report $data/pp-$kind$s.data")
  if [[ -n ${BASE:-} ]]; then
    commands+=("BASE first=$BASE report --no-cache $data/pp-$kind$s.data")
    rss+=("$BASE report --no-cache $data/pp-$kind$s.data")
  fi
  if [[ -n $before ]]; then
    record "$data/before-$kind$s.data" "$before" record -q -o "$data/before-$kind$s.data" -- "$data/busy" $((s * 1000))
    commands+=("before, second=$old_cache $before report $data/before-$kind$s.data")
    rss+=("env $old_cache $before report $data/before-$kind$s.data")
  fi
  echo "## $s s: perfprobe $(stat -c %s "$data/pp-$kind$s.data") bytes, perf $(stat -c %s "$data/perf-$kind$s.data") bytes"
  # The warm-up run of each command fills the cache for the second-report lines.
  python3 bench/interleave.py "$runs" "${commands[@]}" | tail -$((${#commands[@]} + 1))
  for cmd in "${rss[@]}"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "peak RSS %M KiB: $cmd" $cmd >/dev/null 2>"$tmp/rss" || true
    tail -1 "$tmp/rss" | sed "s|$tmp/||g; s|$data/||g"
  done
done
