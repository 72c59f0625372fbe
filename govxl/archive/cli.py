"""`govxl archive …`: parse, call govxl.archive, print (govxl.archive.render). Imported only when the group is
used (govxl.cli.desk registers it lazily), so that `govxl --help` never imports SQLAlchemy."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from govxl.archive import render
from govxl.cli.base import FORCE, FORMAT, _Group
from govxl.errors import EXIT_FINDINGS, EXIT_UNUSABLE

if TYPE_CHECKING:
    from govxl.archive import Archive

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


def _open(location: str | None, *, writing: bool = False) -> Archive:
    """The archive a command works on. Commands that store (add, roster) create it when new. Commands that
    only read create none, wherever the path comes from (--archive, $GOVXL_ARCHIVE or the default
    ./govxl-archive.sqlite): a mistyped path, or a folder where no archive was made yet, would otherwise get
    an empty archive that answers every question with nothing. That is refused, naming the path."""
    from govxl.archive import open_archive

    return open_archive(location, create=writing)


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
    with _open(location, writing=True) as arch:
        added = arch.add_paths([Path(f) for f in files], progress=sys.stderr.isatty() and fmt == "text")
        years = sorted({a.year for a in added if a.submission_id is not None and a.year is not None})
        if units is not None:
            for year in years:
                arch.save_roster(year, units)
        if fmt == "json":
            out = {"archive": arch.name, "files": [render.added_json(a) for a in added]}
            click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        else:
            click.echo(render.added_text(added, arch.name), nl=False)
            if units is not None and years:
                click.echo(f"名单（{len(units)} 个单位）已存为 {'、'.join(map(str, years))} 年度的名单")
    if any(a.report.problem for a in added):
        ctx.exit(EXIT_UNUSABLE)
    ctx.exit(EXIT_FINDINGS if any(a.report.errors for a in added) else 0)


@group.command("roster")
@click.argument("roster_file", metavar="名单", type=click.Path(path_type=Path))
@YEAR
@ARCHIVE
def roster_command(roster_file: Path, year: int, location: str | None) -> None:
    """导入某一年度的应报送单位名单（.csv 或 .xlsx，含填报单位列，可另有单位类型列），替换该年度原有的名单。"""
    from govxl.merge import read_roster

    units = read_roster(roster_file)
    with _open(location, writing=True) as arch:
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
        head = {"year": year, "roster": stored, "counts": render.counts(rows)}
        click.echo(render.json_with_list(head, "units", [render.status_json(r) for r in rows]))
        return
    click.echo(render.status_text(year, rows, stored), nl=False)


@group.command("list")
@click.option("--year", type=int, help="只列出这一年度。")
@click.option("--unit", metavar="名称片段", help="只列出单位名称含这几个字的。")
@ARCHIVE
@FORMAT
def list_command(year: int | None, unit: str | None, location: str | None, fmt: str) -> None:
    """列出档案中的报送（含被替代的历史版本），可按年度和单位名称片段筛选。"""
    with _open(location) as arch:
        found = arch.submissions(year, unit)
    render.submissions_out(found, fmt, "没有符合条件的报送")


@group.command()
@click.argument("unit", metavar="单位")
@ARCHIVE
@FORMAT
def history(unit: str, location: str | None, fmt: str) -> None:
    """一个单位历年的全部报送（单位名称按全角半角、空格归一后比较）。"""
    with _open(location) as arch:
        found = arch.history(unit)
    render.submissions_out(found, fmt, f"档案中没有“{unit}”的报送")


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
    from govxl.files import output_ends_run

    with output_ends_run(), _open(location) as arch:
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
