#!/usr/bin/env bash
# `perfprobe size` on a large shared library, side by side with `nm --size-sort` and `size -A`.
# Usage: bench/size.sh [LIBRARY] [PERFPROBE]   (default: the largest .so under /usr/lib, build/release/perfprobe)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${2:-build/release/perfprobe}
lib=${1:-$(find /usr/lib /usr/lib64 -name '*.so*' -type f -printf '%s %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2)}
echo "library: $lib ($(stat -c %s "$lib") bytes)"
# Best of 5 wall-clock seconds of a command, output discarded.
best() {
  local best=999999 t
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    if (( $(echo "$t < $best" | bc) )); then best=$t; fi
  done
  printf '%-48s %8.3f s\n' "$*" "$best" | sed "s|$lib|LIB|"
}
best "$bin" size --no-libs "$lib"
best "$bin" size "$lib"
best "$bin" size --json --top 0 --no-libs "$lib"
best nm --size-sort -C -D "$lib"
best size -A "$lib"
echo
echo "cross-check: sections summed by size -A vs perfprobe (size -A leaves out .shstrtab)"
size -A "$lib" | awk '/^\./ {s += $2} END {print "size -A total:", s}'
"$bin" size --json --no-libs "$lib" | python3 -c '
import json, sys
f = json.load(sys.stdin)["files"][0]
print("perfprobe sections total:", sum(max(s["file_bytes"], s["vm_bytes"]) for s in f["sections"] if s["name"] != ".shstrtab"))'
