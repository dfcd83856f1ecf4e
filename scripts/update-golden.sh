#!/usr/bin/env bash
# Rewrites tests/golden/*.txt from the current binary (after an intended change of a human view);
# review `git diff tests/golden` before committing. Usage: scripts/update-golden.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/rel}
cmake --build "$build" -j"$(nproc)" --target perfprobe perfprobe_fixtures golden_integration_test
PERFPROBE_UPDATE_GOLDEN=1 "$build/tests/integration/golden_integration_test" --gtest_filter='Golden.*'
git status --short tests/golden
