#!/usr/bin/env bash
# The whole test suite: installs what the tests need (LibreOffice, Gnumeric, Chromium), builds the wheel and installs it
# in a fresh virtual environment for the subprocess tests, then lint, types and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
command -v ssconvert >/dev/null 2>&1 || need+=(gnumeric)
# govxl report: LibreOffice Writer converts the .docx to PDF, poppler's pdftoppm makes the docs' pictures,
# Debian's chromium renders the .html (driven by Playwright); a Song-style CJK font so the pages show Chinese
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s libreoffice-writer >/dev/null 2>&1; then need+=(libreoffice-writer); fi
# one LibreOffice per pytest worker, driven over UNO by the system Python (tests/lo_service.py)
/usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || need+=(python3-uno)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-arphic-uming fonts-wqy-zenhei)
# the archive's tests run on a real PostgreSQL server too (Debian's postgresql: its binaries, no cluster needed)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "需要安装：${need[*]}（或以 root 运行本脚本自动安装）。" >&2
    exit 2
  fi
fi
# A PostgreSQL server of our own for the archive's tests, unless one is given: a fresh cluster in a temporary
# folder, listening on 127.0.0.1 only, stopped and removed when the tests end.
if [ -z "${GOVXL_TEST_POSTGRES:-}" ]; then
  pgbin="$(compgen -G "/usr/lib/postgresql/*/bin" | sort -V | tail -1)"
  pgdir="$(mktemp -d /tmp/govxl-pg.XXXXXX)"
  pgport="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_pg=()
  if [ "$(id -u)" = 0 ]; then  # the server refuses to run as root
    chown postgres "$pgdir"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 --no-sync >"$pgdir/initdb.log" 2>&1 ||
    { cat "$pgdir/initdb.log" >&2; exit 2; }
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pgport -k $pgdir" start >/dev/null ||
    { cat "$pgdir/server.log" >&2; exit 2; }
  trap '"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null 2>&1; rm -rf "$pgdir"' EXIT
  export GOVXL_TEST_POSTGRES="postgresql+psycopg://postgres@127.0.0.1:$pgport/postgres"
fi
python3 -m ruff check .
python3 -m ruff format --check .
python3 -m mypy
# The subprocess tests run the govxl that users get: the wheel, installed non-editably in a fresh venv.
GOVXL_BIN="$(bash scripts/build_wheel_env.sh build/wheel-env)"
export GOVXL_BIN
export GOVXL_WHEEL_DIR="$PWD/build/wheel-env/dist"
# Bytecode caches on: a machine set to write none (PYTHONDONTWRITEBYTECODE) would have every pytest worker
# compile and assertion-rewrite the whole suite and the source tree again at each start.
unset PYTHONDONTWRITEBYTECODE
# Real-client tests must run here, not skip. One pytest-xdist worker per core; tests that share LibreOffice or
# the fuzz mutants stay on one worker (tests/conftest.py).
GOVXL_REQUIRE_SOFFICE=1 python3 -m pytest -q -n auto --dist loadgroup "$@"
