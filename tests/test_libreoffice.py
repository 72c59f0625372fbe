"""A real LibreOffice recalculates templates filled by openpyxl; its results must equal govxl's arithmetic,
and the template's protection, validation, merges and names must survive its round trip."""

from __future__ import annotations

import io
import random
from pathlib import Path

import openpyxl
import pytest

from govxl.grid import CHECK_BROKEN, CHECK_OK, col_letter, grid_for
from govxl.spec import Edition, compute_totals, load_edition
from govxl.workbook import render
from tests.conftest import LibreOfficeFill, Recalc
from tests.helpers import random_fill, sheet_values
from tests.test_template import editable_cells, validated_cells

pytestmark = pytest.mark.soffice


def expected_checks(ed: Edition, values: dict[str, float]) -> dict[tuple[str, int], str]:
    totals = compute_totals(ed, values)
    grid = grid_for(ed.edition)
    out = {}
    for sg in grid.sheets:
        for check in sg.checks:
            eq = check.equation

            def side(codes: tuple[str, ...]) -> float:
                return sum(totals[c] if c in totals else values.get(c, 0) for c in codes)

            ok = abs(side(eq.lhs) - side(eq.rhs)) < 1e-9
            out[(sg.name, check.place.row, check.place.col)] = CHECK_OK if ok else CHECK_BROKEN
    return out


@pytest.fixture(scope="module")
def recalculated(libreoffice_fills: list[LibreOfficeFill]) -> list[tuple[dict, Path]]:
    """The random fills (half consistent), as LibreOffice recalculated them."""
    return [(fill.values, fill.recalculated) for fill in libreoffice_fills[1:]]


def test_libreoffice_totals_and_checks_equal_python(recalculated: list[tuple[dict, Path]]) -> None:
    ed = load_edition("2021")
    grid = grid_for("2021")
    broken_fills = 0
    for values, path in recalculated:
        cells = sheet_values(path)
        for code, total in compute_totals(ed, values).items():
            got = cells.get((grid.sheet_of(code).name, grid.address(code)))
            assert got == pytest.approx(total, abs=1e-9), (path.name, code)
        expected = expected_checks(ed, values)
        for (sheet, row, col), want in expected.items():
            assert cells.get((sheet, f"{col_letter(col)}{row + 1}")) == want, (path.name, sheet, row, col)
        broken_fills += CHECK_BROKEN in expected.values()
    # the random half breaks the identity, the consistent half keeps it
    assert broken_fills >= len(recalculated) // 2 - 1
    assert broken_fills < len(recalculated)


def test_structure_survives_libreoffice_round_trip(recalculated: list[tuple[dict, Path]]) -> None:
    original = openpyxl.load_workbook(io.BytesIO(render("2021")))
    _, path = recalculated[0]
    after = openpyxl.load_workbook(path)
    assert after.sheetnames == original.sheetnames
    for name in original.sheetnames:
        a, b = original[name], after[name]
        assert b.protection.sheet, name
        assert editable_cells(b) == editable_cells(a), name
        assert set(validated_cells(b)) >= set(validated_cells(a)), name
        assert {str(r) for r in b.merged_cells.ranges} == {str(r) for r in a.merged_cells.ranges}, name
    before = {n: list(d.destinations) for n, d in original.defined_names.items()}
    kept = {n: list(d.destinations) for n, d in after.defined_names.items() if n.startswith("gx_")}
    assert kept == before


STALE = 987654  # no total of a fill comes near it


def test_libreoffice_computes_every_formula_whatever_results_the_file_stores(
    tmp_path: Path, recalc: Recalc
) -> None:
    """The file says every formula came to 987654: LibreOffice must compute the totals (its profile forces a
    recalculation on load, and the service asks for one), not pass on what the file says. A fill saved by
    openpyxl stores no results at all, so the test above could not tell."""
    import re
    import zipfile

    from tests.helpers import patch_package

    ed = load_edition("2021")
    values = random_fill(ed, random.Random(7), consistent=True)
    data = render("2021", values)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]

    def stale(xml: str) -> str:
        return re.sub(r"(<f>[^<]*</f>)<v>[^<]*</v>", rf"\1<v>{STALE}</v>", xml)

    src = tmp_path / "stale.xlsx"
    src.write_bytes(patch_package(data, dict.fromkeys(sheets, stale)))
    grid = grid_for("2021")
    totals = compute_totals(ed, values)
    where = {code: (grid.sheet_of(code).name, grid.address(code)) for code in totals}
    before = sheet_values(src)
    assert all(before[where[code]] == STALE for code in totals)  # what the file says
    (out,) = recalc([src], tmp_path / "lo")
    after = sheet_values(out)
    for code, total in totals.items():
        assert after.get(where[code]) == pytest.approx(total, abs=1e-9), code
    assert not [v for v in after.values() if v in (STALE, str(STALE))]
