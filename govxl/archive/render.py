"""What the `govxl archive` commands print: each added file's report and what became of it, the status
table, the lists of submissions, and JSON that a script reads line by line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from govxl.archive import Added, Submission, UnitStatus


def _archive_lines(a: Added) -> list[str]:
    from govxl.report import safe

    lines = []
    if a.submission_id is not None and a.duplicate:
        lines.append(f"   档案中已有相同的报送 #{a.submission_id}（内容完全相同），未重复存储")
    elif a.submission_id is not None:
        replaced = f"，替代 #{a.supersedes}" if a.supersedes else ""
        lines.append(f"   已归档：#{a.submission_id}（{safe(a.unit)} {a.year} 年度，{a.status}{replaced}）")
    if a.previous_id is not None:
        lines.append(f"   跨年度核对（X1–X4）依据档案中的报送 {safe(a.previous_label)}")
    elif a.year is not None and a.unit and not a.report.skipped:
        lines.append(f"   档案中没有该单位 {a.year - 1} 年度的报送，未作跨年度核对")
    return lines


def added_text(added: Sequence[Added], name: str) -> str:
    from govxl.report import render_text, safe

    blocks = []
    for a in added:
        block = render_text([a.report]).rstrip("\n").split("\n")
        blocks.append("\n".join(block + _archive_lines(a)) + "\n")
    stored = sum(a.submission_id is not None and not a.duplicate for a in added)
    same = sum(a.duplicate for a in added)
    failed = sum(a.submission_id is None and not a.report.skipped for a in added)
    skipped = sum(bool(a.report.skipped) for a in added)
    errors = sum(a.submission_id is not None and not a.duplicate and a.errors > 0 for a in added)
    line = f"共 {len(added)} 个文件：新归档 {stored} 个（其中 {errors} 个有错误）"
    line += f"，与档案中已有的相同 {same} 个，无法归档 {failed} 个"
    if skipped:
        line += f"，跳过 {skipped} 个校验结果工作簿"
    return "\n".join(blocks) + f"{line}。档案：{safe(name)}\n"


def added_json(a: Added) -> dict[str, Any]:
    out = a.report.to_json()
    out.update(
        submission_id=a.submission_id,
        duplicate=a.duplicate,
        status=a.status or None,
        supersedes=a.supersedes,
        previous_id=a.previous_id,
    )
    return out


def json_with_list(head: dict[str, Any], key: str, items: list[dict[str, Any]]) -> str:
    """JSON of `head` plus `key`: `items`, one item a line. An indented dump of 20,000 units goes through
    json's pure-Python encoder (seconds); one line an item is the C encoder's and still reads line by line."""
    start = json.dumps({**head, key: []}, ensure_ascii=False)[:-3]  # without its closing "[]}"
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return f"{start}[\n{lines}\n]}}" if items else f"{start}[]}}"


def counts(rows: Sequence[UnitStatus], stored: bool = True) -> dict[str, int]:
    """Units by status; with a roster, those outside it apart (名单外). Without one every unit is counted by
    its status: there is no roster for any of them to be outside of."""
    from govxl.archive import STATUSES

    by_status = {s: sum(r.status == s and (r.in_roster or not stored) for r in rows) for s in STATUSES}
    if stored:
        by_status["名单外"] = sum(not r.in_roster for r in rows)
    return by_status


def _when(r: UnitStatus | Submission) -> str:
    return r.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M") if r.submitted_at else ""


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    from govxl.layout import display_width
    from govxl.report import safe

    cells = [[safe(c) for c in r] for r in rows]
    widths = [max([display_width(h), *(display_width(r[i]) for r in cells)]) for i, h in enumerate(header)]

    def line(r: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths, strict=True)).rstrip()

    return [line(header)] + [line(r) for r in cells]


def status_text(year: int, rows: Sequence[UnitStatus], stored: bool) -> str:
    lines = [f"{year} 年度报送情况"]
    if not stored:
        lines.append(
            f"（档案中没有 {year} 年度名单，只列出已报送的单位；用 govxl archive roster 名单 --year {year} 导入）"
        )
    body = [
        [
            r.unit,
            r.status,
            str(r.errors),
            str(r.warnings),
            _when(r),
            f"#{r.submission_id}" if r.submission_id else "",
            "" if r.in_roster or not stored else "名单外",
        ]
        for r in rows
    ]
    lines += _table(["单位", "状态", "错误", "待核实", "报送时间", "编号", "备注"], body)
    summary = "，".join(f"{k} {v} 个" for k, v in counts(rows, stored).items())
    lines.append(f"共 {len(rows)} 个单位：{summary}")
    return "\n".join(lines) + "\n"


def status_json(r: UnitStatus) -> dict[str, Any]:
    return {
        "unit": r.unit,
        "level": r.level or None,
        "status": r.status,
        "errors": r.errors,
        "warnings": r.warnings,
        "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
        "submission_id": r.submission_id,
        "in_roster": r.in_roster,
    }


def _submission_json(s: Submission) -> dict[str, Any]:
    return {
        "id": s.id,
        "unit": s.unit,
        "year": s.year,
        "edition": s.edition,
        "template_version": s.template_version or None,
        "filename": s.filename,
        "submitted_at": s.submitted_at.isoformat(),
        "sha256": s.sha256,
        "size": s.size,
        "status": s.status,
        "errors": s.errors,
        "warnings": s.warnings,
        "supersedes": s.supersedes,
        "previous_id": s.previous_id,
        "current": s.current,
    }


def submissions_out(found: Sequence[Submission], fmt: str, empty: str) -> None:
    if fmt == "json":
        click.echo(json_with_list({}, "submissions", [_submission_json(s) for s in found]))
        return
    if not found:
        click.echo(empty)
        return
    body = [
        [
            f"#{s.id}",
            s.unit,
            str(s.year),
            s.status,
            str(s.errors),
            str(s.warnings),
            _when(s),
            s.filename,
            "当前" if s.current else "已被替代",
        ]
        for s in found
    ]
    lines = _table(["编号", "单位", "年度", "状态", "错误", "待核实", "报送时间", "文件", "版本"], body)
    click.echo("\n".join(lines) + f"\n共 {len(found)} 份报送")
