"""A published report (text or HTML) -> the same Filing a workbook gives, so the same rules run on what was
actually published; and a filled govxl workbook of it.

Every guess is a finding: a label that differs from the official one (E2), an assumption about the layout
(E3), a blank read as 0 (B1), text read as a number (T1). A row that is not in the document is missing (E1),
never invented. Totals are kept as published and judged against their parts.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govxl.errors import GovxlError
from govxl.extract.cells import Section, cells_of, split_sections
from govxl.extract.tables import TableRead, read_table
from govxl.extract.title import report_unit, report_year
from govxl.files import decode_text
from govxl.filing import CellValues, Filing
from govxl.findings import Finding
from govxl.grid import grid_for, parse_a1
from govxl.rules import finding
from govxl.rules.blank import group_blanks, number_of
from govxl.spec import Edition, available_editions, default_edition, edition_for_year, load_edition

TEXT_KINDS = (".txt", ".text", ".md")
HTML_KINDS = (".html", ".htm", ".shtml")
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Extraction:
    path: Path
    edition: str
    year: int | None
    unit: str
    filing: Filing
    findings: list[Finding]
    published_totals: dict[str, float]
    # (heading, text) of the sections in the office's own words (spec: sections; 一, 五, 六)
    prose: list[tuple[str, str]] = field(default_factory=list)
    found: int = 0  # number cells read
    # what the workbook shows where a number alone cannot: a published total's cell (a number, the text
    # printed, or None for a blank) and the text of an input that is not a number ("-")
    shown: dict[str, Any] = field(default_factory=dict)


def read_document(path: Path) -> str:
    """The report as text, tables as rows of cells between pipes."""
    if not path.exists():
        raise GovxlError(f"{path}：文件不存在")
    if path.is_dir():
        raise GovxlError(f"{path}：这是一个文件夹，不是报告文件")
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise GovxlError(f"{path}：暂不支持旧版 Word（.doc）格式；请在 Word 或 WPS 中另存为 .docx 或 PDF")
    size = path.stat().st_size
    if size > MAX_BYTES:  # said before reading it, whatever its kind
        raise GovxlError(f"{path}：文件过大（{size // 1024 // 1024} MB），不像年度报告")
    data = path.read_bytes()
    if suffix == ".docx":
        return docx_text(path, data)
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        return _pdf(path, data)
    if not data.strip():
        raise GovxlError(f"{path}：文件是空的")
    if b"\x00" in data[:4096]:
        raise GovxlError(f"{path}：是二进制文件，不是文本或网页格式的报告")
    text = decode_text(data)
    if text is None:
        raise GovxlError(f"{path}：无法识别文字编码（应为 UTF-8 或 GBK）")
    if suffix in HTML_KINDS or re.search(r"<\s*(html|body|table|p|div)\b", text[:5000], re.I):
        from govxl.extract.html import html_to_text

        text = html_to_text(text)
    from govxl.extract.hant import T2S, looks_traditional

    return text.translate(T2S) if looks_traditional(text) else text


def _pdf(path: Path, data: bytes) -> str:
    if not data.startswith(b"%PDF"):
        raise GovxlError(f"{path}：不是 PDF 文件")
    from govxl.extract.pdf import pdf_problem, pdf_to_text

    try:
        text = pdf_to_text(path)
    except Exception as exc:
        raise GovxlError(f"{path}：PDF 文件已损坏或无法读取（{pdf_problem(exc)}）") from None
    if not text.strip():
        raise GovxlError(f"{path}：PDF 中没有文字（可能是扫描件），无法抽取")
    return text


def docx_text(path: Path, data: bytes) -> str:
    """A Word document's text (its bytes `data`, read from `path`), or a message naming the file of why not:
    for the published report, and for the office's own text that `govxl report` takes."""
    if not data.startswith(b"PK"):
        raise GovxlError(f"{path}：不是 Word（.docx）文件")
    from govxl.extract.docx import docx_problem, docx_to_text

    try:
        return docx_to_text(path)
    except Exception as exc:
        raise GovxlError(f"{path}：Word 文件已损坏或无法读取（{docx_problem(exc)}）") from None


