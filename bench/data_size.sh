#!/usr/bin/env bash
# Data file bytes per sample and perfprobe's peak RSS while recording, against perf record at the
# same frequency: frame-pointer and DWARF call graphs on a program with eight-deep call chains,
# then a long recording at -F 10000 (does memory stay flat with the length?). One run, side by side.
# usage: bench/data_size.sh [PERFPROBE] [LONG_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/rel/perfprobe}
long=${2:-60}
scripts/install-deps.sh --bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -g -fno-omit-frame-pointer -o "$tmp/chain" bench/chain.c
perf=$(command -v perf || ls /usr/bin/perf_* 2>/dev/null | head -1)
echo "# $(date -u +%F), machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs," \
     "kernel $(uname -r); perfprobe: $("$pp" --version); perf: $($perf --version)"

peak_kb() { /usr/bin/time -f %M -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }; cat "$tmp/rss"; }
pp_samples() { "$pp" report --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["samples"])'; }
perf_samples() { "$perf" script -F tid -i "$1" 2>/dev/null | wc -l; }

# row LABEL SECONDS FREQ PERFPROBE-ARGS -- PERF-ARGS
row() {
  local label=$1 secs=$2 freq=$3 pp_args=$4 perf_args=$5
  local pp_kb perf_kb pp_n perf_n pp_b perf_b
  # shellcheck disable=SC2086
  pp_kb=$(peak_kb "$pp" record -q --no-counters -F "$freq" $pp_args -o "$tmp/pp.data" -- "$tmp/chain" "$secs")
  # shellcheck disable=SC2086
  perf_kb=$(peak_kb "$perf" record -q --no-bpf-event -F "$freq" $perf_args -o "$tmp/perf.data" -- "$tmp/chain" "$secs")
  pp_n=$(pp_samples "$tmp/pp.data")
  perf_n=$(perf_samples "$tmp/perf.data")
  pp_b=$(stat -c %s "$tmp/pp.data")
  perf_b=$(stat -c %s "$tmp/perf.data")
  python3 - "$label" "$pp_n" "$pp_b" "$pp_kb" "$perf_n" "$perf_b" "$perf_kb" <<'PY'
import sys
label, ppn, ppb, ppkb, pfn, pfb, pfkb = sys.argv[1], *map(int, sys.argv[2:])
a, b = ppb / max(ppn, 1), pfb / max(pfn, 1)
print(f"| {label} | perfprobe | {ppn} | {ppb} | {a:.1f} | {ppkb / 1024:.1f} | {a / b:.2f} |")
print(f"| | perf record | {pfn} | {pfb} | {b:.1f} | {pfkb / 1024:.1f} | 1.00 |")
PY
}

echo "| recording | tool | samples | file bytes | bytes/sample | peak RSS MiB | bytes/sample vs perf |"
echo "|---|---|---|---|---|---|---|"
row "fp, 999 Hz, 5 s" 5 999 "--call-graph fp" "-g"
row "dwarf, 999 Hz, 5 s" 5 999 "--call-graph dwarf" "--call-graph dwarf"
row "fp, 10000 Hz, 5 s" 5 10000 "--call-graph fp" "-g"
row "fp, 10000 Hz, ${long} s" "$long" 10000 "--call-graph fp" "-g"
