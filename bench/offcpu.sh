#!/usr/bin/env bash
# Cost of off-CPU recording: `perfprobe record` with --off-cpu none, switches and auto (as root:
# sched_switch chains) against the bare program and perf's equivalents (`perf record -g`, with
# --switch-events, and sampling sched:sched_switch with call chains as perf's off-CPU recipes do),
# on a program that switches ~2x50k times (bench/switchy.c) and on a CPU-bound one (bench/busy.c).
# usage: bench/offcpu.sh [PERFPROBE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/release/perfprobe}
runs=${2:-7}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -g -fno-omit-frame-pointer -o "$tmp/switchy" bench/switchy.c -lpthread
cc -O2 -g -fno-omit-frame-pointer -o "$tmp/busy" bench/busy.c
perf=$(command -v perf || ls /usr/bin/perf_* 2>/dev/null | head -1)
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)," \
     "perf_event_paranoid $(cat /proc/sys/kernel/perf_event_paranoid), uid $(id -u), $(date -u +%F)"
for w in "switchy 50000" "busy 1000"; do
  echo "## off-CPU recording on $w, 999 Hz, fp call graphs"
  python3 bench/interleave.py "$runs" \
    "bare=$tmp/$w" \
    "perfprobe --off-cpu none=$pp record -q --no-counters --call-graph fp --off-cpu none -o $tmp/pp.data -- $tmp/$w" \
    "perfprobe --off-cpu switches=$pp record -q --no-counters --call-graph fp --off-cpu switches -o $tmp/pp.data -- $tmp/$w" \
    "perfprobe --off-cpu auto=$pp record -q --no-counters --call-graph fp -o $tmp/pp.data -- $tmp/$w" \
    "perf record -g=$perf record -q -F 999 -g --no-bpf-event -o $tmp/perf.data -- $tmp/$w" \
    "perf record -g --switch-events=$perf record -q -F 999 -g --no-bpf-event --switch-events -o $tmp/perf.data -- $tmp/$w" \
    "perf record -g -e sched:sched_switch=$perf record -q -g --no-bpf-event -e cpu-clock -F 999 -e sched:sched_switch -o $tmp/perf.data -- $tmp/$w"
done
"$pp" record -q --no-counters --call-graph fp -o "$tmp/pp.data" -- "$tmp/switchy" 50000 >/dev/null
echo "# data file: $(stat -c %s "$tmp/pp.data") B for switchy 50000 with --off-cpu auto"
