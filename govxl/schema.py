"""Spec -> pandera DataFrameSchema: one row per unit, one column per cell code; every table rule a named check.

All units of an edition are validated in one vectorised pass. A check's name is `rule|key`; failure_cases name
the unit (row) and the check, and `Failure` carries that back for the rule catalogue to turn into findings.
pandas and pandera are imported here only, so commands that do not validate stay fast to start.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from govxl.spec import Edition, Equation, load_edition

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

TOLERANCE = 1e-6
LEVEL = "level"


def cached_col(code: str) -> str:
    return f"cached:{code}"


def formula_col(code: str) -> str:
    return f"formula:{code}"


@dataclass(frozen=True)
class Failure:
    row: int  # position of the unit in the frame
    rule: str
    key: str  # what the check is about: an equation number, or ""
    columns: tuple[str, ...]  # the failing columns, for checks over many columns


def total_order(ed: Edition) -> tuple[str, ...]:
    """Totals in an order where every part is computed before the total that sums it."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(code: str) -> None:
        if code in seen or ed.cells[code].kind != "total":
            return
        seen.add(code)
        for p in ed.cells[code].parts:
            visit(p)
        done.append(code)

    for code in ed.total_codes:
        visit(code)
    return tuple(done)


def build_frame(ed: Edition, rows: Sequence[Any]) -> pd.DataFrame:
    """The units as one frame. `rows` are Filings (anything with inputs, typed_totals, formulas_ok, cached,
    cover). Totals are recomputed from the inputs, except where the unit typed a number over the formula:
    there the typed number is what the sheet shows, and the rules judge that."""
    import numpy as np
    import pandas as pd

    level_field, _ = ed.rule_making_levels
    inputs = list(ed.input_codes)
    data: dict[str, Any] = {
        code: np.fromiter((r.inputs.get(code, math.nan) for r in rows), float, len(rows)) for code in inputs
    }
    for code in total_order(ed):
        parts = np.vstack([data[p] for p in ed.cells[code].parts])
        computed = parts.sum(axis=0)
        typed = np.fromiter((r.typed_totals.get(code, math.nan) for r in rows), float, len(rows))
        is_typed = np.fromiter((code in r.typed_totals for r in rows), bool, len(rows))
        data[code] = np.where(is_typed, typed, computed)
    for code in ed.total_codes:
        data[cached_col(code)] = np.fromiter((r.cached.get(code, math.nan) for r in rows), float, len(rows))
        data[formula_col(code)] = np.fromiter((r.formulas_ok.get(code, True) for r in rows), bool, len(rows))
    data[LEVEL] = [str(r.cover.get(level_field) or "") for r in rows]
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _equation_check(eq: Equation) -> Callable[[pd.DataFrame], pd.Series]:
    lhs, rhs = list(eq.lhs), list(eq.rhs)

    def check(df: pd.DataFrame) -> pd.Series:
        left = df[lhs].sum(axis=1, skipna=False)
        right = df[rhs].sum(axis=1, skipna=False)
        if eq.op == "<=":
            ok = left <= right + TOLERANCE
        elif eq.op == ">=":
            ok = left >= right - TOLERANCE
        else:
            ok = (left - right).abs() <= TOLERANCE
        # a cell that is not a number is already an error of its own; the equation cannot be judged
        return ok | left.isna() | right.isna()

    return check


_VALUE_CHECKS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "count": lambda s: s.isna() | ((s >= 0) & (s % 1 == 0)),
    "amount": lambda s: s.isna() | (s >= 0),
    "signed": lambda s: s.isna() | (s % 1 == 0),
}


def _rule_power_check(code: str, levels: tuple[str, ...], known: bool) -> Callable[[pd.DataFrame], pd.Series]:
    def check(df: pd.DataFrame) -> pd.Series:
        has_level = df[LEVEL] != ""
        exempt = (~has_level | df[LEVEL].isin(levels)) if known else has_level
        return df[code].isna() | (df[code] == 0) | exempt

    return check


def _cached_check(code: str) -> Callable[[pd.DataFrame], pd.Series]:
    stored, formula = cached_col(code), formula_col(code)

    def check(df: pd.DataFrame) -> pd.Series:
        same = (df[stored] - df[code]).abs() <= TOLERANCE
        # no stored result (files saved by openpyxl), or a typed-over total (S2 says so), is not judged here
        return same | df[stored].isna() | df[code].isna() | ~df[formula]

    return check


@cache
def build_schema(edition: str) -> pa.DataFrameSchema:
    import pandera.pandas as pa

    ed = load_edition(edition)
    columns: dict[str, pa.Column] = {}
    hinted = {code: rule for t in ed.tables for rule, cells in t.hints for code in cells}
    for code in ed.input_codes:
        cell = ed.cells[code]
        rule = ed.table(cell.table).value_rule
        checks = [pa.Check(_VALUE_CHECKS[cell.value], name=f"{rule}|")]
        if code in hinted:
            checks.append(pa.Check(lambda s: s.isna() | (s == 0), name=f"{hinted[code]}|"))
        columns[code] = pa.Column(float, checks=checks, nullable=True)
    for code in ed.total_codes:
        checks = [pa.Check(lambda s: s.isna() | (s == 0), name=f"{hinted[code]}|")] if code in hinted else []
        columns[code] = pa.Column(float, checks=checks, nullable=True)
        columns[cached_col(code)] = pa.Column(float, nullable=True)
        columns[formula_col(code)] = pa.Column(bool, checks=[pa.Check(lambda s: s, name="S2|")])
    columns[LEVEL] = pa.Column(str)
    # frame-level checks return one boolean per unit; their names carry what they are about
    frame_checks = [pa.Check(_equation_check(eq), name=f"{eq.rule}|{i}") for i, eq in enumerate(ed.equations)]
    _, levels = ed.rule_making_levels
    for code in ed.rule_making_cells:
        frame_checks.append(pa.Check(_rule_power_check(code, levels, known=True), name=f"R2.2|{code}"))
        frame_checks.append(pa.Check(_rule_power_check(code, levels, known=False), name=f"R2.2U|{code}"))
    frame_checks += [pa.Check(_cached_check(code), name=f"S3|{code}") for code in ed.total_codes]
    return pa.DataFrameSchema(columns=columns, checks=frame_checks, name=f"govxl-{edition}", strict=True)


def validate(edition: str, frame: pd.DataFrame) -> list[Failure]:
    """Every failed check of every unit, in one pandera pass."""
    import pandera.pandas as pa

    try:
        build_schema(edition).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failures(exc.failure_cases)
    return []


def _failures(cases: pd.DataFrame) -> list[Failure]:
    out: list[Failure] = []
    seen: set[tuple[str, int]] = set()
    for check, column, index in zip(cases["check"], cases["column"], cases["index"], strict=True):
        if not isinstance(check, str) or "|" not in check:
            raise RuntimeError(f"unexpected schema failure: {check} at {index} in {column}")
        rule, key = check.split("|", 1)
        if key:  # a frame-level check: pandera lists every column of a failing unit; one is enough
            if (check, index) in seen:
                continue
            seen.add((check, index))
            if not key.isdigit():
                column, key = key, ""
        out.append(Failure(int(index), rule, key, (str(column).removeprefix("formula:"),)))
    return out
