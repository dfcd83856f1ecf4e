#!/usr/bin/env bash
# Writes one man page per subcommand (man/perfprobe-SUB.1, for `man perfprobe-run`) from the
# subcommand's section of man/perfprobe.1 and its one-line description in `perfprobe --help`.
# man/perfprobe.1 stays the one text to edit; scripts/check-man.sh fails when these pages differ
# from what this script writes.   Usage: scripts/man-pages.sh PERFPROBE_BINARY [OUT_DIR]
set -euo pipefail
bin=${1:?usage: man-pages.sh PERFPROBE_BINARY [OUT_DIR]}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$root/man}
main=$root/man/perfprobe.1
th=$(grep -m1 '^\.TH ' "$main")
"$bin" --help | awk '/^Subcommands:/{f=1;next} f && NF' | while read -r sub description; do
  upper=$(tr '[:lower:]' '[:upper:]' <<<"$sub")
  page=$out/perfprobe-$sub.1
  {
    # .TH PERFPROBE 1 "date" ... becomes .TH PERFPROBE-RUN 1 "date" ...
    sed "s/^\.TH PERFPROBE /.TH PERFPROBE\\\\-$upper /" <<<"$th"
    echo ".SH NAME"
    echo "perfprobe\\-$sub \\- ${description//-/\\-}"
    echo ".SH DESCRIPTION"
    # The body of ".SH RUN" up to the next .SH; its .SS subsections stay.
    awk -v sec=".SH $upper" '$0 == sec {f=1; next} f && /^\.SH / {exit} f' "$main"
    echo ".SH SEE ALSO"
    echo ".BR perfprobe (1)"
    echo "for the global options, privileges, exit status and the other subcommands."
  } >"$page"
done
