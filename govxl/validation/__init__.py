"""The validation layer under every command: a filing's findings from the schema (one vectorised pandera pass
over many filings), from the prose of a published report, and across years; their order; explanations. Check,
merge, extract and the commands that come after call this; nothing here reads or writes a file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from govxl.filing import Filing
from govxl.findings import Finding, Severity, explanation_unit
from govxl.grid import Grid, grid_for
from govxl.rules.table import cell_findings, equation_findings
from govxl.schema import Failure, Frame, build_frame, validate
from govxl.validation.prose import check_prose, new_applications
from govxl.validation.years import compare_years, pair_by_unit

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def prepare() -> None:
    """Import pandas and pandera and build the schemas: about half a second, spent while workers read."""
    from govxl.schema import build_schema
    from govxl.spec import available_editions

    for edition in available_editions():
        build_schema(edition)


def table_findings(filings: Sequence[Filing]) -> list[list[Finding]]:
    """The schema's findings for each filing, validated together (one pass per edition)."""
    return validate_filings(filings)[0]


def validate_filings(filings: Sequence[Filing]) -> tuple[list[list[Finding]], dict[str, tuple[list[int], Any]]]:
    """Findings per filing, and per edition the positions of its filings and the frame they were validated as
    (its rows hold each unit's inputs and recomputed totals)."""
    out: list[list[Finding]] = [[] for _ in filings]
    by_edition: dict[str, list[int]] = {}
    for i, f in enumerate(filings):
        by_edition.setdefault(f.edition, []).append(i)
    frames = {}
    for edition, positions in by_edition.items():
        group = [filings[i] for i in positions]
        frame = build_frame(grid_for(edition).edition, group)
        for failure in validate(edition, frame):
            i = positions[failure.row]
            out[i].extend(_to_findings(grid_for(edition), filings[i], _Row(frame, failure.row), failure))
        frames[edition] = (positions, frame)
    return out, frames


def prose_findings(filing: Filing, last_year: Filing | None = None) -> list[Finding]:
    """The prose rules (N1–N11) on a published report's text, when the filing is one (an extraction, or the
    workbook extracted from it); `last_year` gives N6 its base."""
    if filing.prose is None:
        return []
    return check_prose(filing, filing.prose, new_applications(last_year) if last_year else None)


def filing_findings(filing: Filing, last_year: Filing | None = None) -> list[Finding]:
    """The findings of one filing, in order: what reading it showed, the table rules, the prose rules. The
    same for a published report (`extract --check`) as for the workbook extracted from it (`check`)."""
    return sort_findings(filing, filing.findings + table_findings([filing])[0] + prose_findings(filing, last_year))


class _Row:
    """One unit's values in the validated frame (its columns are numpy arrays: indexing one is cheap)."""

    def __init__(self, columns: Frame, row: int) -> None:
        self.columns, self.row = columns, row

    def __getitem__(self, code: str) -> float:
        return float(self.columns[code][self.row])


def with_last_year(
    filings: Sequence[Filing],
    found: list[list[Finding]],
    last: Sequence[Filing],
    *,
    with_prose: bool = False,
    alone: bool = True,
) -> list[list[Finding]]:
    """Add the cross-year findings to each filing's, each paired with its unit's filing of last year; with
    `with_prose`, a published report's prose findings come first (N6 among them when its last year is
    known)."""
    pairs = pair_by_unit(filings, last, alone=alone) if last else []
    return with_pairs(filings, found, pairs, with_prose=with_prose)


def with_pairs(
    filings: Sequence[Filing],
    found: list[list[Finding]],
    pairs: Sequence[tuple[int, Filing]],
    *,
    with_prose: bool = False,
) -> list[list[Finding]]:
    """with_last_year, for a caller that has paired the filings already (and keeps the pairs)."""
    if with_prose:
        last_of = dict(pairs)
        found = [
            f + prose_findings(filing, last_of.get(i))
            for i, (filing, f) in enumerate(zip(filings, found, strict=True))
        ]
    if not pairs:
        return found
    for (i, _), extra in zip(pairs, compare_years([(filings[i], p) for i, p in pairs]), strict=True):
        found[i] = found[i] + extra
    return found


def _to_findings(grid: Grid, filing: Filing, row: _Row, failure: Failure) -> list[Finding]:
    """A failed check -> its rule family's findings: an equation's, or each failing cell's."""
    if failure.key:
        return equation_findings(grid, filing, row, grid.edition.equations[int(failure.key)])
    return [f for code in failure.columns for f in cell_findings(failure.rule, grid, filing, row, code)]


def explain(unit: str, explanations: dict[tuple[str, str, str], str], findings: list[Finding]) -> list[Finding]:
    """Warnings the office explained (in the workbook's 校验结果 sheet, or in the correction workbook written
    for the same unit before) are kept, marked explained; errors cannot be. Explanations are matched on
    (unit, rule, sheet!cell): another unit's never apply."""
    if not explanations:
        return findings
    mine = {
        (rule, where): note
        for (who, rule, where), note in explanations.items()
        if explanation_unit(who) == explanation_unit(unit)
    }
    out = []
    for f in findings:
        note = mine.get(f.key, "")
        if note and f.severity is Severity.WARNING:
            f = replace(f, explanation=note)
        out.append(f)
    return out


def sort_findings(filing: Filing, findings: list[Finding]) -> list[Finding]:
    grid = grid_for(filing.edition)
    order = {s.name: i for i, s in enumerate(grid.sheets)}

    def key(f: Finding) -> tuple[int, int, int, int]:
        a = f.anchor
        pos = grid.where.get(a.code) if a and a.code else None
        place = (pos[1].row, pos[1].col) if pos else (-1, -1)
        return (_SEVERITY_ORDER[f.severity], order.get(a.sheet, -1) if a else -1, *place)

    return sorted(findings, key=key)
