"""Time `govxl merge` on N generated workbooks beside a naive openpyxl script and the python-calamine floor.

    python benchmarks/merge.py [--units 2000] [--memory-units 20000] [--skip-baseline]

- govxl merge: the real command in a subprocess (start-up, reading in worker processes, one validation pass,
  writing the consolidated workbook with its provenance sheets);
- baseline: what a hand-written script does: openpyxl opens each workbook and sums its input cells;
- floor: python-calamine alone reading the same cells of the same files, nothing else.
With --memory-units, also merges that many workbooks and reports the peak memory of the merge process.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from govxl.grid import grid_for
from govxl.spec import load_edition
from govxl.workbook import render

ED = load_edition("2021")
GRID = grid_for("2021")
INPUTS = [c for c in ED.input_codes if ED.cells[c].table]


def fill(seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    values: dict[str, object] = {c: rng.choice((0, 0, 0, 1, 2, 5)) for c in INPUTS}
    values["t2_fee_amount"] = round(rng.uniform(0, 50), 4)
    for col in ("np", "biz", "sci", "ngo", "law", "other"):
        done = sum(int(values[p]) for p in ED.cells[f"t3_done_{col}"].parts)  # type: ignore[call-overload]
        values[f"t3_carried_{col}"] = min(done, 1)
        values[f"t3_new_{col}"] = done - min(done, 1) + int(values[f"t3_forward_{col}"])  # type: ignore[call-overload]
    values.update(unit=f"第{seed}号单位", year=2024, level="省级人民政府", contact="联系人", phone="0000")
    return values


def _make(args: tuple[str, int]) -> None:
    folder, seed = args
    Path(folder, f"unit{seed:05d}.xlsx").write_bytes(render("2021", fill(seed)))


def generate(folder: Path, n: int) -> None:
    with ProcessPoolExecutor() as pool:
        list(pool.map(_make, [(str(folder), i) for i in range(n)], chunksize=64))


def naive_openpyxl(files: list[Path]) -> dict[str, float]:
    import warnings

    import openpyxl

    where = [(GRID.sheet_of(c).name, GRID.address(c), c) for c in INPUTS]
    sums = dict.fromkeys(INPUTS, 0.0)
    for f in files:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(f, data_only=True)
        for sheet, cell, code in where:
            v = wb[sheet][cell].value
            sums[code] += v if isinstance(v, int | float) else 0
    return sums


def calamine_floor(files: list[Path]) -> dict[str, float]:
    from python_calamine import CalamineWorkbook

    by_sheet: dict[str, list[tuple[int, int, str]]] = {}
    for c in INPUTS:
        sg, place = GRID.where[c]
        by_sheet.setdefault(sg.name, []).append((place.row, place.col, c))
    sums = dict.fromkeys(INPUTS, 0.0)
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for sheet, cells in by_sheet.items():
            rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            for r, c, code in cells:
                v = rows[r][c]
                sums[code] += v if isinstance(v, int | float) else 0
        wb.close()
    return sums


def timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def run_merge(folder: Path, out: Path) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "govxl", "merge", str(folder), "-o", str(out), "--force"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"govxl merge failed ({done.returncode}): {done.stdout}{done.stderr}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak_kb, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--memory-units", type=int, default=0, help="also measure peak memory at this many units")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the slow openpyxl baseline")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "units"
        folder.mkdir()
        start = time.perf_counter()
        generate(folder, args.units)
        print(f"generated {args.units} workbooks in {time.perf_counter() - start:.1f} s")
        files = sorted(folder.glob("*.xlsx"))
        merge_s, peak = run_merge(folder, Path(tmp) / "merged.xlsx")
        floor_s, floor_sums = timed(calamine_floor, files)
        print(f"{'govxl merge (read, validate, write)':<42} {merge_s:8.2f} s   peak memory {peak / 1024:.0f} MB")
        print(
            f"{'floor: python-calamine reading the cells':<42} {floor_s:8.2f} s   merge / floor = "
            f"{merge_s / floor_s:.2f}"
        )
        if not args.skip_baseline:
            base_s, base_sums = timed(naive_openpyxl, files)
            assert base_sums == floor_sums, "baseline and floor disagree"
            print(
                f"{'baseline: openpyxl script summing cells':<42} {base_s:8.2f} s   baseline / merge = "
                f"{base_s / merge_s:.1f}x"
            )
        if args.memory_units:
            big = Path(tmp) / "many"
            big.mkdir()
            generate(big, args.memory_units)
            merge_s, peak = run_merge(big, Path(tmp) / "merged-many.xlsx")
            print(
                f"{f'govxl merge of {args.memory_units} workbooks':<42} {merge_s:8.2f} s   "
                f"peak memory {peak / 1024:.0f} MB"
            )


if __name__ == "__main__":
    main()
