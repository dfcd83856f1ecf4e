#!/usr/bin/env bash
# Figures perfprobe reports against their truth, side by side (docs/accuracy.md records the result):
# a phase touching exactly 64 MiB (RSS and page-fault deltas, as this user and, when root, as
# perfprobe-test), 501 quick writes as output tokens, a million marks, and how late an output:REGEX
# marker is behind the write (the fixture marks the instant just before each write).
# usage: bench/accuracy.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/rel}
pp=$build/perfprobe
fx=$build/tests/fixtures/marker_stress
tmp=$(mktemp -d)
chmod 1777 "$tmp"  # the unprivileged runs write there too
trap 'rm -rf "$tmp"' EXIT
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r), $(date -u '+%F %H:%M UTC')"
printf '%-44s %16s %16s\n' figure perfprobe truth
phase() {  # label [prefix...]
  local label=$1
  shift
  for i in 1 2 3 4 5; do
    "$@" "$pp" run -q --json "$tmp/p-$label.json" -e page-faults -- "$fx" touch 64 >/dev/null
    python3 - "$tmp/p-$label.json" "$label run $i" <<'PY'
import json, sys
load = json.load(open(sys.argv[1]))["runs"][0]["phases"][0]
print("%-44s %16d %16d" % (sys.argv[2] + ": load RSS delta (B)", load["rss_delta_bytes"], 64 << 20))
print("%-44s %16d %16d" % (sys.argv[2] + ": load page faults", load["counters"].get("page-faults", -1), 16384))
PY
  done
}
phase "$(id -un)"
if [[ $(id -u) == 0 ]] && id perfprobe-test >/dev/null 2>&1; then
  phase perfprobe-test setpriv --reuid=perfprobe-test --regid=perfprobe-test --clear-groups --inh-caps=-all --
fi
"$pp" run -q --json "$tmp/t.json" --tokens output -- "$fx" writes 501 >/dev/null
python3 -c 'import json,sys; print("%-44s %16d %16d" % ("tokens of 501 quick writes", json.load(open(sys.argv[1]))["runs"][0]["tokens"]["count"], 501))' "$tmp/t.json"
"$pp" run -q --json "$tmp/m.json" -- "$fx" ticks 1000000
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; print("%-44s %16d %16d" % ("mark:tick count", r["markers"]["mark:tick"]["count"], 1000000)); print("%-44s %16d %16s" % ("  of which without a timestamp", r["markers_dropped"], "-"))' "$tmp/m.json"
"$pp" run -q --jsonl "$tmp/l.jsonl" --ready output:ready --phase 'x=output:ready..output:ready' -- "$fx" lag 200 >/dev/null
python3 - "$tmp/l.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
marks = [e["t_ms"] for e in ev if e.get("name") == "wrote"]
outs = [e["t_ms"] for e in ev if e.get("event") == "marker" and e.get("source") == "output"]
lags = sorted((o - m) * 1000 for m, o in zip(marks, outs))
if lags:
    q = lambda p: lags[min(len(lags) - 1, int(p * len(lags)))]
    print("%-44s %16s %16s" % ("output:REGEX lag behind the write (us)", "p50 %.0f p99 %.0f max %.0f" % (q(.5), q(.99), lags[-1]), "0"))
PY
