"""Which formulas of a filing its correction workbook keeps live: the template's own (its totals, its live
checks), by (sheet, cell). Any other formula in those sheets is the user's and is written as its text."""

from __future__ import annotations

from govxl.filing import Filing
from govxl.grid import a1, grid_for


def formulas_to_keep(filing: Filing) -> tuple[dict[tuple[str, str], str], list[str]]:
    """The template's own formulas in the filing's sheets by (sheet, cell), and the names of those sheets
    (as the filing names them): what `write_corrections` and `build_corrections` take as `keep`, `sheets`."""
    grid = grid_for(filing.edition)
    keep: dict[tuple[str, str], str] = {}
    for code, ok in filing.formulas_ok.items():
        if ok:
            ref = filing.ref(grid, code)
            keep[(ref.sheet, ref.cell)] = grid.formula_at(code, ref.cell)
    sheets = []
    for sg in grid.sheets:
        name = filing.sheet_names.get(sg.name, sg.name)
        sheets.append(name)
        for check in sg.checks:
            keep.setdefault((name, a1(check.place.row, check.place.col)), grid.check_formula(check.equation))
    return keep, sheets
