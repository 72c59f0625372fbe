"""Building filled workbooks for tests: from values (xlsxwriter, real cached totals) or by editing one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from govxl.checker import check_paths
from govxl.findings import FileReport, Severity
from govxl.spec import load_edition
from govxl.workbook import render

T2 = "二、主动公开政府信息情况"
T3 = "三、收到和处理政府信息公开申请情况"
T4 = "四、政府信息公开行政复议、行政诉讼情况"
COVER = "封面"


def clean_values() -> dict[str, Any]:
    """A complete, consistent fill with no finding at all (临淄 2024 with 部分公开 moved to 予以公开, since any
    部分公开 draws the R3.7 hint)."""
    values: dict[str, Any] = dict.fromkeys(load_edition("2021").input_codes, 0)
    values.update(
        unit="某某区人民政府办公室",
        year=2024,
        level="政府部门及其他机关",
        contact="张三",
        phone="0533-1234567",
        t2_norm_made=1,
        t2_norm_repealed=6,
        t2_norm_valid=9,
        t3_new_np=12,
        t3_carried_np=2,
        t3_open_np=11,
        t3_unable_nohold_np=3,
    )
    return values


def write(path: Path, values: dict[str, Any] | None = None) -> Path:
    path.write_bytes(render("2021", clean_values() if values is None else values))
    return path


def edit(path: Path, change: Callable[[openpyxl.Workbook], None], out: Path | None = None) -> Path:
    """Open with openpyxl, change, save (openpyxl keeps no cached formula results)."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    target = out or path
    wb.save(target)
    return target


def report(path: Path) -> FileReport:
    (r,) = check_paths([path])
    assert not r.problem, r.problem
    return r


def compact(r: FileReport, severity: Severity | None = None) -> set[tuple[str, str, str]]:
    return {f.compact() for f in r.findings if severity is None or f.severity is severity}
