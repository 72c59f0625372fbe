"""Command line: parse, call, render, exit code. Errors become Chinese messages and exit 2, never a traceback."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from govxl import __version__
from govxl.errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_UNUSABLE, GovxlError, describe
from govxl.spec import available_editions, default_edition

# click words its help in English whatever the locale: its few headings and notes, said in Chinese
_CLICK_WORDS = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "Aborted!": "已中止。",
    "Show this message and exit.": "显示帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
}


def _click_in_chinese() -> None:
    import click.core
    import click.decorators
    import click.formatting

    def say(text: str) -> str:
        return _CLICK_WORDS.get(text, text)

    for module in (click.core, click.formatting, click.decorators):
        module._ = say  # type: ignore[attr-defined]


_click_in_chinese()


class _EditionOption(click.Option):
    """--edition, whose help says what each edition is and which years it covers, from the editions' own
    data — read only when help is shown, so that starting a command does not load every edition."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from govxl.spec import default_edition, load_edition

        editions = "；".join(
            f"{e}（{load_edition(e).basis}，{load_edition(e).years}）" for e in available_editions()
        )
        if self.default is not None:
            editions += f"。默认：{default_edition()}"
        self.help = f"{self.help}{editions}。"
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = self.help.removesuffix(f"{editions}。")


EDITION = click.option(
    "--edition",
    cls=_EditionOption,
    type=click.Choice(available_editions()),
    default=lambda: default_edition(),
    show_default=False,
    help="表格格式：",
)

F = TypeVar("F", bound=Callable[..., Any])


class _Command(click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示帮助并退出。"
        return option


class _Group(click.Group):
    command_class = _Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


def format_option(*choices: str, help: str = "输出格式。") -> Callable[[F], F]:
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default="text", show_default=True, help=help
    )


FORMAT = format_option("text", "json")
FORCE = click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")
DETECTED_EDITION = click.option(
    "--edition", type=click.Choice(available_editions()), help="指定表格格式（默认按文件自身判断）。"
)
OUTPUT_DIR = click.option(
    "--output-dir", type=click.Path(path_type=Path, file_okay=False), help="输出文件夹（默认与输入同一文件夹）。"
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", message="govxl %(version)s", help="显示版本并退出。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def cli() -> None:
    """govxl：政府信息公开工作年度报告的填报模板、校验、汇总与抽取工具。"""


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="输出的 .xlsx 文件。")
@EDITION
@click.option("--agency", help="预填“填报单位”。")
@click.option("--year", type=int, help="预填“报告年度”。")
@FORCE
def template(output: Path, edition: str, agency: str | None, year: int | None, force: bool) -> None:
    """生成带公式、已锁定的填报模板（与官方表格式一致）。"""
    from govxl.spec import load_edition
    from govxl.workbook import write_template

    if output.suffix.lower() != ".xlsx":
        raise GovxlError(f"输出文件须以 .xlsx 结尾：{output}")
    ed = load_edition(edition)
    if year is not None and not ed.fits_year(year):
        raise GovxlError(f"{year} 年度的报告不适用 {edition} 版格式（适用于 {ed.years}）")
    values: dict[str, object] = {}
    if agency:
        limit = next(f.max_length for f in ed.cover.fields if f.code == "unit")
        if limit and len(agency) > limit:
            raise GovxlError(f"--agency 的填报单位长达 {len(agency)} 字，超过 {limit} 字：请只填写机关全称")
        values["unit"] = agency
    if year is not None:
        values["year"] = year
    write_template(output, edition, values, overwrite=force)
    click.echo(f"已生成填报模板：{output}（{edition} 版）")


