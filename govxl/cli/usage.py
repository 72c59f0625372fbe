"""A usage error (a bad flag or value) said in Chinese: click's own words are English."""

from __future__ import annotations

import re

import click


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return "参数"
    if isinstance(param, click.Option):
        return " / ".join(param.opts)
    return (param.human_readable_name or param.name or "").rstrip(".")


def _bad_value(exc: click.BadParameter) -> str:
    """click's reason a value is refused, in Chinese (its own words are English)."""
    text = exc.message
    if re.search(r"[\u4e00-\u9fff]", text):  # our own parameter types say it in Chinese already
        return text
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
