"""Time `govxl archive add` beside `govxl check` of the same files, `archive status` of many units, and the
archive's size per submission.

    python benchmarks/archive.py [--units 2000] [--large 20000] [--status-units 20000] [--postgres URL]

- check: `govxl check FOLDER --no-corrections` and `govxl check FOLDER --output-dir D` (with the correction
  workbooks, as a plain `govxl check` writes them), real subprocesses;
- add: `govxl archive add FOLDER` into a new archive (the same check, and every submission stored with its
  bytes, cells and findings, each in its own transaction); the target is add ≤ 1.5 × check;
- status: `Archive.status(year)` in-process and `govxl archive status --year Y --format json` as a command,
  on an archive of --status-units units with a roster of as many (plus 1% that have not reported).
Workbooks are made by patching unit names into 16 rendered workbooks at the zip level (benchmarks/merge.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from merge import Patcher, fill  # noqa: E402  (benchmarks/merge.py)


def generate(folder: Path, n: int) -> None:
    patchers = [Patcher(fill(seed)) for seed in range(16)]
    folder.mkdir(parents=True)
    for number in range(n):
        (folder / f"u{number:08d}.xlsx").write_bytes(patchers[number % len(patchers)].unit(number))


def run(cmd: list[str], cwd: Path | None = None) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd or ROOT, env=env)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout[-2000:]}{done.stderr}")
    return seconds


def size_of(archive: str) -> int:
    if "://" in archive:
        import sqlalchemy as sa

        with sa.create_engine(archive).connect() as conn:
            return int(conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one())
    return sum(os.path.getsize(p) for p in (archive, archive + "-wal") if os.path.exists(p))


def compare(n: int, tmp: Path, postgres: str | None) -> str:
    folder = tmp / f"units{n}"
    start = time.perf_counter()
    generate(folder, n)
    print(f"generated {n} workbooks in {time.perf_counter() - start:.1f} s")
    py = [sys.executable, "-m", "govxl"]
    out_dir = tmp / f"corrections{n}"
    out_dir.mkdir()
    names = sorted(p.name for p in folder.glob("*.xlsx"))  # check takes files, not folders: the same list for all
    check_bare = run([*py, "check", *names, "--no-corrections"], folder)
    check_full = run([*py, "check", *names, "--output-dir", str(out_dir)], folder)
    archive = postgres or str(tmp / f"archive{n}.sqlite")
    add = run([*py, "archive", "add", *names, "--archive", archive], folder)
    per = 1000 / n
    print(f"  govxl check --no-corrections   {check_bare:8.1f} s  {check_bare * per:6.2f} ms/file")
    print(f"  govxl check (corrections)      {check_full:8.1f} s  {check_full * per:6.2f} ms/file")
    print(
        f"  govxl archive add              {add:8.1f} s  {add * per:6.2f} ms/file   "
        f"add / check = {add / check_bare:.2f} (without corrections), {add / check_full:.2f} (with)"
    )
    size = size_of(archive)
    files = sum(p.stat().st_size for p in folder.glob("*.xlsx"))
    print(
        f"  archive size {size / 1e6:.1f} MB: {size / n / 1024:.1f} KB per submission "
        f"(the workbook itself {files / n / 1024:.1f} KB)"
    )
    return archive


def status(units: int, tmp: Path, postgres: str | None, archive: str | None) -> None:
    from govxl.archive import open_archive

    if archive is None:
        folder = tmp / f"status{units}"
        generate(folder, units)
        archive = postgres or str(tmp / f"status{units}.sqlite")
        add = run([sys.executable, "-m", "govxl", "archive", "add", str(folder), "--archive", archive])
        print(f"added {units} workbooks for status in {add:.1f} s")
    roster = [(_name(n), "") for n in range(units + units // 100)]
    with open_archive(archive) as arch:
        arch.save_roster(2024, roster)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            rows = arch.status(2024)
            times.append(time.perf_counter() - start)
    missing = sum(r.status == "未报送" for r in rows)
    assert len(rows) == len(roster) and missing == units // 100, (len(rows), missing)
    cmd = [sys.executable, "-m", "govxl", "archive", "status", "--year", "2024", "--format", "json"]
    command = min(run([*cmd, "--archive", archive]) for _ in range(3))
    print(
        f"  status of {len(rows)} roster units ({missing} 未报送): Archive.status {min(times):.3f} s "
        f"(best of 5), the command with JSON output {command:.2f} s (best of 3, with start-up)"
    )


def _name(number: int) -> str:
    return f"第{number:08d}号单位"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--large", type=int, default=0, help="also compare add and check at this many units")
    parser.add_argument("--status-units", type=int, default=20000)
    parser.add_argument("--postgres", help="a postgresql+psycopg:// URL of an empty database, instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="govxl-archive-bench-") as name:
        tmp = Path(name)
        compare(args.units, tmp, args.postgres)
        large = compare(args.large, tmp, None) if args.large else None
        if args.status_units:
            status(args.status_units, tmp, None, large if args.large == args.status_units else None)


if __name__ == "__main__":
    main()
