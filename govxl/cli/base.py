"""What every command shares: click in Chinese, the common options, the command group."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from govxl import __version__
from govxl.files import ignore_interrupts
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


class _EditionType(click.ParamType[str]):
    """An edition name, checked against the editions' data files when a command runs — not when the command
    line module is imported, which must never fail (a bad GOVXL_EDITIONS_DIR is a message, not a crash)."""

    name = "edition"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return "[" + "|".join(available_editions()) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        known = available_editions()
        if value in known:
            return str(value)
        self.fail(f"“{value}”不是可选的值（可选：{'、'.join(known)}）", param, ctx)


class _EditionOption(click.Option):
    """--edition, whose help says what each edition is and which years it covers, from the editions' own
    data — read only when help is shown, so that starting a command does not load every edition."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from govxl.spec import load_edition

        editions = "；".join(
            f"{e}（{load_edition(e).basis}，{load_edition(e).years}）" for e in available_editions()
        )
        editions += f"。默认：{default_edition()}"
        self.help = f"{self.help}{editions}。"
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = self.help.removesuffix(f"{editions}。")


EDITION = click.option(
    "--edition",
    cls=_EditionOption,
    type=_EditionType(),
    default=None,
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
DETECTED_EDITION = click.option("--edition", type=_EditionType(), help="指定表格格式（默认按文件自身判断）。")
OUTPUT_DIR = click.option(
    "--output-dir", type=click.Path(path_type=Path, file_okay=False), help="输出文件夹（默认与输入同一文件夹）。"
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", message="govxl %(version)s", help="显示版本并退出。")
@click.help_option("-h", "--help", help="显示帮助并退出。")
def cli() -> None:
    """govxl：政府信息公开工作年度报告的填报模板、校验、汇总与抽取工具。"""


def _unique(folder: Path, stem: str, taken: set[Path]) -> Path:
    """folder/stem.xlsx, or stem(2).xlsx, stem(3).xlsx … when an earlier report of the same run has it."""
    target, n = folder / f"{stem}.xlsx", 1
    while target.resolve() in taken:
        n += 1
        target = folder / f"{stem}({n}).xlsx"
    return target


def _finishing() -> None:
    """The work is done (its output written, its summary printed or being printed): a Ctrl-C now would only
    turn a finished run into a reported failure, so it is ignored from here on (with nothing left to import:
    a second Ctrl-C landing in an import here would end the command with a traceback)."""
    ignore_interrupts()


def say_merged(ctx: click.Context, result: Any, fmt: str) -> NoReturn:
    """A consolidated workbook is written (govxl merge, govxl archive export): its summary is said, whatever
    comes now, and the command ends with the merge's exit code."""
    from govxl.merge import summary_json, summary_text

    _finishing()
    if fmt == "json":
        click.echo(json.dumps(summary_json(result), ensure_ascii=False, indent=1))
    else:
        click.echo(summary_text(result), nl=False)
    ctx.exit(result.exit_code)
