#!/usr/bin/env bash
# Extra system packages only the benchmarks need: Debian's python3-xgboost (and numpy) for the
# reference side of packages/models/bench/xgboost.bench.ts, run with /usr/bin/python3.
# Idempotent; runs setup-system.sh first (the benchmarks need libxgboost too).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/setup-system.sh"

PYTHON=/usr/bin/python3
if [ -x "$PYTHON" ] && "$PYTHON" -c 'import xgboost, numpy' >/dev/null 2>&1; then
  echo "python3-xgboost: present ($("$PYTHON" -c 'import xgboost; print(xgboost.__version__)'))"
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "python3-xgboost: missing; installing Debian's python3-xgboost with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends python3-xgboost python3-numpy
  "$PYTHON" -c 'import xgboost; print("python3-xgboost: installed", xgboost.__version__)'
  exit 0
fi

cat >&2 <<MSG
python3-xgboost: $PYTHON cannot import xgboost and this script cannot install it (needs root and apt-get).
  sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-xgboost python3-numpy
MSG
exit 1
