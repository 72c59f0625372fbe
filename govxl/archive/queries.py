"""Reading the archive: current submissions, lists and histories, one submission's parts, rosters, status."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from govxl.archive import schema
from govxl.archive.model import MISSING, Submission, UnitStatus
from govxl.errors import GovxlError
from govxl.filing import unit_key
from govxl.findings import CellRef, Finding, Severity

if TYPE_CHECKING:
    from govxl.archive.api import Archive

S = schema.submissions
_CHUNK = 500  # keys per IN (...): far below every database's limit on bound parameters


def _latest(where: Any = None) -> Any:
    """The id of every unit-year's current submission (the latest), optionally among some rows only."""
    q = sa.select(S.c.unit_key, S.c.year, sa.func.max(S.c.id).label("cid")).group_by(S.c.unit_key, S.c.year)
    return (q.where(where) if where is not None else q).subquery()


def _when(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite keeps no zone: they are stored in UTC


def _submission(row: Any) -> Submission:
    return Submission(
        id=row.id,
        unit=row.unit,
        year=row.year,
        edition=row.edition,
        filename=row.filename,
        submitted_at=_when(row.submitted_at),
        sha256=row.sha256,
        status=row.status,
        errors=row.errors,
        warnings=row.warnings,
        supersedes=row.supersedes,
        current=bool(row.current),
        template_version=row.template_version,
        previous_id=row.previous_id,
        size=row.size,
    )


def _listed(arch: Archive, where: Any, latest_where: Any = None) -> list[Submission]:
    latest = _latest(latest_where)
    q = (
        sa.select(*S.c, schema.blobs.c.size, (S.c.id == latest.c.cid).label("current"))
        .join(latest, sa.and_(S.c.unit_key == latest.c.unit_key, S.c.year == latest.c.year))
        .join(schema.blobs, schema.blobs.c.sha256 == S.c.sha256)
        .order_by(S.c.year, S.c.unit_key, S.c.id)
    )
    if where is not None:
        q = q.where(where)
    with arch.engine.connect() as conn:
        return [_submission(r) for r in conn.execute(q)]


def current(arch: Archive, year: int) -> dict[str, Submission]:
    """The current submission of every unit of `year`, by unit key."""
    latest = _latest(S.c.year == year)
    q = (
        sa.select(*S.c, schema.blobs.c.size, sa.literal(True).label("current"))
        .join(latest, S.c.id == latest.c.cid)
        .join(schema.blobs, schema.blobs.c.sha256 == S.c.sha256)
    )
    with arch.engine.connect() as conn:
        return {r.unit_key: _submission(r) for r in conn.execute(q)}


def submissions(arch: Archive, year: int | None = None, unit: str | None = None) -> list[Submission]:
    conds = []
    if year is not None:
        conds.append(S.c.year == year)
    if unit:
        fragment = unit_key(unit).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conds.append(S.c.unit_key.like(f"%{fragment}%", escape="\\"))
    where = sa.and_(*conds) if conds else None
    return _listed(arch, where, S.c.year == year if year is not None else None)


def history(arch: Archive, unit: str) -> list[Submission]:
    return _listed(arch, S.c.unit_key == unit_key(unit), S.c.unit_key == unit_key(unit))


def get(arch: Archive, id: int) -> Submission:
    found = _listed(arch, S.c.id == id)
    if not found:
        raise GovxlError(f"档案 {arch.name} 中没有编号为 {id} 的报送")
    return found[0]


def blobs(arch: Archive, shas: Iterable[str]) -> dict[str, bytes]:
    wanted = sorted(set(shas))
    out: dict[str, bytes] = {}
    with arch.engine.connect() as conn:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            q = sa.select(schema.blobs.c.sha256, schema.blobs.c.data).where(schema.blobs.c.sha256.in_(chunk))
            out.update({r.sha256: bytes(r.data) for r in conn.execute(q)})
    return out


def original(arch: Archive, id: int) -> bytes:
    return blobs(arch, [get(arch, id).sha256])[get(arch, id).sha256]


def findings(arch: Archive, id: int) -> list[Finding]:
    get(arch, id)
    F = schema.findings
    with arch.engine.connect() as conn:
        rows = conn.execute(sa.select(F).where(F.c.submission_id == id).order_by(F.c.seq)).all()
    return [
        Finding(
            r.rule,
            Severity(r.severity),
            r.message,
            tuple(CellRef(*c) for c in json.loads(r.cells)),
            json.loads(r.expected),
            json.loads(r.actual),
            r.source,
            r.explanation,
        )
        for r in rows
    ]


def cell_values(arch: Archive, id: int) -> dict[str, float | str | None]:
    """Every stored cell of a submission by code: the tables' numbers (None: not a number), the cover's text."""
    get(arch, id)
    C = schema.cells
    with arch.engine.connect() as conn:
        row = conn.execute(sa.select(C.c.numbers, C.c.cover).where(C.c.submission_id == id)).one()
    return {**row.numbers, **row.cover}


def save_roster(arch: Archive, year: int, units: Sequence[tuple[str, str]]) -> None:
    from govxl.archive.store import in_transaction

    R = schema.roster
    rows = [
        {"year": year, "seq": n, "unit": name, "unit_key": unit_key(name), "level": level or ""}
        for n, (name, level) in enumerate(units)
    ]

    def step(conn: sa.Connection) -> None:  # the year's roster is replaced whole, in one transaction
        conn.execute(sa.delete(R).where(R.c.year == year))
        if rows:
            conn.execute(sa.insert(R), rows)

    in_transaction(arch.engine, step)


def roster(arch: Archive, year: int) -> list[tuple[str, str]]:
    R = schema.roster
    with arch.engine.connect() as conn:
        return [(r.unit, r.level) for r in conn.execute(sa.select(R).where(R.c.year == year).order_by(R.c.seq))]


def status(arch: Archive, year: int, units: Sequence[tuple[str, str]] | None = None) -> list[UnitStatus]:
    """Every roster unit in the roster's order and spelling, then the units that reported without being in it.
    Fetches only the columns a status shows, as plain tuples: 20,000 units in well under a second."""
    R = schema.roster
    latest = _latest(S.c.year == year)
    q = sa.select(S.c.unit_key, S.c.unit, S.c.id, S.c.status, S.c.errors, S.c.warnings, S.c.submitted_at).join(
        latest, S.c.id == latest.c.cid
    )
    with arch.engine.connect() as conn:
        now = {r[0]: r for r in conn.execute(q)}
        expected: list[tuple[str, str, str]]
        if units is None:
            q_roster = sa.select(R.c.unit, R.c.level, R.c.unit_key).where(R.c.year == year).order_by(R.c.seq)
            expected = [(r[0], r[1], r[2]) for r in conn.execute(q_roster)]
        else:
            expected = [(name, level, unit_key(name)) for name, level in units]
    out: list[UnitStatus] = []
    seen: set[str] = set()
    for name, level, key in expected:
        if key in seen:
            continue
        seen.add(key)
        s = now.get(key)
        if s is None:
            out.append(UnitStatus(name, MISSING, 0, 0, None, None, True, level))
        else:
            out.append(UnitStatus(name, s[3], s[4], s[5], _when(s[6]), s[2], True, level))
    for key in sorted(set(now) - seen):
        s = now[key]
        out.append(UnitStatus(s[1], s[3], s[4], s[5], _when(s[6]), s[2], False))
    return out
