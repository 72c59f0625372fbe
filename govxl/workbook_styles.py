"""How the workbook looks and what its input cells accept: the fonts and fills, the cell formats by role, and
the data validation (with its Chinese prompts) of each kind of input. govxl.workbook writes with them."""

from __future__ import annotations

from typing import Any

from govxl.spec import CoverField, Edition

FONT = "宋体"
INPUT_FILL = "#FFF8D6"
TOTAL_FILL = "#EDEDED"

_BASE = {"border": 1, "valign": "vcenter", "text_wrap": True}
# by role; added to the book in this order, which fixes their indices in the file (kept byte-identical)
FORMATS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"},
    "heading": {"bold": True, "font_size": 14, "align": "left", "valign": "vcenter"},
    "band": {**_BASE, "bold": True, "align": "center"},
    "corner": {**_BASE, "align": "center"},
    "column": {**_BASE, "align": "center"},
    "row": {**_BASE, "align": "left"},
    "group": {**_BASE, "align": "center"},
    "caption": {"italic": True, "font_color": "#555555", "valign": "vcenter"},
    "check_label": {**_BASE, "align": "center", "font_color": "#555555"},
    "field": {**_BASE, "bold": True, "align": "right"},
    "hint": {"font_color": "#808080", "font_size": 9, "valign": "vcenter", "text_wrap": True},
    "note": {"valign": "top", "text_wrap": True},
    "input": {**_BASE, "align": "center", "locked": False, "bg_color": INPUT_FILL},
    "input_text": {**_BASE, "align": "left", "locked": False, "bg_color": INPUT_FILL},
    "total": {**_BASE, "align": "center", "bold": True, "bg_color": TOTAL_FILL},
    "check": {**_BASE, "align": "center", "bold": True},
    "broken": {"bg_color": "#C00000", "font_color": "#FFFFFF"},
    "ok": {"font_color": "#2E7D32"},
    "data_header": {"bold": True, "bg_color": "#EDEDED", "text_wrap": True, "valign": "top"},
}


def add_formats(book: Any) -> dict[str, Any]:
    """The book's format of each role (an xlsxwriter Workbook)."""
    return {name: book.add_format(props) for name, props in FORMATS.items()}


_VALIDATION_TEXT = {
    "count": (
        "填写数量",
        "填非负整数；没有发生的填0，不要留空。",
        "此处只能填不小于0的整数。没有发生的请填0。",
    ),
    "amount万元": (
        "填写金额（万元）",
        "以万元为单位的非负数，可带小数；没有收费的填0。",
        "此处只能填不小于0的数（单位：万元）。没有收费的请填0。",
    ),
    "amount": (
        "填写金额",
        "非负数，可带小数；没有发生的填0。",
        "此处只能填不小于0的数。没有发生的请填0。",
    ),
    "signed": (
        "填写增减数",
        "填整数：增加填正数，减少填负数（如减少4项填-4）；没有变化的填0。",
        "此处只能填整数；减少请填负数，如-4。",
    ),
}


def validation(kind: str, unit: str, f: CoverField | None, edition: Edition) -> dict[str, Any]:
    if f is None:
        title, prompt, error = _VALIDATION_TEXT[kind + unit]
        rule: dict[str, Any] = {"validate": "decimal" if kind == "amount" else "integer"}
        if kind == "signed":
            rule.update(criteria="between", minimum=-(10**9), maximum=10**9)
        else:
            rule.update(criteria=">=", value=0)
    elif f.type == "year":
        first, last = edition.first_year, edition.last_year or 2099
        title, prompt = "填写报告年度", f"填四位年份，{first}—{last}。"
        error = f"本格式适用于{edition.years}的报告，请填{first}—{last}之间的年份。"
        rule = {"validate": "integer", "criteria": "between", "minimum": edition.first_year, "maximum": last}
    elif f.type == "choice":
        title, prompt, error = f"选择{f.label}", "从下拉列表中选择一项。", "请从下拉列表中选择。"
        rule = {"validate": "list", "source": list(f.choices)}
    else:
        limit = f.max_length or 255
        title, prompt = f"填写{f.label}", f.hint or f"填写{f.label}"
        error = f"{f.label}不能超过{limit}个字。"
        rule = {"validate": "length", "criteria": "between", "minimum": 1, "maximum": limit}
    rule.update(
        input_title=title[:32],
        input_message=prompt[:255],
        error_title="输入有误",
        error_message=error[:255],
        error_type="stop",
    )
    return rule
