#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, then
#   1. dev build (gcc, Debug, ASan + UBSan, warnings are errors): unit + integration tests;
#   2. Release build: unit + integration tests again, the man page / --help check, and the
#      dogfood gate on perfprobe itself once `check` exists.
# Runs as root in CI; the unprivileged tests drop to a real unprivileged user (created here).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
jobs=$(nproc)
if [[ $(id -u) == 0 ]] && ! id perfprobe-test >/dev/null 2>&1; then
  useradd --no-create-home --shell /usr/sbin/nologin perfprobe-test
fi

echo "== asan: gcc Debug, ASan+UBSan, -Werror"
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset asan -j"$jobs" --timeout 300

echo "== release"
cmake --preset release >/dev/null
cmake --build --preset release -j"$jobs"
ctest --preset release -j"$jobs" --timeout 300
scripts/check-man.sh build/release/perfprobe
