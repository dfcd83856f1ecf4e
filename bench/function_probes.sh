#!/usr/bin/env bash
# Cost per hit of a function probe (entry uprobe) on the same function, side by side: no probe,
# perfprobe's uprobe: spec (sampled with registers, filtered to the target's tree), `perf probe` +
# `perf stat` (a counting tracepoint uprobe), and bpftrace's uprobe: with a count() map. Root only.
# usage: sudo bench/function_probes.sh [PERFPROBE]   (needs linux-perf and bpftrace: install-deps.sh --bench)
set -euo pipefail
cd "$(dirname "$0")/.."
pp=$(realpath "${1:-build/release/perfprobe}")
[[ $(id -u) == 0 ]] || { echo "function_probes.sh: uprobes need root" >&2; exit 1; }
tmp=$(mktemp -d)
bin=$tmp/func_cost
trap 'perf probe -q -d "probe_func_cost:*" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
cc -O2 -o "$bin" bench/func_cost.c
n=20000
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r), $(date -u +%F)"
echo "# $(perf --version 2>/dev/null || echo 'perf: missing'); $(bpftrace --version 2>/dev/null || echo 'bpftrace: missing')"
have_perf=0
if command -v perf >/dev/null && perf probe -q -x "$bin" bench_hit >/dev/null 2>&1; then have_perf=1; fi
for i in 1 2 3; do
  echo "## round $i"
  echo -n "no probe:                       "; "$bin" $n
  echo -n "perfprobe --probe uprobe:       "; "$pp" run -q --no-counters --probe "uprobe:$bin:bench_hit" -- "$bin" $n
  if [[ $have_perf == 1 ]]; then
    echo -n "perf probe + perf stat:         "
    perf stat -x, -o "$tmp/stat" -e probe_func_cost:bench_hit -- "$bin" $n
  fi
  if command -v bpftrace >/dev/null; then
    echo -n "bpftrace uprobe: count():       "
    bpftrace -q -e "uprobe:$bin:bench_hit { @n = count(); } END { clear(@n); }" -c "$bin $n" 2>/dev/null | grep 'per call'
  fi
done
