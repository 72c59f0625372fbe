"""Table rules (表二、表三、表四): the sums and identities the official tables print, and what a cell may hold.

They are detected in one vectorised pandera pass (govxl/schema.py builds a check per equation and per
cell from the spec, named by the rule id); this module holds the rules, the checks' predicates, and turns a
unit's failed check into findings.
"""

from __future__ import annotations

import math  # noqa: F401
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from govxl.rules.registry import CONVERTERS, INFO, E, Rule, W, converts, finding, number, register
from govxl.values import show

if TYPE_CHECKING:
    from pandas import Series

    from govxl.filing import Filing
    from govxl.findings import Finding
    from govxl.grid import Grid
    from govxl.spec import Equation

TOLERANCE = 1e-6


class Row(Protocol):
    """One unit's values in the validated frame, by cell code."""

    def __getitem__(self, code: str) -> float: ...


FAMILY = register(
    Rule(
        "R3.1",
        E,
        "第一项加第二项之和等于第三项加第四项之和",
        "{where}：第一项加第二项之和 {lhs} 不等于第三项加第四项之和 {rhs}（相差 {diff}）",
        "表三表头印明的勾稽关系：本年新收＋上年结转＝（七）总计＋结转下年度继续办理。",
        "表三",
    ),
    Rule(
        "R3.2",
        E,
        "（七）总计等于各项办理结果之和",
        "{where}：（七）总计 {lhs} 不等于各项办理结果之和 {rhs}",
        "（七）总计是（一）至（六）各项之和。",
        "表三",
    ),
    Rule(
        "R3.3",
        E,
        "总计列等于六类申请人之和",
        "{where}：总计 {lhs} 不等于自然人与五类法人或其他组织之和 {rhs}",
        "每行的总计是自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他之和。",
        "表三",
    ),
    Rule("R3.4", E, "表三填非负整数", "{cell}的值“{raw}”无效：{reason}", "申请件数只能是不小于0的整数。", "表三"),
    Rule(
        "R3.5",
        W,
        "结转下年度不多于本年新收",
        "{where}：结转下年度继续办理 {lhs} 多于本年新收 {rhs}",
        "法定答复期限最长40个工作日，结转下年度的申请通常只来自本年新收；确有特殊情况请写明说明。",
        "表三",
    ),
    Rule(
        "R3.6",
        W,
        "（七）总计不少于上年结转",
        "{where}：（七）总计 {lhs} 少于上年结转 {rhs}",
        "上年结转的申请应在本年办结并计入本年办理结果；确有特殊情况请写明说明。",
        "表三",
    ),
    Rule(
        "R3.7",
        INFO,
        "部分公开只计一次",
        "部分公开共 {actual} 件：区分处理的申请只计入“部分公开”，不再计入其他办理结果",
        "官方表注：区分处理的，只计这一情形，不计其他情形。无法机器核对，仅作提示。",
        "表三",
    ),
    Rule(
        "R2.1",
        E,
        "表二填非负整数或金额",
        "{cell}的值“{raw}”无效：{reason}",
        "件数、决定数量是不小于0的整数；收费金额是不小于0的万元数。",
        "表二",
    ),
    Rule(
        "R2.2",
        E,
        "无规章制定权的单位规章填0",
        "单位类型为“{level}”，没有规章制定权，{cell}（规章）应为0，现为 {actual}",
        "只有国务院部门，省、自治区、直辖市人民政府，设区的市、自治州人民政府可以制定规章。",
        "表二",
    ),
    Rule(
        "R2.2U",
        W,
        "规章不为0时须核实单位类型",
        "{cell}（规章）为 {actual}，但封面单位类型未填或不是官方选项："
        "只有国务院部门、省级和设区的市人民政府可以制定规章",
        "封面未填单位类型（或填的不是官方选项）时无法判断是否有规章制定权。",
        "表二",
    ),
    Rule(
        "R2.4",
        E,
        "本年增/减填整数",
        "{cell}的值“{raw}”无效：{reason}",
        "2019年格式的本年增/减是有符号整数，减少填负数（“减4”即 -4）。",
        "表二",
    ),
    Rule(
        "R4.1",
        E,
        "行政复议总计等于四项之和",
        "{where}：总计 {lhs} 不等于结果维持、结果纠正、其他结果、尚未审结之和 {rhs}",
        "表四每个总计是其前四项之和。",
        "表四",
    ),
    Rule(
        "R4.2",
        E,
        "未经复议直接起诉总计等于四项之和",
        "{where}：总计 {lhs} 不等于结果维持、结果纠正、其他结果、尚未审结之和 {rhs}",
        "表四每个总计是其前四项之和。",
        "表四",
    ),
    Rule(
        "R4.3",
        E,
        "复议后起诉总计等于四项之和",
        "{where}：总计 {lhs} 不等于结果维持、结果纠正、其他结果、尚未审结之和 {rhs}",
        "表四每个总计是其前四项之和。",
        "表四",
    ),
    Rule("R4.4", E, "表四填非负整数", "{cell}的值“{raw}”无效：{reason}", "案件数只能是不小于0的整数。", "表四"),
)


