"""The template as openpyxl sees it: protection, validation, formulas, names, properties, determinism."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.cell_range import CellRange

from govxl.grid import grid_for
from govxl.spec import PROP_EDITION, PROP_FINGERPRINT, PROP_VERSION, load_edition
from govxl.workbook import render, write_template
from tests.official_labels import T3_SHEET


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render("2021")))


def editable_cells(ws: openpyxl.worksheet.worksheet.Worksheet) -> set[str]:
    """Every cell a user can type into: unlocked and not hidden inside a merge."""
    hidden = set()
    for rng in ws.merged_cells.ranges:
        for row, col in list(rng.cells)[1:]:
            hidden.add(ws.cell(row, col).coordinate)
    return {
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if not c.protection.locked and c.coordinate not in hidden and not isinstance(c, openpyxl.cell.MergedCell)
    }


def validated_cells(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, object]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row, col in CellRange(rng.coord).cells:
                out[ws.cell(row, col).coordinate] = dv
    return out


def test_every_sheet_protected_and_only_inputs_unlocked(book: openpyxl.Workbook) -> None:
    grid = grid_for("2021")
    ed = grid.edition
    for sg in grid.sheets:
        ws = book[sg.name]
        assert ws.protection.sheet, sg.name
        inputs = {grid.address(code) for code in sg.cells if ed.cells[code].kind == "input"}
        assert editable_cells(ws) == inputs, sg.name
    # an independent count: 5 cover entries, 10 in table 二, 6*24 in table 三, 12 in table 四
    assert sum(len(editable_cells(book[n])) for n in book.sheetnames) == 5 + 10 + 144 + 12


def test_every_input_validated(book: openpyxl.Workbook) -> None:
    ed = load_edition("2021")
    grid = grid_for("2021")
    for sg in grid.sheets:
        ws = book[sg.name]
        rules = validated_cells(ws)
        for code in sg.cells:
            cell = ed.cells[code]
            if cell.kind != "input":
                continue
            dv = rules.get(grid.address(code))
            assert dv is not None, code
            assert dv.showErrorMessage and dv.error and dv.prompt, code
            if cell.value == "count":
                assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0"), code
            elif cell.value == "amount":
                assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0"), code
    level = validated_cells(book["封面"])[grid.address("level")]
    assert level.type == "list" and "乡镇人民政府、街道办事处" in level.formula1


def test_every_total_is_a_formula_of_its_parts(book: openpyxl.Workbook) -> None:
    ws = book[T3_SHEET]
    # spot checks written by hand, independent of the spec
    assert ws["J5"].value == "=SUM(D5:I5)"  # 一 总计
    assert ws["D28"].value == "=SUM(D7:D27)"  # （七）总计 自然人
    assert ws["J28"].value == "=SUM(D28:I28)"
    t4 = book["四、政府信息公开行政复议、行政诉讼情况"]
    assert [t4[c].value for c in ("E5", "J5", "O5")] == ["=SUM(A5:D5)", "=SUM(F5:I5)", "=SUM(K5:N5)"]
    grid = grid_for("2021")
    for code in grid.edition.total_codes:
        value = book[grid.sheet_of(code).name][grid.address(code)].value
        assert isinstance(value, str) and value.startswith("=SUM("), code


def test_defined_names_resolve_to_their_cells(book: openpyxl.Workbook) -> None:
    grid = grid_for("2021")
    names = dict(book.defined_names.items())
    assert len(names) == len(grid.edition.cells)
    for code in grid.edition.cells:
        dn = names[f"gx_{code}"]
        ((sheet, ref),) = list(dn.destinations)
        assert sheet == grid.sheet_of(code).name
        assert ref.replace("$", "") == grid.address(code)


def test_properties_print_setup_and_live_checks(book: openpyxl.Workbook) -> None:
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert props[PROP_EDITION] == "2021"
    assert props[PROP_VERSION] == load_edition("2021").version
    assert props[PROP_FINGERPRINT] == grid_for("2021").fingerprint
    for name in book.sheetnames[1:]:
        ws = book[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        # one page wide (1 is the default, so it may be omitted), as many pages tall as needed
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert book[T3_SHEET].print_title_rows == "$2:$4"
    t3 = book[T3_SHEET]
    checks = [t3.cell(32, c).value for c in range(4, 11)]
    assert checks[0] == '=IF(SUM(D5:D6)=SUM(D28:D29),"相符","不符")'
    assert all(isinstance(v, str) and v.startswith("=IF(") for v in checks)
    rules = [r for cf in t3.conditional_formatting for r in cf.rules]
    assert any(r.formula == ['"不符"'] for r in rules)


def test_two_runs_are_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_template(a)
    write_template(b)
    assert a.read_bytes() == b.read_bytes()
    filled = {"unit": "某单位", "year": 2024, "t3_new_np": 3}
    assert render("2021", filled) == render("2021", filled)


def test_existing_output_is_not_overwritten(tmp_path: Path) -> None:
    from govxl.errors import GovxlError

    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"precious")
    with pytest.raises(GovxlError, match="已存在"):
        write_template(out)
    assert out.read_bytes() == b"precious"
