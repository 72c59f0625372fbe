"""Prose against tables (N1–N11): the counts a report states in its text must be the counts in its tables."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from govxl.findings import CellRef, Finding
from govxl.rules.registry import E, Rule, W, finding, register
from govxl.values import show

if TYPE_CHECKING:
    from govxl.grid import Grid
    from govxl.spec import Edition

FAMILY = register(
    Rule(
        "N1",
        E,
        "正文的新收申请数等于表三",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "正文“共收到政府信息公开申请N件”即表三“一、本年新收”总计。",
        "正文",
    ),
    Rule(
        "N2",
        E,
        "正文的上年结转数等于表三",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "正文“含上年结转M件”即表三“二、上年结转”总计。",
        "正文",
    ),
    Rule(
        "N3",
        E,
        "正文的办理数等于表三（七）总计",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "正文“作出答复K件”即表三“（七）总计”。",
        "正文",
    ),
    Rule(
        "N4",
        E,
        "正文的各办理结果数等于表三",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "予以公开、部分公开、不予公开、无法提供、不予处理、其他处理的件数，分别是表三对应各项之和。",
        "正文",
    ),
    Rule(
        "N5",
        W,
        "正文的百分比与数量相符",
        "正文“{count}件，占{stated}”{reason}，按数量计算应为 {right}",
        "百分比应由数量除以总数得出并四舍五入；为凑成100%而改动的百分比应予核实。",
        "正文",
    ),
    Rule(
        "N6",
        W,
        "正文的同比变化与上年数相符",
        "正文说申请同比{stated}，按上年新收 {before} 件、本年 {now} 件计算应为{right}",
        "同比变化由本年与上年的新收申请数算出；只在给出上年报表时核对。",
        "正文",
    ),
    Rule(
        "N7",
        E,
        "正文的结转下年度数等于表三",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "正文“结转下年度继续办理r件”即表三“四、结转下年度继续办理”总计。",
        "正文",
    ),
    Rule(
        "N8",
        E,
        "正文说未收到申请时表三为0",
        "正文说未收到政府信息公开申请，表三本年新收却为 {table} 件",
        "“未收到申请”意味着表三一、本年新收为0。",
        "正文",
    ),
    Rule(
        "N9",
        E,
        "正文的复议、诉讼说法与表四相符",
        "正文关于“{what}”的说法（{stated}）与表四（{table}）不符",
        "“未发生行政复议、行政诉讼”“均获维持”“行政复议N起”都应与表四一致。",
        "正文",
    ),
    Rule(
        "N10",
        W,
        "正文的规范性文件数与表二相符",
        "正文说{what} {stated} 件，表二为 {table} 件",
        "正文提到的制发、现行有效规范性文件件数应与表二一致。",
        "正文",
    ),
    Rule(
        "N11",
        E,
        "正文没有空缺的数字",
        "正文中有空缺的数字：“{stated}”",
        "数字漏填（“主动公开信息  条”）是常见的发布差错。",
        "正文",
    ),
)


# --- detection: each rule reads the sentences it can read with confidence; a sentence that says something
# else is left alone rather than guessed at. Which cells a stated number is compared with, the outcome groups,
# the percentage bases and table 四's cells are the edition's (spec: prose).

_NUM = r"(\d+)"


class Values(Protocol):
    """The table numbers the prose is compared with (govxl.validation.prose builds them)."""

    ed: Edition

    def get(self, *codes: str) -> float | None: ...

    def count(self, *names: str) -> float | None: ...


def detect(v: Values, grid: Grid, sentences: Iterable[str], last_year_new: float | None) -> list[Finding]:
    """The prose findings of some sentences; `last_year_new` (last year's 本年新收) gives N6 its base."""
    out: list[Finding] = []
    for s in sentences:
        for rule in _RULES:
            out.extend(rule(v, grid, s))
        if last_year_new:
            out.extend(_n6(v, s, last_year_new))
    return out


def _n6(v: Values, s: str, before: float) -> list[Finding]:
    """“（申请）同比下降55.55%”: the change of 一 总计 against last year's."""
    now = v.count("new")
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


def _ref(grid: Grid, *codes: str) -> tuple[CellRef, ...]:
    return tuple(CellRef(grid.sheet_of(c).name, grid.address(c), c) for c in codes)


def _compare(
    rule: str, v: Values, grid: Grid, s: str, stated: float, codes: tuple[str, ...], what: str
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
    return replace(f, source=s)


def _counts(s: str, pattern: str) -> Iterable[float]:
    for m in re.finditer(pattern, s):
        yield float(m[1])


# a count the prose states, and which of the edition's counts (spec: prose.counts) it must equal:
# (rule, pattern, count, what it is)
_STATED: tuple[tuple[str, str, str, str], ...] = (
    (
        "N1",
        r"(?:共|累计)?(?:收到|受理|新收)[^，。；]{0,12}?申请(?:共)?" + _NUM + r"\s*件",
        "new",
        "本年新收申请",
    ),
    (
        "N2",
        r"上年(?:度)?(?:结转|转结)[^，。；（）()]{0,6}?" + _NUM + r"\s*件",
        "carried",
        "上年结转申请",
    ),
    (
        "N7",
        r"结转(?:到)?下(?:一)?年(?:度)?(?:继续)?(?:办理)?" + _NUM + r"\s*件",
        "forward",
        "结转下年度继续办理",
    ),
    ("N10", r"制发[^，。；0-9]{0,8}?规范性文件" + _NUM + r"\s*件", "norm_made", "本年制发行政规范性文件"),
    (
        "N10",
        r"(?:规范性文件(?:现行有效)|现行有效(?:的)?(?:行政)?规范性文件)" + _NUM + r"\s*件",
        "norm_valid",
        "现行有效行政规范性文件",
    ),
)


def _stated(v: Values, grid: Grid, s: str) -> list[Finding]:
    out = []
    for rule, pattern, name, what in _STATED:
        codes = v.ed.prose.counts.get(name)
        if codes:  # an edition that has no such count (现行有效件数 is a 2021 cell) says nothing of it
            for n in _counts(s, pattern):
                out += _compare(rule, v, grid, s, n, codes, what)
    return out


def _n3(v: Values, grid: Grid, s: str) -> list[Finding]:
    out = []
    for m in re.finditer(r"(?:作出|办理|办结|答复)[^，。；0-9]{0,14}?(?:答复|办理|办结)?" + _NUM + r"\s*件", s):
        if "结转" in s[max(0, m.start() - 8) : m.end()]:  # "结转下年度继续办理0件" is N7's
            continue
        out += _compare("N3", v, grid, s, float(m[1]), v.ed.prose.counts["done"], "本年办理结果")
    return out


def _n4(v: Values, grid: Grid, s: str) -> list[Finding]:
    out = []
    taken: list[tuple[int, int]] = []
    for word, codes in v.ed.prose.outcomes:  # the longer names first: 予以公开及部分公开 before 予以公开
        for m in re.finditer(word + r"(?:的)?(?:申请)?" + _NUM + r"\s*件", s):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            out += _compare("N4", v, grid, s, float(m[1]), codes, word)
    return out


def _n5(v: Values, grid: Grid, s: str) -> list[Finding]:
    pairs = [
        (float(m[1]), float(m[2]), m[0])
        for m in re.finditer(_NUM + r"\s*件[，,]?\s*占[^0-9]{0,6}?(\d+(?:\.\d+)?)%", s)
    ]
    if not pairs:
        return []
    bases = [b for b in (v.count(*names) for names in v.ed.prose.share_bases) if b]
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


def _n8(v: Values, grid: Grid, s: str) -> list[Finding]:
    if re.search(r"(?:未|没有)(?:收到|受理)[^，。；]{0,12}申请", s):
        got = v.count("new")
        if got:
            where = _ref(grid, *v.ed.prose.counts["new"][:1])
            return [_with_source(finding("N8", where, expected=0, actual=got, table=show(got)), s)]
    return []


def _n9(v: Values, grid: Grid, s: str) -> list[Finding]:
    out: list[Finding] = []
    t4 = v.ed.prose.appeals
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
        out += _compare("N9", v, grid, s, float(m[1]), v.ed.prose.counts["review"], "行政复议")
    if "均获维持" in s or "全部维持" in s:
        for c in v.ed.prose.not_upheld:
            if v.get(c):
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


def _n11(v: Values, grid: Grid, s: str) -> list[Finding]:
    m = re.search(r"[\u4e00-\u9fff][ \u3000]{2,}(件|条|个|次|项)", s)
    if m:
        return [_with_source(finding("N11", (), actual=m[0].strip(), stated=m[0]), s)]
    return []


_RULES: tuple[Callable[[Values, Grid, str], list[Finding]], ...] = (_stated, _n3, _n4, _n5, _n8, _n9, _n11)
