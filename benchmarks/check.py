"""Wall time of `govxl check` on one workbook, beside the bare import time of its dependencies.

    python benchmarks/check.py [--runs 7]

Prints medians over several runs of real subprocesses, so start-up and imports are counted as a user feels
them, then the in-process time of a warm check (reading + validation, no imports)."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
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


if __name__ == "__main__":
    main()
