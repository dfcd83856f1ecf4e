#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build perfprobe (Release), and run it on
# the bundled inference-shaped example, printing the report on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release -DPERFPROBE_BUILD_TESTS=OFF >/dev/null
cmake --build --preset release -j"$(nproc)"
set -x
build/release/perfprobe run --runs 3 --warmup 1 -- build/release/examples/llm/toy_llm --prompt hi --tokens 48
