"""The cell map: every code with its sheet, address, kind, labels and formula (`govxl cells`)."""

from __future__ import annotations

from typing import Any

from govxl.grid import grid_for


def cell_map(edition: str = "2021") -> list[dict[str, Any]]:
    grid = grid_for(edition)
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
