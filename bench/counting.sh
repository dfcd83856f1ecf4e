#!/usr/bin/env bash
# Counting overhead of `perfprobe run` against the bare program and `perf stat` (Debian's linux-perf),
# and the fixed cost of `perfprobe run -- true` against `perf stat -- true`, side by side in one run.
# usage: bench/counting.sh [PERFPROBE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/release/perfprobe}
runs=${2:-15}
scripts/install-deps.sh --bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/busy" bench/busy.c
perf=$(command -v perf || ls /usr/bin/perf_* 2>/dev/null | head -1)
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)"
echo "# perfprobe: $("$pp" --version); perf: $($perf --version)"
echo "## CPU-bound program (busy 600: ~0.6 s), default event set"
python3 bench/interleave.py "$runs" \
  "bare=$tmp/busy 600" \
  "perfprobe run=$pp run -q -- $tmp/busy 600" \
  "perf stat=$perf stat -o /dev/null -- $tmp/busy 600"
echo "## fixed cost: the target is /bin/true"
python3 bench/interleave.py $((runs * 4)) \
  "bare=/bin/true" \
  "perfprobe run=$pp run -q -- /bin/true" \
  "perfprobe run --no-counters=$pp run -q --no-counters -- /bin/true" \
  "perf stat=$perf stat -o /dev/null -- /bin/true"
echo "## ten runs of a short program, statistics included: perfprobe run -r 10 vs hyperfine -N -r 10"
python3 bench/interleave.py "$runs" \
  "hyperfine -N -r 10 -w 0=hyperfine -N -r 10 -w 0 --style none --export-json /dev/null -- '$tmp/busy 20'" \
  "perfprobe run -r 10=$pp run -q -r 10 --json /dev/null -- $tmp/busy 20" \
  "perfprobe run -r 10 --no-counters=$pp run -q -r 10 --no-counters -- $tmp/busy 20"
