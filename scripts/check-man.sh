#!/usr/bin/env bash
# Keeps man/perfprobe.1 honest: every long option that `perfprobe SUBCOMMAND --help` lists must be
# documented in the man page.
set -euo pipefail
bin=${1:-build/release/perfprobe}
man=$(dirname "$0")/../man/perfprobe.1
status=0
subcommands=$("$bin" --help | awk '/^Subcommands:/{f=1;next} f && NF {print $1}')
for sub in $subcommands; do
  grep -qi "^\.SH.*$sub\|^\.SS.*$sub" "$man" || { echo "check-man: subcommand '$sub' is not in $man"; status=1; }
  for opt in $("$bin" "$sub" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
    [[ "$opt" == "--help" ]] && continue
    grep -qF -- "${opt//-/\\-}" "$man" || grep -qF -- "$opt" "$man" || {
      echo "check-man: '$sub $opt' is in --help but not in $man"; status=1; }
  done
done
exit $status