@cli.command()
@EDITION
@format_option("text", "json", "markdown", help="输出格式（markdown 即 docs/ 中的编码表）。")
@click.option("--list-editions", "list_editions", is_flag=True, help="只列出现有的表格格式（JSON）。")
def cells(edition: str, fmt: str, list_editions: bool) -> None:
    """列出单元格编码表：每个填写格和合计格的编码、位置、标签和公式。"""
    from govxl.cells import cell_map, render_markdown, render_text

    if list_editions:
        from govxl.spec import load_edition

        eds = [load_edition(e) for e in available_editions()]
        listed = [
            {
                "edition": ed.edition,
                "basis": ed.basis,
                "years": ed.years,
                "default": ed.edition == default_edition(),
            }
            for ed in eds
        ]
        click.echo(json.dumps(listed, ensure_ascii=False, indent=1))
    elif fmt == "json":
        click.echo(json.dumps(cell_map(edition), ensure_ascii=False, indent=1))
    elif fmt == "markdown":
        click.echo(render_markdown(edition), nl=False)
    else:
        click.echo(render_text(cell_map(edition)))


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
@format_option("text", "json", "markdown", help="输出格式（markdown 即 docs/rules.md）。")
def rules(fmt: str) -> None:
    """列出全部校验规则：编号、严重程度、说明。"""
    from govxl.rules import CATALOGUE, render_markdown

    if fmt == "markdown":
        click.echo(render_markdown(), nl=False)
    elif fmt == "json":
        rows = [
            {
                "id": r.id,
                "severity": r.severity.value,
                "severity_zh": r.severity.chinese,
                "scope": r.scope,
                "title": r.title,
                "message": r.template,
                "rationale": r.rationale,
            }
            for r in CATALOGUE
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in CATALOGUE:
            click.echo(f"{r.id:<6} {r.severity.chinese}  [{r.scope}] {r.title}")


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
    from govxl.merge import merge as run_merge
    from govxl.merge import summary_json, summary_text

    show = sys.stderr.isatty() and fmt == "text"
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
    _finishing()  # the consolidated workbook is written: its summary is said whatever comes now
    if fmt == "json":
        click.echo(json.dumps(summary_json(result), ensure_ascii=False, indent=1))
    else:
        click.echo(summary_text(result), nl=False)
    ctx.exit(result.exit_code)


class _LazyGroup(_Group):
    """A command group whose commands live in another module, imported only when the group is used, so that
    `govxl --help` does not pay for importing it (and SQLAlchemy)."""

    def __init__(self, *args: Any, module: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.module = module

    def _real(self) -> click.Group:
        import importlib

        group: click.Group = importlib.import_module(self.module).group
        return group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._real().get_command(ctx, name)


cli.add_command(
    _LazyGroup(
        "archive",
        module="govxl.archive.cli",
        help="档案：保存每个单位每年报送并校验过的报表，查询报送情况、历年记录，导出汇总。",
        short_help="报表档案：归档、报送情况、历年记录、导出汇总",
    )
)


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


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return "参数"
    if isinstance(param, click.Option):
        return " / ".join(param.opts)
    return (param.human_readable_name or param.name or "").rstrip(".")


def _bad_value(exc: click.BadParameter) -> str:
    """click's reason a value is refused, in Chinese (its own words are English)."""
    text = exc.message
    quoted = re.findall(r"'([^']*)'", text)
    value = f"“{quoted[0]}”" if quoted else "所给的值"
    param = exc.param
    if param is not None and isinstance(param.type, click.Choice):
        return f"{value}不是可选的值（可选：{'、'.join(str(c) for c in param.type.choices)}）"
    for english, chinese in (
        ("is not a valid integer", "不是整数"),
        ("is not a valid float", "不是数字"),
        ("is not a valid boolean", "不是是/否值"),
        ("does not exist", "不存在"),
        ("is a directory", "是文件夹，应为文件"),
        ("is a file", "是文件，应为文件夹"),
        ("is not readable", "无法读取"),
        ("is not writable", "无法写入"),
        ("is not in the range", "超出允许的范围"),
    ):
        if english in text:
            return value + chinese
    return f"{value}无效"


def usage_message(exc: click.UsageError) -> str:
    """A usage error as a Chinese sentence: click words its errors in English whatever the locale."""
    if isinstance(exc, click.MissingParameter):
        kind = "选项" if isinstance(exc.param, click.Option) else "参数"
        return f"缺少{kind} {_param_name(exc.param)}"
    if isinstance(exc, click.NoSuchOption):
        maybe = sorted(p for p in exc.possibilities or () if p not in ("--help", "-h"))
        return f"没有选项 {exc.option_name}" + (f"，是否要用 {'、'.join(maybe)}？" if maybe else "")
    if isinstance(exc, click.BadOptionUsage):
        if "requires an argument" in exc.message:
            return f"选项 {exc.option_name} 后面缺少取值"
        return f"选项 {exc.option_name} 的用法有误"
    if isinstance(exc, click.BadParameter):
        return f"{_param_name(exc.param)} 的值无效：{_bad_value(exc)}"
    text = exc.message
    if match := re.match(r"No such command '(.*)'", text):
        group = exc.ctx.command if exc.ctx else None
        names = "、".join(group.list_commands(exc.ctx)) if exc.ctx and isinstance(group, click.Group) else ""
        return f"没有命令 {match.group(1)}" + (f"（可用的命令：{names}）" if names else "")
    if match := re.match(r"Got unexpected extra arguments? \((.*)\)", text):
        return f"多余的参数：{match.group(1)}"
    if re.search(r"[A-Za-z]{3}", text):
        return "参数不符合命令的用法"
    return text


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point of the `govxl` command."""
    try:
        result = cli.main(args=argv, prog_name="govxl", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.UsageError as exc:
        hint = f"（运行 {exc.ctx.command_path} --help 查看用法）" if exc.ctx else ""
        click.echo(f"错误：命令参数有误：{usage_message(exc)}{hint}", err=True)
        code = EXIT_UNUSABLE
    except click.Abort:
        click.echo("已中止。", err=True)
        # nothing is left to save (outputs are written whole or not at all) and the interpreter's exit hooks
        # can wait forever on a process pool torn down mid-work: leave at once
        _finishing()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_UNUSABLE)
    except GovxlError as exc:
        click.echo(f"错误：{exc.message}", err=True)
        code = exc.exit_code
    except Exception as exc:  # a bug of ours: say so plainly, still no traceback
        where = f"{type(exc).__module__}.{type(exc).__qualname__}"  # for the maintainers, who read the code
        click.echo(
            f"govxl 内部错误（{describe(exc)}；代码位置 {where}）。请把所用命令和文件报告给维护者。", err=True
        )
        code = EXIT_INTERNAL
    _finishing()
    sys.exit(code)


def _unique(folder: Path, stem: str, taken: set[Path]) -> Path:
    """folder/stem.xlsx, or stem(2).xlsx, stem(3).xlsx … when an earlier report of the same run has it."""
    target, n = folder / f"{stem}.xlsx", 1
    while target.resolve() in taken:
        n += 1
        target = folder / f"{stem}({n}).xlsx"
    return target


def _finishing() -> None:
    """The work is done (its output written, its summary printed or being printed): a Ctrl-C now would only
    turn a finished run into a reported failure, so it is ignored from here on."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
