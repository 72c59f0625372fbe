"""A filled workbook -> Filing: every cell by code (value, raw text, formula, cached total), the cover, the
template's identity, and the findings that only the raw cells can show (blank, text, structure).

Inputs are read into memory once and never opened for writing. Anything that makes the tables unreadable
raises GovxlError naming the file; everything else becomes a finding.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from govxl.errors import GovxlError, describe
from govxl.filing import CellValues, Filing
from govxl.findings import CellRef, Finding
from govxl.grid import Grid, SheetGrid, a1, grid_for, parse_a1
from govxl.intake import PROP_MERGED, load_bytes
from govxl.rules import finding
from govxl.rules.blank import group_blanks, number_of
from govxl.rules.cover import read_cover
from govxl.spec import (
    NUMERIC_KINDS,
    PROP_EDITION,
    PROP_FINGERPRINT,
    PROP_VERSION,
    Edition,
    available_editions,
)
from govxl.values import MAX_MAGNITUDE, magnitude_limit, parse_number, text_of
from govxl.xlsx import SheetCells, Workbook, open_workbook

__all__ = ["CORRECTIONS_SHEET", "PROP_MERGED", "CellValues", "Filing", "load_bytes", "read_filing"]

CORRECTIONS_SHEET = "校验结果"


def _open(path: Path, data: bytes) -> Workbook:
    try:
        return open_workbook(data)
    except Exception as exc:
        raise GovxlError(f"{path}：文件已损坏，无法读取：{describe(exc)}") from None


def _norm_formula(text: str) -> str:
    return re.sub(r"[\s$]", "", text).upper().lstrip("=")


def read_filing(path: Path, edition: str | None = None) -> Filing:
    data = load_bytes(path)
    book = _open(path, data)
    try:
        return _read(path, data, book, edition)
    except GovxlError:
        raise
    except Exception as exc:
        raise GovxlError(f"{path}：文件已损坏，无法读取：{describe(exc)}") from None
    finally:
        book.close()


def _read(path: Path, data: bytes, book: Workbook, edition: str | None) -> Filing:
    props = book.properties
    findings: list[Finding] = []
    ed_code = edition or props.get(PROP_EDITION) or ""
    if ed_code not in available_editions():
        ed_code = detect_edition(book)
    grid = grid_for(ed_code)
    ed = grid.edition
    if PROP_EDITION not in props:
        pass  # judged once the labels are read: a re-save by another program may drop the properties (M1)
    elif props.get(PROP_FINGERPRINT) != grid.fingerprint:
        findings.append(
            finding("M2", expected=ed.version, actual=props.get(PROP_VERSION, "未知"), edition=ed.edition)
        )
    sheets = _resolve_sheets(path, book, grid, findings)
    filing = Filing(
        path=path,
        edition=ed_code,
        sha256=hashlib.sha256(data).hexdigest(),
        properties=dict(props),
        cover={},
        inputs=CellValues(ed.input_codes),
        typed_totals={},
        formulas_ok={},
        cached=CellValues(ed.total_codes),
        findings=findings,
    )
    merged = props.get(PROP_MERGED, "")
    limit = magnitude_limit(int(merged) if merged.isdigit() else 1) if merged else MAX_MAGNITUDE
    for sg in grid.sheets:
        actual = sheets.get(sg.name)
        if actual is None:
            for code in sg.cells:
                _missing(filing, ed, code)
            continue
        if actual != sg.name:
            filing.sheet_names[sg.name] = actual
        cells = book.sheet(actual, formulas=bool(sg.table))  # the cover holds no formulas of ours
        # rows inserted or deleted shift the labels, so names (which move with the cells) are consulted only
        # when a label is out of place: most workbooks never pay for parsing 205 names
        changed = _check_labels(sg, cells, actual)
        if changed and not _locate(filing, grid, sg, actual, book.defined_names()):
            filing.findings.extend(changed)
        rows, formulas, errors = cells.rows, cells.formulas, cells.errors
        for code, address, (r, c), is_input in grid.read_plan[sg.name]:
            # the common case first, kept cheap: a plain number where the template put it
            if is_input and code not in filing.moved and address not in formulas and address not in errors:
                value = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
                if type(value) is float and -limit <= value <= limit:
                    filing.inputs[code] = value
                    continue
            _read_cell(filing, grid, code, cells, limit)
    if PROP_EDITION not in props and not _template_shaped(book, grid, filing.findings):
        filing.findings.insert(0, finding("M1"))
    filing.findings[:] = group_blanks(filing.findings, grid.edition, lambda code: filing.ref(grid, code), parse_a1)
    if CORRECTIONS_SHEET in book.sheet_names:
        filing.explanations = read_explanations(book.sheet(CORRECTIONS_SHEET).rows)
    from govxl.published import PROP_EXTRACTED, as_published

    if PROP_EXTRACTED in props:  # an extracted report: its typed totals are the published ones
        as_published(filing, book, grid)
    return filing


def _template_shaped(book: Workbook, grid: Grid, findings: list[Finding]) -> bool:
    """Whether a workbook without govxl's document properties is still the template: Gnumeric (and maybe other
    programs) drop custom properties on a re-save but keep the defined names, one a cell code, and the labels.
    The structure the fingerprint hashes is then recomputed from the workbook itself: every code's name at the
    template's address on the template's sheet, and every label in place (no S1 finding was made)."""
    if any(f.rule.startswith("S1") for f in findings):
        return False
    names = book.defined_names()
    return all(
        names.get(grid.defined_name(code)) == (grid.sheet_of(code).name, grid.address(code))
        for code in grid.edition.cells
    )


def detect_edition(book: Workbook) -> str:
    """The edition whose official labels the workbook's tables carry most of, where they belong (a workbook
    not from the template, or whose edition property is unknown). Ties go to the newer edition."""
    best, best_score = "", -1
    for code in sorted(available_editions()):
        grid = grid_for(code)
        score = 0
        for sg in grid.sheets:
            if not sg.table or sg.name not in book.sheet_names:
                continue
            cells = book.sheet(sg.name, formulas=False)
            score += sum(text_of(cells.value(s.row, s.col)) == s.text for s in sg.labels if s.role != "caption")
        if score >= best_score:
            best, best_score = code, score
    return best


def _resolve_sheets(path: Path, book: Workbook, grid: Grid, findings: list[Finding]) -> dict[str, str]:
    """Spec sheet name -> the workbook's sheet holding it (found by name, else by its heading)."""
    out: dict[str, str] = {}
    names = book.sheet_names
    unclaimed = [n for n in names if n not in {s.name for s in grid.sheets} and n != CORRECTIONS_SHEET]
    for sg in grid.sheets:
        if sg.name in names:
            out[sg.name] = sg.name
            continue
        heading = sg.labels[0].text
        for name in unclaimed:
            if text_of(book.sheet(name).value(0, 0)) == heading:
                out[sg.name] = name
                unclaimed.remove(name)
                findings.append(finding("S1.2", (CellRef(name, ""),), actual=name, sheet=sg.name))
                break
        else:
            findings.append(finding("S1.1", (CellRef(sg.name, ""),), sheet=sg.name))
    if not any(sg.table and sg.name in out for sg in grid.sheets):
        expected = "、".join(f"“{sg.name}”" for sg in grid.sheets if sg.table)
        raise GovxlError(
            f"{path}：找不到年度报告的表格。应有工作表 {expected}（由 govxl template 生成的填报表），"
            f"而此文件的工作表是：{'、'.join(names)}"
        )
    return out


