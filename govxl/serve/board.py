"""What the pages and the API read from the archive, gathered in one call each so that a handler makes one trip
to the archive's worker thread. These run on that thread."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govxl.errors import GovxlError
from govxl.merge import unit_key

if TYPE_CHECKING:
    from govxl.archive import Archive, Submission, UnitStatus
    from govxl.findings import Finding

PROGRESS_DAYS = 60  # the chart shows at most the last two months of a year's collection


@dataclass
class Board:
    year: int
    units: list[UnitStatus]
    last_year: dict[str, str]  # unit_key -> its status the year before
    counts: dict[str, int]
    progress: list[tuple[date, dict[str, int]]]
    top: list[tuple[str, str, int]]


def board(archive: Archive, year: int, today: date) -> Board:
    from govxl.archive import STATUSES

    units = archive.status(year)
    last = {unit_key(u.unit): u.status for u in archive.status(year - 1)}
    counts = Counter(u.status for u in units if u.in_roster)
    return Board(
        year,
        units,
        last,
        {s: counts[s] for s in STATUSES},
        progress(archive.submissions(year), [u.unit for u in units if u.in_roster], today),
        top_findings(archive, units),
    )


def progress(subs: Sequence[Submission], roster: Sequence[str], today: date) -> list[tuple[date, dict[str, int]]]:
    """Day by day from the first submission to today: each roster unit at the status of its last submission
    made by that day's end (未报送 before it sent any)."""
    if not subs:
        return []
    keys = {unit_key(u) for u in roster} or {unit_key(s.unit) for s in subs}
    ordered = sorted(subs, key=lambda s: (s.submitted_at, s.id))
    first = max(ordered[0].submitted_at.date(), today - timedelta(days=PROGRESS_DAYS - 1))
    state: dict[str, str] = {}
    out: list[tuple[date, dict[str, int]]] = []
    i, day = 0, first
    while day <= max(today, first):
        while i < len(ordered) and ordered[i].submitted_at.date() <= day:
            state[unit_key(ordered[i].unit)] = ordered[i].status
            i += 1
        out.append((day, dict(Counter(state.get(k, "未报送") for k in keys))))
        day += timedelta(days=1)
    return out


def top_findings(archive: Archive, units: Sequence[UnitStatus], limit: int = 10) -> list[tuple[str, str, int]]:
    """The rules behind errors and warnings of the units' current submissions, by how many units each
    concerns (a rule counts once per unit)."""
    from govxl.findings import Severity
    from govxl.rules import RULES

    per_rule: Counter[str] = Counter()
    for u in units:
        if u.submission_id is None:
            continue
        found = archive.findings(u.submission_id)
        per_rule.update({f.rule for f in found if f.severity is not Severity.INFO and not f.explanation})
    ranked = sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [(rule, RULES[rule].title if rule in RULES else "", n) for rule, n in ranked]


@dataclass
class UnitView:
    year: int
    unit: str
    history: list[Submission]
    shown: Submission | None = None
    findings: list[Finding] = field(default_factory=list)


def unit_view(archive: Archive, year: int, unit: str, shown_id: int | None) -> UnitView:
    """A unit's submissions of the year (newest first) and the findings of the one asked for, else the last."""
    key = unit_key(unit)
    history = [s for s in archive.submissions(year, unit) if unit_key(s.unit) == key]
    history.sort(key=lambda s: (s.submitted_at, s.id), reverse=True)
    view = UnitView(year, unit, history)
    chosen = [s for s in history if s.id == shown_id] or history[:1]
    if chosen:
        view.shown = chosen[0]
        view.findings = archive.findings(chosen[0].id)
    return view


def submission_json(s: Submission) -> dict[str, Any]:
    return {
        "id": s.id,
        "unit": s.unit,
        "year": s.year,
        "filename": s.filename,
        "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
        "status": s.status,
        "errors": s.errors,
        "warnings": s.warnings,
        "current": s.current,
    }


def parse_roster(data: bytes, filename: str) -> list[tuple[str, str]]:
    """A roster upload read as `govxl merge --roster` reads a roster file, its messages naming the upload."""
    from govxl.merge import read_roster

    name = Path(filename.replace("\\", "/")).name or "名单.csv"
    if Path(name).suffix.lower() not in (".csv", ".xlsx"):
        name += ".csv"  # a body given to the API is CSV
    with tempfile.TemporaryDirectory(prefix="govxl-roster-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            units = read_roster(path)
        except GovxlError as exc:
            raise GovxlError(exc.message.replace(str(path), filename)) from None
    seen: dict[str, tuple[str, str]] = {}
    for unit, kind in units:
        seen.setdefault(unit_key(unit), (unit.strip(), kind))
    return list(seen.values())
