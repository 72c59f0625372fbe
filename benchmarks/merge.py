"""Time `govxl merge` on N generated workbooks beside a naive openpyxl script and the python-calamine floor.

    python benchmarks/merge.py [--units 2000] [--memory-units 20000] [--skip-baseline]
    python benchmarks/merge.py --national [--national-units 170000] [--provinces 31]

- govxl merge: the real command in a subprocess (start-up, reading in worker processes, one validation pass,
  writing the consolidated workbook with its provenance sheets);
- baseline: what a hand-written script does: openpyxl opens each workbook and sums its input cells;
- floor: python-calamine alone reading the same cells of the same files, nothing else.
With --memory-units, also merges that many workbooks and reports the peak memory of the merge process.
With --national, the chain at national scale instead: about 170,000 generated units merged as 31 provincial
merges, then one national merge of those 31 files; the time and peak memory of each stage. Units are made
by patching a unit name into a few rendered workbooks at the zip level (rendering 170,000 would take hours);
each province's folder is deleted once merged, so the disk holds one province at a time.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
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


PLACEHOLDER = "第P0000000号单位"


class Patcher:
    """A rendered workbook whose unit name can be replaced in microseconds: its shared strings are stored
    uncompressed, so a new name of the same length is a slice of bytes plus two CRC fields. (The archive's
    tests make their hundreds of workbooks with it too.)"""

    def __init__(self, values: dict[str, object]) -> None:
        source = zipfile.ZipFile(io.BytesIO(render("2021", {**values, "unit": PLACEHOLDER})))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                kind = zipfile.ZIP_STORED if info.filename == "xl/sharedStrings.xml" else zipfile.ZIP_DEFLATED
                out.writestr(info, source.read(info.filename), compress_type=kind)
        self.data = buffer.getvalue()
        book = zipfile.ZipFile(io.BytesIO(self.data))
        info = book.getinfo("xl/sharedStrings.xml")
        central = book.start_dir
        for other in book.infolist():  # walk the central directory to this member's record
            if other.filename == info.filename:
                break
            lengths = self.data[central + 28 : central + 34]
            central += 46 + sum(int.from_bytes(lengths[i : i + 2], "little") for i in (0, 2, 4))
        name_len = int.from_bytes(self.data[info.header_offset + 26 : info.header_offset + 28], "little")
        extra_len = int.from_bytes(self.data[info.header_offset + 28 : info.header_offset + 30], "little")
        self.start = info.header_offset + 30 + name_len + extra_len
        self.end = self.start + info.file_size
        self.member = self.data[self.start : self.end]
        self.at = self.member.index(PLACEHOLDER.encode())
        self.local_crc = info.header_offset + 14
        self.central_crc = central + 16

    @staticmethod
    def name(number: int) -> str:
        return PLACEHOLDER.replace("P0000000", f"{number:08d}")

    def unit(self, number: int) -> bytes:
        name = self.name(number).encode()
        member = self.member[: self.at] + name + self.member[self.at + len(name) :]
        crc = zlib.crc32(member).to_bytes(4, "little")
        data = bytearray(self.data)
        data[self.start : self.end] = member
        data[self.local_crc : self.local_crc + 4] = crc
        data[self.central_crc : self.central_crc + 4] = crc
        return bytes(data)


def measured(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of the process and its workers, output) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{output}")
    return elapsed, usage.ru_maxrss / 1024, output


def national(total: int, provinces: int, root: Path) -> None:
    patchers = [Patcher(fill(seed)) for seed in range(16)]
    merged_dir = root / "provinces"
    merged_dir.mkdir()
    sizes = [total // provinces + (k < total % provinces) for k in range(provinces)]
    number, gen_s, stage = 0, 0.0, []
    for k, size in enumerate(sizes):
        folder = root / f"p{k:02d}"
        folder.mkdir()
        start = time.perf_counter()
        for _ in range(size):
            (folder / f"u{number:08d}.xlsx").write_bytes(patchers[number % len(patchers)].unit(number))
            number += 1
        gen_s += time.perf_counter() - start
        out = merged_dir / f"省{k:02d}.xlsx"
        stage.append(measured([sys.executable, "-m", "govxl", "merge", str(folder), "-o", str(out)]))
        shutil.rmtree(folder)
        print(f"  province {k + 1:2d}/{provinces}: {size} units, {stage[-1][0]:6.1f} s, {stage[-1][1]:5.0f} MB")
    sizes_mb = [p.stat().st_size / 1e6 for p in merged_dir.glob("*.xlsx")]
    print(f"generated {number} units in {gen_s:.1f} s (zip-level patching of {len(patchers)} rendered workbooks)")
    print(
        f"{f'31 provincial merges of ~{total // provinces} units':<42} {sum(s[0] for s in stage):8.1f} s in all, "
        f"slowest {max(s[0] for s in stage):.1f} s, peak memory {max(s[1] for s in stage):.0f} MB, "
        f"files {min(sizes_mb):.1f}-{max(sizes_mb):.1f} MB"
    )
    out = root / "全国.xlsx"
    seconds, peak, text = measured([sys.executable, "-m", "govxl", "merge", str(merged_dir), "-o", str(out)])
    print(
        f"{f'national merge of {provinces} provincial files':<42} {seconds:8.1f} s   peak memory {peak:.0f} MB, "
        f"output {out.stat().st_size / 1e6:.1f} MB"
    )
    print("  " + text.splitlines()[0])
    seconds, peak, text = measured([sys.executable, "-m", "govxl", "check", str(out)])
    print(f"{'govxl check of the national workbook':<42} {seconds:8.1f} s   peak memory {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--memory-units", type=int, default=0, help="also measure peak memory at this many units")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the slow openpyxl baseline")
    parser.add_argument("--national", action="store_true", help="run the national chain instead")
    parser.add_argument("--national-units", type=int, default=170_000)
    parser.add_argument("--provinces", type=int, default=31)
    args = parser.parse_args()
    if args.national:
        with tempfile.TemporaryDirectory(prefix="govxl-national-") as tmp:
            national(args.national_units, args.provinces, Path(tmp))
        return
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
