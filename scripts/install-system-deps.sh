#!/usr/bin/env bash
# Installs the Debian packages meshplane's tests and benchmarks use beside npm's:
# wrk and hey (the --generator peers), nginx and haproxy (benchmark peers), openssl (test certificates),
# chromium (the web UI test drives it through playwright-core).
# Usage: scripts/install-system-deps.sh [extra-package ...]
set -euo pipefail
packages=(wrk hey openssl nginx haproxy chromium "$@")
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
