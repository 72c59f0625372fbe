#!/usr/bin/env bash
# Build govxl's wheel and install it, non-editably, into a fresh virtual environment: what users get from
# `pip install .`. Prints the path of the installed `govxl` command. Usage: scripts/build_wheel_env.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build/wheel-env}"
rm -rf "$dir"
# setuptools builds from build/lib and keeps what an earlier build left there: a module since removed from
# the tree (merger.py, crossyear.py …) would ship in the wheel. Build from the tree alone.
rm -rf build/lib build/bdist.*
mkdir -p "$dir/dist"
log="$dir/install.log"
# PYTHONPATH (set to run the suite against a work tree) would make the new environment's pip see that tree's
# govxl as installed already, and install nothing
if ! { python3 -m pip wheel --disable-pip-version-check --no-deps -w "$dir/dist" . &&
  python3 -m venv "$dir/venv" &&
  env -u PYTHONPATH "$dir/venv/bin/python" -m pip install --disable-pip-version-check "$dir"/dist/govxl-*.whl &&
  test -x "$dir/venv/bin/govxl"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "没能把 govxl 的 wheel 装进 $dir/venv（见上面的输出）" >&2
  exit 1
fi
echo "$(cd "$dir" && pwd)/venv/bin/govxl"
