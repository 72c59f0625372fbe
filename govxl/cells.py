"""The cell map: every code with its sheet, address, kind, labels and formula (`govxl cells`)."""

from __future__ import annotations

from typing import Any

from govxl.grid import grid_for
from govxl.spec import default_edition


def cell_map(edition: str | None = None) -> list[dict[str, Any]]:
    grid = grid_for(edition or default_edition())
    out = []
    for code, cell in grid.edition.cells.items():
        out.append(
            {
                "code": code,
                "sheet": cell.sheet,
                "cell": grid.address(code),
                "kind": cell.kind,
                "value": cell.value,
                "row_labels": list(cell.row_labels),
                "col_labels": list(cell.col_labels),
                "formula": grid.formula(code) if cell.kind == "total" else None,
                "name": grid.defined_name(code),
            }
        )
    return out


def render_text(rows: list[dict[str, Any]]) -> str:
    lines = []
    sheet = None
    for r in rows:
        if r["sheet"] != sheet:
            sheet = r["sheet"]
            lines.append(f"\n【{sheet}】")
        kind = "合计" if r["kind"] == "total" else "填写"
        labels = " / ".join(r["row_labels"] + r["col_labels"])
        formula = f"  {r['formula']}" if r["formula"] else ""
        lines.append(f"{r['cell']:>6}  {kind}  {r['code']:<28} {labels}{formula}")
    return "\n".join(lines).lstrip("\n")


def render_markdown(edition: str | None = None) -> str:
    """docs/cells-<edition>.md: the cell-code reference, generated (a test fails when the file is stale)."""
    grid = grid_for(edition or default_edition())
    ed = grid.edition
    out = [
        f"# 单元格编码表（{ed.edition} 版）",
        "",
        f"<!-- 由 `govxl cells --edition {edition} --format markdown` 生成，请勿手工修改。 -->",
        "",
        f"格式依据：{ed.basis}《{ed.name}》。模板版本 {ed.version}，结构指纹 `{grid.fingerprint}`。",
        "",
        "每个填写格和合计格都有一个稳定的英文编码；模板中每格另有同名的定义名称（前缀 `gx_`），"
        "校验、汇总和抽取都按编码而不是位置识别单元格。",
        "",
    ]
    sheet = None
    for r in cell_map(edition):
        if r["sheet"] != sheet:
            sheet = r["sheet"]
            out += [
                "",
                f"## {sheet}",
                "",
                "| 编码 | 单元格 | 类型 | 行标签 | 列标签 | 公式 |",
                "|---|---|---|---|---|---|",
            ]
        kind = "合计" if r["kind"] == "total" else "填写"
        formula = f"`{r['formula']}`" if r["formula"] else ""
        out.append(
            f"| `{r['code']}` | {r['cell']} | {kind} | {' / '.join(r['row_labels'])} | "
            f"{' / '.join(r['col_labels'])} | {formula} |"
        )
    return "\n".join(out) + "\n"
