"""The archive's library face (docs: /work/notes/archive-api.md): the CLI and the desk call only this."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from govxl.archive import queries
from govxl.archive.model import Added, Submission, UnitMismatch, UnitStatus
from govxl.errors import GovxlError
from govxl.findings import Finding

if TYPE_CHECKING:
    from govxl.merge import MergeResult


def open_archive(location: str | None = None, *, create: bool = True) -> Archive:
    """The archive at `location`: None -> $GOVXL_ARCHIVE, else ./govxl-archive.sqlite; a path -> SQLite; a
    postgresql+psycopg://… URL -> PostgreSQL. Created when new (with `create` false, an archive that is not
    there is refused and no file is made); anything else is refused, never modified."""
    from govxl.archive.store import connect

    engine, name = connect(location, create)
    return Archive(engine, name)


class Archive:
    def __init__(self, engine: sa.Engine, name: str) -> None:
        self.engine = engine
        self.name = name  # how messages name it (a PostgreSQL URL without its password)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- adding ---

    def add(self, data: bytes, filename: str, *, expected_unit: str | None = None) -> Added:
        from govxl.archive.ingest import add_items, read_bytes

        return add_items(self, [read_bytes(data, filename)], expected_unit=expected_unit)[0]

    def add_many(self, uploads: Sequence[tuple[bytes, str, str | None]]) -> list[Added | UnitMismatch]:
        """Several uploads (bytes, file name, expected unit or None), each as `add` would do it, checked in one
        validation pass (one `add` a file pays the validation's fixed cost every time). A mismatched unit
        is returned as its UnitMismatch, in its place, rather than raised."""
        from govxl.archive.ingest import add_many

        return add_many(self, uploads)

    def add_paths(self, paths: Sequence[Path], *, progress: bool = False) -> list[Added]:
        """Files (folders searched for .xlsx as `govxl merge` searches them); one bad file never stops the rest."""
        from govxl.archive.ingest import add_items, read_items
        from govxl.merge import expand_inputs

        return add_items(self, read_items(expand_inputs(paths), progress=progress))

    # --- rosters ---

    def save_roster(self, year: int, units: Sequence[tuple[str, str]]) -> None:
        queries.save_roster(self, _year(year), units)

    def roster(self, year: int) -> list[tuple[str, str]]:
        return queries.roster(self, _year(year))

    def status(self, year: int, roster: Sequence[tuple[str, str]] | None = None) -> list[UnitStatus]:
        return queries.status(self, _year(year), roster)

    # --- reading ---

    def submissions(self, year: int | None = None, unit: str | None = None) -> list[Submission]:
        return queries.submissions(self, None if year is None else _year(year), unit)

    def history(self, unit: str) -> list[Submission]:
        return queries.history(self, unit)

    def get(self, id: int) -> Submission:
        return queries.get(self, self._id(id))

    def original(self, id: int) -> bytes:
        return queries.original(self, self._id(id))

    def findings(self, id: int) -> list[Finding]:
        return queries.findings(self, self._id(id))

    def cell_values(self, id: int) -> dict[str, float | str | None]:
        return queries.cell_values(self, self._id(id))

    def corrections(self, id: int) -> bytes:
        from govxl.archive.export import corrections

        return corrections(self, self._id(id))

    def export(
        self, year: int, output: Path, *, overwrite: bool = False, include_invalid: bool = False, agency: str = ""
    ) -> MergeResult:
        from govxl.archive.export import export

        return export(
            self, _year(year), output, overwrite=overwrite, include_invalid=include_invalid, agency=agency
        )

    def _id(self, id: int) -> int:
        """A submission number the database can hold (SQLite and PostgreSQL integers are 64-bit): any other
        is one no submission has."""
        if not 0 < id < 2**63:
            raise GovxlError(f"档案 {self.name} 中没有编号为 {id} 的报送")
        return id


def _year(year: int) -> int:
    """A report year: four digits, as a cover's 报告年度 must be."""
    if not 1900 < year < 2200:
        raise GovxlError(f"年度 {year} 不是有效的报告年度（应为四位年份）")
    return year
