"""Wall time of `govxl check` on one workbook, beside the bare import time of its dependencies.

    python benchmarks/check.py [--runs 7] [--files 200]

Prints medians over several runs of real subprocesses, so start-up and imports are counted as a user feels
them, then the in-process time of a warm check (reading + validation, no imports), then one `govxl check`
of many files (default 200, distinct units) with correction workbooks side by side with --no-corrections,
and the warm in-process time of writing one correction workbook."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this tree's govxl, in-process as in the subprocesses (run with cwd=ROOT)


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()
    workbook = ROOT / "examples" / "with_errors_2024.xlsx"
    py = sys.executable
    with tempfile.TemporaryDirectory() as out:
        rows = [
            ("python -c pass (interpreter start)", [py, "-c", "pass"]),
            ("import click, openpyxl, xlsxwriter", [py, "-c", "import click, openpyxl, xlsxwriter"]),
            (
                "import pandas, pandera (+ the above)",
                [py, "-c", "import click, openpyxl, xlsxwriter, pandera.pandas"],
            ),
            ("govxl --help", [py, "-m", "govxl", "--help"]),
            ("govxl check (no corrections)", [py, "-m", "govxl", "check", str(workbook), "--no-corrections"]),
            ("govxl check (with corrections)", [py, "-m", "govxl", "check", str(workbook), "--output-dir", out]),
        ]
        print(f"{'what':<40} {'median wall time':>18}   ({args.runs} runs)")
        for label, cmd in rows:
            print(f"{label:<40} {wall(cmd, args.runs) * 1000:>15.0f} ms")
    from govxl.checker import check_paths

    check_paths([workbook])  # warm: imports and schema built
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        check_paths([workbook])
        times.append(time.perf_counter() - start)
    print(f"{'in-process check, warm (read + validate)':<40} {statistics.median(times) * 1000:>15.0f} ms")
    many(workbook, args.files, max(1, args.runs // 3))


def many(workbook: Path, count: int, runs: int) -> None:
    """`govxl check DIR/*.xlsx` on `count` files, with and without correction workbooks."""
    from govxl.checker import check_paths
    from govxl.corrections import build_corrections, formulas_to_keep
    from govxl.reader import load_bytes, read_filing
    from govxl.workbook import render

    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        filing = read_filing(workbook)
        values = {**{k: v for k, v in filing.inputs.items() if v == v}, **filing.cover}
        for i in range(count):
            (folder / f"unit{i:03d}.xlsx").write_bytes(render("2021", {**values, "unit": f"第{i:03d}号单位"}))
        files = sorted(map(str, folder.glob("*.xlsx")))
        rows = [
            (f"check {count} files --no-corrections", [py, "-m", "govxl", "check", *files, "--no-corrections"]),
            (f"check {count} files (with corrections)", [py, "-m", "govxl", "check", *files, "--output-dir", tmp]),
        ]
        for label, cmd in rows:
            print(f"{label:<40} {wall(cmd, runs) * 1000:>15.0f} ms")
        source = Path(files[0])
        (report,) = check_paths([source])
        keep, sheets = formulas_to_keep(read_filing(source))
        data = load_bytes(source)
        times = []
        for _ in range(20):
            start = time.perf_counter()
            build_corrections(data, report, source.name, keep, sheets)
            times.append(time.perf_counter() - start)
        label = "one correction workbook, warm"
        print(f"{label:<40} {statistics.median(times) * 1000:>15.1f} ms")


if __name__ == "__main__":
    main()
