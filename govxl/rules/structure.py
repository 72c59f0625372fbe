"""Structure (S1–S3, M1, M2): the workbook is the official form, its totals are live formulas, and it comes
from a current govxl template.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from govxl.rules.registry import E, Rule, W, converts, finding, number, register
from govxl.values import show

if TYPE_CHECKING:
    from govxl.filing import Filing
    from govxl.findings import Finding
    from govxl.grid import Grid
    from govxl.rules.table import Row

FAMILY = register(
    Rule(
        "S1",
        E,
        "表头和行列标签与官方格式一致",
        "{cell}应为“{expected}”，现为“{actual}”：官方表格的标签不能修改",
        "表格的行、列和标签必须与官方格式一致，不能增删、改名或移动。",
        "结构",
    ),
    Rule(
        "S1.1",
        E,
        "官方表格的工作表齐全",
        "缺少工作表“{sheet}”：官方表格不能删除",
        "三张官方表格缺一不可。",
        "结构",
    ),
    Rule(
        "S1.2",
        E,
        "工作表名称不变",
        "工作表“{actual}”应命名为“{sheet}”",
        "工作表名称用于识别表格，不能修改。",
        "结构",
    ),
    Rule(
        "S1.3",
        E,
        "单元格位置不变",
        "{code}应在 {expected}，现在 {actual}：表格插入、删除或移动了行列",
        "行列的位置与官方格式一一对应，插入或删除行列会使数字错位。",
        "结构",
    ),
    Rule(
        "S2",
        E,
        "总计格保留公式",
        "{cell}是总计格，应为公式 {expected}，现为{actual}",
        "总计由公式计算；改成手填数字后，填写数变化时总计不会随之更新。",
        "结构",
    ),
    Rule(
        "S3",
        W,
        "保存的总计与重新计算的一致",
        "{cell}保存的计算结果 {actual} 与按填写数重新计算的 {expected} 不符",
        "表格保存的总计可能是过时的（未重新计算或被外部程序改写）；以重新计算的为准。",
        "结构",
    ),
    Rule(
        "M1",
        W,
        "使用 govxl 模板",
        "不是由 govxl 模板生成的工作簿（缺少模板标识和单元格名称），已按官方格式的单元格位置读取",
        "只有模板能保证公式、锁定和单元格位置正确。其他表格软件另存时丢失的模板标识，按单元格名称和标签认定。",
        "结构",
    ),
    Rule(
        "M2",
        W,
        "使用当前版本的模板",
        "模板版本为 {actual}，当前版本为 {expected}；结构指纹不同，请改用新模板重新填报",
        "旧版模板的结构可能与当前格式不同。",
        "结构",
    ),
)


@converts("S2")
def _typed_over(rule: str, grid: Grid, filing: Filing, row: Row, code: str) -> list[Finding]:
    typed = filing.typed_totals.get(code)
    if typed is None:
        shown = "被改动的公式"
    elif math.isnan(typed):
        shown = "非数字的内容"
    else:
        shown = f"手填数字 {show(typed)}"
    return [finding(rule, (filing.ref(grid, code),), expected=grid.formula(code), actual=shown)]


@converts("S3")
def _stale(rule: str, grid: Grid, filing: Filing, row: Row, code: str) -> list[Finding]:
    ref = filing.ref(grid, code)
    return [finding(rule, (ref,), expected=number(row[code]), actual=number(filing.cached[code]))]
