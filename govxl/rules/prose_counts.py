"""Numbers a report's sentences state, against its tables (N1–N4, N7, N10): each rule reads the sentences it
can read with confidence; a sentence that says something else is left alone rather than guessed at. Which
cells a count is (spec: prose.counts), what a message calls it (prose.names) and the outcome groups
(prose.outcomes) are the edition's."""

from __future__ import annotations

import re

from govxl.findings import Finding
from govxl.rules.prose_read import NUM, Places, Values, compare, counts
from govxl.rules.registry import E, Rule, W, register

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
        "N7",
        E,
        "正文的结转下年度数等于表三",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "正文“结转下年度继续办理r件”即表三“四、结转下年度继续办理”总计。",
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
)

# a count the prose states, and which of the edition's counts (spec: prose.counts) it must equal; a message
# calls it by the edition's word for it (prose.names): (rule, pattern, count)
_STATED: tuple[tuple[str, str, str], ...] = (
    ("N1", r"(?:共|累计)?(?:收到|受理|新收)[^，。；]{0,12}?申请(?:共)?" + NUM + r"\s*件", "new"),
    ("N2", r"上年(?:度)?(?:结转|转结)[^，。；（）()]{0,6}?" + NUM + r"\s*件", "carried"),
    ("N7", r"结转(?:到)?下(?:一)?年(?:度)?(?:继续)?(?:办理)?" + NUM + r"\s*件", "forward"),
    ("N10", r"制发[^，。；0-9]{0,8}?规范性文件" + NUM + r"\s*件", "norm_made"),
    ("N10", r"(?:规范性文件(?:现行有效)|现行有效(?:的)?(?:行政)?规范性文件)" + NUM + r"\s*件", "norm_valid"),
)


def stated(v: Values, grid: Places, s: str) -> list[Finding]:
    out = []
    for rule, pattern, name in _STATED:
        codes = v.ed.prose.counts.get(name)
        if codes:  # an edition that has no such count (现行有效件数 is a 2021 cell) says nothing of it
            for n in counts(s, pattern):
                out += compare(rule, v, grid, s, n, codes, v.ed.prose.names[name])
    return out


def n3(v: Values, grid: Places, s: str) -> list[Finding]:
    out: list[Finding] = []
    done = v.ed.prose.counts.get("done")
    if not done:  # an edition that declares no such count says nothing of it
        return out
    for m in re.finditer(r"(?:作出|办理|办结|答复)[^，。；0-9]{0,14}?(?:答复|办理|办结)?" + NUM + r"\s*件", s):
        if "结转" in s[max(0, m.start() - 8) : m.end()]:  # "结转下年度继续办理0件" is N7's
            continue
        out += compare("N3", v, grid, s, float(m[1]), done, v.ed.prose.names["done"])
    return out


def n4(v: Values, grid: Places, s: str) -> list[Finding]:
    out = []
    taken: list[tuple[int, int]] = []
    for word, codes in v.ed.prose.outcomes:  # the longer names first: 予以公开及部分公开 before 予以公开
        for m in re.finditer(word + r"(?:的)?(?:申请)?" + NUM + r"\s*件", s):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            out += compare("N4", v, grid, s, float(m[1]), codes, word)
    return out
