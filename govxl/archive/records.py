"""Storing checked submissions: a checked workbook as the rows the archive keeps (its bytes, its submission
row, its cells and findings), written a batch at a time, each batch in one transaction."""

from __future__ import annotations

import functools
import hashlib
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from govxl.archive import schema
from govxl.archive.model import Added
from govxl.archive.store import database_error, in_transaction
from govxl.filing import Filing, unit_key
from govxl.findings import FileReport

if TYPE_CHECKING:
    from govxl.archive.api import Archive

BATCH = 16  # submissions per transaction: a writer holds SQLite's lock briefly, and a kill loses little work


def flush(arch: Archive, pending: list[tuple[Added, dict[str, Any]]]) -> None:
    """Store the pending submissions in one transaction: each is whole or absent whatever happens, and a
    commit per BATCH files rather than per file keeps storing cheap beside checking."""
    if not pending:
        return

    def step(conn: sa.Connection) -> list[tuple[int, bool, int | None]]:
        return [_store(conn, row) for _, row in pending]

    try:
        stored = in_transaction(arch.engine, step)
    except sa.exc.SQLAlchemyError as exc:
        raise database_error(arch.name, exc) from None
    for (done, _), (submission_id, duplicate, supersedes) in zip(pending, stored, strict=True):
        done.submission_id, done.duplicate, done.supersedes = submission_id, duplicate, supersedes
    pending.clear()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def record(
    filing: Filing, name: str, data: bytes, report: FileReport, done: Added, numbers: dict[str, float]
) -> dict[str, Any]:
    """What is stored of one checked workbook, as `_store` takes it: its bytes, its submission row, its cells
    (the numbers as the sheet shows them, and the cover) and its findings."""
    from govxl.spec import PROP_VERSION, load_edition

    ed = load_edition(filing.edition)
    cover = {}
    for field in ed.cover.fields:
        raw = filing.cover.get(field.code)
        if raw is not None and raw != "":
            cover[field.code] = str(raw)
    cells = {
        "numbers": {code: None if math.isnan(v) else float(v) for code, v in numbers.items()},
        "cover": cover,
    }
    return {
        "sha256": filing.sha256,
        "data": data,
        "submission": {
            "unit": filing.unit,
            "unit_key": unit_key(filing.unit),
            "year": filing.year,
            "edition": filing.edition,
            "template_version": filing.properties.get(PROP_VERSION, ""),
            "filename": Path(name).name,
            "status": done.status,
            "errors": done.errors,
            "warnings": done.warnings,
            "previous_id": done.previous_id,
        },
        "cells": cells,
        "findings": [
            {
                "seq": n,
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.message,
                "cells": _json([[c.sheet, c.cell, c.code] for c in f.cells]),
                "expected": _json(f.expected),
                "actual": _json(f.actual),
                "source": f.source,
                "explanation": f.explanation,
            }
            for n, f in enumerate(report.findings)
        ],
    }


@functools.cache
def _statements(dialect: str) -> dict[str, Any]:
    """The statements of an add, built once (building them per submission costs more than running them)."""
    blob: Any
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        blob = pg_insert(schema.blobs).on_conflict_do_nothing(index_elements=["sha256"])
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        blob = sqlite_insert(schema.blobs).on_conflict_do_nothing(index_elements=["sha256"])
    sub = schema.submissions
    return {
        "latest": sa.select(sub.c.id, sub.c.sha256)
        .where(sub.c.unit_key == sa.bindparam("unit_key"), sub.c.year == sa.bindparam("year"))
        .order_by(sub.c.id.desc())
        .limit(1),
        "blob": blob,
        "submission": sa.insert(sub).returning(sub.c.id),
        "cells": sa.insert(schema.cells),
        "findings": sa.insert(schema.findings),
        "lock": sa.text("SELECT pg_advisory_xact_lock(:k)"),
    }


def _store(conn: sa.Connection, record: dict[str, Any]) -> tuple[int, bool, int | None]:
    """One submission, whole: its bytes (once per content), its row, its cells and findings. Returns its id,
    whether the same bytes already were the unit-year's current submission (then nothing is added), and the
    submission it supersedes."""
    do = _statements(conn.dialect.name)
    row = record["submission"]
    if conn.dialect.name == "postgresql":  # one writer per unit-year, so two adds never supersede the same one
        digest = hashlib.sha256(f"{row['unit_key']}|{row['year']}".encode()).digest()
        conn.execute(do["lock"], {"k": int.from_bytes(digest[:8], "big", signed=True)})
    latest = conn.execute(do["latest"], {"unit_key": row["unit_key"], "year": row["year"]}).first()
    if latest is not None and latest.sha256 == record["sha256"]:
        return int(latest.id), True, None
    conn.execute(do["blob"], {"sha256": record["sha256"], "size": len(record["data"]), "data": record["data"]})
    supersedes = int(latest.id) if latest is not None else None
    values = {**row, "sha256": record["sha256"], "submitted_at": datetime.now(UTC), "supersedes": supersedes}
    new_id = int(conn.execute(do["submission"], values).scalar_one())
    conn.execute(do["cells"], {"submission_id": new_id, **record["cells"]})
    if record["findings"]:
        conn.execute(do["findings"], [{"submission_id": new_id, **f} for f in record["findings"]])
    return new_id, False, supersedes
