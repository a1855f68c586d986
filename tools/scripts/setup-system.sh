#!/usr/bin/env bash
# System packages the project's tests need beyond npm: Debian's Chromium for the report's
# browser test (driven by playwright-core with executablePath /usr/bin/chromium; never a
# browser download). Idempotent: does nothing when Chromium is already there.
set -euo pipefail

CHROMIUM="${TRIBAR_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "chromium: present at $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: missing; installing Debian's chromium with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium
  if [ -x "$CHROMIUM" ]; then
    echo "chromium: installed at $CHROMIUM"
    exit 0
  fi
  echo "chromium: apt-get finished but $CHROMIUM is still missing" >&2
  exit 1
fi

cat >&2 <<MSG
chromium: missing at $CHROMIUM and this script cannot install it (needs root and apt-get).
Install Debian's chromium package, e.g.:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium
or set TRIBAR_CHROMIUM to a Chromium binary. Do not use 'npx playwright install'.
MSG
exit 1
