#!/usr/bin/env bash
# Keeps the man pages honest: every long option that `perfprobe SUBCOMMAND --help` lists must be
# documented in man/perfprobe.1 and in the subcommand's own page man/perfprobe-SUBCOMMAND.1, and
# those pages must be what scripts/man-pages.sh makes of the main page today.
set -euo pipefail
bin=${1:-build/release/perfprobe}
dir=$(dirname "$0")/../man
man=$dir/perfprobe.1
status=0
pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT
"$(dirname "$0")/man-pages.sh" "$bin" "$pages"
subcommands=$("$bin" --help | awk '/^Subcommands:/{f=1;next} f && NF {print $1}')
for sub in $subcommands; do
  grep -qi "^\.SH.*$sub\|^\.SS.*$sub" "$man" || { echo "check-man: subcommand '$sub' is not in $man"; status=1; }
  page=$dir/perfprobe-$sub.1
  if [[ ! -f $page ]]; then
    echo "check-man: $page is missing: run scripts/man-pages.sh $bin"; status=1
  elif ! cmp -s "$pages/perfprobe-$sub.1" "$page"; then
    echo "check-man: $page is out of date with $man: run scripts/man-pages.sh $bin"; status=1
  fi
  for opt in $("$bin" "$sub" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
    [[ "$opt" == "--help" ]] && continue
    for file in "$man" "$page"; do
      [[ -f $file ]] || continue
      grep -qF -- "${opt//-/\\-}" "$file" || grep -qF -- "$opt" "$file" || {
        echo "check-man: '$sub $opt' is in --help but not in $file"; status=1; }
    done
  done
done
exit $status
