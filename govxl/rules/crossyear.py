"""Rules across years (X1–X5): this year's workbook against the previous year's, of either edition.

The relations are declared in each edition's data (across_years); govxl/validation/years.py computes their
residuals for many pairs in one pass; this module holds the rules and turns a failed relation into a finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govxl.rules.registry import E, Rule, W, finding, number, register
from govxl.values import show

if TYPE_CHECKING:
    from govxl.filing import Filing
    from govxl.findings import Finding
    from govxl.grid import Grid
    from govxl.spec import Cell, Edition, Relation, Term

FAMILY = register(
    Rule(
        "X1",
        E,
        "上年结转等于上年报表的结转下年度",
        "{where}：上年结转 {lhs} 不等于上年报表的“结转下年度继续办理” {rhs}",
        "本年的上年结转就是上年报表结转下年度继续办理的申请；机构改革等特殊情况请写明说明。",
        "跨年度",
    ),
    Rule(
        "X1.1",
        E,
        "汇总的上年结转等于上年的结转下年度",
        "X1（汇总）{where}：各单位上年结转之和 {lhs} 不等于上年{basis}结转下年度继续办理之和 {rhs}，"
        "请核实单位增减或报表差错",
        "汇总时，各单位上年结转之和应等于上年汇总表（或上年各单位）结转下年度继续办理之和；单位增减或报表差错会使两者不等。",
        "跨年度",
    ),
    Rule(
        "X2",
        W,
        "现行有效件数前后衔接",
        "{where}：{item} {lhs} 不等于上年{before}{now}，即 {rhs}",
        "到期自然失效的文件不计入废止件数时，两者可能不等；请核实并写明说明。",
        "跨年度",
    ),
    Rule(
        "X3",
        W,
        "上一年项目数量前后衔接",
        "{where}：{item} {lhs} 不等于上年报表的{before}{now}，即 {rhs}",
        "2019年格式中，本年的上一年项目数量应等于上年的项目数量加上年的增减。",
        "跨年度",
    ),
    Rule(
        "X4",
        W,
        "与上年报表雷同",
        "各表 {actual} 个数字与上年报表完全相同：请核实是否照抄了上年报告",
        "国办公开办函〔2021〕30号将内容雷同列为通报问题；数字全部相同几乎不可能。",
        "跨年度",
    ),
    Rule(
        "X5",
        W,
        "报告年度与表格格式相符",
        "报告年度 {actual} 不适用 {edition} 版格式（适用于 {years}）",
        "每一版格式适用于一定的报告年度（见 govxl cells --list-editions），报告应使用适用于其年度的一版。",
        "封面",
    ),
)


def relation_finding(grid: Grid, rel: Relation, filing: Filing, lhs: float, rhs: float = 0.0) -> Finding:
    """A relation across years that does not hold; for X4 (identical), `lhs` is how many numbers are the same."""
    if rel.identical:
        return finding(rel.rule, actual=int(lhs))
    ed = grid.edition
    where = place_of(ed, rel)
    cells = tuple(filing.ref(grid, t.code) for t in rel.lhs + rel.rhs if not t.previous)
    before = tuple(t for t in rel.rhs if t.previous)
    return finding(
        rel.rule,
        cells,
        expected=number(rhs),
        actual=number(lhs),
        where=where,
        lhs=show(lhs),
        rhs=show(rhs),
        # the words for the cells are the edition's own labels, so a new edition's relation says its own
        item=_words(ed, rel.lhs, rel.per),
        before=_words(ed, before, rel.per),
        now=_words(ed, tuple(t for t in rel.rhs if not t.previous), rel.per, after=bool(before)),
    )


def place_of(ed: Edition, rel: Relation) -> str:
    """Where a relation across years holds, as its messages say: the column ("结果维持列") of a relation along
    a column, else the row ("行政规范性文件行"), by the labels of its first cell."""
    cell = ed.cells[rel.lhs[0].code]
    return f"{_label(cell, cell.col_labels)}列" if rel.per == "column" else f"{_label(cell, cell.row_labels)}行"


def _label(cell: Cell, labels: tuple[str, ...]) -> str:
    """The label a message names a cell by; a cell without one on that side (table 四's have no row labels)
    is named by its other side's, else by its code."""
    return (labels or cell.col_labels or cell.row_labels or (cell.code,))[-1]


def _words(ed: Edition, terms: tuple[Term, ...], per: str, after: bool = False) -> str:
    """Terms as the form names them (加/减 between them; before the first too when it follows others): the
    column label for a relation along a row (its row is named as its place), the row label along a column."""
    out = []
    for i, t in enumerate(terms):
        cell = ed.cells[t.code]
        label = _label(cell, cell.row_labels if per == "column" else cell.col_labels)
        sign = "减" if t.sign < 0 else ("加" if i or after else "")
        out.append(sign + label)
    return "".join(out)
