"""The 2019 edition: labels, the whole path through a real LibreOffice, edition detection, R2.4."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.packaging.custom import CustomPropertyList

from govxl.checker import check_paths
from govxl.grid import grid_for
from govxl.merge import INCLUDED, merge
from govxl.reader import read_filing
from govxl.spec import compute_totals, load_edition
from govxl.workbook import render
from tests.conftest import Recalc
from tests.helpers import OpenpyxlFiller, sheet_values
from tests.official_labels import T2_ROWS_2019, T2_SHEET, T3_COLUMNS, T3_NOTE, T3_ROWS_2019, T3_SHEET, T4_COLUMNS
from tests.test_cli import govxl
from tests.test_template_labels import box_at, chain_across, chain_down

ED19 = load_edition("2019")


def values_2019(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(ED19.input_codes, 0)
    values.update(unit="某某镇人民政府", year=2020, level="乡镇人民政府、街道办事处", contact="李四", phone="1")
    values.update(t3_new_np=3, t3_open_np=3, t2_license_previous=10, t2_license_change=-4, t2_license_decisions=6)
    values.update(changes)
    return values


def test_2019_labels_verbatim() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render("2019")))
    ws = wb[T2_SHEET]
    row = 2
    for entry in T2_ROWS_2019:
        if entry[0] == "band":
            assert box_at(ws, row, 1) == (row, 1, row, 4) and ws.cell(row, 1).value == entry[1]
        elif entry[0] == "head":
            assert chain_across(ws, row, 1, 4) == entry[1], f"row {row}"
        else:
            assert ws.cell(row, 1).value == entry[1]
            assert len(chain_across(ws, row, 2, 4)) == entry[2], f"row {row}"
        row += 1
    t3 = wb[T3_SHEET]
    assert t3["A2"].value == T3_NOTE and box_at(t3, 2, 1) == (2, 1, 4, 3)
    for i, expected in enumerate(T3_COLUMNS):
        assert chain_down(t3, 4 + i, 2, 4) == expected
    for i, expected in enumerate(T3_ROWS_2019):
        assert chain_across(t3, 5 + i, 1, 3) == expected, f"row {5 + i}"
    assert box_at(t3, 7, 1) == (7, 1, 26, 1)  # 三、本年度办理结果 spans 20 rows
    assert box_at(t3, 25, 2) == (25, 2, 25, 3)  # the single （六）其他处理 row spans label columns 2-3
    t4 = wb["四、政府信息公开行政复议、行政诉讼情况"]
    for i, expected in enumerate(T4_COLUMNS):
        assert chain_down(t4, 1 + i, 2, 4) == expected


def test_signed_change_and_r24(tmp_path: Path) -> None:
    path = tmp_path / "u.xlsx"
    path.write_bytes(render("2019", values_2019(t2_license_change="减4", t2_penalty_change=1.5)))
    (report,) = check_paths([path])
    found = {f.compact() for f in report.findings}
    assert found == {("T1", T2_SHEET, "C8"), ("R2.4", T2_SHEET, "C12")}
    assert read_filing(path).inputs["t2_license_change"] == -4
    # 采购总金额 has no unit in the 2019 form: "251000元" is read as 251000, not converted to 万元
    path.write_bytes(render("2019", values_2019(t2_procurement_amount="251000元")))
    assert read_filing(path).inputs["t2_procurement_amount"] == 251000


def test_edition_detection_and_x5(tmp_path: Path) -> None:
    path = tmp_path / "u.xlsx"
    path.write_bytes(render("2019", values_2019()))
    assert check_paths([path])[0].edition == "2019"
    wb = openpyxl.load_workbook(path)
    wb.custom_doc_props = CustomPropertyList()  # no template identity: the labels decide
    for name in list(wb.defined_names):  # nor the names of cell codes that recognise a re-saved template
        del wb.defined_names[name]
    bare = tmp_path / "bare.xlsx"
    wb.save(bare)
    (report,) = check_paths([bare])
    assert report.edition == "2019" and ("M1", "", "") in {f.compact() for f in report.findings}
    wrong_year = tmp_path / "y.xlsx"
    wrong_year.write_bytes(render("2019", values_2019(year=2022)))
    assert ("X5", "封面", "B4") in {f.compact() for f in check_paths([wrong_year])[0].findings}
    forced = govxl("check", str(path), "--edition", "2021", "--format", "json", "--no-corrections")
    assert '"edition": "2021"' in forced.stdout and forced.returncode == 1  # 2019 labels fail the 2021 form


def _fills(edition: str) -> list[dict[str, Any]]:
    ed = load_edition(edition)
    rng = random.Random(int(edition))
    fills = []
    for i in range(3):
        v: dict[str, Any] = {c: rng.randint(0, 4) for c in ed.input_codes}
        for code in ed.input_codes:
            if ed.cells[code].value == "signed":
                v[code] = rng.randint(-3, 3)
        for col in ("np", "biz", "sci", "ngo", "law", "other"):
            done = sum(v[p] for p in ed.cells[f"t3_done_{col}"].parts)
            v[f"t3_carried_{col}"] = min(done, 1)
            v[f"t3_new_{col}"] = done - min(done, 1) + v[f"t3_forward_{col}"]
        v.update(unit=f"单位{i}", year=ed.first_year, level="省级人民政府", contact="x", phone="1")
        fills.append(v)
    return fills


@pytest.fixture(scope="module")
def through_libreoffice(
    tmp_path_factory: pytest.TempPathFactory, recalc: Recalc
) -> dict[str, tuple[list[dict[str, Any]], list[Path]]]:
    """Three fills of each edition, saved by openpyxl and recalculated by LibreOffice, all in one call."""
    folder = tmp_path_factory.mktemp("filled")
    fills = {edition: _fills(edition) for edition in ("2019", "2021")}
    src = {}
    for edition, vs in fills.items():
        filler = OpenpyxlFiller(edition)
        src[edition] = [filler.fill(folder / f"u{edition}-{i}.xlsx", v) for i, v in enumerate(vs)]
    every = [p for paths in src.values() for p in paths]
    by_lo = dict(zip(every, recalc(every, tmp_path_factory.mktemp("lo")), strict=True))
    return {edition: (fills[edition], [by_lo[p] for p in src[edition]]) for edition in fills}


@pytest.mark.soffice
@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_template_to_merge_through_libreoffice(
    tmp_path: Path, through_libreoffice: dict[str, tuple[list[dict[str, Any]], list[Path]]], edition: str
) -> None:
    ed = load_edition(edition)
    grid = grid_for(edition)
    fills, recalculated = through_libreoffice[edition]
    for path, v in zip(recalculated, fills, strict=True):
        cells = sheet_values(path)
        for code, total in compute_totals(ed, v).items():
            assert cells.get((grid.sheet_of(code).name, grid.address(code))) == total, code
    reports = check_paths(recalculated)
    assert all(r.valid and r.edition == edition for r in reports), [f.message for r in reports for f in r.findings]
    result = merge(recalculated, tmp_path / "merged.xlsx", jobs=1)
    assert [e.status for e in result.entries] == [INCLUDED] * 3
    merged = read_filing(tmp_path / "merged.xlsx")
    assert merged.edition == edition
    for code in ed.input_codes:
        assert merged.inputs[code] == sum(v[code] for v in fills), code
