"""The same findings whether a workbook was filled by openpyxl (no stored totals), recalculated by a real
LibreOffice or Gnumeric (real stored totals), or had a total typed over (reported at that cell)."""

from __future__ import annotations

import functools
from pathlib import Path

import openpyxl
import pytest

from govxl.checker import check_paths
from tests.conftest import LibreOfficeFill, Recalc
from tests.helpers import T3, OpenpyxlFiller

pytestmark = pytest.mark.soffice


@functools.cache
def _filler() -> OpenpyxlFiller:
    return OpenpyxlFiller("2021")


def fill_by_openpyxl(path: Path, values: dict) -> Path:
    return _filler().fill(path, values)


def detailed(report) -> set[tuple]:
    return {(*f.compact(), f.severity.value, f.message, str(f.expected), str(f.actual)) for f in report.findings}


@pytest.fixture(scope="module")
def filled(libreoffice_fills: list[LibreOfficeFill]) -> dict[str, tuple[list[Path], list[Path]]]:
    """Each test's fills as openpyxl saved them and as LibreOffice recalculated them (the suite's one batch):
    the clean fill and four random ones; for Gnumeric the clean one, one that breaks the identities and one
    that keeps them."""
    chosen = {"agree": libreoffice_fills[:5], "gnumeric": [libreoffice_fills[i] for i in (0, 2, 1)]}
    return {test: ([f.saved for f in fills], [f.recalculated for f in fills]) for test, fills in chosen.items()}


def test_openpyxl_libreoffice_and_typed_over_agree(
    tmp_path: Path, filled: dict[str, tuple[list[Path], list[Path]]]
) -> None:
    src, recalculated = filled["agree"]
    by_openpyxl = check_paths(src)
    by_libreoffice = check_paths(recalculated)
    assert any(r.errors for r in by_openpyxl) and any(r.valid for r in by_openpyxl)
    for a, b in zip(by_openpyxl, by_libreoffice, strict=True):
        assert not a.problem and not b.problem
        assert detailed(a) == detailed(b), a.path

    # type a number over 一 总计 in two LibreOffice-recalculated copies (one clean, one not): reported at J5,
    # the rest unchanged
    typed = []
    for path in recalculated[:2]:
        wb = openpyxl.load_workbook(path)
        wb[T3]["J5"] = 9999
        typed.append(tmp_path / f"typed_{path.name}")
        wb.save(typed[-1])
    for before, after in zip(by_libreoffice[:2], check_paths(typed), strict=True):
        assert not after.problem, after.problem
        at_j5 = {f.rule for f in after.findings if f.compact()[1:] == (T3, "J5")}
        assert {"S2", "R3.3"} <= at_j5
        # every finding that does not concern J5 is still there
        untouched = {f.compact() for f in before.findings if f"{T3}!J5" not in {str(c) for c in f.cells}}
        assert untouched <= {f.compact() for f in after.findings}


def test_a_gnumeric_resave_is_still_the_template(
    tmp_path: Path, filled: dict[str, tuple[list[Path], list[Path]]], gnumeric_recalc: Recalc
) -> None:
    """Gnumeric drops the custom document properties of a workbook last saved by openpyxl: the template is then
    recognised by its names and labels (no M1), and every finding is the LibreOffice copy's."""
    from govxl.xlsx import open_workbook

    src, recalculated = filled["gnumeric"]
    by_gnumeric = gnumeric_recalc(src, tmp_path / "gnumeric")
    by_libreoffice = check_paths(recalculated)
    assert all(not open_workbook(p.read_bytes()).properties for p in by_gnumeric)  # what Gnumeric does
    reports = check_paths(by_gnumeric)
    assert not any(f.rule == "M1" for r in reports for f in r.findings)
    assert reports[0].valid and not reports[1].valid
    for a, b in zip(reports, by_libreoffice, strict=True):
        assert not a.problem and not b.problem
        assert detailed(a) == detailed(b), a.path
