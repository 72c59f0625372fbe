"""Blank and text cells (B1, B2, T1): what the reader saw in the number cells themselves."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from govxl.findings import CellRef, Finding
from govxl.rules.registry import E, Rule, W, finding, register
from govxl.values import Parsed, show

if TYPE_CHECKING:
    from govxl.spec import Cell, Edition

FAMILY = register(
    Rule(
        "B1",
        W,
        "空格应填0",
        "{cell}{count}为空（{labels}）：没有发生的请填0，不要留空",
        "官方要求没有发生的事项填0；空格无法区分“没有”和“漏填”。校验时按0计算；相邻的空格合为一条。",
        "全部表格",
    ),
    Rule(
        "B2",
        E,
        "表格已填写",
        "表格尚未填写：全部 {count} 个填写格都是空的",
        "空白的填报表不是年度报告；没有发生的事项也要填0。",
        "全部表格",
    ),
    Rule(
        "T1",
        W,
        "文本形式的数字",
        "{cell}填的是文本“{raw}”，已按 {actual} 读取：请改为纯数字",
        "全角数字、空格、千位分隔符或单位（如“12件”）会让汇总出错。",
        "全部表格",
    ),
)


def number_of(
    parsed: Parsed, rule: str, where: CellRef, text_is_usual: bool = False
) -> tuple[float, Finding | None]:
    """A parsed cell as the number the rules use, and the finding it deserves: a blank counts as 0 (B1: pass the
    findings through group_blanks), what
    is not a number is nan (the cell's value rule), text read as a number says so (T1). Where numbers come as
    text anyway (a published report, `text_is_usual`), only an unusual form (12件, full-width digits) does."""
    if parsed.status == "blank":
        # one a cell here; group_blanks words them, a run of them at a time, with their labels
        return 0.0, finding("B1", (where,), expected=0, actual=None, count="", labels="")
    if parsed.status == "bad" or parsed.number is None:
        return math.nan, finding(rule, (where,), actual=parsed.raw, raw=parsed.raw, reason=parsed.reason)
    plain = text_is_usual and re.fullmatch(r"-?\d+(\.\d+)?", parsed.raw.strip()) is not None
    if parsed.status == "converted" and not plain:
        note = finding("T1", (where,), expected=parsed.number, actual=show(parsed.number), raw=parsed.raw)
        return parsed.number, note
    return parsed.number, None


def group_blanks(
    findings: list[Finding],
    ed: Edition,
    where_of: Callable[[str], CellRef],
    position: Callable[[str], tuple[int, int]],
) -> list[Finding]:
    """The blank-cell findings (B1, one a cell) as one finding a run: blank inputs next to each other in a row,
    and such runs stacked in the rows below, become one finding naming the range and its official labels; a
    workbook with no input filled at all gets one B2. Each finding still lists every cell, so the correction
    workbook marks each. `where_of` says where a code's cell is in this workbook, `position` an A1 address's
    (row, column)."""
    blanks = [f for f in findings if f.rule == "B1"]
    if not blanks:
        return findings
    rest = [f for f in findings if f.rule != "B1"]
    blank = {f.cells[0].code for f in blanks}
    if blank.issuperset(ed.input_codes):
        cells = tuple(f.cells[0] for f in blanks)
        return [finding("B2", cells, expected=0, count=len(ed.input_codes)), *rest]
    layout: dict[str, dict[int, list[tuple[int, str]]]] = {}  # sheet -> row -> [(col, code)] of the inputs
    for code in ed.input_codes:
        ref = where_of(code)
        r, c = position(ref.cell)
        layout.setdefault(ref.sheet, {}).setdefault(r, []).append((c, code))
    by_code = {f.cells[0].code: f.cells[0] for f in blanks}
    # a total printed empty in a published report stays a finding of its own (totals lie between the runs)
    out = [_blank_finding(ed, [ref]) for code, ref in by_code.items() if ed.cells[code].kind != "input"]
    for rows in layout.values():
        # runs of blank inputs within a row, then runs with the same columns in consecutive input rows merged
        open_blocks: dict[tuple[int, ...], tuple[int, list[tuple[int, list[str]]]]] = {}
        blocks: list[list[tuple[int, list[str]]]] = []
        for i, r in enumerate(sorted(rows)):
            run: list[tuple[int, str]] = []
            runs: list[list[tuple[int, str]]] = []
            for c, code in sorted(rows[r]):
                if code in blank:
                    run.append((c, code))
                elif run:
                    runs.append(run)
                    run = []
            if run:
                runs.append(run)
            for run in runs:
                cols = tuple(c for c, _ in run)
                codes = [code for _, code in run]
                last = open_blocks.get(cols)
                if last is not None and last[0] == i - 1:
                    last[1].append((r, codes))
                    open_blocks[cols] = (i, last[1])
                else:
                    block = [(r, codes)]
                    blocks.append(block)
                    open_blocks[cols] = (i, block)
        for block in blocks:
            codes = [code for _, row_codes in block for code in row_codes]
            out.append(_blank_finding(ed, [by_code[c] for c in codes]))
    return out + rest


def _blank_finding(ed: Edition, refs: list[CellRef]) -> Finding:
    first, last = refs[0], refs[-1]
    cell = first.cell if len(refs) == 1 else f"{first.cell}:{last.cell}"
    cells = [ed.cells[r.code] for r in refs]
    if len(refs) == 1:
        labels = " · ".join(cells[0].row_labels + cells[0].col_labels)
    else:
        rows = _common_prefix([c.row_labels for c in cells])
        cols = _common_prefix([c.col_labels for c in cells])

        def tail(c: Cell) -> str:
            return " · ".join(c.row_labels[len(rows) :] + c.col_labels[len(cols) :])

        span = f"{tail(cells[0])} 至 {tail(cells[-1])}"
        labels = " · ".join(rows + cols) + (f"：{span}" if rows + cols else span)
    count = f" 共{len(refs)}格" if len(refs) > 1 else ""
    return finding("B1", tuple(refs), expected=0, actual=None, cell=cell, count=count, labels=labels)


def _common_prefix(labels: list[tuple[str, ...]]) -> tuple[str, ...]:
    out: list[str] = []
    for parts in zip(*labels, strict=False):
        if any(p != parts[0] for p in parts):
            break
        out.append(parts[0])
    return tuple(out)
