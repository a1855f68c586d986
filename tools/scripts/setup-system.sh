#!/usr/bin/env bash
# System packages the project's tests need beyond npm, all from Debian (never a download):
#   - chromium, for the report's browser test (driven by playwright-core with executablePath
#     /usr/bin/chromium; never a browser download);
#   - libxgboost-dev, the XGBoost C library that @tribar/models calls through koffi;
#   - python3-xgboost (with numpy) for Debian's /usr/bin/python3, with which a models test checks that
#     Python's xgboost reads our saved models (and the benchmark's reference side runs);
#   - python3-optuna for /usr/bin/python3: @tribar/tuning's Optuna bridge and its benchmark's reference side;
#   - redis-server: @tribar/tuning's Redis worker tests start a private one on a loopback port;
#   - with --bench only (not needed by tests or CI): python3-torch, the PyTorch side of the sequence
#     models' benchmark (`npm run bench`; without it that benchmark prints a skip line); python3-numba
#     and python3-deap, the original's triple-barrier kernel and GA beside @tribar/labeling's and
#     @tribar/ga-optimizer's benchmarks (without them they print the anchor constants, labelled).
# Idempotent: installs only what is missing. With --best-effort (how `npm test` calls it first) a
# package it cannot install is reported and the script still succeeds: those tests then skip with a
# message, except under CI=true.
set -euo pipefail

BEST_EFFORT=0
BENCH=0
for arg in "$@"; do
  [ "$arg" = "--best-effort" ] && BEST_EFFORT=1
  [ "$arg" = "--bench" ] && BENCH=1
done

CHROMIUM="${TRIBAR_CHROMIUM:-/usr/bin/chromium}"
APT_UPDATED=0