def extract(path: Path, edition: str | None = None) -> Extraction:
    text = read_document(path)
    head, sections = split_sections(text)
    by_number = {s.number: s for s in sections}
    if not sections and not any("政府信息公开" in line for line in head):
        raise GovxlError(
            f"{path}：找不到年度报告的章节（应有“二、主动公开政府信息情况”“三、收到和处理政府信息公开申请情况”等标题），"
            "不像政府信息公开工作年度报告"
        )
    year = report_year(head, text)
    ed = load_edition(edition or _edition(by_number, year))
    reads: dict[str, TableRead] = {}
    everything = cells_of(text.splitlines()) if not sections else []  # no headings: look in the whole text
    for table in ed.tables:
        section = by_number.get(table.heading.split("、", 1)[0])
        if section:
            reads[table.code] = read_table(ed, table, cells_of(section.lines))
        elif everything:
            reads[table.code] = read_table(ed, table, everything)
        else:
            reads[table.code] = _absent(ed, table.code)
    filing, findings, published, found, shown = _filing(path, ed, reads, year, report_unit(head))
    prose = [(s.heading, s.text.strip()) for s in sections if s.number in ed.own_sections]
    filing.prose = "\n".join(body for _, body in prose)
    return Extraction(path, ed.edition, year, filing.unit, filing, findings, published, prose, found, shown)


def _absent(ed: Edition, table: str) -> TableRead:
    return TableRead(missing=[c for c, cell in ed.cells.items() if cell.table == table])


def _edition(by_number: dict[str, Section], year: int | None) -> str:
    """The edition whose markers (spec: markers, words only its table 二 prints) the report's section 二
    carries; of several, the one the report's year uses, else the newest; with none, the year's edition."""
    t2 = by_number["二"].text if "二" in by_number else ""
    t2 = t2.replace("(", "（").replace(")", "）")
    marked = [ed for ed in map(load_edition, available_editions()) if any(m in t2 for m in ed.markers)]
    if marked:
        fitting = [ed for ed in marked if year is not None and ed.fits_year(year)]
        return max(fitting or marked, key=lambda ed: ed.first_year).edition
    if year is not None:
        return edition_for_year(year)
    return default_edition()


def _filing(
    path: Path, ed: Edition, reads: dict[str, TableRead], year: int | None, unit: str
) -> tuple[Filing, list[Finding], dict[str, float], int, dict[str, Any]]:
    ref = grid_for(ed.edition).ref
    inputs = CellValues(ed.input_codes)
    typed: dict[str, float] = {}
    shown: dict[str, Any] = {}
    findings: list[Finding] = []
    found = 0
    for read in reads.values():
        for code, parsed in read.values.items():
            cell = ed.cells[code]
            found += 1
            number, said = number_of(parsed, cell.value_rule, ref(code), text_is_usual=True)
            if said:
                findings.append(said)
            if cell.kind == "total":
                typed[code] = number
            else:
                inputs[code] = number
            if parsed.status == "blank":
                shown[code] = None
            elif math.isnan(number):
                shown[code] = parsed.raw
            elif cell.kind == "total":
                shown[code] = int(number) if number.is_integer() else number
        for code, official, published in read.labels:
            findings.append(finding("E2", (ref(code),), expected=official, actual=published))
        for code, note in read.notes:
            findings.append(finding("E3", (ref(code),), note=note))
        rows: dict[tuple[str, str], list[str]] = {}
        for code in read.missing:
            cell = ed.cells[code]
            rows.setdefault((cell.table, cell.row), []).append(code)
            if cell.kind == "input":
                inputs[code] = math.nan
        for codes in rows.values():
            where = " / ".join(ed.cells[codes[0]].row_labels) or ed.cells[codes[0]].sheet
            findings.append(finding("E1", tuple(ref(c) for c in codes), where=where, count=len(codes)))
    findings = group_blanks(findings, ed, ref, parse_a1)
    # a report that names no agency (or year) is said to, as a workbook with that cover field blank is
    for code, known in (("unit", bool(unit)), ("year", year is not None)):
        if not known:
            label = next(f.label for f in ed.cover.fields if f.code == code)
            findings.append(finding("C1", (ref(code),), label=label))
    if year is not None and not ed.fits_year(year):
        findings.append(finding("X5", (ref("year"),), actual=year, edition=ed.edition, years=ed.years))
    filing = Filing(
        path=path,
        edition=ed.edition,
        sha256="",
        properties={},
        cover={"unit": unit, "year": year},
        inputs=inputs,
        typed_totals=typed,
        formulas_ok=dict.fromkeys(ed.total_codes, True),
        cached=CellValues(ed.total_codes),
        findings=findings,
    )
    return filing, findings, typed, found, shown


