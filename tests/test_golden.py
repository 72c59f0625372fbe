"""Golden semantic dumps of the generated templates: every label, merge, lock, formula, validation, name and
print setting, as text a reviewer can read in a diff. Regenerate only on purpose:

    GOVXL_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import io
import os

import openpyxl
import pytest

from govxl.spec import available_editions
from govxl.workbook import render
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


def dump(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out = [f"sheets: {wb.sheetnames}"]
    props = sorted((p.name, str(p.value)) for p in wb.custom_doc_props.props)
    out.append(f"properties: {props}")
    out.append("names:")
    out += [f"  {n} = {d.attr_text}" for n, d in sorted(wb.defined_names.items())]
    for ws in wb.worksheets:
        ps = ws.page_setup
        out += [
            "",
            f"[{ws.title}] protected={ws.protection.sheet} orientation={ps.orientation} paper={ps.paperSize} "
            f"fit={ws.sheet_properties.pageSetUpPr.fitToPage} print_area={ws.print_area} "
            f"title_rows={ws.print_title_rows} freeze={ws.freeze_panes}",
            "merges: " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)),
        ]
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c, openpyxl.cell.MergedCell):
                    continue
                unlocked = not c.protection.locked
                if c.value is None and not unlocked:
                    continue
                flag = "input " if unlocked else ""
                out.append(f"  {c.coordinate}: {flag}{c.value!r}")
        for dv in sorted(ws.data_validations.dataValidation, key=lambda d: str(d.sqref)):
            out.append(
                f"  validation {dv.type} {dv.operator} {dv.formula1} {dv.formula2} on {dv.sqref} "
                f"| {dv.promptTitle}: {dv.prompt} | {dv.errorTitle}: {dv.error}"
            )
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                out.append(f"  conditional {cf.sqref} {rule.type} {rule.operator} {rule.formula}")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("edition", available_editions())
def test_template_matches_its_golden_dump(edition: str) -> None:
    path = GOLDEN / f"template-{edition}.txt"
    now = dump(render(edition))
    if os.environ.get("GOVXL_UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(now, encoding="utf-8")
    assert path.exists(), f"no golden dump yet: GOVXL_UPDATE_GOLDEN=1 python -m pytest {__file__}"
    assert now == path.read_text(encoding="utf-8"), (
        f"the {edition} template changed; review, then regenerate with GOVXL_UPDATE_GOLDEN=1"
    )