can_apt() {
  [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" -eq 0 ]; then
    apt-get update
    APT_UPDATED=1
  fi
  apt-get install -y --no-install-recommends "$@"
}

ensure_chromium() {
  if [ -x "$CHROMIUM" ]; then
    echo "chromium: present at $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
    return 0
  fi
  if can_apt; then
    echo "chromium: missing; installing Debian's chromium with apt-get"
    apt_install chromium
    if [ -x "$CHROMIUM" ]; then
      echo "chromium: installed at $CHROMIUM"
      return 0
    fi
    echo "chromium: apt-get finished but $CHROMIUM is still missing" >&2
    return 1
  fi
  cat >&2 <<MSG
chromium: missing at $CHROMIUM and this script cannot install it (needs root and apt-get).
Install Debian's chromium package, e.g.:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium
or set TRIBAR_CHROMIUM to a Chromium binary. Do not use 'npx playwright install'.
MSG
  return 1
}

# The same places @tribar/models' locateXGBoost() looks (TRIBAR_XGBOOST_LIB first).
xgboost_library() {
  if [ -n "${TRIBAR_XGBOOST_LIB:-}" ]; then
    [ -e "$TRIBAR_XGBOOST_LIB" ] && echo "$TRIBAR_XGBOOST_LIB"
    return 0
  fi
  for candidate in /usr/lib/x86_64-linux-gnu/libxgboost.so /usr/lib/aarch64-linux-gnu/libxgboost.so /usr/local/lib/libxgboost.so /usr/lib/libxgboost.so; do
    if [ -e "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v ldconfig >/dev/null 2>&1; then
    ldconfig -p 2>/dev/null | awk '/libxgboost\.so/ { print $NF; exit }'
  fi
}

ensure_xgboost() {
  local found
  found="$(xgboost_library)"
  if [ -n "$found" ]; then
    echo "libxgboost: present at $found"
    return 0
  fi
  if [ -n "${TRIBAR_XGBOOST_LIB:-}" ]; then
    echo "libxgboost: TRIBAR_XGBOOST_LIB=$TRIBAR_XGBOOST_LIB does not exist; unset it or point it to libxgboost.so" >&2
    return 1
  fi
  if can_apt; then
    echo "libxgboost: missing; installing Debian's libxgboost-dev with apt-get"
    apt_install libxgboost-dev
    found="$(xgboost_library)"
    if [ -n "$found" ]; then
      echo "libxgboost: installed at $found"
      return 0
    fi
    echo "libxgboost: apt-get finished but libxgboost.so is still missing" >&2
    return 1
  fi
  cat >&2 <<MSG
libxgboost: libxgboost.so not found and this script cannot install it (needs root and apt-get).
Install Debian's package, e.g.:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends libxgboost-dev
or set TRIBAR_XGBOOST_LIB to the path of libxgboost.so.
MSG
  return 1
}

# Debian's interpreter by its full path: the pyenv python3 first on PATH cannot see Debian's packages.
PYTHON=/usr/bin/python3

ensure_python_xgboost() {
  if [ -x "$PYTHON" ] && "$PYTHON" -c 'import xgboost, numpy' >/dev/null 2>&1; then
    echo "python3-xgboost: present ($("$PYTHON" -c 'import xgboost; print(xgboost.__version__)'))"
    return 0
  fi
  if can_apt; then
    echo "python3-xgboost: missing; installing Debian's python3-xgboost with apt-get"
    apt_install python3-xgboost python3-numpy
    "$PYTHON" -c 'import xgboost; print("python3-xgboost: installed", xgboost.__version__)'
    return 0
  fi
  cat >&2 <<MSG
python3-xgboost: $PYTHON cannot import xgboost and this script cannot install it (needs root and apt-get).
  sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-xgboost python3-numpy
MSG
  return 1
}

ensure_python_optuna() {
  if [ -x "$PYTHON" ] && "$PYTHON" -c 'import optuna' >/dev/null 2>&1; then
    echo "python3-optuna: present ($("$PYTHON" -c 'import optuna; print(optuna.__version__)'))"
    return 0
  fi
  if can_apt; then
    echo "python3-optuna: missing; installing Debian's python3-optuna with apt-get"
    apt_install python3-optuna
    "$PYTHON" -c 'import optuna; print("python3-optuna: installed", optuna.__version__)'
    return 0
  fi
  cat >&2 <<MSG
python3-optuna: $PYTHON cannot import optuna and this script cannot install it (needs root and apt-get).
  sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-optuna
MSG
  return 1
}

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1; then
    echo "redis-server: present ($(redis-server --version | awk '{ print $3 }'))"
    return 0
  fi
  if can_apt; then
    echo "redis-server: missing; installing Debian's redis-server with apt-get"
    apt_install redis-server
    # The tests start their own server on a loopback port; the system service is not needed.
    command -v redis-server >/dev/null 2>&1 && return 0
    echo "redis-server: apt-get finished but redis-server is still missing" >&2
    return 1
  fi
  cat >&2 <<MSG
redis-server: not found and this script cannot install it (needs root and apt-get).
  sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server
MSG
  return 1
}

ensure_python_torch() {
  if [ -x "$PYTHON" ] && "$PYTHON" -c 'import torch' >/dev/null 2>&1; then
    echo "python3-torch: present ($("$PYTHON" -c 'import torch; print(torch.__version__)'))"
    return 0
  fi
  if can_apt; then
    echo "python3-torch: missing; installing Debian's python3-torch with apt-get (--bench)"
    apt_install python3-torch
    "$PYTHON" -c 'import torch; print("python3-torch: installed", torch.__version__)'
    return $?
  fi
  echo "python3-torch: missing; sudo apt-get install -y --no-install-recommends python3-torch (--bench)" >&2
  return 1
}

# The original's numba kernel and DEAP GA, the reference sides of the labeling and GA benchmarks.
ensure_python_bench_module() {
  local module="$1" package="$2"
  if [ -x "$PYTHON" ] && "$PYTHON" -c "import $module" >/dev/null 2>&1; then
    echo "$package: present ($("$PYTHON" -c "import $module; print($module.__version__)" 2>/dev/null || echo 'version unknown'))"
    return 0
  fi
  if can_apt; then
    echo "$package: missing; installing Debian's $package with apt-get (--bench)"
    apt_install "$package"
    "$PYTHON" -c "import $module" && echo "$package: installed"
    return $?
  fi
  echo "$package: missing; sudo apt-get install -y --no-install-recommends $package (--bench)" >&2
  return 1
}

status=0
[ "$BENCH" -eq 1 ] && { ensure_python_torch || status=1; }
[ "$BENCH" -eq 1 ] && { ensure_python_bench_module numba python3-numba || status=1; }
[ "$BENCH" -eq 1 ] && { ensure_python_bench_module deap python3-deap || status=1; }
ensure_chromium || status=1
ensure_xgboost || status=1
ensure_python_xgboost || status=1
ensure_python_optuna || status=1
ensure_redis || status=1
if [ "$status" -ne 0 ] && [ "$BEST_EFFORT" -eq 1 ]; then
  echo "setup-system: continuing without the packages above (--best-effort)" >&2
  exit 0
fi
exit "$status"
