"""Prose against tables (N1–N11): the counts a report states in its text must be the counts in its tables.

Each finding quotes the sentence it comes from. Only statements the rules can read with confidence are
checked; a sentence that says something else is left alone rather than guessed at.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from govxl.findings import Finding
from govxl.grid import grid_for
from govxl.reader import Filing
from govxl.rules import finding
from govxl.spec import Edition, compute_totals, load_edition
from govxl.values import show

_SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")
_NUM = r"(\d+)"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


class _Values:
    """The table numbers the prose is compared with: inputs, published totals where given, else recomputed."""

    def __init__(self, filing: Filing) -> None:
        self.ed: Edition = load_edition(filing.edition)
        numbers = {c: v for c, v in filing.inputs.items() if not math.isnan(v)}
        self.totals = compute_totals(self.ed, numbers)
        self.values = {**numbers, **self.totals}
        self.values.update({c: v for c, v in filing.typed_totals.items() if not math.isnan(v)})

    def get(self, *codes: str) -> float | None:
        out = 0.0
        for code in codes:
            v = self.values.get(code)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return None
            out += v
        return out

    def group(self, group: str) -> tuple[str, ...]:
        """Totals of every item of a row group of table 三 (不予公开 -> its eight items)."""
        return tuple(f"t3_{r}_total" for r in self._rows(group))

    def _rows(self, group: str) -> list[str]:
        cells = [c for c in self.ed.cells.values() if c.table == "t3" and c.column == "total"]
        return [c.row for c in cells if c.row == group or c.row.startswith(group + "_")]


def new_applications(filing: Filing) -> float | None:
    """一、本年新收 总计: as published where the filing has it, else summed from its parts."""
    return _Values(filing).get("t3_new_total")


def check_prose(filing: Filing, text: str, last_year_new: float | None = None) -> list[Finding]:
    """`last_year_new`: last year's 一 总计, when known, for the 同比 percentages (N6)."""
    v = _Values(filing)
    grid = grid_for(filing.edition)
    out: list[Finding] = []
    for s in sentences(text):
        for rule in _RULES:
            out.extend(rule(v, grid, s))
        if last_year_new:
            out.extend(_n6(v, s, last_year_new))
    return out


def _n6(v: _Values, s: str, before: float) -> list[Finding]:
    """“（申请）同比下降55.55%”: the change of 一 总计 against last year's."""
    now = v.get("t3_new_total")
    m = re.search(r"申请[^。；]{0,20}?同比(上升|增长|增加|下降|减少)\s*(\d+(?:\.\d+)?)%", s)
    if not m or now is None:
        return []
    stated = float(m[2]) * (-1 if m[1] in ("下降", "减少") else 1)
    change = 100 * (now - before) / before
    decimals = len(m[2].split(".")[1]) if "." in m[2] else 0
    same_way = (change >= 0) == (stated >= 0)
    if _rounds_to(change, stated, decimals) or (same_way and _truncates_to(abs(change), abs(stated), decimals)):
        return []
    right = round(change, decimals)
    f = finding(
        "N6",
        (),
        expected=right,
        actual=stated,
        stated=f"{m[1]}{m[2]}%",
        before=show(before),
        now=show(now),
        right=f"{'上升' if right >= 0 else '下降'}{show(abs(right))}%",
    )
    return [_with_source(f, s)]


def _ref(grid: Any, *codes: str) -> tuple[Any, ...]:
    from govxl.findings import CellRef

    return tuple(CellRef(grid.sheet_of(c).name, grid.address(c), c) for c in codes)


def _compare(
    rule: str, v: _Values, grid: Any, s: str, stated: float, codes: tuple[str, ...], what: str
) -> list[Finding]:
    table = v.get(*codes)
    if table is None or abs(table - stated) < 1e-9:
        return []
    f = finding(
        rule,
        _ref(grid, *codes[:1]),
        expected=table,
        actual=stated,
        what=what,
        stated=show(stated),
        table=show(table),
        sentence=s,
    )
    return [_with_source(f, s)]


def _with_source(f: Finding, s: str) -> Finding:
    return Finding(f.rule, f.severity, f.message, f.cells, f.expected, f.actual, s)


def _counts(s: str, pattern: str) -> Iterable[float]:
    for m in re.finditer(pattern, s):
        yield float(m[1])


# a count the prose states, and the table cells it must equal: (rule, pattern, cells, what it is)
_STATED: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        "N1",
        r"(?:共|累计)?(?:收到|受理|新收)[^，。；]{0,12}?申请(?:共)?" + _NUM + r"\s*件",
        ("t3_new_total",),
        "本年新收申请",
    ),
    (
        "N2",
        r"上年(?:度)?(?:结转|转结)[^，。；（）()]{0,6}?" + _NUM + r"\s*件",
        ("t3_carried_total",),
        "上年结转申请",
    ),
    (
        "N7",
        r"结转(?:到)?下(?:一)?年(?:度)?(?:继续)?(?:办理)?" + _NUM + r"\s*件",
        ("t3_forward_total",),
        "结转下年度继续办理",
    ),
    ("N10", r"制发[^，。；0-9]{0,8}?规范性文件" + _NUM + r"\s*件", ("t2_norm_made",), "本年制发行政规范性文件"),
    (
        "N10",
        r"(?:规范性文件(?:现行有效)|现行有效(?:的)?(?:行政)?规范性文件)" + _NUM + r"\s*件",
        ("t2_norm_valid",),
        "现行有效行政规范性文件",
    ),
)


