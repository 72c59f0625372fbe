#!/usr/bin/env bash
# The whole test suite: installs what the tests need (LibreOffice, Gnumeric, Chromium), builds the wheel and installs it
# in a fresh virtual environment for the subprocess tests, then lint, types and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
command -v ssconvert >/dev/null 2>&1 || need+=(gnumeric)
command -v chromium >/dev/null 2>&1 || need+=(chromium)  # the desk's browser tests (Playwright drives it)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "需要安装：${need[*]}（或以 root 运行本脚本自动安装）。" >&2
    exit 2
  fi
fi
python3 -m ruff check .
python3 -m ruff format --check .
python3 -m mypy
# The subprocess tests run the govxl that users get: the wheel, installed non-editably in a fresh venv.
GOVXL_BIN="$(bash scripts/build_wheel_env.sh build/wheel-env)"
export GOVXL_BIN
export GOVXL_WHEEL_DIR="$PWD/build/wheel-env/dist"
# Real-client tests must run here, not skip.
GOVXL_REQUIRE_SOFFICE=1 python3 -m pytest -q "$@"
