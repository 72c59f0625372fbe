"""The prose of a published report against its tables (N1–N11): the numbers the sentences are compared with,
built from the filing; the rules themselves are in govxl/rules/prose.py."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from govxl.filing import Filing
from govxl.findings import Finding
from govxl.grid import grid_for
from govxl.rules.prose import detect
from govxl.spec import Edition, compute_totals, load_edition

_SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


class TableValues:
    """A filing's table numbers by code, as the prose rules compare sentences with them and the report's
    generated sentences state them; `get` is None where a number is not usable."""

    def __init__(self, edition: Edition, values: Mapping[str, float]) -> None:
        self.ed = edition
        self.values = values

    @classmethod
    def published(cls, filing: Filing) -> TableValues:
        """Inputs, and totals as published where given, else recomputed: what a report's prose is held to."""
        ed = load_edition(filing.edition)
        numbers = {c: v for c, v in filing.inputs.items() if not math.isnan(v)}
        values = {**numbers, **compute_totals(ed, numbers)}
        values.update({c: v for c, v in filing.typed_totals.items() if not math.isnan(v)})
        return cls(ed, values)

    def get(self, *codes: str) -> float | None:
        out = 0.0
        for code in codes:
            v = self.values.get(code)
            if v is None or math.isnan(v):
                return None
            out += v
        return out

    def count(self, *names: str) -> float | None:
        """The sum of some of the edition's named counts (spec: prose.counts: new, carried, done …); None
        where the edition has no such count."""
        counts = self.ed.prose.counts
        if not all(n in counts for n in names):
            return None
        return self.get(*(c for n in names for c in counts[n]))


def new_applications(filing: Filing) -> float | None:
    """一、本年新收 总计: as published where the filing has it, else summed from its parts."""
    return TableValues.published(filing).count("new")


def check_prose(filing: Filing, text: str, last_year_new: float | None = None) -> list[Finding]:
    """`last_year_new`: last year's 一 总计, when known, for the 同比 percentages (N6)."""
    return detect(TableValues.published(filing), grid_for(filing.edition), sentences(text), last_year_new)
