#!/usr/bin/env bash
# clang-tidy (.clang-tidy's checks) on perfprobe's sources, as CI runs it: the .cpp files changed since
# BASE (default: the commit before HEAD), or every file with --all; each file bounded to 120 s, so a
# pathological file cannot stall CI. Needs a configured build dir with compile_commands.json.
# Exits 1 when clang-tidy reports anything. Usage: scripts/tidy.sh [--all] [--base REV] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
all=0
base=${PERFPROBE_TIDY_BASE:-HEAD~1}
build=build/release
while [[ $# -gt 0 ]]; do
  case $1 in
    --all) all=1 ;;
    --base) base=$2; shift ;;
    *) build=$1 ;;
  esac
  shift
done
tidy=$(command -v clang-tidy || command -v clang-tidy-14 || true)
[[ -n $tidy ]] || { echo "tidy.sh: clang-tidy not found (scripts/install-deps.sh --test installs it)"; exit 2; }
[[ -f $build/compile_commands.json ]] || { echo "tidy.sh: no $build/compile_commands.json; configure $build first"; exit 2; }

if [[ $all == 1 ]]; then
  mapfile -t files < <(git ls-files 'src/*.cpp')
else
  mapfile -t files < <(git diff --name-only --diff-filter=d "$base" -- 'src/*.cpp' 2>/dev/null || true)
fi
if [[ ${#files[@]} == 0 ]]; then
  echo "tidy.sh: no changed source files since $base"
  exit 0
fi
echo "tidy.sh: ${#files[@]} file(s)"
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -I{} timeout 120 "$tidy" -p "$build" --quiet \
  --warnings-as-errors='*' --header-filter="$(pwd)/(src|include)/.*" {} 2>/dev/null
