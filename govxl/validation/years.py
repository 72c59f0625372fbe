"""Across years: pairing this year's filings with last year's, and the cross-year rules (X1–X4, declared in
each edition's data and in govxl/rules/crossyear.py) over all pairs at once.

Like the single-year rules, each relation becomes a residual column (this year's side minus the previous
year's side) checked by a pandera column check named by its rule, so thousands of pairs are one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govxl.filing import Filing, unit_key
from govxl.findings import Finding
from govxl.grid import grid_for
from govxl.rules.crossyear import relation_finding
from govxl.rules.table import TOLERANCE
from govxl.schema import build_frame
from govxl.spec import Term, load_edition


def pair_by_unit(
    this: Sequence[Filing], last: Sequence[Filing], *, alone: bool = True
) -> list[tuple[int, Filing]]:
    """(position in `this`, its last year's filing): matched by 填报单位 (where `last` holds a unit twice, the
    later one); with `alone`, one filing and one of last year are a pair whatever their names."""
    if alone and len(this) == 1 and len(last) == 1:
        return [(0, last[0])]
    by_unit = {unit_key(f.unit): f for f in last if f.unit}
    return [(i, by_unit[unit_key(f.unit)]) for i, f in enumerate(this) if f.unit and unit_key(f.unit) in by_unit]


# two workbooks of units with no activity at all are identical without being copied
MIN_NONZERO_FOR_X4 = 1


def compare_years(pairs: Sequence[tuple[Filing, Filing]]) -> list[list[Finding]]:
    """Findings of the cross-year rules for each (this year, previous year) pair."""
    import numpy as np
    import pandas as pd
    import pandera.pandas as pa

    out: list[list[Finding]] = [[] for _ in pairs]
    groups: dict[tuple[str, str], list[int]] = {}
    for i, (this, prev) in enumerate(pairs):
        groups.setdefault((this.edition, prev.edition), []).append(i)
    for (this_ed, prev_ed), positions in groups.items():
        ed, ped = load_edition(this_ed), load_edition(prev_ed)
        this_frame = build_frame(ed, [pairs[i][0] for i in positions])
        prev_frame = build_frame(ped, [pairs[i][1] for i in positions])
        data: dict[str, Any] = {}
        for k, rel in enumerate(ed.relations):
            if rel.identical:
                common = [c for c in ed.input_codes if c in ped.cells and ped.cells[c].kind == "input"]
                a, b = this_frame.block(common), prev_frame.block(common)
                same = ((a == b) | (np.isnan(a) & np.isnan(b))).all(axis=1)
                active = (np.nan_to_num(a) != 0).sum(axis=1) >= MIN_NONZERO_FOR_X4
                data[f"x:{k}"] = np.where(same & active, float(len(common)), 0.0)
            elif all(t.code in ped.cells for t in rel.lhs + rel.rhs if t.previous):
                lhs = _side(rel.lhs, this_frame, prev_frame)
                rhs = _side(rel.rhs, this_frame, prev_frame)
                data[f"x:{k}"] = lhs - rhs
        frame = pd.DataFrame(data, index=pd.RangeIndex(len(positions)))
        schema = pa.DataFrameSchema(
            {
                col: pa.Column(
                    float,
                    pa.Check(
                        lambda s: s.isna() | (s.abs() <= TOLERANCE), name=f"{ed.relations[int(col[2:])].rule}|"
                    ),
                    nullable=True,
                )
                for col in data
            }
        )
        try:
            schema.validate(frame, lazy=True)
            continue
        except pa.errors.SchemaErrors as exc:
            failed = list(zip(exc.failure_cases["column"], exc.failure_cases["index"], strict=True))
        for col, row in failed:
            k = int(str(col)[2:])
            i = positions[int(row)]
            rel = ed.relations[k]
            this, prev = pairs[i]
            if rel.identical:
                out[i].append(relation_finding(grid_for(ed.edition), rel, this, float(frame[col].iloc[int(row)])))
                continue
            lhs, rhs = (
                _value(rel.lhs, this_frame, prev_frame, int(row)),
                _value(rel.rhs, this_frame, prev_frame, int(row)),
            )
            out[i].append(relation_finding(grid_for(ed.edition), rel, this, lhs, rhs))
    return out


def _side(terms: tuple[Term, ...], this: Any, prev: Any) -> Any:
    total = 0.0
    for t in terms:
        total = total + t.sign * (prev if t.previous else this)[t.code]
    return total


def _value(terms: tuple[Term, ...], this: Any, prev: Any, row: int) -> float:
    return float(sum(t.sign * (prev if t.previous else this)[t.code][row] for t in terms))
