"""Findings -> the correction workbook: a copy of the input whose first sheet 校验结果 lists every finding,
with each cell concerned highlighted and commented. The input file itself is never written."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import Any

from govxl.errors import GovxlError
from govxl.files import write_atomically
from govxl.findings import FileReport, Finding, Severity
from govxl.reader import CORRECTIONS_SHEET, load_bytes, read_explanations

HEADER = ("序号", "严重程度", "规则", "工作表", "位置", "问题", "应为", "实际", "状态", "说明")
WIDTHS = (6, 9, 8, 24, 30, 70, 14, 14, 10, 40)
FILLS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
SUFFIX = "_校验"


def corrections_path(source: Path, output_dir: Path | None) -> Path:
    """X.xlsx -> X_校验.xlsx; checking X_校验.xlsx again -> X_校验2.xlsx, so no file is its own output."""
    folder = output_dir if output_dir is not None else source.parent
    again = re.fullmatch(rf"(.*){SUFFIX}(\d*)", source.stem)
    if again:
        return folder / f"{again[1]}{SUFFIX}{int(again[2] or 1) + 1}.xlsx"
    return folder / f"{source.stem}{SUFFIX}.xlsx"


def write_corrections(report: FileReport, source: Path, target: Path) -> Path:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    if target.resolve() == source.resolve():
        raise GovxlError(f"{source}：校验结果文件不能与被校验的文件同名")
    data = load_bytes(source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data))
    if CORRECTIONS_SHEET in book.sheetnames:
        del book[CORRECTIONS_SHEET]
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = False
    sheet = book.create_sheet(CORRECTIONS_SHEET, 0)
    book.active = 0
    sheet.sheet_view.tabSelected = True
    sheet.append(HEADER)
    for i, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(65 + i)].width = width
    bold = Font(bold=True)
    for c in sheet[1]:
        c.font = bold
    notes: dict[tuple[str, str], list[Finding]] = {}
    for n, f in enumerate(report.findings, start=1):
        anchor = f.anchor
        where = anchor.cell if anchor else ""
        explanation = f.explanation
        if f.severity is Severity.WARNING and explanation:
            status = "已说明"
        elif f.severity is Severity.ERROR:
            status = "须改正"
        else:
            status = "请核实" if f.severity is Severity.WARNING else "提示"
        row = (
            n,
            f.severity.chinese,
            f.rule,
            anchor.sheet if anchor else "",
            where,
            f.message,
            _cell_value(f.expected),
            _cell_value(f.actual),
            status,
            explanation,
        )
        sheet.append(row)
        r = sheet.max_row
        for c in sheet[r]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(r, 2).fill = PatternFill("solid", fgColor=FILLS[f.severity])
        if anchor and anchor.cell and anchor.sheet in book.sheetnames:
            link = sheet.cell(r, 5)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{anchor.sheet}'!{anchor.cell}")
            link.font = Font(color="0563C1", underline="single")
        for ref in f.cells:
            if ref.cell and ref.sheet in book.sheetnames:
                notes.setdefault((ref.sheet, ref.cell), []).append(f)
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = f"A1:{chr(64 + len(HEADER))}{max(sheet.max_row, 1)}"
    for (name, cell), found in notes.items():
        target_cell = book[name][cell]
        worst = min(found, key=lambda f: list(Severity).index(f.severity))
        target_cell.fill = PatternFill("solid", fgColor=FILLS[worst.severity])
        text = "\n".join(f"[{f.severity.chinese} {f.rule}] {f.message}" for f in found[:8])
        if len(found) > 8:
            text += f"\n……另有 {len(found) - 8} 条，见“{CORRECTIONS_SHEET}”表"
        target_cell.comment = Comment(text, "govxl", width=320, height=160)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(target, buffer.getvalue(), overwrite=True)
    return target


def explanations_in(target: Path) -> dict[tuple[str, str], str]:
    """Explanations an office already wrote into an earlier correction workbook: carried into the new one,
    so checking again never loses them."""
    if not target.exists():
        return {}
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(target, read_only=True)
        try:
            if CORRECTIONS_SHEET not in book.sheetnames:
                raise GovxlError(f"{target} 已存在且不是 govxl 的校验结果文件，不会覆盖；请改名或用 --output-dir")
            rows = list(book[CORRECTIONS_SHEET].iter_rows(values_only=True))
            return read_explanations(rows)
        finally:
            book.close()
    except GovxlError:
        raise
    except Exception:
        raise GovxlError(f"{target} 已存在且无法读取，不会覆盖；请改名或用 --output-dir") from None


def _cell_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)
