"""The archive's tables, its version, and the path from every earlier version to this one.

Every table is named govxl_*: the desk (and anything else sharing a PostgreSQL database) keeps its own
prefix. `govxl_meta` says whose database this is and which schema version it has; a database without it, or
with a newer version, is never touched. A later release that changes the tables raises SCHEMA_VERSION and
adds its step to MIGRATIONS: step n turns version n into n + 1, inside the transaction that opens the archive.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

APPLICATION = "govxl-archive"
SCHEMA_VERSION = 1
# the SQLite header's application_id (PRAGMA application_id): "GOVX", so `file` and others can tell it too
SQLITE_APPLICATION_ID = 0x474F5658

metadata = sa.MetaData()

meta = sa.Table(
    "govxl_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

blobs = sa.Table(  # the original files, content-addressed: identical bytes are stored once
    "govxl_blobs",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

submissions = sa.Table(
    "govxl_submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("unit", sa.Text, nullable=False),  # as the workbook spells it
    sa.Column("unit_key", sa.Text, nullable=False),  # normalised (govxl.filing.unit_key): what units match on
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("edition", sa.String(16), nullable=False),
    sa.Column("template_version", sa.Text, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("govxl_blobs.sha256"), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("supersedes", sa.Integer, sa.ForeignKey("govxl_submissions.id"), nullable=True),
    sa.Column("previous_id", sa.Integer, sa.ForeignKey("govxl_submissions.id"), nullable=True),
    sa.Index("govxl_submissions_unit_year", "unit_key", "year", "id"),
    sa.Index("govxl_submissions_year", "year", "unit_key", "id"),
)

# every cell by code, one document per submission: {code: number or null} for the tables (as the sheet shows
# them: inputs, and totals as recomputed or as typed over) and {code: text} for the cover. One row rather than
# 205 keeps an add as cheap as the check it stores; SQLite's json_extract and PostgreSQL's jsonb query it.
cells = sa.Table(
    "govxl_cells",
    metadata,
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("govxl_submissions.id"), primary_key=True),
    sa.Column("numbers", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    sa.Column("cover", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
)

findings = sa.Table(
    "govxl_findings",
    metadata,
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("govxl_submissions.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("rule", sa.String(16), nullable=False),
    sa.Column("severity", sa.String(8), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("cells", sa.Text, nullable=False),  # JSON: [[sheet, cell, code], ...]
    sa.Column("expected", sa.Text, nullable=False),  # JSON
    sa.Column("actual", sa.Text, nullable=False),  # JSON
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("explanation", sa.Text, nullable=False),
    sqlite_with_rowid=False,
)

roster = sa.Table(  # the units expected to report for a year, in the roster's order and spelling
    "govxl_roster",
    metadata,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("unit_key", sa.Text, nullable=False),
    sa.Column("level", sa.Text, nullable=False),
    sqlite_with_rowid=False,
)

# version n -> n + 1; none yet: version 1 is the first release's
MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {}


def migrate(conn: sa.Connection, found: int) -> None:
    """Bring an archive of an earlier version up to SCHEMA_VERSION, step by step, in the caller's transaction."""
    for version in range(found, SCHEMA_VERSION):
        MIGRATIONS[version](conn)
    conn.execute(sa.update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
