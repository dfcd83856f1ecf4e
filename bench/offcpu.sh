#!/usr/bin/env bash
# Cost of off-CPU recording: `perfprobe record` with --off-cpu none, switches and auto (as root:
# sched_switch chains) against the bare program and perf's equivalents (`perf record -g`, with
# --switch-events, and sched:sched_switch with call chains as perf's off-CPU recipes do), on a
# program that switches ~2x50k times (bench/switchy.c) and on a CPU-bound one (bench/busy.c).
# perf's `-F 999` applies to the tracepoint too: that row samples about 1 switch in 300; the
# `every switch` row (the tracepoint's own period, 1) records what perfprobe records.
# BEFORE=path/to/older/perfprobe adds its `auto` row, interleaved with the others.
# usage: [BEFORE=PERFPROBE] bench/offcpu.sh [PERFPROBE] [RUNS]
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
    "perf record -g -e sched:sched_switch=$perf record -q -g --no-bpf-event -e cpu-clock -F 999 -e sched:sched_switch -o $tmp/perf.data -- $tmp/$w" \
    "perf -g sched_switch every switch=$perf record -q -g --no-bpf-event -e cpu-clock/freq=999/ -e sched:sched_switch -o $tmp/perf.data -- $tmp/$w" \
    ${BEFORE:+"perfprobe --off-cpu auto (before)=$BEFORE record -q --no-counters --call-graph fp -o $tmp/pp.data -- $tmp/$w"}
done
for p in "$pp" ${BEFORE:+"$BEFORE"}; do
  "$p" record --no-counters --call-graph fp -o "$tmp/pp.data" -- "$tmp/switchy" 50000 2>"$tmp/note" >/dev/null
  echo "# $p, switchy 50000, --off-cpu auto: data file $(stat -c %s "$tmp/pp.data") B;" \
       "$(grep -o '[0-9]* waits lost' "$tmp/note" || echo '0 waits lost')"
done
"$perf" record -q -g --no-bpf-event -e cpu-clock/freq=999/ -e sched:sched_switch -o "$tmp/perf.data" -- "$tmp/switchy" 50000 >/dev/null
echo "# perf every switch: $("$perf" script -i "$tmp/perf.data" -F event 2>/dev/null | grep -c sched_switch) sched_switch samples"
