#!/usr/bin/env bash
# Off-CPU figures of `report --json` against the truth each fixture measures itself (docs/accuracy.md,
# "Off-CPU time"): half sleep half spin, a mutex wait, a cold file's major faults, a pool spinning at
# a barrier; as this user and, when root, as perfprobe-test (switch records only).
# usage: bench/offcpu_accuracy.sh [BUILD_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/rel}
runs=${2:-5}
pp=$(realpath "$build/perfprobe")
fx=$(realpath "$build/tests/fixtures")
tmp=$(mktemp -d -p "${TMPDIR:-/var/tmp}")  # on disk: the cold file must leave the page cache
chmod 1777 "$tmp"
trap 'rm -rf "$tmp"' EXIT
head -c $((8 << 20)) /dev/urandom >"$tmp/cold.bin"
chmod 644 "$tmp/cold.bin"
sync "$tmp/cold.bin"
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r), $(date -u '+%F %H:%M UTC')"
printf '%-58s %12s %12s\n' figure perfprobe truth
measure() {  # who fixture args...
  local who=$1 name=$2
  shift 2
  local prefix=()
  [[ $who == unprivileged ]] && prefix=(setpriv --reuid="$(id -u perfprobe-test)" --regid="$(id -g perfprobe-test)" --clear-groups --inh-caps=-all --)
  for i in $(seq "$runs"); do
    "${prefix[@]}" "$pp" record -q -o "$tmp/$who.data" -- "$fx/$name" "$@" >"$tmp/$who.out"
    "${prefix[@]}" "$pp" report --json "$tmp/$who.data" >"$tmp/$who.json"
    python3 - "$tmp/$who.json" "$tmp/$who.out" "$who $name #$i" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
truth = dict(kv.split("=") for kv in open(sys.argv[2]).read().split())
truth = {k: float(v) for k, v in truth.items()}
label, name = sys.argv[3], sys.argv[4]
oc = r["off_cpu"]
known = oc["reasons_known"]
def blocked(w):  # off CPU for another reason than waiting for a CPU
    return w["off_cpu_by_reason_ms"]["sleep"] if known else w["off_cpu_ms"] - w["off_cpu_by_reason_ms"]["runnable"]
def thread(n):
    return next(t["wall"] for t in oc["threads"] if t["name"] == n)
row = lambda what, got, want: print("%-58s %12.3f %12.3f" % (label + ": " + what, got, want))
if name == "sleep_spin":
    w = oc["wall"]
    row("blocked share of wall (" + ("sleep" if known else "not runnable") + ")", blocked(w) / w["wall_ms"],
        truth["slept_ms"] / truth["wall_ms"])
elif name == "mutex_wait":
    row("waiter blocked ms", blocked(thread("waiter")), truth["waited_ms"])
elif name == "cold_read":
    w = oc["wall"]
    row("major-fault ms vs the touch loop (majflt %d)" % truth["majflt"], w["off_cpu_by_reason_ms"]["major-fault"],
        truth["touch_ms"])
elif name == "spin_barrier":
    w = thread("spinner")
    row("spinner spin-wait + runnable share", (w["spin_wait_ms"] + w["off_cpu_by_reason_ms"]["runnable"]) / w["wall_ms"],
        truth["spin_ms"] / truth["wall_ms"])
PY
  done
}
whos=("$(id -un)")
[[ $(id -u) == 0 ]] && id perfprobe-test >/dev/null 2>&1 && whos+=(unprivileged)
for who in "${whos[@]}"; do
  measure "$who" sleep_spin 40
  measure "$who" mutex_wait 200
  measure "$who" cold_read "$tmp/cold.bin"
  measure "$who" spin_barrier 50
done
