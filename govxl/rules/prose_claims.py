"""What a report's sentences say without a number to compare, against its tables (N8, N9, N11): no
applications received, no 复议 or 诉讼, every case upheld, a number left blank; and 行政复议N起. Table 四's cells
(spec: prose.appeals) are the edition's."""

from __future__ import annotations

import re

from govxl.findings import Finding
from govxl.rules.prose_read import NUM, Places, Values, compare, refs, with_source
from govxl.rules.registry import E, Rule, finding, register
from govxl.values import show

FAMILY = register(
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
        "N11",
        E,
        "正文没有空缺的数字",
        "正文中有空缺的数字：“{stated}”",
        "数字漏填（“主动公开信息  条”）是常见的发布差错。",
        "正文",
    ),
)


def n8(v: Values, grid: Places, s: str) -> list[Finding]:
    if re.search(r"(?:未|没有)(?:收到|受理)[^，。；]{0,12}申请", s):
        got = v.count("new")
        if got:  # count() is None where the edition declares no such count
            where = refs(grid, *v.ed.prose.counts["new"][:1])
            return [with_source(finding("N8", where, expected=0, actual=got, table=show(got)), s)]
    return []


def n9(v: Values, grid: Places, s: str) -> list[Finding]:
    out: list[Finding] = []
    t4 = v.ed.prose.appeals
    if re.search(r"(?:未|没有)(?:发生|因政府信息公开)[^。；]{0,20}(?:行政复议|行政诉讼)", s):
        total = v.get(*t4)
        if total:
            out.append(
                with_source(
                    finding(
                        "N9",
                        refs(grid, t4[0]),
                        expected=0,
                        actual=total,
                        what="行政复议、行政诉讼",
                        stated="0",
                        table=show(total),
                    ),
                    s,
                )
            )
    review = v.ed.prose.counts.get("review", ())
    for m in re.finditer(r"行政复议" + NUM + r"\s*[起件]", s) if review else ():
        out += compare("N9", v, grid, s, float(m[1]), review, v.ed.prose.names["review"])
    if "均获维持" in s or "全部维持" in s:
        for c in v.ed.prose.not_upheld:
            if v.get(c):
                out.append(
                    with_source(
                        finding(
                            "N9",
                            refs(grid, c),
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


def n11(v: Values, grid: Places, s: str) -> list[Finding]:
    m = re.search(r"[\u4e00-\u9fff][ \u3000]{2,}(件|条|个|次|项)", s)
    if m:
        return [with_source(finding("N11", (), actual=m[0].strip(), stated=m[0]), s)]
    return []