def _locate(filing: Filing, grid: Grid, sg: SheetGrid, actual: str, names: dict[str, tuple[str, str]]) -> bool:
    """Where each code of the sheet is: at its defined name when that still points into this sheet (rows
    inserted by the user carry the names with them), else at the spec's address. True if anything moved."""
    moved = False
    for code in sg.cells:
        spec_cell = grid.address(code)
        sheet, cell = names.get(grid.defined_name(code), (actual, spec_cell))
        if sheet != actual:
            cell = spec_cell
        if cell != spec_cell and not moved:
            moved = True
            filing.findings.append(
                finding("S1.3", (CellRef(actual, cell, code),), expected=spec_cell, actual=cell)
            )
        if cell != spec_cell:
            filing.moved[code] = cell
    return moved


def _check_labels(sg: SheetGrid, cells: SheetCells, actual: str) -> list[Finding]:
    out = []
    for span in sg.labels:
        if span.role in ("hint", "note", "caption"):
            continue
        got = text_of(cells.value(span.row, span.col))
        if got != span.text:
            ref = CellRef(actual, a1(span.row, span.col))
            out.append(finding("S1", (ref,), expected=span.text, actual=got or "（空）"))
    return out


def _missing(filing: Filing, ed: Edition, code: str) -> None:
    cell = ed.cells[code]
    if cell.kind == "input":
        if cell.table:
            filing.inputs[code] = math.nan
        else:
            filing.cover[code] = None
    else:
        filing.formulas_ok[code] = True
        filing.cached[code] = math.nan


def _read_cell(filing: Filing, grid: Grid, code: str, cells: SheetCells, limit: int = MAX_MAGNITUDE) -> None:
    ed = grid.edition
    cell = ed.cells[code]
    moved = filing.moved.get(code)
    address = moved or grid.address(code)
    value = cells.value(*(parse_a1(moved) if moved else grid.positions[code]))
    formula = cells.formulas.get(address)
    error = cells.errors.get(address)
    if not cell.table:
        read_cover(filing, ed, code, value, filing.ref(grid, code), consolidated=PROP_MERGED in filing.properties)
        return
    if cell.kind == "total":
        if type(value) is float and error is None:
            filing.cached[code] = value
        else:
            stored = parse_number(error or value)
            filing.cached[code] = stored.number if stored.number is not None else math.nan
        if formula is not None:
            expected = grid.formula_at(code, address)
            same = formula == expected or _norm_formula(formula) == _norm_formula(expected)
            filing.formulas_ok[code] = same
        else:
            filing.formulas_ok[code] = False
            typed = parse_number(error or value)
            filing.typed_totals[code] = typed.number if typed.number is not None else math.nan
        return
    kind = cell.value if cell.value in NUMERIC_KINDS else "count"
    value_rule = cell.value_rule
    if formula is not None:
        filing.inputs[code] = math.nan
        bad = finding(
            value_rule, (filing.ref(grid, code),), actual=formula, raw=formula, reason="填写格不能含公式"
        )
        filing.findings.append(bad)
        return
    parsed = parse_number(error or value, kind, cell.unit, limit)
    filing.inputs[code], note = number_of(parsed, value_rule, filing.ref(grid, code))
    if note:
        filing.findings.append(note)


def read_explanations(rows: Sequence[Sequence[Any]]) -> dict[tuple[str, str], str]:
    """The office's 说明 in a 校验结果 sheet (its rows of values), keyed by (rule, sheet!cell)."""
    if not rows:
        return {}
    header = [text_of(h) for h in rows[0]]
    try:
        cols = [header.index(h) for h in ("规则", "工作表", "位置", "说明")]
    except ValueError:
        return {}
    out = {}
    for row in rows[1:]:
        rule, sheet, cell, note = (text_of(row[c]) if c < len(row) else "" for c in cols)
        if note:
            out[(rule, f"{sheet}!{cell}" if cell else sheet)] = note
    return out
