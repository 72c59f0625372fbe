"""The cover sheet (C1–C4): the entries that identify the unit and its year."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govxl.rules.registry import E, Rule, W, finding, register
from govxl.values import parse_number, text_of

if TYPE_CHECKING:
    from govxl.filing import Filing
    from govxl.findings import CellRef
    from govxl.spec import Edition

FAMILY = register(
    Rule("C1", W, "封面项未填", "封面“{label}”未填写", "填报单位、报告年度、单位类型用于汇总和规章核对。", "封面"),
    Rule("C2", E, "报告年度无效", "报告年度“{raw}”不是有效的年份", "报告年度是四位年份。", "封面"),
    Rule(
        "C3",
        W,
        "单位类型是官方选项之一",
        "封面“{label}”为“{actual}”，不在官方选项中（{options}）：无法判断有无规章制定权，请从下拉列表中选择",
        "单位类型决定规章一栏能否不为0；选项以外的写法按未填处理，规章不为0时提示核实（R2.2U）。",
        "封面",
    ),
    Rule(
        "C4",
        W,
        "封面项不超过规定长度",
        "封面“{label}”长达 {actual} 字，超过 {limit} 字：请只填写机关全称等规定内容",
        "过长的内容不是机关名称，汇总表和校验结果也无法完整保存（表格单元格最多 32767 字）。",
        "封面",
    ),
)


def read_cover(filing: Filing, ed: Edition, code: str, raw: Any, ref: CellRef, *, consolidated: bool) -> None:
    """One cover entry into `filing.cover`, with the findings it deserves (C1–C4, and X5 for the year)."""
    field_ = next(f for f in ed.cover.fields if f.code == code)
    if raw is None or text_of(raw) == "":
        filing.cover[code] = None
        # a consolidated workbook is no one office: it has no 单位类型, contact or phone of its own
        if not consolidated or code in ("unit", "year"):
            filing.findings.append(finding("C1", (ref,), label=field_.label))
        return
    if field_.type != "year":
        text = text_of(raw)
        if field_.type == "choice":
            choice = field_.choice_of(text)
            if choice is None:  # kept as written, for the merge; the 规章 rule treats it as unknown (R2.2U)
                shown = text if len(text) <= 40 else text[:40] + "…"
                options = "、".join(field_.choices)
                filing.findings.append(finding("C3", (ref,), actual=shown, label=field_.label, options=options))
            text = choice or text
        elif field_.max_length and len(text) > field_.max_length:
            filing.findings.append(
                finding("C4", (ref,), actual=len(text), label=field_.label, limit=field_.max_length)
            )
        filing.cover[code] = text
        return
    parsed = parse_number(raw)
    year = parsed.number
    if year is None or not float(year).is_integer() or not 1900 < year < 2200:
        filing.cover[code] = None
        filing.findings.append(finding("C2", (ref,), actual=text_of(raw), raw=text_of(raw)))
        return
    filing.cover[code] = int(year)
    if not ed.fits_year(int(year)):
        filing.findings.append(finding("X5", (ref,), actual=int(year), edition=ed.edition, years=ed.years))
