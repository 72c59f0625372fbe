"""What a filled cell holds, turned into a number where that is safe, with the reason where it is not."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

ERROR_VALUES = ("#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
_UNITS = ("人次", "万元", "件", "条", "个", "次", "项", "宗", "起", "份", "元")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")

Status = Literal["ok", "blank", "converted", "bad"]

# No real report holds a number this large: the biggest counts published are a province's 主动公开 items, in
# the millions, and a fee of 10^9 万元 would be ten trillion yuan. Refusing anything beyond it keeps every value
# the rules use, and every sum of a few hundred of them (even over a merge of 100,000 units: 10^9 × 166 × 10^5
# < 2^53), inside the range where a double holds each integer exactly, so an identity is compared exactly.
MAX_MAGNITUDE = 10**9
# A consolidated workbook sums its units: its bound grows with their number, up to where a row of 166 such
# sums still adds up exactly in a double.
MAX_CONSOLIDATED = 2**53 // 256


def magnitude_limit(units: int = 1) -> int:
    """The largest magnitude a cell of a workbook summing `units` units may hold."""
    return min(MAX_MAGNITUDE * max(units, 1), MAX_CONSOLIDATED)


def too_large(limit: int = MAX_MAGNITUDE) -> str:
    if limit % 100_000_000 == 0 and limit < 10**16:
        return f"数值过大（超过{limit // 100_000_000}亿），不是真实报告中的数字"
    return f"数值过大（超过{limit}），不是真实报告中的数字"


@dataclass(frozen=True)
class Parsed:
    number: float | None
    status: Status
    raw: str = ""
    reason: str = ""


def parse_number(value: Any, kind: str = "count", unit: str = "", limit: int = MAX_MAGNITUDE) -> Parsed:
    """A cell's value as a number: plain numbers pass; text that is clearly a number is converted (the caller
    reports it); anything else is `bad` with a Chinese reason. Range checks (negative, decimal) are not made
    here: they are rules of the schema. `unit` is the unit the cell is in (万元): "251000元" there is 25.1; an
    amount with no fixed unit keeps the number as written."""
    if value is None:
        return Parsed(None, "blank")
    if isinstance(value, bool):
        return Parsed(None, "bad", str(value).upper(), "是逻辑值，不是数字")
    if isinstance(value, int | float):
        if math.isnan(value) or math.isinf(value):
            return Parsed(None, "bad", str(value), "不是有限的数字")
        if not -limit <= value <= limit:
            return Parsed(None, "bad", _show(value), too_large(limit))
        return Parsed(float(value), "ok", _show(value))
    raw = str(value)
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return Parsed(None, "blank", raw)
    if text.upper() in ERROR_VALUES:
        return Parsed(None, "bad", raw, f"是错误值 {text.upper()}（公式出错）")
    text = re.sub(r"\s+", "", text).replace("－", "-").replace("−", "-")
    sign = 1.0
    if kind == "signed" and text[:1] in ("减", "增"):
        sign = -1.0 if text[0] == "减" else 1.0
        text = text[1:]
    scale = 1.0
    for suffix in _UNITS:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            if suffix == "元" and unit == "万元":
                scale = 1 / 10000  # the amount cell is in 万元
            break
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        return Parsed(None, "bad", raw, "不是数字" + ("（没有的请填0）" if text in ("-", "—", "无", "/") else ""))
    if len(text.lstrip("+-").split(".")[0].lstrip("0")) > len(str(limit)):
        return Parsed(None, "bad", raw, too_large(limit))  # before float(): a thousand digits are refused unread
    number = sign * float(text) * scale
    if not -limit <= number <= limit:
        return Parsed(None, "bad", raw, too_large(limit))
    return Parsed(round(number, 10), "converted", raw)


def _show(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)


def show(value: float | None) -> str:
    """A number as an office would write it: 12, not 12.0."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "（空）"
    return _show(value)


def text_of(value: Any) -> str:
    """A cell's content as the text a person sees, without surrounding spaces ("" for an empty cell)."""
    return "" if value is None else str(value).strip()


# what XML 1.0 cannot hold at all (a document with one of them is refused by Word and by every XML parser)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# Excel's escape of a character in a cell's text, _xHHHH_: the control characters XML cannot hold, written so
_EXCEL_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
_STARTS_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")


def excel_text(text: str) -> str:
    """Text as a cell of the file holds it, as Excel writes it: an underscore that would begin an escape escaped
    itself (_x005F_), the control characters and U+FFFE, U+FFFF as _xHHHH_. Read back by `unescape_excel` (and
    by python-calamine, as Excel reads it), it is the text again."""
    text = _STARTS_ESCAPE.sub("_x005F_", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m[0]):04X}_", text)
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def unescape_excel(text: str) -> str:
    """A cell's text as Excel means it: each _xHHHH_ the character it names, from left to right; one that
    names no character a text can hold (a surrogate, U+FFFE, U+FFFF) stays as written, as python-calamine
    leaves it."""
    return _EXCEL_ESCAPE.sub(_unescaped, text) if "_x" in text else text


def _unescaped(m: re.Match[str]) -> str:
    code = int(m[1], 16)
    return m[0] if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) else chr(code)


def xml_safe(text: str) -> str:
    """User text as a document may hold it: the control characters XML 1.0 forbids dropped, all else kept."""
    return _NOT_XML.sub("", text)
