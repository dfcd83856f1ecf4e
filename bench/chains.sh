#!/usr/bin/env bash
# Whole call chains with default options (docs/accuracy.md, "Whole call chains"): `main`'s total share
# and the truncated chains of programs built without frame pointers, recorded with `record`'s
# defaults: bench/chain.c at -O2 -fomit-frame-pointer, and, when given its directory (run.c and
# tokenizer.bin of github.com/karpathy/llama2.c), the llama2.c LLM runner built -O3 -g, run on a
# checkpoint of random weights with the shapes of its 15M-parameter model, output tokens as tokens.
# usage: bench/chains.sh [BUILD_DIR] [LLAMA2C_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/rel}
llama=${2:-}
pp=$build/perfprobe
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r), $(cc --version | head -1), $(date -u '+%F %H:%M UTC')"
printf '%-46s %8s %12s %10s\n' program samples "main total" truncated
measure() {  # label command...
  local label=$1
  shift
  "$pp" record -q -o "$tmp/p.data" --tokens output -- "$@" >/dev/null 2>"$tmp/target.err"
  "$pp" report --json --top 100000 "$tmp/p.data" >"$tmp/r.json"
  python3 - "$tmp/r.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
main = next((f["total_pct"] for f in r["functions"] if f["name"] == "main"), 0.0)
print("%-46s %8d %11.1f%% %10d" % (sys.argv[2], r["samples"], main, r["truncated_chains"]))
PY
}
cc -O2 -g -fomit-frame-pointer -o "$tmp/chain" bench/chain.c
measure "bench/chain.c 2 (-O2 -fomit-frame-pointer)" "$tmp/chain" 2
if [[ -n $llama ]]; then
  cc -O3 -g -o "$tmp/run" "$llama/run.c" -lm
  python3 - "$tmp/model.bin" <<'PY'
# llama2.c's legacy checkpoint: 7 int32 (dim, hidden, layers, heads, kv heads, vocab, seq) then float32
# weights in run.c's order (memory_map_weights), here random, with the 15M model's shapes.
import array, random, struct, sys
dim, hidden, layers, heads, kv, vocab, seq = 288, 768, 6, 6, 6, 32000, 256
head = dim // heads
sizes = [vocab * dim, layers * dim, layers * dim * dim, layers * dim * kv * head, layers * dim * kv * head,
         layers * dim * dim, layers * dim, layers * dim * hidden, layers * hidden * dim, layers * dim * hidden,
         dim, seq * head // 2, seq * head // 2]
random.seed(1)
chunk = array.array('f', (random.uniform(-0.08, 0.08) for _ in range(1 << 20)))
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('7i', dim, hidden, layers, heads, kv, vocab, seq))
    for n in sizes:
        while n > 0:
            k = min(n, len(chunk))
            f.write(chunk[:k].tobytes())
            n -= k
PY
  measure "llama2.c run.c (-O3 -g), 200 tokens" "$tmp/run" "$tmp/model.bin" -z "$llama/tokenizer.bin" -n 200 -s 1 -i "Once upon a time"
fi
