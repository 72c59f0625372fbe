"""Check reports for people (a table per file, in Chinese) and for programs (JSON)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from govxl.findings import FileReport, Severity
from govxl.layout import display_width
from govxl.spec import available_editions, load_edition


def short_sheet_names() -> dict[str, str]:
    """三、收到和处理政府信息公开申请情况 -> 表三: the long official sheet names make a table unreadable."""
    out = {}
    for code in available_editions():
        ed = load_edition(code)
        out[ed.cover.sheet] = ed.cover.sheet
        for t in ed.tables:
            out[t.sheet] = "表" + t.heading.split("、", 1)[0]
    return out


# terminal escape sequences (CSI, OSC, other ESC sequences) and every other control character
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def safe(text: str) -> str:
    """User text (file names, units, cells' contents, explanations) as it may reach a terminal: escape
    sequences and control characters shown as �, never acted on. Tabs and newlines become spaces."""
    return _ESCAPES.sub("�", text.replace("\t", " ").replace("\n", " "))


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def render_text(reports: Sequence[FileReport], action: str = "校验") -> str:
    """`action` is what was done to the files: 校验, or 抽取 for published reports."""
    short = short_sheet_names()
    lines: list[str] = []
    for r in reports:
        title = r.path
        if r.edition:
            who = "，".join(x for x in (r.unit, f"{r.year}年度" if r.year else "") if x)
            title += f"（{r.edition} 版{'，' + who if who else ''}）"
        lines.append(f"== {safe(title)}")
        if r.skipped:
            lines.append(f"   已跳过：{safe(r.skipped)}；如需校验，请单独给出此文件")
            lines.append("")
            continue
        if r.problem and not r.findings:
            lines.append(f"   无法{action}：{safe(r.problem)}")
            lines.append("")
            continue
        if r.findings:
            lines.append(f"   {_pad('级别', 6)}{_pad('位置', 12)}{_pad('规则', 7)}问题")
        for f in r.findings:
            a = f.anchor
            where = short.get(a.sheet, a.sheet) if a else ""
            if a and a.cell:
                where += f"!{a.cell}"
            note = f"（已说明：{f.explanation}）" if f.explanation else ""
            where = safe(where)
            lines.append(
                f"   {_pad(f.severity.chinese, 6)}{_pad(where, 12)}{_pad(f.rule, 7)}{safe(f.message + note)}"
            )
        infos = sum(f.severity is Severity.INFO for f in r.findings)
        explained = sum(bool(f.explanation) for f in r.findings)
        if r.unchecked:  # what extraction noticed is no verdict on the numbers
            target = r.workbook or r.path
            summary = f"   未校验：抽取时有 {len(r.findings)} 条说明，数字是否相符未核对；"
            summary += f"请加 --check 重新抽取，或运行 govxl check {target}"
        else:
            verdict = "通过" if r.valid else "未通过"
            summary = f"   {verdict}：{r.errors} 个错误（强制），{r.warnings} 个待核实"
            if explained:
                summary += f"（另有 {explained} 个已说明）"
            summary += f"，{infos} 条提示"
        lines.append(summary)
        if r.corrections:
            lines.append(f"   校验结果已写入：{safe(r.corrections)}")
        if r.workbook:
            lines.append(f"   抽取结果已写入：{safe(r.workbook)}")
        if r.problem:
            lines.append(f"   出错：{safe(r.problem)}")
        lines.append("")
    if len(reports) > 1 and any(r.unchecked for r in reports):
        done = sum(not r.problem for r in reports)
        lines.append(f"共 {len(reports)} 份报告：{done} 份已抽取（未校验），{len(reports) - done} 份无法读取")
    elif len(reports) > 1:
        ok = sum(r.valid for r in reports)
        bad = sum(not r.valid and not r.problem and not r.skipped for r in reports)
        broken = sum(bool(r.problem) for r in reports)
        skipped = sum(bool(r.skipped) for r in reports)
        line = f"共{action} {len(reports) - skipped} 个文件：{ok} 个通过，{bad} 个有错误，{broken} 个无法{action}"
        if skipped:
            line += f"；跳过 {skipped} 个校验结果工作簿"
        lines.append(line)
    return "\n".join(lines).rstrip() + "\n"


def render_json(reports: Sequence[FileReport]) -> str:
    return json.dumps({"files": [r.to_json() for r in reports]}, ensure_ascii=False, indent=1)
