"""The commands an office runs on its own workbook: check, and report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from govxl.cli.base import (
    DETECTED_EDITION,
    FORCE,
    FORMAT,
    OUTPUT_DIR,
    cli,
)
from govxl.errors import EXIT_FINDINGS, EXIT_UNUSABLE, GovxlError


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@DETECTED_EDITION
@FORMAT
@OUTPUT_DIR
@click.option("--no-corrections", is_flag=True, help="不写校验结果工作簿。")
@click.option(
    "--previous",
    multiple=True,
    type=click.Path(path_type=Path),
    help="上一年度的报表，用于跨年度核对（可多次给出，按填报单位配对）。",
)
@click.option("--archive", metavar="档案", help="与档案中各单位上一年度的报送作跨年度核对（代替 --previous）。")
@click.pass_context
def check(
    ctx: click.Context,
    files: tuple[Path, ...],
    edition: str | None,
    fmt: str,
    output_dir: Path | None,
    no_corrections: bool,
    previous: tuple[Path, ...],
    archive: str | None,
) -> None:
    """校验填好的工作簿：指出哪里错、错在哪一格，并写出“校验结果”工作簿。

    退出码：0 没有错误（可有待核实项），1 有错误，2 有文件无法读取。
    """
    from govxl.checker import check_paths
    from govxl.report import render_json, render_text

    if output_dir is not None and not output_dir.is_dir():
        raise GovxlError(f"--output-dir 指定的文件夹不存在：{output_dir}")
    options: dict[str, Any] = dict(
        edition=edition,
        corrections=not no_corrections,
        output_dir=output_dir,
        progress=sys.stderr.isatty() and fmt == "text",
    )
    if archive is not None:
        if previous:
            raise GovxlError("--archive 与 --previous 只能给出一个")
        from govxl.archive.checking import check_with_archive, render_checked

        reports, notes, used = check_with_archive(list(files), archive, **options)
        click.echo(render_checked(reports, notes, used, fmt), nl=fmt == "json")
    else:
        reports = check_paths(list(files), previous=previous, **options)
        click.echo(render_json(reports) if fmt == "json" else render_text(reports), nl=fmt == "json")
    if any(r.problem for r in reports):
        ctx.exit(EXIT_UNUSABLE)
    ctx.exit(EXIT_FINDINGS if any(r.errors for r in reports) else 0)


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="输出的 Word 报告（.docx）。")
@click.option("--html", "html_out", type=click.Path(path_type=Path), help="同时（或只）写出网页版报告（.html）。")
@click.option(
    "--text",
    type=click.Path(path_type=Path),
    help="本单位撰写的正文（.docx 或 .txt，含六个章节标题），取其一、五、六。",
)
@click.option("--draft", is_flag=True, help="有错误也写出报告，每页页眉和标题标明“草稿”。")
@FORMAT
@FORCE
@click.pass_context
def report(
    ctx: click.Context,
    workbook: Path,
    output: Path | None,
    html_out: Path | None,
    text: Path | None,
    draft: bool,
    fmt: str,
    force: bool,
) -> None:
    """由校验通过的填报表写出可公布的年度报告（Word 和/或网页）。

    标题、开头语和一至六部分按官方顺序；二、三、四为官方表格，数字取自填报表；正文中的数字句子由表格生成。
    不给 --text 时，一、五、六中需本单位撰写之处留有“【请填写……】”。写出前先按 govxl check 校验填报表，
    并按 N1–N11 核对正文与表格。未指定 -o 和 --html 时写出“填报表名-年度报告.docx”。
    退出码：0 已写出；1 有错误（未写出；加 --draft 时写出草稿）；2 无法进行。
    """
    from govxl.document import make_report, render_text

    run = make_report(workbook, output, html_out, text, draft=draft, overwrite=force)
    if fmt == "json":
        click.echo(json.dumps({"files": [run.to_json()]}, ensure_ascii=False, indent=1))
    else:
        click.echo(render_text(run), nl=False)
    ctx.exit(EXIT_FINDINGS if run.report.errors else 0)
