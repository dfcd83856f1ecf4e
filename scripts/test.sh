#!/usr/bin/env bash
# The whole test suite, as CI runs it: install what is missing, then
#   1. gcc Release build (warnings are errors): unit + integration tests, the man page / --help
#      check, and the dogfood gate: perfprobe gates itself with `perfprobe check`;
#   2. clang build (Debug, ASan + UBSan, warnings are errors): unit + integration tests again, and
#      clang-tidy on the sources the last commit changed (scripts/tidy.sh --all for every file);
#   3. the fuzzers, briefly, from their corpora.
# Runs as root in CI; the unprivileged tests drop to a real unprivileged user (created here).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
jobs=$(nproc)
if [[ $(id -u) == 0 ]] && ! id perfprobe-test >/dev/null 2>&1; then
  useradd --no-create-home --shell /usr/sbin/nologin perfprobe-test
fi
# The root tests read tracepoints (rss_stat, sched_switch) whose ids live in tracefs. Debian mounts it
# at boot (systemd's sys-kernel-tracing.mount); a VM or container started without systemd may not.
if [[ $(id -u) == 0 && -d /sys/kernel/tracing && ! -e /sys/kernel/tracing/events ]]; then
  mount -t tracefs nodev /sys/kernel/tracing || echo "test.sh: tracefs could not be mounted: the root tracepoint tests will fail"
fi

echo "== format: clang-format --dry-run (scripts/format.sh fixes it)"
scripts/format.sh --check

echo "== layers: includes follow docs/architecture.md, kernel calls only in src/sys/"
scripts/check-layers.sh

echo "== release"
cmake --preset release -DPERFPROBE_WERROR=ON -DPERFPROBE_BUILD_TESTS=ON >/dev/null  # warnings are errors in CI
cmake --build --preset release -j"$jobs"
ctest --preset release -j"$jobs" --timeout 300 --no-tests=error --repeat until-pass:3
scripts/check-man.sh build/release/perfprobe
echo "artifacts: screenshots of the HTML reports in build/release/artifacts/html/"

echo "== dogfood: perfprobe gates itself with perfprobe check"
# Stripped size of the release binary (about 4.0 MiB today: a regression such as a library
# linked statically by accident, fails) and the p95 wall time of `perfprobe --version` over 20 runs
# (a few ms today; it exits at once, so no ready marker applies and startup is its wall time).
build/release/perfprobe check --binary build/release/perfprobe --max-stripped-size 5MiB \
  --max-wall 50ms -r 20 -w 2 --junit build/release/dogfood-junit.xml \
  --markdown build/release/dogfood.md -- build/release/perfprobe --version >/dev/null ||
  { cat build/release/dogfood.md; echo "dogfood gate failed"; exit 1; }
cat build/release/dogfood.md

# The release above is gcc, so both compilers build and test the tree; the integration tests here run
# the release tree's fixtures and example, as gcc built them (PERFPROBE_TARGETS_FROM in CMakePresets.json).
echo "== clang: Debug, ASan+UBSan, -Werror"
cmake --preset clang-asan -DPERFPROBE_BUILD_TESTS=ON >/dev/null
cmake --build --preset clang-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --preset clang-asan -j"$jobs" --timeout 300 --no-tests=error --repeat until-pass:3

echo "== tidy: clang-tidy on the sources the last commit changed"
scripts/tidy.sh build/clang-asan

echo "== fuzz: the ELF reader, check's config/baseline readers, the marker ring reader, the data-file reader with report's analysis and the lazy debug-file reader (libFuzzer, ASan+UBSan)"
cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DPERFPROBE_FUZZ=ON -DPERFPROBE_BUILD_TESTS=OFF \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  -DPERFPROBE_SANITIZE=address,undefined >/dev/null
cmake --build build/fuzz -j"$jobs" --target elf_reader_fuzz baseline_fuzz marker_ring_fuzz data_file_fuzz debug_file_fuzz
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir -p "$corpus/elf" "$corpus/json"
cp /usr/bin/true build/release/tests/fixtures/exit_with "$corpus/elf/"
cp build/fuzz/src/elf/CMakeFiles/perfprobe_elf.dir/size_diff.cpp.o "$corpus/elf/" 2>/dev/null || true
echo '{"samples": {"wall_ms": [1, 2]}}' > "$corpus/json/check.json"
echo '{"command": ["x"], "runs": 3, "budgets": {"peak_rss": "1MiB", "phase_p95": {"a": 5}}}' > "$corpus/json/config.json"
build/fuzz/tests/fuzz/elf_reader_fuzz -max_total_time=20 -max_len=65536 -rss_limit_mb=2048 "$corpus/elf" 2>&1 | tail -3
build/fuzz/tests/fuzz/baseline_fuzz -max_total_time=10 "$corpus/json" 2>&1 | tail -3
cp -r tests/fuzz/corpus/marker_ring "$corpus/ring"
build/fuzz/tests/fuzz/marker_ring_fuzz -max_total_time=10 -max_len=32768 "$corpus/ring" 2>&1 | tail -3
cp -r tests/fuzz/corpus/data_file "$corpus/data"
build/fuzz/tests/fuzz/data_file_fuzz -max_total_time=20 -max_len=65536 -rss_limit_mb=2048 "$corpus/data" 2>&1 | tail -3
cp -r tests/fuzz/corpus/debug_file "$corpus/debug"
# Leak checks off: libdw 0.188 itself leaks 64-byte blocks on some malformed DWARF (LeakSanitizer's
# stack holds libdw's frames only, docs/testing.md); reads out of bounds and crashes still stop it.
ASAN_OPTIONS=detect_leaks=0 build/fuzz/tests/fuzz/debug_file_fuzz -max_total_time=10 -max_len=65536 -rss_limit_mb=2048 \
  -detect_leaks=0 "$corpus/debug" 2>&1 | tail -3
