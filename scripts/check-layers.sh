#!/usr/bin/env bash
# The layering of docs/architecture.md, enforced: each module includes only the modules its row of the
# table allows, and only sys/ makes system calls through syscall(2), ioctl(2), prctl(2), mmap(2) or
# ptrace(2). Prints every violation and exits 1 if there is one. Usage: scripts/check-layers.sh [ROOT]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

# module -> the other modules it may include (keep in step with docs/architecture.md)
declare -A allowed=(
  [sys]=""
  [stats]=""
  [metrics]="stats"
  [launch]="sys"
  [counters]="sys"
  [memory]="sys"
  [elf]="sys"
  [sampling]="sys"
  [symbols]="sampling sys"
  [markers]="sys elf memory stats"
  [report]="stats metrics elf"
  [gate]="stats metrics report elf"
  [cli]=""
  [app]="*"
)
# The plain data structs report/ and gate/ may take from elf/ without linking it.
elf_data="binary_size.hpp size_diff.hpp sdt.hpp functions.hpp"

status=0
for module in "${!allowed[@]}"; do
  for file in $(find "src/$module" "include/perfprobe/$module" -name '*.[ch]pp' 2>/dev/null); do
    while IFS= read -r dep_path; do
      dep=${dep_path%%/*}
      header=${dep_path#*/}
      [[ $dep == "$module" || ${allowed[$module]} == "*" ]] && continue
      if [[ " ${allowed[$module]} " != *" $dep "* ]]; then
        echo "$file: includes perfprobe/$dep_path, but $module/ may not include $dep/ (docs/architecture.md)"
        status=1
      elif [[ $dep == elf && $module != markers && " $elf_data " != *" $header "* ]]; then
        echo "$file: includes perfprobe/$dep_path; $module/ may take only elf's plain data ($elf_data)"
        status=1
      fi
    done < <(sed -nE 's@^#include "perfprobe/([a-z_]+/[a-z_./]+)".*@\1@p' "$file")
  done
done

# Kernel calls only in sys/: the raw ones that have a typed wrapper there (or should get one).
while IFS= read -r hit; do
  echo "$hit: a raw system call outside src/sys/ (add or use a wrapper in include/perfprobe/sys/)"
  status=1
done < <(grep -rnE '(^|[^a-z_.>])(::)?(syscall|ioctl|prctl|mmap|munmap|ptrace)\(' src --include='*.cpp' --include='*.hpp' |
  grep -v '^src/sys/' | grep -vE '^[^:]+:[0-9]+:\s*//' || true)
exit $status
