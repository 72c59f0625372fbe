"""The same findings whether a workbook was filled by openpyxl (no stored totals), recalculated by a real
LibreOffice or Gnumeric (real stored totals), or had a total typed over (reported at that cell)."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import openpyxl
import pytest

from govxl.checker import check_paths
from govxl.spec import load_edition
from tests.conftest import Recalc
from tests.helpers import T3, OpenpyxlFiller, clean_values
from tests.test_libreoffice import random_fill

pytestmark = pytest.mark.soffice


@functools.cache
def _filler() -> OpenpyxlFiller:
    return OpenpyxlFiller("2021")


def fill_by_openpyxl(path: Path, values: dict) -> Path:
    return _filler().fill(path, values)


def detailed(report) -> set[tuple]:
    return {(*f.compact(), f.severity.value, f.message, str(f.expected), str(f.actual)) for f in report.findings}


def _fills() -> dict[str, list[dict]]:
    ed = load_edition("2021")
    rng = random.Random(7)
    agree = [clean_values()]
    for i in range(4):
        values = {**clean_values(), **random_fill(ed, rng, consistent=i % 2 == 0)}
        values["level"] = "设区的市人民政府"  # random fills put numbers in 规章
        agree.append(values)
    rng = random.Random(11)
    gnumeric = [clean_values(), {**clean_values(), "t3_new_np": 13}]
    gnumeric.append({**clean_values(), **random_fill(ed, rng, consistent=False), "level": "设区的市人民政府"})
    return {"agree": agree, "gnumeric": gnumeric}


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, recalc: Recalc) -> dict[str, tuple[list[Path], list[Path]]]:
    """Each test's fills saved by openpyxl, and the same files recalculated by LibreOffice: all in one call."""
    src: dict[str, list[Path]] = {}
    for test, fills in _fills().items():
        folder = tmp_path_factory.mktemp(test)
        src[test] = [fill_by_openpyxl(folder / f"{test}{i}.xlsx", v) for i, v in enumerate(fills)]
    every = [p for paths in src.values() for p in paths]
    by_lo = dict(zip(every, recalc(every, tmp_path_factory.mktemp("lo")), strict=True))
    return {test: (paths, [by_lo[p] for p in paths]) for test, paths in src.items()}


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
