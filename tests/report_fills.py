"""Random consistent fills of an edition, as Filings made in memory (the round trip of `govxl report` is
about the document, so it starts where the report starts: a Filing)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from govxl.filing import CellValues, Filing
from govxl.spec import Edition, compute_totals

UNITS = ("某某市某某区人民政府办公室", "某某县自然资源局", "某某镇人民政府", "某某市生态环境局某某分局")


def consistent_fill(ed: Edition, rng: random.Random) -> dict[str, float]:
    """Every input a count (or, for an amount, up to four decimals), mostly small, some large, some fills
    nearly all zero; table 三's 一 + 二 = 三（七）+ 四 in every applicant column, as R3.1 requires."""
    zero = rng.choice((0.2, 0.5, 0.9, 1.0))  # how many cells are 0: 1.0 is the all-zero report
    values: dict[str, float] = {}
    for code in ed.input_codes:
        cell = ed.cells[code]
        if rng.random() < zero:
            values[code] = 0
        elif cell.value == "amount":
            values[code] = round(rng.uniform(0, 5000), rng.choice((0, 1, 2, 4)))
        elif cell.value == "signed":
            values[code] = rng.choice((-1, 1)) * rng.choice((1, 3, 40))
        else:
            values[code] = rng.choice((1, 2, 3, 7, 12, 99, 250, 4096, 123457))
    totals = compute_totals(ed, values)
    for eq in ed.equations:
        if eq.rule != "R3.1" or ed.cells[eq.lhs[0]].kind != "input":
            continue
        new, carried = eq.lhs
        done, forward = eq.rhs
        outcome = totals[done]
        values[carried] = rng.randint(0, int(outcome))
        values[new] = outcome + values[forward] - values[carried]
    return values


def filing_of(ed: Edition, values: dict[str, float], unit: str, year: int, **cover: Any) -> Filing:
    inputs = CellValues(ed.input_codes)
    for code in ed.input_codes:
        inputs[code] = float(values[code])
    return Filing(
        path=Path("random.xlsx"),
        edition=ed.edition,
        sha256="",
        properties={},
        cover={"unit": unit, "year": year, "level": "设区的市人民政府", **cover},
        inputs=inputs,
        typed_totals={},
        formulas_ok=dict.fromkeys(ed.total_codes, True),
        cached=CellValues(ed.total_codes),
    )
