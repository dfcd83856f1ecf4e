#!/usr/bin/env bash
# Slow tokens' on/off-CPU split and major faults of `report --json` against tests/fixtures/slow_tokens'
# truth (docs/accuracy.md, "Slow tokens explained"): tokens 10, 30, 50 sleep 60 ms after 3 ms of CPU;
# token 25 faults in a cold 1 MiB file page by page (the fixture prints its own getrusage count).
# usage: bench/token_waits.sh [BUILD_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/rel}
runs=${2:-3}
pp=$(realpath "$build/perfprobe")
fx=$(realpath "$build/tests/fixtures")
tmp=$(mktemp -d -p "${TMPDIR:-/var/tmp}")  # on disk: the cold file must leave the page cache
trap 'rm -rf "$tmp"' EXIT
head -c $((1 << 20)) /dev/urandom >"$tmp/cold.bin"
sync "$tmp/cold.bin"
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%F %H:%M UTC'), user $(id -un)"
for ((i = 1; i <= runs; ++i)); do
  out=$("$pp" record -q -o "$tmp/p.data" -- "$fx/slow_tokens" 61 "$tmp/cold.bin")
  "$pp" report --json "$tmp/p.data" | python3 -c '
import json, sys
t = json.load(sys.stdin)["tokens"]
for k in t["slowest"]:
    w, r = k["wall"], k["wall"]["off_cpu_by_reason_ms"]
    if k["index"] % 20 == 10:
        print("sleep token %d: latency %.1f ms = on-CPU %.1f (truth >= 3 ms of CPU) + off-CPU %.1f (sleep %.1f, truth 60 + wake-up; runnable %.1f), top wait %s in %s"
              % (k["index"], k["latency_ms"], w["on_cpu_ms"], w["off_cpu_ms"], r["sleep"], r["runnable"],
                 k["top_wait"]["reason"], " <- ".join(k["top_wait"]["frames"][:3])))
    if k["index"] == 25:
        print("fault token 25: %d major faults (fixture: %s), major-fault %.1f ms of %.1f" %
              (k["major_faults"], sys.argv[1], r["major-fault"], k["latency_ms"]))
o = t["others"]
print("the other %d tokens, per token: wall %.2f ms = on-CPU %.2f + off-CPU %.2f (sleep %.3f), %.2f major faults"
      % (o["tokens"], o["wall"]["wall_ms"], o["wall"]["on_cpu_ms"], o["wall"]["off_cpu_ms"],
         o["wall"]["off_cpu_by_reason_ms"]["sleep"], o["major_faults"]))
' "$out"
done
