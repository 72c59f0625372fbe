#!/usr/bin/env bash
# The whole test suite: installs what the tests need (LibreOffice included), then lint, types and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null
  else
    echo "需要 LibreOffice：请先安装 libreoffice-calc（或以 root 运行本脚本自动安装）。" >&2
    exit 2
  fi
fi
python3 -m ruff check .
python3 -m ruff format --check .
python3 -m mypy
# Real-LibreOffice tests must run here, not skip.
GOVXL_REQUIRE_SOFFICE=1 python3 -m pytest -q "$@"
