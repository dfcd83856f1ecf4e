#!/usr/bin/env bash
# How often `perfprobe check --baseline` cries wolf, and how often it catches a real slowdown.
# Each check records its runs (--json) and is compared with the previous check's (--baseline), so
# N+1 invocations give N comparisons:
#   same vs same: /bin/true, the example LLM (examples/llm/toy_llm, default settings), and a program
#                 whose startup is a 20 ms sleep (bench/startup_sleep.c);
#   slower:       the same program with a 10% slower startup (22 ms) against a 20 ms baseline;
#   runs needed:  10% and 30% slower startups at 3..10 runs a side.
# usage: bench/gate-false-alarms.sh [PERFPROBE] [RUNS]
#        (comparisons per program: N_TRUE=100 N_SLEEP=60 N_LLM=40 N_SLOW=50 in the environment)
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/rel/perfprobe}
runs=${2:-10}  # check's default run count
llm=${LLM:-$(dirname "$pp")/examples/llm/toy_llm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -Iinclude -o "$tmp/startup_sleep" bench/startup_sleep.c
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)"
echo "# date: $(date -u '+%Y-%m-%d %H:%M UTC'); perfprobe: $("$pp" --version); check -r $runs -w 1 (defaults: confidence 99%, tolerance 5%, floors of docs/metrics.md, the runs' spread)"
# The gate's figures depend on how busy the machine is: say it, at the start and at the end.
echo "# load average at the start: $(cut -d' ' -f1-3 /proc/loadavg), nice $(nice)"

# check_one NAME BASELINE_JSON OUT_JSON RUNS CMD... -> prints the outcome word
check_one() {
  local base=$1 out=$2 r=$3
  shift 3
  local args=(check -r "$r" -w 1 --json "$out")
  [[ -n "$base" ]] && args+=(--baseline "$base")
  local rc=0
  "$pp" "${args[@]}" -- "$@" >/dev/null 2>"$tmp/err" || rc=$?
  if [[ $rc -eq 1 ]]; then
    echo alarm
  elif [[ $rc -ne 0 ]]; then
    echo "error($rc): $(head -1 "$tmp/err")" >&2
    echo error
  elif [[ -n "$base" ]] && grep -q '"outcome": "inconclusive"' "$out"; then
    echo inconclusive
  else
    echo pass
  fi
}

# same_vs_same NAME N CMD...: N comparisons of consecutive checks of the same command
same_vs_same() {
  local name=$1 n=$2
  shift 2
  local alarms=0 inconclusive=0 total=0 prev="" file
  file=$(printf '%s' "$name" | tr -c 'a-zA-Z0-9' _)
  for i in $(seq 0 "$n"); do
    local out="$tmp/$file.$i.json"
    local o
    o=$(check_one "$prev" "$out" "$runs" "$@")
    if [[ -n "$prev" ]]; then
      total=$((total + 1))
      [[ $o == alarm ]] && alarms=$((alarms + 1))
      [[ $o == inconclusive ]] && inconclusive=$((inconclusive + 1))
    fi
    prev=$out
  done
  printf '%-32s %4d comparisons  %3d false alarms (%.1f%%)  %3d inconclusive\n' "same vs same: $name" "$total" \
    "$alarms" "$(echo "100 * $alarms / $total" | bc -l)" "$inconclusive"
}

# slower NAME BASE_MS SLOW_MS RUNS COUNT: COUNT comparisons of a slower startup against a baseline
slower() {
  local name=$1 base_ms=$2 slow_ms=$3 r=$4 count=$5
  local caught=0 inconclusive=0
  for i in $(seq 1 "$count"); do
    check_one "" "$tmp/base.json" "$r" "$tmp/startup_sleep" "$base_ms" >/dev/null
    local o
    o=$(check_one "$tmp/base.json" "$tmp/slow.json" "$r" "$tmp/startup_sleep" "$slow_ms")
    [[ $o == alarm ]] && caught=$((caught + 1))
    [[ $o == inconclusive ]] && inconclusive=$((inconclusive + 1))
  done
  printf '%-32s %4d comparisons  %3d caught (%.1f%%)  %3d inconclusive  (-r %d)\n' "$name" "$count" "$caught" \
    "$(echo "100 * $caught / $count" | bc -l)" "$inconclusive" "$r"
}

same_vs_same "/bin/true" "${N_TRUE:-100}" /bin/true
same_vs_same "startup_sleep 20" "${N_SLEEP:-60}" "$tmp/startup_sleep" 20
same_vs_same "toy_llm (defaults)" "${N_LLM:-40}" "$llm"
slower "startup 10% slower" 20 22 "$runs" "${N_SLOW:-50}"
echo "## runs a side needed to catch a slower startup (10 comparisons each)"
for r in ${SWEEP_RUNS:-3 4 5 6 8}; do
  slower "startup 10% slower" 20 22 "$r" 10
  slower "startup 30% slower" 20 26 "$r" 10
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