def _stated(v: _Values, grid: Any, s: str) -> list[Finding]:
    out = []
    for rule, pattern, codes, what in _STATED:
        if all(code in v.ed.cells for code in codes):  # 现行有效件数 is a 2021 cell
            for n in _counts(s, pattern):
                out += _compare(rule, v, grid, s, n, codes, what)
    return out


def _n3(v: _Values, grid: Any, s: str) -> list[Finding]:
    out = []
    for m in re.finditer(r"(?:作出|办理|办结|答复)[^，。；0-9]{0,14}?(?:答复|办理|办结)?" + _NUM + r"\s*件", s):
        if "结转" in s[max(0, m.start() - 8) : m.end()]:  # "结转下年度继续办理0件" is N7's
            continue
        out += _compare("N3", v, grid, s, float(m[1]), ("t3_done_total",), "本年办理结果")
    return out


_OUTCOMES = {
    "予以公开及部分公开": ("open", "partial"),
    "予以公开": ("open",),
    "部分公开": ("partial",),
    "不予公开": ("deny",),
    "无法提供": ("unable",),
    "不予处理": ("reject",),
    "其他处理": ("otherwise",),
}


def _n4(v: _Values, grid: Any, s: str) -> list[Finding]:
    out = []
    taken: list[tuple[int, int]] = []
    for word, groups in _OUTCOMES.items():
        for m in re.finditer(word + r"(?:的)?(?:申请)?" + _NUM + r"\s*件", s):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            codes = tuple(c for g in groups for c in v.group(g))
            out += _compare("N4", v, grid, s, float(m[1]), codes, word)
    return out


def _n5(v: _Values, grid: Any, s: str) -> list[Finding]:
    pairs = [
        (float(m[1]), float(m[2]), m[0])
        for m in re.finditer(_NUM + r"\s*件[，,]?\s*占[^0-9]{0,6}?(\d+(?:\.\d+)?)%", s)
    ]
    if not pairs:
        return []
    bases = [
        b for b in (v.get("t3_done_total"), v.get("t3_new_total"), v.get("t3_new_total", "t3_carried_total")) if b
    ]
    if not bases:  # the tables give no base to compute a share from: nothing can be said of the sentence
        return []
    forced = len(pairs) > 1 and abs(sum(p for _, p, _ in pairs) - 100) < 1e-9
    out = []
    for count, pct, text in pairs:
        decimals = len(str(pct).split(".")[1]) if "." in text.split("占")[-1] else 0
        fits = [
            b
            for b in bases
            if _rounds_to(100 * count / b, pct, decimals) or _truncates_to(100 * count / b, pct, decimals)
        ]
        exact = [b for b in bases if _rounds_to(100 * count / b, pct, decimals)]
        if exact or (fits and not forced):
            continue
        right = round(100 * count / bases[0], decimals)
        reason = "各项百分比被凑成合计100%" if forced else "与数量不符"
        f = finding(
            "N5",
            (),
            expected=right,
            actual=pct,
            stated=f"{show(pct)}%",
            count=show(count),
            right=f"{right}%",
            reason=reason,
        )
        out.append(_with_source(f, s))
    return out


def _rounds_to(x: float, p: float, d: int) -> bool:
    return bool(abs(round(x + 1e-12, d) - p) < 1e-9)


def _truncates_to(x: float, p: float, d: int) -> bool:
    return bool(abs(math.floor(x * 10**d + 1e-9) / 10**d - p) < 1e-9)


def _n8(v: _Values, grid: Any, s: str) -> list[Finding]:
    if re.search(r"(?:未|没有)(?:收到|受理)[^，。；]{0,12}申请", s):
        got = v.get("t3_new_total")
        if got:
            return [
                _with_source(finding("N8", _ref(grid, "t3_new_total"), expected=0, actual=got, table=show(got)), s)
            ]
    return []


def _n9(v: _Values, grid: Any, s: str) -> list[Finding]:
    out: list[Finding] = []
    t4 = [c for c in v.ed.input_codes if v.ed.cells[c].table == "t4"]
    if re.search(r"(?:未|没有)(?:发生|因政府信息公开)[^。；]{0,20}(?:行政复议|行政诉讼)", s):
        total = v.get(*t4)
        if total:
            out.append(
                _with_source(
                    finding(
                        "N9",
                        _ref(grid, t4[0]),
                        expected=0,
                        actual=total,
                        what="行政复议、行政诉讼",
                        stated="0",
                        table=show(total),
                    ),
                    s,
                )
            )
    for m in re.finditer(r"行政复议" + _NUM + r"\s*[起件]", s):
        out += _compare("N9", v, grid, s, float(m[1]), ("t4_review_total",), "行政复议")
    if "均获维持" in s or "全部维持" in s:
        for c in t4:
            if any(w in c for w in ("corrected", "other", "pending")) and v.get(c):
                out.append(
                    _with_source(
                        finding(
                            "N9",
                            _ref(grid, c),
                            expected=0,
                            actual=v.get(c),
                            what="均获维持",
                            stated="0",
                            table=show(v.get(c) or 0),
                        ),
                        s,
                    )
                )
    return out


def _n11(v: _Values, grid: Any, s: str) -> list[Finding]:
    m = re.search(r"[\u4e00-\u9fff][ \u3000]{2,}(件|条|个|次|项)", s)
    if m:
        return [_with_source(finding("N11", (), actual=m[0].strip(), stated=m[0]), s)]
    return []


_RULES: tuple[Callable[[_Values, Any, str], list[Finding]], ...] = (_stated, _n3, _n4, _n5, _n8, _n9, _n11)
