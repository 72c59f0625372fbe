"""An extracted workbook is the published report: what `govxl extract` stores beside the official tables so
that `govxl check` of the workbook gives exactly the findings `extract --check` gave.

The cells hold what was published (totals included: a blank stays blank, a wrong total stays wrong). What
cells cannot say is kept on a hidden sheet, one finding a row: which rows the report lacked (E1), how labels
and layouts were matched (E2, E3), what a blank or a unit-bearing number was read as (B1, T1). The prose of
sections 一, 五 and 六 is on the 报告正文 sheet, for the prose rules (N1–N11).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from govxl.findings import CellRef, Finding, Severity

PROP_EXTRACTED = "govxl_extracted_from"  # custom document property: the report's file name
RECORD_SHEET = "抽取记录"
PROSE_SHEET = "报告正文"
RECORD_HEADER = ["规则", "级别", "单元格", "说明", "应为", "实际", "原句"]
# findings the reader makes from a cell that the record already holds, as extraction made them from the
# published text (a blank read as 0, a number with a unit, a bad value, a cover entry the report has none of)
_FROM_CELLS = {"B1", "B2", "T1", "C1", "X5"}


def record_row(f: Finding) -> list[Any]:
    cells = ";".join(f"{c.sheet}!{c.cell}#{c.code}" for c in f.cells)
    return [f.rule, f.severity.value, cells, f.message, json.dumps(f.expected), json.dumps(f.actual), f.source]


def _cells(text: str) -> tuple[CellRef, ...]:
    out = []
    for part in text.split(";") if text else ():
        where, _, code = part.rpartition("#")
        sheet, _, cell = where.rpartition("!")
        out.append(CellRef(sheet, cell, code))
    return tuple(out)


def read_record(path: str, rows: Sequence[Sequence[Any]]) -> list[Finding]:
    from govxl.errors import GovxlError

    out = []
    for n, row in enumerate(rows[1:], start=2):
        values = ["" if v is None else str(v) for v in row] + [""] * len(RECORD_HEADER)
        rule, severity, cells, message, expected, actual, source = values[: len(RECORD_HEADER)]
        if not rule:
            continue
        try:
            out.append(
                Finding(
                    rule,
                    Severity(severity),
                    message,
                    _cells(cells),
                    json.loads(expected or "null"),
                    json.loads(actual or "null"),
                    source,
                )
            )
        except ValueError:
            raise GovxlError(f"{path}：工作表“{RECORD_SHEET}”第 {n} 行已被改动，无法读取") from None
    return out


def read_prose(rows: Sequence[Sequence[Any]]) -> str:
    """The report text the prose rules read, joined as extraction joined it."""
    return "\n".join("" if len(row) < 2 or row[1] is None else str(row[1]) for row in rows[1:])


def as_published(filing: Any, book: Any, grid: Any) -> None:
    """Turn a filing read from an extracted workbook into the filing extraction made: typed totals are the
    published totals (not S2), a blank total counts as 0 as it did, rows the report lacked are unknown (not
    blanks), and the findings about cells are the ones extraction recorded."""
    from govxl.errors import GovxlError

    ed = grid.edition
    names = book.sheet_names
    if RECORD_SHEET not in names or PROSE_SHEET not in names:
        missing = RECORD_SHEET if RECORD_SHEET not in names else PROSE_SHEET
        raise GovxlError(
            f"{filing.path}：是 govxl extract 写出的工作簿，但缺少工作表“{missing}”，无法按公布的报告校验"
        )
    recorded = read_record(str(filing.path), book.sheet(RECORD_SHEET).rows)
    value_rules = {c.value_rule for c in ed.cells.values()}
    kept = [f for f in filing.findings if f.rule not in _FROM_CELLS and f.rule not in value_rules]
    filing.findings[:] = kept + recorded
    for f in recorded:
        if f.rule == "E1":
            for c in f.cells:
                if c.code in filing.inputs.index:
                    filing.inputs[c.code] = math.nan
    sheets: dict[str, Any] = {}
    for code in list(filing.typed_totals):
        filing.formulas_ok[code] = True
        filing.cached[code] = math.nan
        if math.isnan(filing.typed_totals[code]):
            name = filing.sheet_names.get(grid.sheet_of(code).name, grid.sheet_of(code).name)
            cells = sheets.setdefault(name, book.sheet(name, formulas=True))
            value = cells.value(*grid.positions[code])
            if value is None or str(value).strip() == "":
                filing.typed_totals[code] = 0.0  # a blank total counts as 0 (its B1 is in the record)
    filing.prose = read_prose(book.sheet(PROSE_SHEET).rows)
