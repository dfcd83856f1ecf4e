#!/usr/bin/env bash
# Installs, with apt-get, whatever perfprobe needs to build, test and benchmark that is missing.
# Safe to run again: it installs nothing when everything is there.
set -euo pipefail
packages=(build-essential cmake pkg-config libpfm4-dev libelf-dev libdw-dev libcli11-dev nlohmann-json3-dev
          libgtest-dev systemtap-sdt-dev python3 binutils elfutils util-linux libzstd-dev libprotozero-dev
          zlib1g-dev libcpp-httplib-dev)
if [[ "${1:-}" == "--bench" ]]; then packages+=(linux-perf hyperfine bpftrace); fi
# chromium renders the HTML reports headless in the tests; tmux drives the live progress line;
# promtool (prometheus) and a scraped node_exporter read the --textfile and --openmetrics exports.
if [[ "${1:-}" == "--test" ]]; then
  packages+=(clang clang-format libclang-rt-14-dev golang-go chromium tmux prometheus prometheus-node-exporter)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then exit 0; fi
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
