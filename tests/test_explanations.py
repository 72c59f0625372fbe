"""An office explains a warning in 校验结果 and checks again: the warning is shown as explained; errors are not
explained away; the input is never written; explanations survive checking the original again."""

from __future__ import annotations

from pathlib import Path

import openpyxl

import govxl
from govxl.checker import check_paths
from govxl.findings import Severity
from tests.helpers import T3, T4, clean_values, read_book, write


def explain(corrections: Path, rule: str, cell: str, text: str) -> None:
    wb = openpyxl.load_workbook(corrections)
    ws = wb["校验结果"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("规则")].value == rule and row[header.index("位置")].value == cell:
            row[header.index("说明")].value = text
    wb.save(corrections)


def test_explained_warning_and_unexplainable_error(tmp_path: Path) -> None:
    values = {**clean_values(), "t4_after_other": None, "t3_new_np": 13}
    source = write(tmp_path / "unit.xlsx", values)
    before = source.read_bytes()
    (first,) = check_paths([source], corrections=True)
    corrections = Path(first.corrections)
    assert corrections.name == "unit_校验.xlsx"
    wb = openpyxl.load_workbook(corrections)
    assert wb.sheetnames[0] == "校验结果" and wb.active.title == "校验结果"
    rows = list(wb["校验结果"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(first.findings)
    link = wb["校验结果"]["E2"].hyperlink
    assert link is not None and link.location == f"'{T3}'!D5"
    assert wb[T4]["M5"].comment is not None and "B1" in wb[T4]["M5"].comment.text
    assert wb[T3]["D5"].fill.fgColor.rgb.endswith("FFC7CE")

    explain(corrections, "B1", "M5", "该项确实没有发生，漏填0")
    explain(corrections, "R3.1", "D5", "想解释掉错误")
    (second,) = check_paths([corrections], corrections=True)
    b1 = next(f for f in second.findings if f.rule == "B1")
    assert b1.explanation == "该项确实没有发生，漏填0"
    assert second.warnings == 0
    r31 = next(f for f in second.findings if f.compact() == ("R3.1", T3, "D5"))
    assert r31.explanation == "" and r31.severity is Severity.ERROR and second.errors == first.errors
    assert Path(second.corrections).name == "unit_校验2.xlsx"
    # and checking the original again keeps what the office wrote in unit_校验.xlsx
    (third,) = check_paths([source], corrections=True)
    assert next(f for f in third.findings if f.rule == "B1").explanation == "该项确实没有发生，漏填0"
    third_book = read_book(third.corrections)
    notes = [r[-1] for r in third_book["校验结果"].iter_rows(min_row=2, values_only=True) if r[2] == "B1"]
    assert notes == ["该项确实没有发生，漏填0"]
    assert source.read_bytes() == before


def test_python_api(tmp_path: Path) -> None:
    source = write(tmp_path / "unit.xlsx", {**clean_values(), "t3_new_np": 13})
    report = govxl.check(source)
    assert not report.valid and report.errors == 2
    assert {f.compact() for f in report.findings} == {("R3.1", T3, "D5"), ("R3.1", T3, "J5")}
    assert not (tmp_path / "unit_校验.xlsx").exists()


def test_linzi_example_has_no_error() -> None:
    from tests.conftest import ROOT

    report = govxl.check(ROOT / "examples" / "linzi_gov_office_2024.xlsx")
    assert report.valid and report.errors == 0 and report.warnings == 0
    # its only remark is the 部分公开 hint, since the report has 6 部分公开
    assert {f.compact() for f in report.findings} == {("R3.7", T3, "J8")}


def test_corrections_copy_keeps_every_value(tmp_path: Path) -> None:
    source = write(tmp_path / "unit.xlsx", {**clean_values(), "t3_new_np": 13})
    (r,) = check_paths([source], corrections=True)
    original = openpyxl.load_workbook(source)
    copy = openpyxl.load_workbook(r.corrections)
    assert copy.sheetnames == ["校验结果", *original.sheetnames]
    for ws in original.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert copy[ws.title][cell.coordinate].value == cell.value, (ws.title, cell.coordinate)
    assert all(copy[name].protection.sheet for name in original.sheetnames)