# --- the checks' predicates (pandera column checks built by govxl/schema.py; a blank cell is judged as B1) ---


def _count(s: Series) -> Series:
    return s.isna() | ((s >= 0) & (s % 1 == 0))


def _amount(s: Series) -> Series:
    return s.isna() | (s >= 0)


def _signed(s: Series) -> Series:
    return s.isna() | (s % 1 == 0)


def zero(s: Series) -> Series:
    return s.isna() | (s == 0)


VALUE_CHECKS: dict[str, Callable[[Series], Series]] = {"count": _count, "amount": _amount, "signed": _signed}
RESIDUAL_CHECKS: dict[str, Callable[[Series], Series]] = {
    "=": lambda s: s.isna() | (s.abs() <= TOLERANCE),
    "<=": lambda s: s.isna() | (s <= TOLERANCE),
    ">=": lambda s: s.isna() | (s >= -TOLERANCE),
}


# --- a failed check -> findings ------------------------------------------------------------------------------


def _inputs_behind(grid: Grid, codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        cell = grid.edition.cells[code]
        if cell.kind == "total":
            out.extend(_inputs_behind(grid, cell.parts))
        else:
            out.append(code)
    return out


def _where(grid: Grid, eq: Equation) -> str:
    """How a person names the place an equation runs along: 自然人列, （一）予以公开行, 行政复议."""
    cells = grid.edition.cells
    anchor = cells[eq.lhs[0]]
    if eq.kind == "identity" or (eq.kind == "total" and cells[eq.rhs[0]].column == anchor.column):
        return f"{anchor.col_labels[-1]}列"
    if anchor.row_labels:
        return f"{anchor.row_labels[-1]}行"
    return anchor.col_labels[-2] if len(anchor.col_labels) > 1 else anchor.col_labels[-1]


def equation_findings(grid: Grid, filing: Filing, row: Row, eq: Equation) -> list[Finding]:
    """An equation that does not hold: its cells, then the inputs behind its totals."""
    lhs = sum(row[c] for c in eq.lhs)
    rhs = sum(row[c] for c in eq.rhs)
    direct = list(dict.fromkeys(eq.cells))
    behind = [c for c in _inputs_behind(grid, direct) if c not in direct]
    cells = tuple(filing.ref(grid, c) for c in direct + list(dict.fromkeys(behind)))
    # a total is what is wrong: expected is the sum of its parts
    expected, actual = (rhs, lhs) if eq.kind == "total" else (None, None)
    return [
        finding(
            eq.rule,
            cells,
            expected=number(expected),
            actual=number(actual),
            where=_where(grid, eq),
            lhs=show(lhs),
            rhs=show(rhs),
            diff=show(abs(lhs - rhs)),
        )
    ]


@converts("R2.2", "R2.2U")
def _rule_making(rule: str, grid: Grid, filing: Filing, row: Row, code: str) -> list[Finding]:
    level = filing.cover.get(grid.edition.rule_making_levels[0])
    return [finding(rule, (filing.ref(grid, code),), expected=0, actual=number(row[code]), level=level)]


def cell_findings(rule: str, grid: Grid, filing: Filing, row: Row, code: str) -> list[Finding]:
    """A cell's failed check: its family's converter where it has one; else a bad number (the cell's value
    rule), or a hint shown because the cell is not zero."""
    if rule in CONVERTERS:
        return CONVERTERS[rule](rule, grid, filing, row, code)
    ref = filing.ref(grid, code)
    cell = grid.edition.cells[code]
    v = row[code]
    if cell.kind == "input" and rule == cell.value_rule:
        reason = "不能为负数" if v < 0 else "应为整数"
        return [finding(rule, (ref,), actual=number(v), raw=show(v), reason=reason)]
    return [finding(rule, (ref,), actual=number(v))]
