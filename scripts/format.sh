#!/usr/bin/env bash
# Formats (default) or checks (--check) every C/C++ source of the project with .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' '*.h' '*.c' | grep -v '^tests/fixtures/\|^examples/\|^bench/')
if [[ "${1:-}" == "--check" ]]; then
  clang-format --dry-run --Werror $files
else
  clang-format -i $files
fi
