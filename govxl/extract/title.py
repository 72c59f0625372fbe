"""A published report's title and opening lines: the year it reports on and the agency it is of. Web-page
chrome and prose are told from a title; what cannot be told is left empty, never guessed."""

from __future__ import annotations

import re


def report_year(head: list[str], text: str) -> int | None:
    for line in head:
        m = re.match(r"\s*year:\s*(\d{4})", line)
        if m:
            return int(m[1])
    title = " ".join(line for line in head if not re.match(r"\s*(source|note|year):", line))
    m = re.search(r"(20\d\d)\s*年(?:度)?[^。\n]{0,30}年度报告", title) or re.search(r"(20\d\d)\s*年", title)
    if m:
        return int(m[1])
    m = (
        re.search(r"统计期限[^。\n]{0,10}?(20\d\d)年1月1日", text)
        # no title: the prose names its report ("现公布我局2022年政府信息公开工作年度报告"), or a paragraph opens
        # with the year it reports on ("2022年，我局……"; "2019年我局……")
        or re.search(r"(20\d\d)\s*年(?:度)?[^。，,\n]{0,12}?政府信息公开(?:工作)?年度报告", text)
        or re.search(r"^\s*(20\d\d)\s*年(?:度)?(?:[，,]|以来|我|全年|本)", text, re.M)
    )
    return int(m[1]) if m else None


def report_unit(head: list[str]) -> str:
    """The agency named in the title: what precedes the year ("临淄区人民政府办公室2024年…"), what follows it
    ("2022年度螅镇政府信息公开…"), or a name alone on the line above a title that names none. Web-page chrome
    (【字体】 打印, "Page 8 - ", "标题:" labels, breadcrumbs) is not part of it, a sentence of prose never is, and
    when no title names the agency it is left empty rather than guessed."""
    lines = _head_lines(head)
    for i, line in enumerate(lines):
        m = _TITLE.fullmatch(line)
        if not m:
            continue
        named = m["before"].strip() or m["after"].strip()
        if named:
            if _is_agency(named):
                return named
            continue  # "关于2022年度…的报告": the title does not name the agency
        if i > 0 and _is_agency(lines[i - 1]):
            return lines[i - 1]
    return ""


# a title: [agency] year 年[度] [agency] 政府信息公开(工作)…, with no sentence punctuation in it
_TITLE = re.compile(
    r"(?P<before>[^，。；,;:：《》\d]*?)(?P<year>20\d\d)\s*年度?(?P<after>[^，。；,;:：《》\d]*?)"
    r"政府信息公开[^，。；,;:：\d]{0,16}"
)
_CHROME = (
    re.compile(r"^Page\s*\d+\s*[-–—]\s*", re.I),  # a flip-book page's title: "Page 8 - …"
    re.compile(r"^(?:标\s*题|题\s*目|名\s*称)\s*[:：]\s*"),  # "标题: …" in a page's metadata table
    re.compile(r"[【\[]\s*字\s*体[^】\]]*[】\]]|\b打印\b|\b关闭\b"),  # 【字体：大 中 小】 打印 关闭
)
_AGENCY = re.compile(r"[\u4e00-\u9fff（）()·]{2,40}")
_NOT_AGENCY = re.compile(
    r"^(?:关于|本|我|根据|现将|按照|年度|工作)|报告|年度|政府信息公开|情况|发布(?:时间|机构|日期)|来源|时间|当前位置|字体"
)


def _head_lines(head: list[str]) -> list[str]:
    """The lines before the first section, without metadata and chrome; a table row's cells each a line."""
    out = []
    for raw in head:
        if re.match(r"\s*(source|note|year):", raw):
            continue
        for cell in raw.split("|"):
            text = cell.strip()
            if re.search(r"\s[>＞»]\s", text):  # a breadcrumb: 首页 > 政务公开 > …; only its last step counts
                text = re.split(r"\s[>＞»]\s", text)[-1].strip()
            for chrome in _CHROME:
                text = chrome.sub("", text).strip()
            if text and not set(text) <= set("-—|: "):
                out.append(text)
    return out


def _is_agency(text: str) -> bool:
    """A name, not a sentence or a label: Chinese characters only, and none of the words of prose or chrome."""
    return bool(_AGENCY.fullmatch(text)) and not _NOT_AGENCY.search(text)
