"""Percentages a report's sentences state (N5, N6): a share of a count, and the change of the applications
against last year's. The quantities a share may be of, in the order they are tried, are the edition's (spec:
prose.share_bases)."""

from __future__ import annotations

import re

from govxl.findings import Finding
from govxl.rules.prose_read import NUM, Places, Values, rounds_to, truncates_to, with_source
from govxl.rules.registry import Rule, W, finding, register
from govxl.values import show

FAMILY = register(
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
)


def n5(v: Values, grid: Places, s: str) -> list[Finding]:
    pairs = [
        (float(m[1]), float(m[2]), m[0])
        for m in re.finditer(NUM + r"\s*件[，,]?\s*占[^0-9]{0,6}?(\d+(?:\.\d+)?)%", s)
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
            if rounds_to(100 * count / b, pct, decimals) or truncates_to(100 * count / b, pct, decimals)
        ]
        exact = [b for b in bases if rounds_to(100 * count / b, pct, decimals)]
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
        out.append(with_source(f, s))
    return out


def n6(v: Values, s: str, before: float) -> list[Finding]:
    """“（申请）同比下降55.55%”: the change of 一 总计 against last year's."""
    now = v.count("new")
    m = re.search(r"申请[^。；]{0,20}?同比(上升|增长|增加|下降|减少)\s*(\d+(?:\.\d+)?)%", s)
    if not m or now is None:
        return []
    stated = float(m[2]) * (-1 if m[1] in ("下降", "减少") else 1)
    change = 100 * (now - before) / before
    decimals = len(m[2].split(".")[1]) if "." in m[2] else 0
    same_way = (change >= 0) == (stated >= 0)
    if rounds_to(change, stated, decimals) or (same_way and truncates_to(abs(change), abs(stated), decimals)):
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
    return [with_source(f, s)]
