"""Spec -> pandera DataFrameSchema: one row per unit, one column per cell code; every table rule a named check.

All units of an edition are validated in one vectorised pass. A check's name is `rule|key`; failure_cases name
the unit (row) and the check, and `Failure` carries that back for the rule catalogue to turn into findings.
pandas and pandera are imported here only, and only when a check fails: the units' columns are numpy arrays
(a Frame), which the rules' predicates judge directly, so a command whose filings pass needs neither.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from govxl.rules.table import RESIDUAL_CHECKS, VALUE_CHECKS, zero
from govxl.spec import Edition, load_edition

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

LEVEL = "level"


class Frame(dict[str, Any]):
    """The units as columns: a column's name -> a numpy array with one entry per unit, in the filings' order.
    A DataFrame is made of it (`to_pandas`) only for pandera, and only of the columns that fail."""

    def __init__(self, data: dict[str, Any], rows: int) -> None:
        super().__init__(data)
        self.rows = rows

    def block(self, columns: Sequence[str]) -> Any:
        """The named columns as one float matrix, units × columns."""
        import numpy as np

        if not columns:
            return np.empty((self.rows, 0))
        return np.column_stack([np.asarray(self[c], dtype=float) for c in columns])

    def to_pandas(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        import pandas as pd

        names = list(self) if columns is None else list(columns)
        return pd.DataFrame({c: self[c] for c in names}, index=pd.RangeIndex(self.rows))


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


def equation_col(i: int) -> str:
    return f"eq:{i}"


def power_col(code: str, known: bool) -> str:
    return f"{'power' if known else 'power?'}:{code}"


def stale_col(code: str) -> str:
    return f"stale:{code}"


def stack(values: Sequence[Any], codes: tuple[str, ...]) -> Any:
    """units × codes as one float matrix: straight from the filings' arrays when they hold these codes in
    this order (the reader's CellValues), else looked up code by code."""
    import numpy as np

    n = len(values)
    if all(getattr(v, "codes", None) == codes for v in values):
        raw = b"".join(v.data.tobytes() for v in values)
        return np.frombuffer(raw, dtype=float).reshape(n, len(codes)) if n else np.empty((0, len(codes)))
    out = np.full((n, len(codes)), math.nan)
    for row, v in enumerate(values):
        for col, code in enumerate(codes):
            out[row, col] = v.get(code, math.nan)
    return out


def build_frame(ed: Edition, rows: Sequence[Any]) -> Frame:
    """The units as one frame. `rows` are Filings (anything with inputs, typed_totals, formulas_ok, cached,
    cover). Totals are recomputed from the inputs, except where the unit typed a number over the formula:
    there the typed number is what the sheet shows, and the rules judge that.

    The quantities the rules judge are derived here as columns of their own (an equation's residual lhs − rhs,
    a stored total's difference from the recomputed one, a 规章 count where the agency has no 规章 power), each
    checked by a column check named by its rule: pandera then reports each failing unit once per cell, where a
    frame-wide check would report every column of every failing unit."""
    import numpy as np

    n = len(rows)
    level_field, levels = ed.rule_making_levels
    inputs = stack([r.inputs for r in rows], ed.input_codes)
    data: dict[str, Any] = {code: inputs[:, i] for i, code in enumerate(ed.input_codes)}
    for code in total_order(ed):
        computed = np.vstack([data[p] for p in ed.cells[code].parts]).sum(axis=0)
        typed = np.fromiter((r.typed_totals.get(code, math.nan) for r in rows), float, n)
        is_typed = np.fromiter((code in r.typed_totals for r in rows), bool, n)
        data[code] = np.where(is_typed, typed, computed)
    cached = stack([r.cached for r in rows], ed.total_codes)
    with np.errstate(invalid="ignore"):
        for i, eq in enumerate(ed.equations):
            lhs = np.vstack([data[c] for c in eq.lhs]).sum(axis=0)
            rhs = np.vstack([data[c] for c in eq.rhs]).sum(axis=0)
            data[equation_col(i)] = lhs - rhs  # nan where a cell is not a number: judged at that cell instead
        for code in ed.total_codes:
            stored = cached[:, ed.total_codes.index(code)]
            formula_ok = np.fromiter((r.formulas_ok.get(code, True) for r in rows), bool, n)
            data[formula_col(code)] = formula_ok
            # no stored result (files saved by openpyxl), or a typed-over total (S2 says so): nothing to judge
            data[stale_col(code)] = np.where(formula_ok, stored - data[code], math.nan)
        level = np.array([str(r.cover.get(level_field) or "") for r in rows], dtype=object)
        # an off-list 单位类型 (C3) says nothing of 规章 power: judged as if unfilled, never as "no power"
        known, entitled = np.isin(level, ed.level_choices), np.isin(level, levels)
        for code in ed.rule_making_cells:
            data[power_col(code, True)] = np.where(known & ~entitled, data[code], 0.0)
            data[power_col(code, False)] = np.where(known, 0.0, data[code])
    data[LEVEL] = level
    return Frame(data, n)


@dataclass(frozen=True)
class _ColumnPlan:
    dtype: type
    checks: tuple[tuple[Callable[[pd.Series], pd.Series], str], ...]  # (predicate, check name rule|key)
    nullable: bool = True


def _plan(edition: str) -> dict[str, _ColumnPlan]:
    return _plan_of(load_edition(edition))


@cache  # by the Edition object, not its name: see govxl.spec
def _plan_of(ed: Edition) -> dict[str, _ColumnPlan]:
    """Every column of the frame with its type and checks; the predicates are the table rules' own
    (govxl/rules/table.py)."""
    plan: dict[str, _ColumnPlan] = {}
    hinted = {code: rule for t in ed.tables for rule, cells in t.hints for code in cells}
    for code in ed.input_codes:
        cell = ed.cells[code]
        checks = [(VALUE_CHECKS[cell.value], f"{cell.value_rule}|")]
        if code in hinted:
            checks.append((zero, f"{hinted[code]}|"))
        plan[code] = _ColumnPlan(float, tuple(checks))
    for code in ed.total_codes:
        plan[code] = _ColumnPlan(float, ((zero, f"{hinted[code]}|"),) if code in hinted else ())
        plan[formula_col(code)] = _ColumnPlan(bool, ((_true, "S2|"),), nullable=False)
        plan[stale_col(code)] = _ColumnPlan(float, ((RESIDUAL_CHECKS["="], "S3|"),))
    for i, eq in enumerate(ed.equations):
        plan[equation_col(i)] = _ColumnPlan(float, ((RESIDUAL_CHECKS[eq.op], f"{eq.rule}|{i}"),))
    for code in ed.rule_making_cells:
        plan[power_col(code, True)] = _ColumnPlan(float, ((zero, "R2.2|"),))
        plan[power_col(code, False)] = _ColumnPlan(float, ((zero, "R2.2U|"),))
    plan[LEVEL] = _ColumnPlan(str, (), nullable=False)
    return plan


def _true(s: pd.Series) -> pd.Series:
    return s


def _schema(edition: str, columns: Iterable[str], name: str, *, strict: bool) -> pa.DataFrameSchema:
    import pandera.pandas as pa

    plan = _plan(edition)
    return pa.DataFrameSchema(
        columns={
            col: pa.Column(
                plan[col].dtype,
                checks=[pa.Check(fn, name=check) for fn, check in plan[col].checks],
                nullable=plan[col].nullable,
            )
            for col in columns
        },
        name=name,
        strict=strict,
    )


def build_schema(edition: str) -> pa.DataFrameSchema:
    """The whole schema of an edition: one column per cell code and derived quantity, every check named."""
    return _full_schema(load_edition(edition))


@cache  # by the Edition object, not its name: see govxl.spec
def _full_schema(ed: Edition) -> pa.DataFrameSchema:
    return _schema(ed.edition, _plan_of(ed), f"govxl-{ed.edition}", strict=True)


@lru_cache(maxsize=256)  # a desk's uploads fail in a few ways, each again and again
def _failing_schema(ed: Edition, columns: tuple[str, ...]) -> pa.DataFrameSchema:
    return _schema(ed.edition, columns, f"govxl-{ed.edition}-failing", strict=False)


def validate(edition: str, frame: Frame) -> list[Failure]:
    """Every failed check of every unit, by pandera.

    pandera pays a fixed cost for each of an edition's 300-odd checks whatever the number of rows (about
    90 ms a pass), which a single upload or a check of one workbook would pay in full. So each column's
    predicates are first run on the column directly (the same functions, a few microseconds each), and
    pandera validates the columns where one fails — with the same checks, so its failure cases are those the
    whole schema gives — and the frame's shape, which build_frame makes, against the whole schema when the
    frame's columns are not exactly the schema's. pandera is imported only then: a filing with nothing wrong
    (most of a batch, and any workbook checked on its own that passes) never pays its import."""
    plan = _plan(edition)
    if len(frame) != len(plan) or set(frame) != set(plan):
        schema = build_schema(edition)  # an unexpected frame: the whole schema says what is wrong with it
        table = frame.to_pandas()
    else:
        failing = [col for col, p in plan.items() if not _passes(frame[col], p)]
        if not failing:
            return []
        schema = _failing_schema(load_edition(edition), tuple(failing))
        table = frame.to_pandas(failing)
    import pandera.pandas as pa

    try:
        schema.validate(table, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failures(exc.failure_cases)
    return []


def _passes(column: Any, p: _ColumnPlan) -> bool:
    """Whether a column (as a numpy array) is of its type and passes its checks."""
    if column.dtype.kind != _KINDS[p.dtype]:
        return False
    if not p.nullable and column.dtype.kind == "O" and any(v is None or v != v for v in column):
        return False
    return all(bool(fn(column).all()) for fn, _ in p.checks)


# numpy dtype kinds each column type is built as (float64, bool, object strings)
_KINDS: dict[type, str] = {float: "f", bool: "b", str: "O"}


def _failures(cases: pd.DataFrame) -> list[Failure]:
    out: list[Failure] = []
    for check, column, index in zip(cases["check"], cases["column"], cases["index"], strict=True):
        if not isinstance(check, str) or "|" not in check:
            raise RuntimeError(f"unexpected schema failure: {check} at {index} in {column}")
        rule, key = check.split("|", 1)
        code = str(column).split(":", 1)[-1]  # formula:t3_new_total -> t3_new_total
        out.append(Failure(int(index), rule, key, () if key else (code,)))
    return out