def filing_of(path: Path) -> Filing:
    """A unit's numbers from its workbook (.xlsx) or from its published report (any other kind)."""
    if path.suffix.lower() == ".xlsx":
        from govxl.reader import read_filing

        return read_filing(path)
    return extract(path).filing


def workbook_values(x: Extraction) -> dict[str, Any]:
    values: dict[str, Any] = {"unit": x.unit or None, "year": x.year}
    for code, value in x.filing.inputs.items():
        values[code] = x.shown.get(code) if math.isnan(value) else value
    return values


def write_extraction(x: Extraction, out: Path, overwrite: bool = False) -> None:
    """The extracted report as a govxl workbook that is the published report: the official tables with the
    published numbers, totals included (a blank stays blank, a wrong total stays wrong, and the template's
    live 校验 rows show it); then the published totals beside the recomputed ones, the prose, what extraction
    noticed, and (hidden) that record in the form `govxl check` reads back."""
    from govxl.files import write_atomically
    from govxl.published import PROP_EXTRACTED, PROSE_SHEET, RECORD_HEADER, RECORD_SHEET, record_row
    from govxl.spec import compute_totals
    from govxl.workbook import DataSheet, render

    ed = load_edition(x.edition)
    grid = grid_for(x.edition)
    numbers = {c: v for c, v in x.filing.inputs.items() if not math.isnan(v)}
    recomputed = compute_totals(ed, numbers)
    totals = [
        [
            grid.sheet_of(c).name,
            grid.address(c),
            " / ".join(ed.cells[c].row_labels + ed.cells[c].col_labels),
            None if math.isnan(v) else v,
            recomputed.get(c),
        ]
        for c, v in x.published_totals.items()
    ]
    notes = [[f.severity.chinese, f.rule, str(f.anchor) if f.anchor else "", f.message] for f in x.findings]
    extra = [
        DataSheet(
            "公布的总计",
            [["工作表", "单元格", "项目", "公布的数", "按分项计算"]],
            totals,
            len(totals),
            [24, 8, 60, 12, 12],
        ),
        DataSheet(PROSE_SHEET, [["章节", "内容"]], [list(p) for p in x.prose], len(x.prose), [30, 120]),
        DataSheet("抽取说明", [["级别", "规则", "位置", "说明"]], notes, len(notes), [8, 6, 36, 100]),
        DataSheet(
            RECORD_SHEET, [RECORD_HEADER], [record_row(f) for f in x.findings], len(x.findings), hidden=True
        ),
    ]
    published = {c: x.shown.get(c) for c in x.published_totals}
    name = os.fsencode(x.path.name).decode("utf-8", "replace")  # a name not in UTF-8 as a file manager shows it
    data = render(
        x.edition,
        workbook_values(x),
        hints={"unit": f"抽取自：{name}"},
        properties={PROP_EXTRACTED: name},
        extra=extra,
        published=published,
    )
    write_atomically(out, data, overwrite=overwrite)
