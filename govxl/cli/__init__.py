"""Command line: parse, call, render, exit code. Errors become Chinese messages and exit 2, never a traceback.

The commands live in forms.py, checking.py, collecting.py and desk.py, each registered on the group of base.py."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from govxl.cli import checking, collecting, desk, forms  # noqa: F401  (each registers its commands)
from govxl.cli.base import _finishing, cli
from govxl.cli.usage import usage_message
from govxl.errors import EXIT_INTERNAL, EXIT_UNUSABLE, GovxlError, describe

__all__ = ["cli", "main", "usage_message"]


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
        _finishing()  # first: a second Ctrl-C while this is said would end in a traceback
        click.echo("已中止。", err=True)
        # nothing is left to save (outputs are written whole or not at all) and the interpreter's exit hooks
        # can wait forever on a process pool torn down mid-work: leave at once
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
