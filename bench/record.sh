#!/usr/bin/env bash
# Sampling overhead of `perfprobe record` against the bare program and `perf record` at the same
# frequency (999 Hz, frame-pointer call graphs), `perfprobe report` time against
# `perf report --stdio` on the same workload, and the fixed cost of `record -- true` against perf
# record's with and without --no-bpf-event: side by side in one run.
# usage: bench/record.sh [PERFPROBE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/release/perfprobe}
runs=${2:-7}
scripts/install-deps.sh --bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -g -fno-omit-frame-pointer -o "$tmp/busy" bench/busy.c
cc -O2 -o "$tmp/floor" bench/sampling_floor.c
perf=$(command -v perf || ls /usr/bin/perf_* 2>/dev/null | head -1)
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)," \
     "perf_event_paranoid $(cat /proc/sys/kernel/perf_event_paranoid)"
echo "# perfprobe: $("$pp" --version); perf: $($perf --version)"

echo "## sampling overhead: CPU-bound program (busy 1000: ~1 s of fixed work), 999 Hz, fp call graphs"
python3 bench/interleave.py "$runs" \
  "bare=$tmp/busy 1000" \
  "perfprobe record=$pp record -q --no-counters -F 999 -o $tmp/pp.data -- $tmp/busy 1000" \
  "perfprobe record +counters=$pp record -q -F 999 -o $tmp/pp.data -- $tmp/busy 1000" \
  "perf record -g=$perf record -q -F 999 -g -o $tmp/perf.data -- $tmp/busy 1000" \
  "perf record -g --no-bpf-event=$perf record -q -F 999 -g --no-bpf-event -o $tmp/perf.data -- $tmp/busy 1000" \
  "kernel floor (IP|TID|TIME only)=$tmp/floor 1 $tmp/busy 1000"

echo "## report time on the same workload (one recording each, ~1000 samples of one hot function)"
"$pp" record -q -F 999 -o "$tmp/pp.data" -- "$tmp/busy" 1000 >/dev/null
"$perf" record -q -F 999 -g --no-bpf-event -o "$tmp/perf.data" -- "$tmp/busy" 1000 >/dev/null 2>&1
python3 bench/interleave.py "$runs" \
  "perf report --stdio=$perf report --stdio -i $tmp/perf.data" \
  "perf report --stdio srcline=$perf report --stdio --sort sym,srcline -i $tmp/perf.data" \
  "perfprobe report=$pp report $tmp/pp.data" \
  "perfprobe report --json=$pp report --json $tmp/pp.data"

# A C++ workload with many functions and deep stacks: perfprobe size on the largest library here.
big=$(find /usr/lib/x86_64-linux-gnu -maxdepth 1 -name '*.so*' -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
echo "## report time, C++ workload with many functions (perfprobe size --json $big, 4999 Hz)"
"$pp" record -q -F 4999 -o "$tmp/pp2.data" -- "$pp" size --json --top 0 "$big" >/dev/null
"$perf" record -q -F 4999 -g --no-bpf-event -o "$tmp/perf2.data" -- "$pp" size --json --top 0 "$big" >/dev/null 2>&1
python3 bench/interleave.py "$runs" \
  "perf report --stdio=$perf report --stdio -i $tmp/perf2.data" \
  "perf report --stdio srcline=$perf report --stdio --sort sym,srcline -i $tmp/perf2.data" \
  "perfprobe report=$pp report $tmp/pp2.data"

echo "## fixed cost: the target is /bin/true"
python3 bench/interleave.py "$runs" \
  "bare=/bin/true" \
  "perfprobe record=$pp record -q -o $tmp/t.data -- /bin/true" \
  "perfprobe record --no-counters=$pp record -q --no-counters -o $tmp/t.data -- /bin/true" \
  "perf record=$perf record -q -o $tmp/t.perf -- /bin/true" \
  "perf record --no-bpf-event=$perf record -q --no-bpf-event -o $tmp/t.perf -- /bin/true"
echo "# data file sizes: perfprobe $(stat -c %s "$tmp/pp.data") B, perf $(stat -c %s "$tmp/perf.data") B"
bench/offcpu.sh "$pp" "$runs"  # off-CPU recording's cost (switch records, sched_switch chains)
