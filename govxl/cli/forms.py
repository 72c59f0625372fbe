"""The commands about the form itself: template, cells, rules."""

from __future__ import annotations

import json
from pathlib import Path

import click

from govxl.cli.base import (
    EDITION,
    FORCE,
    cli,
    format_option,
)
from govxl.errors import GovxlError
from govxl.spec import available_editions, default_edition


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="输出的 .xlsx 文件。")
@EDITION
@click.option("--agency", help="预填“填报单位”。")
@click.option("--year", type=int, help="预填“报告年度”。")
@FORCE
def template(output: Path, edition: str | None, agency: str | None, year: int | None, force: bool) -> None:
    """生成带公式、已锁定的填报模板（与官方表格式一致）。"""
    from govxl.spec import load_edition
    from govxl.workbook import write_template

    edition = edition or default_edition()
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
