"""The provenance sheets of a consolidated workbook: 报送情况, 来源明细, 问题清单 and 汇总单位名单, and
their rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govxl.filing import Filing
from govxl.merge.entries import INCLUDED, MISSING, PROBLEMS_SHEET, SOURCES_SHEET, STATUS_SHEET, UNITS_SHEET, Entry
from govxl.merge.sums import _clean
from govxl.spec import Edition, load_edition
from govxl.values import show


def _units(included: list[Entry]) -> list[tuple[str, int | None, str, str]]:
    out: list[tuple[str, int | None, str, str]] = []
    for e in included:
        if e.merged:
            out.extend((name, year, sha, e.short) for name, year, sha in e.inner)
        elif e.filing:
            out.append((e.unit, e.year, e.filing.sha256, e.short))
    return out


class _UnitValues:
    """Each readable unit's cell values (inputs and recomputed totals), by id of its entry, taken from the
    validated frame one row at a time as the provenance sheet is written."""

    def __init__(self, ed: Edition, readable: list[Entry], frame_info: Any) -> None:
        import numpy as np

        self.rows: dict[int, int] = {}
        self.block = np.empty((0, 0))
        if frame_info is not None:
            positions, frame = frame_info
            numeric = [c for c in ed.cells if ed.cells[c].table]
            block = np.round(frame.block(numeric), 6)
            block[np.isinf(block)] = np.nan  # nan is written as no value; an infinite total is none either
            self.block = block
            self.rows = {id(readable[p]): row for row, p in enumerate(positions)}

    def get(self, entry: Entry) -> list[Any]:
        row = self.rows.get(id(entry))
        return [] if row is None else list(self.block[row].tolist())


def _provenance(
    ed: Edition,
    entries: list[Entry],
    rows: _UnitValues,
    missing: list[str],
    problems: list[str],
    units: list[tuple[str, int | None, str, str]],
) -> list[Any]:
    from govxl.report import short_sheet_names
    from govxl.workbook import DataSheet

    numeric = [c for c in ed.cells if ed.cells[c].table]
    short = short_sheet_names()
    labels = [
        " / ".join([short[ed.cells[c].sheet], *ed.cells[c].row_labels[-1:], *ed.cells[c].col_labels[-1:]])
        for c in numeric
    ]
    fixed = ["填报单位", "报告年度", "文件", "SHA-256", "版本", "状态", "错误", "警告"]
    sources = DataSheet(
        SOURCES_SHEET,
        [fixed + labels, [""] * len(fixed) + numeric],
        _source_rows(entries, rows, numeric),
        len(entries) + sum(_published(e) for e in entries),
        [24, 8, 40, 18, 6, 12, 6, 6],
    )

    def problem_rows() -> Iterable[list[Any]]:
        for text in problems:
            yield ["", "", "强制", "汇总", "", text]
        for e in entries:
            for f in e.findings:
                a = f.anchor
                where = f"{a.sheet}!{a.cell}" if a and a.cell else (a.sheet if a else "")
                yield [e.unit, e.name, f.severity.chinese, f.rule, where, f.message]
            yield from _replaced_totals(ed, e)

    problem_sheet = DataSheet(
        PROBLEMS_SHEET,
        [["填报单位", "文件", "严重程度", "规则", "位置", "问题"]],
        problem_rows(),
        len(problems) + sum(len(e.findings) + len(list(_replaced_totals(ed, e))) for e in entries),
        [24, 40, 8, 7, 30, 80],
    )
    status_rows: list[list[Any]] = [
        [i, e.unit, e.name, e.status, e.reason, e.year, e.filing.sha256 if e.filing else ""]
        for i, e in enumerate(entries, start=1)
    ]
    status_rows += [
        [len(entries) + i, name, "", MISSING, "名单中有，未收到文件", None, ""]
        for i, name in enumerate(missing, start=1)
    ]
    status = DataSheet(
        STATUS_SHEET,
        [["序号", "填报单位", "文件", "状态", "说明", "报告年度", "SHA-256"]],
        status_rows,
        len(status_rows),
        [6, 24, 40, 16, 50, 8, 18],
    )
    unit_sheet = DataSheet(
        UNITS_SHEET,
        [["填报单位", "报告年度", "SHA-256", "来源文件"]],
        [list(u) for u in units],
        len(units),
        [30, 8, 18, 40],
    )
    return [status, sources, problem_sheet, unit_sheet]


PUBLISHED_ROW = "其中公布的数（上一行的总计按分项计算）"


def _published(e: Entry) -> bool:
    """An extracted report (govxl extract): its totals as published are not the ones summed."""
    from govxl.published import PROP_EXTRACTED

    return e.filing is not None and PROP_EXTRACTED in e.filing.properties


def _source_rows(entries: list[Entry], rows: _UnitValues, numeric: list[str]) -> Iterable[list[Any]]:
    """One row a unit (its inputs and the totals computed from them); after an extracted report's row, the
    totals it published, so the sheet says which numbers were published and which computed."""
    for e in entries:
        if not (_published(e) and e.filing):
            yield [*_identity(e), e.status, e.errors, e.warnings, *rows.get(e)]
            continue
        computed = _computed(e.filing)
        yield [*_identity(e), e.status, e.errors, e.warnings, *(computed.get(c) for c in numeric)]
        typed = e.filing.typed_totals
        shown = [_clean(typed[c]) if c in typed and typed[c] == typed[c] else None for c in numeric]
        yield [*_identity(e), PUBLISHED_ROW, None, None, *shown]


def _computed(filing: Filing) -> dict[str, float]:
    """A unit's inputs and the totals computed from them: what a merge sums (not a published total)."""
    from govxl.spec import compute_totals

    numbers = {c: v for c, v in filing.inputs.items() if v == v}
    return {**numbers, **compute_totals(load_edition(filing.edition), numbers)}


def _replaced_totals(ed: Edition, e: Entry) -> Iterable[list[Any]]:
    """For an extracted report summed although a published total contradicts its parts (--include-invalid):
    that the sum of the parts was used instead."""
    if e.status != INCLUDED or not _published(e) or not e.filing:
        return
    from govxl.grid import grid_for

    grid = grid_for(ed.edition)
    computed = _computed(e.filing)
    for code, published in e.filing.typed_totals.items():
        parts = computed.get(code)
        if parts is None or published != published or parts != parts or abs(parts - published) < 1e-9:
            continue
        ref = e.filing.ref(grid, code)
        if _lacks_parts(ed, e.filing, code):
            said = f"公布的总计为 {show(published)}，报告中有分项未找到，已有分项之和为 {show(parts)}"
        else:
            said = f"公布的总计为 {show(published)}，与分项之和 {show(parts)} 不符"
        said += f"：汇总时用分项之和 {show(parts)}，未用公布的总计"
        yield [e.unit, e.name, "提示", "公布", f"{ref.sheet}!{ref.cell}", said]


def _lacks_parts(ed: Edition, filing: Filing, code: str) -> bool:
    cell = ed.cells[code]
    if cell.kind != "total":
        return filing.inputs[code] != filing.inputs[code]
    return any(_lacks_parts(ed, filing, p) for p in cell.parts)


def _identity(e: Entry) -> list[Any]:
    sha, edition = (e.filing.sha256, e.filing.edition) if e.filing else ("", "")
    return [e.unit, e.year, e.name, sha, edition]
