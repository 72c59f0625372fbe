"""Properties of `govxl check` over random fills, through real workbook files."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from govxl.checker import check_paths
from govxl.findings import FileReport, Severity
from govxl.grid import grid_for
from govxl.spec import load_edition
from tests.helpers import clean_values, scaled, write

ED = load_edition("2021")
GRID = grid_for("2021")
T3_INPUTS = [c for c in ED.input_codes if ED.cells[c].table == "t3"]
APPLICANTS = ["np", "biz", "sci", "ngo", "law", "other"]
OUTCOMES = [ED.cells[c].row for c in ED.cells["t3_done_np"].parts]  # the 21 outcome rows, as the spec sums them

small = st.integers(min_value=0, max_value=6)


@st.composite
def consistent_fill(draw: st.DrawFn) -> dict[str, Any]:
    values = clean_values()
    for code in ED.input_codes:
        if ED.cells[code].table:
            values[code] = draw(small)
    values["t2_fee_amount"] = draw(st.decimals(0, 500, places=4).map(float))
    values["level"] = draw(st.sampled_from(ED.cover.fields[2].choices))
    if values["level"] not in ED.rule_making_levels[1]:
        for code in ED.rule_making_cells:
            values[code] = 0
    for col in APPLICANTS:
        done = sum(values[f"t3_{row}_{col}"] for row in OUTCOMES)
        carried = draw(st.integers(0, done))
        values[f"t3_carried_{col}"] = carried
        values[f"t3_new_{col}"] = done - carried + values[f"t3_forward_{col}"]
    return values


def check_all(fills: list[dict[str, Any]]) -> list[FileReport]:
    """Each fill written to its own workbook, the workbooks checked in one call (as an office checks its
    units' files): a pass of the schema costs the same for one workbook as for several."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [write(Path(tmp) / f"fill{i}.xlsx", values) for i, values in enumerate(fills)]
        reports = check_paths(paths)
    assert not [r.problem for r in reports if r.problem]
    return reports


SETTINGS = settings(max_examples=scaled(6), deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEVERAL = {"min_size": 2, "max_size": 4}


@pytest.mark.slow
@SETTINGS
@given(st.lists(consistent_fill(), **SEVERAL))
def test_consistent_fills_pass(fills: list[dict[str, Any]]) -> None:
    for r in check_all(fills):
        assert r.valid, [f.message for f in r.findings]
        assert not [f for f in r.findings if f.severity is not Severity.INFO]


CHANGE = st.tuples(
    consistent_fill(),
    st.sampled_from(T3_INPUTS),
    st.one_of(
        st.integers(-50, 50).filter(bool),
        st.floats(-10, 10, allow_nan=False).filter(lambda x: abs(x) > 1e-3),
    ),
)


@pytest.mark.slow
@SETTINGS
@given(st.lists(CHANGE, **SEVERAL))
def test_any_single_change_in_table_3_is_caught_at_that_cell(
    changes: list[tuple[dict[str, Any], str, float]],
) -> None:
    for values, code, delta in changes:
        values[code] = values[code] + delta
    for r, (_, code, delta) in zip(check_all([values for values, _, _ in changes]), changes, strict=True):
        where = f"{GRID.sheet_of(code).name}!{GRID.address(code)}"
        errors = [f for f in r.findings if f.severity is Severity.ERROR]
        assert any(where in {str(c) for c in f.cells} for f in errors), (code, delta, [f.message for f in errors])
