"""The prose of a published report against its tables (N1–N11): the numbers the sentences are compared with,
built from the filing; the rules themselves are in govxl/rules/prose.py."""

from __future__ import annotations

import math
import re

from govxl.filing import Filing
from govxl.findings import Finding
from govxl.grid import grid_for
from govxl.rules.prose import detect
from govxl.spec import Edition, compute_totals, load_edition

_SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


class TableValues:
    """The table numbers the prose is compared with: inputs, published totals where given, else recomputed."""

    def __init__(self, filing: Filing) -> None:
        self.ed: Edition = load_edition(filing.edition)
        numbers = {c: v for c, v in filing.inputs.items() if not math.isnan(v)}
        self.values = {**numbers, **compute_totals(self.ed, numbers)}
        self.values.update({c: v for c, v in filing.typed_totals.items() if not math.isnan(v)})

    def get(self, *codes: str) -> float | None:
        out = 0.0
        for code in codes:
            v = self.values.get(code)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return None
            out += v
        return out

    def count(self, *names: str) -> float | None:
        """The sum of some of the edition's named counts (new, carried, done …)."""
        counts = self.ed.prose.counts
        if not all(n in counts for n in names):
            return None
        return self.get(*(c for n in names for c in counts[n]))


def new_applications(filing: Filing) -> float | None:
    """一、本年新收 总计: as published where the filing has it, else summed from its parts."""
    return TableValues(filing).count("new")


def check_prose(filing: Filing, text: str, last_year_new: float | None = None) -> list[Finding]:
    """`last_year_new`: last year's 一 总计, when known, for the 同比 percentages (N6)."""
    return detect(TableValues(filing), grid_for(filing.edition), sentences(text), last_year_new)
