"""Rules across years (X1–X4): this year's workbook against the previous year's, of either edition.

Like the single-year rules, each relation becomes a residual column (this year's side minus the previous
year's side) checked by a pandera column check named by its rule, so thousands of pairs are one pass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from govxl.findings import Finding
from govxl.grid import grid_for
from govxl.reader import Filing
from govxl.rules import finding
from govxl.schema import TOLERANCE, build_frame
from govxl.spec import Edition, Relation, Term, load_edition
from govxl.values import show

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
                a, b = this_frame[common].to_numpy(), prev_frame[common].to_numpy()
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
            out[i].append(
                _finding(ed, rel, this, this_frame, prev_frame, int(row), float(frame[col].iloc[int(row)]))
            )
    return out


def _side(terms: tuple[Term, ...], this: Any, prev: Any) -> Any:
    total = 0.0
    for t in terms:
        total = total + t.sign * (prev if t.previous else this)[t.code].to_numpy()
    return total


def _value(terms: tuple[Term, ...], this: Any, prev: Any, row: int) -> float:
    return float(sum(t.sign * (prev if t.previous else this)[t.code].iloc[row] for t in terms))


def _finding(
    ed: Edition, rel: Relation, filing: Filing, this: Any, prev: Any, row: int, residual: float
) -> Finding:
    grid = grid_for(ed.edition)
    if rel.identical:
        return finding(rel.rule, actual=int(residual))
    anchor = rel.lhs[0].code
    cell = ed.cells[anchor]
    where = f"{cell.col_labels[-1]}列" if rel.per == "column" else f"{cell.row_labels[-1]}行"
    lhs, rhs = _value(rel.lhs, this, prev, row), _value(rel.rhs, this, prev, row)
    cells = tuple(filing.ref(grid, t.code) for t in rel.lhs + rel.rhs if not t.previous)
    return finding(
        rel.rule, cells, expected=_num(rhs), actual=_num(lhs), where=where, lhs=show(lhs), rhs=show(rhs)
    )


def _num(value: float) -> float | int | None:
    if math.isnan(value):
        return None
    return int(value) if float(value).is_integer() else value
