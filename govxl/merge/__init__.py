"""Consolidate many units' workbooks (汇总): every input accounted for, every number traceable.

Reading runs in worker processes; validation is one vectorised pass over all units; the output is itself a
govxl workbook (the official tables filled with the sums, live formulas) followed by the provenance sheets.
The jobs are modules of their own: `inputs` (what is read), `policy` (what counts), `sums` (the numbers),
`provenance` (the sheets that say where every number came from) and `summaries` (what is said at the end);
this module runs them in order and is the public face.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from govxl.errors import GovxlError
from govxl.filing import unit_key
from govxl.intake import PROP_MERGED
from govxl.merge.entries import (
    COUNTED_TWICE,
    DUPLICATE,
    INCLUDED,
    INVALID,
    MISSING,
    OUTSIDE,
    PROBLEMS_SHEET,
    SHOWN,
    SOURCES_SHEET,
    STATUS_SHEET,
    STATUSES,
    SUPERSEDED,
    UNITS_SHEET,
    UNREADABLE,
    WRONG_EDITION,
    WRONG_YEAR,
    Entry,
    MergeResult,
)
from govxl.merge.inputs import (
    _refuse_output_among_inputs,
    expand_inputs,
    name_entries,
    read_entries,
    read_roster,
)
from govxl.merge.policy import (
    _across_years,
    _apply_policy,
    _choose_year,
    _double_counting,
    _roster,
    members_digest,
)
from govxl.merge.provenance import _provenance, _units, _UnitValues
from govxl.merge.summaries import summary_json, summary_text
from govxl.merge.sums import _sums
from govxl.spec import available_editions, default_edition, edition_for_year, load_edition
from govxl.validation import prepare, prose_findings, validate_filings

__all__ = [
    "COUNTED_TWICE",
    "DUPLICATE",
    "INCLUDED",
    "INVALID",
    "MISSING",
    "OUTSIDE",
    "PROBLEMS_SHEET",
    "SHOWN",
    "SOURCES_SHEET",
    "STATUSES",
    "STATUS_SHEET",
    "SUPERSEDED",
    "UNITS_SHEET",
    "UNREADABLE",
    "WRONG_EDITION",
    "WRONG_YEAR",
    "Entry",
    "MergeResult",
    "expand_inputs",
    "merge",
    "read_entries",
    "read_roster",
    "summary_json",
    "summary_text",
    "unit_key",
]


def merge(
    inputs: Sequence[str | Path],
    output: Path,
    *,
    roster: Path | None = None,
    include_invalid: bool = False,
    jobs: int | None = None,
    year: int | None = None,
    agency: str = "",
    overwrite: bool = False,
    progress: bool = False,
    previous: Sequence[str | Path] = (),
    names: Mapping[Path, str] | None = None,
) -> MergeResult:
    """`names` maps a file read to the name every sheet and summary gives it instead of its path (the
    archive's export reads its submissions from a temporary folder and names them by submission)."""
    from govxl.files import write_atomically
    from govxl.workbook import render

    if output.suffix.lower() != ".xlsx":
        raise GovxlError(f"输出文件须以 .xlsx 结尾：{output}")
    if output.exists() and not overwrite:
        raise GovxlError(f"输出文件已存在：{output}（不会覆盖；如确需覆盖请加 --force）")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():  # said before reading thousands of files, not after
        raise GovxlError(f"无法写入输出文件 {output}：文件夹 {folder} 不存在")
    expected = read_roster(roster) if roster else None
    paths = expand_inputs(inputs)
    if not paths:
        raise GovxlError("没有找到要汇总的 .xlsx 文件")
    previous_paths = expand_inputs(previous) if previous else []
    _refuse_output_among_inputs(output, [*paths, *previous_paths])
    entries = read_entries(paths, jobs, progress, meanwhile=prepare)
    name_entries(entries, names or {})
    readable = [e for e in entries if e.filing is not None]
    found, frames = validate_filings([e.filing for e in readable if e.filing])
    for e, extra in zip(readable, found, strict=True):
        assert e.filing is not None
        e.findings = e.filing.findings + extra + prose_findings(e.filing)  # an extracted report's prose too
    target_year = _choose_year(entries, year)
    if target_year:
        edition = _year_edition(target_year, [e.filing.edition for e in readable if e.filing])
    else:
        edition = next((e.filing.edition for e in readable if e.filing), default_edition())
    _apply_policy(entries, target_year, edition, include_invalid)
    problems = _double_counting(entries)
    if previous:
        last = read_entries(previous_paths, jobs)
        name_entries(last, names or {})
        problems += _across_years(entries, last, target_year)
    missing = _roster(entries, expected) if expected is not None else []
    included = [e for e in entries if e.status == INCLUDED]
    ed = load_edition(edition)
    sums = _sums(ed, included)
    units = _units(included)
    if not included:
        return MergeResult(None, target_year, edition, entries, missing, sums, problems, units)
    rows = _UnitValues(ed, readable, frames.get(edition))
    values: dict[str, Any] = {**sums, "unit": agency or _cover_name(units), "year": target_year}
    hints = {
        "unit": f"本表由 govxl merge 汇总 {len(units)} 个单位，名单见“{UNITS_SHEET}”表，来源见“{SOURCES_SHEET}”表"
    }
    data = render(
        edition,
        values,
        hints=hints,
        properties={PROP_MERGED: str(len(units))},
        extra=_provenance(ed, entries, rows, missing, problems, units),
    )
    write_atomically(output, data, overwrite=overwrite)
    return MergeResult(output, target_year, edition, entries, missing, sums, problems, units)


def _year_edition(year: int, used: list[str]) -> str:
    """The edition the year's units are summed in: the year's own (the newest whose years cover it), unless
    more of the inputs use another edition that covers the year too — editions may overlap, and a template
    made without --edition is the default one."""
    fitting = [e for e in available_editions() if load_edition(e).fits_year(year)]
    own = edition_for_year(year)
    return max(fitting, key=lambda e: (used.count(e), e == own)) if fitting else own


def _cover_name(units: list[tuple[str, int | None, str, str]]) -> str:
    """The cover of a merge with no --agency names what it sums, so that no two different merges carry the
    same name (the members' digest), and a merge of merges reads the same as one merge of the same units."""
    digest = members_digest((name, year) for name, year, _, _ in units)
    return f"{len(units)} 个单位的汇总（{digest[:12]}）"
