#!/usr/bin/env bash
# Cost of one mark in ns: the marker API without perfprobe (disabled path), under perfprobe (the
# shared-memory ring), and an SDT probe attached through a uprobe (root only), side by side.
# usage: bench/markers.sh [PERFPROBE]
set -euo pipefail
cd "$(dirname "$0")/.."
pp=${1:-build/release/perfprobe}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -I include -o "$tmp/marker_cost" bench/marker_cost.c
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, kernel $(uname -r)"
for i in 1 2 3; do
  echo "## round $i"
  echo -n "marker API, no perfprobe:   "; "$tmp/marker_cost"
  echo -n "marker API, under perfprobe: "; "$pp" run -q --no-counters -- "$tmp/marker_cost"
  echo -n "SDT probe, not attached:    "; "$tmp/marker_cost" sdt
  if [[ $(id -u) == 0 ]]; then
    echo -n "SDT probe, uprobe attached: "; "$pp" run -q --no-counters --usdt bench:probe -- "$tmp/marker_cost" sdt
  fi
done
