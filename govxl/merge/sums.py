"""The consolidated numbers: each input cell summed over the included units, exactly."""

from __future__ import annotations

from govxl.errors import GovxlError
from govxl.merge.entries import Entry
from govxl.schema import stack
from govxl.spec import Edition

EXACT = 2**53  # beyond this a double no longer holds every integer: an Excel cell cannot keep the count exactly


def _sums(ed: Edition, included: list[Entry]) -> dict[str, float]:
    """Each input cell summed over the included units, exactly: counts as integers (a float sum of integers is
    exact while every partial sum stays below 2**53, which the sum of magnitudes bounds; past that, Python
    integers), amounts correctly rounded. A total that no Excel cell can hold exactly is refused, never written
    as a rounded, infinite or NaN number."""
    import math

    import numpy as np

    codes = list(ed.input_codes)
    if not included:
        return dict.fromkeys(codes, 0.0)
    matrix = stack([e.filing.inputs for e in included if e.filing], ed.input_codes)
    present = np.where(np.isfinite(matrix), matrix, 0.0)  # not a number (kept by --include-invalid): counts as 0
    with np.errstate(over="ignore"):
        bound = np.abs(present).sum(axis=0)
        fast = np.nansum(matrix, axis=0)
    integral = (present == np.floor(present)).all(axis=0)
    out: dict[str, float] = {}
    for i, code in enumerate(codes):
        if integral[i] and bound[i] < EXACT:
            out[code] = int(fast[i])
            continue
        column = present[:, i]
        total: float
        try:
            total = sum(int(v) for v in column) if integral[i] else math.fsum(column)
        except OverflowError:
            total = math.inf
        if not abs(total) < EXACT:
            row = int(np.argmax(np.abs(column)))
            raise GovxlError(
                f"“{_label(ed, code)}”（{code}）的汇总数超出 Excel 能精确保存的范围（±2^53），未写出汇总表；"
                f"请核实各单位的填报数，其中最大的是 {included[row].name} 的 {_clean(float(column[row]))}"
            )
        out[code] = _clean(total) if isinstance(total, float) else int(total)
    return out


def _label(ed: Edition, code: str) -> str:
    cell = ed.cells[code]
    return " / ".join([*cell.row_labels[-1:], *cell.col_labels[-1:]])


def _clean(value: float) -> float:
    value = round(float(value), 6)
    return int(value) if value.is_integer() else value
