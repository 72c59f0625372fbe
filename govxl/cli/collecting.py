"""The commands of compilers and evaluators: merge many workbooks, extract published reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from govxl.cli.base import (
    DETECTED_EDITION,
    FORCE,
    FORMAT,
    OUTPUT_DIR,
    _unique,
    cli,
    say_merged,
)
from govxl.errors import EXIT_FINDINGS, EXIT_UNUSABLE, GovxlError


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="汇总结果 .xlsx。")
@click.option("--roster", type=click.Path(path_type=Path), help="应报送单位名单（.csv 或 .xlsx，含填报单位列）。")
@click.option("--include-invalid", is_flag=True, help="有错误的单位也汇总（默认不汇总）。")
@click.option("--year", type=int, help="只汇总这一年度（输入含多个年度时必须指定）。")
@click.option("--agency", default="", help="汇总单位名称，写在结果的封面上。")
@click.option("--jobs", type=click.IntRange(1, 64), help="并行读取的进程数（默认为 CPU 核数）。")
@click.option("--previous", multiple=True, help="上一年度的报表（文件、文件夹或通配符，可多次给出），跨年度核对。")
@FORMAT
@FORCE
@click.pass_context
def merge(
    ctx: click.Context,
    inputs: tuple[str, ...],
    output: Path,
    roster: Path | None,
    include_invalid: bool,
    year: int | None,
    agency: str,
    jobs: int | None,
    previous: tuple[str, ...],
    fmt: str,
    force: bool,
) -> None:
    """汇总多个单位的报表：输入可以是文件、文件夹（含子文件夹中的 .xlsx）或通配符。

    结果包括汇总后的三张表（带公式）、来源明细、问题清单、报送情况和汇总单位名单。
    退出码：0 全部文件已汇总且名单中无未报送；1 有文件未汇总或有单位未报送；2 没有可汇总的单位。
    """
    from govxl.files import output_ends_run
    from govxl.merge import merge as run_merge

    show = sys.stderr.isatty() and fmt == "text"
    with output_ends_run():
        result = run_merge(
            inputs,
            output,
            roster=roster,
            include_invalid=include_invalid,
            jobs=jobs,
            year=year,
            agency=agency,
            overwrite=force,
            progress=show,
            previous=previous,
        )
    say_merged(ctx, result, fmt)


@cli.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="输出的 .xlsx（只抽取一份报告时）。")
@OUTPUT_DIR
@DETECTED_EDITION
@click.option("--check", "run_check", is_flag=True, help="同时按全部规则校验抽取到的数字。")
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    help="上一年度的报表或报告（核对正文的同比变化，需 --check）。",
)
@FORMAT
@FORCE
@click.pass_context
def extract(
    ctx: click.Context,
    reports: tuple[Path, ...],
    output: Path | None,
    output_dir: Path | None,
    edition: str | None,
    run_check: bool,
    previous: Path | None,
    fmt: str,
    force: bool,
) -> None:
    """从公布的年度报告（网页、文本、Word、PDF）抽取三张表，写成 govxl 工作簿。

    找不到的数字报告为缺失，不作推测；公布的总计与按分项计算的对照保留。
    加 --check 时按全部规则校验，并逐句核对正文中的数字与表格（N1–N11）；不加时只列出抽取时的说明，不判断数字。
    写出的工作簿就是公布的报告（总计照公布的填），再 govxl check 它，结果与 --check 相同。
    退出码：0 成功（加 --check 时：没有错误）；1 --check 发现错误；2 有报告无法读取。
    """
    from govxl.checker import filing_findings, sort_findings
    from govxl.extract import extract as run_extract
    from govxl.extract import filing_of, write_extraction
    from govxl.findings import FileReport
    from govxl.report import render_json, render_text

    if output is not None and len(reports) > 1:
        raise GovxlError("抽取多份报告时请用 --output-dir，而不是 -o")
    if output_dir is not None and not output_dir.is_dir():
        raise GovxlError(f"--output-dir 指定的文件夹不存在：{output_dir}")
    last_year = None
    if previous is not None:
        try:
            last_year = filing_of(previous)
        except GovxlError as exc:
            raise GovxlError(f"上年报表无法读取：{exc.message}") from None
    results: list[FileReport] = []
    taken: set[Path] = set()  # outputs of this run: 报告.txt and 报告.pdf must not write one 报告.xlsx
    for path in reports:
        try:
            x = run_extract(path, edition)
            target = output or _unique(output_dir or path.parent, path.stem, taken)
            taken.add(target.resolve())
            if target.resolve() == path.resolve():
                raise GovxlError(f"{path}：输出文件不能与报告同名")
            write_extraction(x, target, overwrite=force)
        except GovxlError as exc:
            results.append(FileReport(str(path), problem=exc.message))
            continue
        # with --check, the same findings `govxl check` gives for the workbook just written
        ordered = filing_findings(x.filing, last_year) if run_check else sort_findings(x.filing, x.findings)
        report = FileReport(str(path), x.edition, x.unit, x.year, ordered, workbook=str(target))
        report.unchecked = not run_check
        results.append(report)
    click.echo(render_json(results) if fmt == "json" else render_text(results, "抽取"), nl=fmt == "json")
    if any(r.problem for r in results):
        ctx.exit(EXIT_UNUSABLE)
    ctx.exit(EXIT_FINDINGS if run_check and any(r.errors for r in results) else 0)
