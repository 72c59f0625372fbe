"""`govxl archive …`: parse, call govxl.archive, render. Registered lazily by govxl.cli (see `archive_group`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from govxl.cli.base import FORCE, FORMAT, _Group
from govxl.errors import EXIT_FINDINGS, EXIT_UNUSABLE

if TYPE_CHECKING:
    from govxl.archive import Added, Archive, Submission, UnitStatus

F = TypeVar("F", bound=Callable[..., Any])

ARCHIVE = click.option(
    "--archive",
    "location",
    metavar="档案",
    help="档案：SQLite 文件路径或 postgresql+psycopg://… 地址（默认取环境变量 GOVXL_ARCHIVE，否则为当前文件夹的 "
    "govxl-archive.sqlite）。",
)
YEAR = click.option("--year", type=int, required=True, help="报告年度。")
ROSTER = click.option(
    "--roster", type=click.Path(path_type=Path), help="应报送单位名单（.csv 或 .xlsx，含填报单位列）。"
)


def _open(location: str | None) -> Archive:
    from govxl.archive import open_archive

    return open_archive(location)


@click.group("archive", cls=_Group)
def group() -> None:
    """档案：保存每个单位每年报送并校验过的报表，查询报送情况、历年记录，导出汇总。"""


@group.command()
@click.argument("files", nargs=-1, required=True)
@ROSTER
@ARCHIVE
@FORMAT
@click.pass_context
def add(ctx: click.Context, files: tuple[str, ...], roster: Path | None, location: str | None, fmt: str) -> None:
    """校验报表（与 govxl check 相同，并自动与档案中该单位上一年度的报送作跨年度核对）并存入档案。

    输入可以是文件或文件夹。一个文件无法读取不影响其他文件。给出 --roster 时，名单存为所归档各年度的名单。
    退出码：0 全部已归档且没有错误；1 有报表有错误；2 有文件无法读取或无法归档。
    """
    from govxl.merge import read_roster

    units = read_roster(roster) if roster else None
    with _open(location) as arch:
        added = arch.add_paths([Path(f) for f in files], progress=sys.stderr.isatty() and fmt == "text")
        years = sorted({a.year for a in added if a.submission_id is not None and a.year is not None})
        if units is not None:
            for year in years:
                arch.save_roster(year, units)
        if fmt == "json":
            out = {"archive": arch.name, "files": [_added_json(a) for a in added]}
            click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        else:
            click.echo(_added_text(added, arch.name), nl=False)
            if units is not None and years:
                click.echo(f"名单（{len(units)} 个单位）已存为 {'、'.join(map(str, years))} 年度的名单")
    if any(a.report.problem for a in added):
        ctx.exit(EXIT_UNUSABLE)
    ctx.exit(EXIT_FINDINGS if any(a.report.errors for a in added) else 0)


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


def _added_text(added: Sequence[Added], name: str) -> str:
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


def _added_json(a: Added) -> dict[str, Any]:
    out = a.report.to_json()
    out.update(
        submission_id=a.submission_id,
        duplicate=a.duplicate,
        status=a.status or None,
        supersedes=a.supersedes,
        previous_id=a.previous_id,
    )
    return out


@group.command("roster")
@click.argument("roster_file", metavar="名单", type=click.Path(path_type=Path))
@YEAR
@ARCHIVE
def roster_command(roster_file: Path, year: int, location: str | None) -> None:
    """导入某一年度的应报送单位名单（.csv 或 .xlsx，含填报单位列，可另有单位类型列），替换该年度原有的名单。"""
    from govxl.merge import read_roster

    units = read_roster(roster_file)
    with _open(location) as arch:
        arch.save_roster(year, units)
    click.echo(f"已导入 {year} 年度名单：{len(units)} 个单位")


@group.command()
@YEAR
@ROSTER
@ARCHIVE
@FORMAT
def status(year: int, roster: Path | None, location: str | None, fmt: str) -> None:
    """某一年度每个单位的报送情况：未报送 / 有错误 / 待核实 / 已通过，以及不在名单中的单位。

    名单默认用档案中该年度的名单（govxl archive roster 导入，或 add --roster）。
    """
    from govxl.merge import read_roster

    units = read_roster(roster) if roster else None
    with _open(location) as arch:
        stored = units is not None or bool(arch.roster(year))
        rows = arch.status(year, units)
    if fmt == "json":
        head = {"year": year, "roster": stored, "counts": _counts(rows)}
        click.echo(_json_with_list(head, "units", [_status_json(r) for r in rows]))
        return
    click.echo(_status_text(year, rows, stored), nl=False)


def _json_with_list(head: dict[str, Any], key: str, items: list[dict[str, Any]]) -> str:
    """JSON of `head` plus `key`: `items`, one item a line. An indented dump of 20,000 units goes through
    json's pure-Python encoder (seconds); one line an item is the C encoder's and still reads line by line."""
    start = json.dumps({**head, key: []}, ensure_ascii=False)[:-3]  # without its closing "[]}"
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return f"{start}[\n{lines}\n]}}" if items else f"{start}[]}}"


def _counts(rows: Sequence[UnitStatus], stored: bool = True) -> dict[str, int]:
    """Units by status; with a roster, those outside it apart (名单外). Without one every unit is counted by
    its status: there is no roster for any of them to be outside of."""
    from govxl.archive import STATUSES

    counts = {s: sum(r.status == s and (r.in_roster or not stored) for r in rows) for s in STATUSES}
    if stored:
        counts["名单外"] = sum(not r.in_roster for r in rows)
    return counts


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


def _status_text(year: int, rows: Sequence[UnitStatus], stored: bool) -> str:
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
    summary = "，".join(f"{k} {v} 个" for k, v in _counts(rows, stored).items())
    lines.append(f"共 {len(rows)} 个单位：{summary}")
    return "\n".join(lines) + "\n"


def _status_json(r: UnitStatus) -> dict[str, Any]:
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


def _submissions_out(found: Sequence[Submission], fmt: str, empty: str) -> None:
    if fmt == "json":
        click.echo(_json_with_list({}, "submissions", [_submission_json(s) for s in found]))
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


@group.command("list")
@click.option("--year", type=int, help="只列出这一年度。")
@click.option("--unit", metavar="名称片段", help="只列出单位名称含这几个字的。")
@ARCHIVE
@FORMAT
def list_command(year: int | None, unit: str | None, location: str | None, fmt: str) -> None:
    """列出档案中的报送（含被替代的历史版本），可按年度和单位名称片段筛选。"""
    with _open(location) as arch:
        found = arch.submissions(year, unit)
    _submissions_out(found, fmt, "没有符合条件的报送")


@group.command()
@click.argument("unit", metavar="单位")
@ARCHIVE
@FORMAT
def history(unit: str, location: str | None, fmt: str) -> None:
    """一个单位历年的全部报送（单位名称按全角半角、空格归一后比较）。"""
    with _open(location) as arch:
        found = arch.history(unit)
    _submissions_out(found, fmt, f"档案中没有“{unit}”的报送")


@group.command()
@YEAR
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="汇总结果 .xlsx。")
@click.option("--include-invalid", is_flag=True, help="有错误的单位也汇总（默认不汇总）。")
@click.option("--agency", default="", help="汇总单位名称，写在结果的封面上。")
@ARCHIVE
@FORMAT
@FORCE
@click.pass_context
def export(
    ctx: click.Context,
    year: int,
    output: Path,
    include_invalid: bool,
    agency: str,
    location: str | None,
    fmt: str,
    force: bool,
) -> None:
    """把某一年度各单位的当前报送汇总成一个工作簿：与对这些文件运行 govxl merge 所得相同（名单取档案中的）。

    退出码与 govxl merge 相同：0 全部已汇总且名单中无未报送；1 有单位未汇总或未报送；2 无法汇总。
    """
    from govxl.cli.base import say_merged

    with _open(location) as arch:
        result = arch.export(year, output, overwrite=force, include_invalid=include_invalid, agency=agency)
    say_merged(ctx, result, fmt)


@group.command()
@click.argument("submission_id", metavar="编号", type=int)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="写出的 .xlsx 文件。")
@click.option("--corrections", is_flag=True, help="写出该报送的“校验结果”工作簿，而不是原文件。")
@FORCE
@ARCHIVE
def get(submission_id: int, output: Path, corrections: bool, force: bool, location: str | None) -> None:
    """取回一份报送的原文件（与上传时逐字节相同），或加 --corrections 取回其校验结果工作簿。"""
    from govxl.files import write_atomically

    with _open(location) as arch:
        s = arch.get(submission_id)
        data = arch.corrections(submission_id) if corrections else arch.original(submission_id)
    write_atomically(output, data, overwrite=force)
    what = "校验结果工作簿" if corrections else "原文件"
    click.echo(f"已写出报送 {s.label()} 的{what}：{output}")
