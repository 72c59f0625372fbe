"""`govxl check FILES --archive A`: the cross-year rules against each unit's archived previous year, through
the same code path as `--previous` (the previous submission's stored bytes are handed to it as a file)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govxl.findings import FileReport


def check_with_archive(
    files: Sequence[Path], location: str | None, **options: Any
) -> tuple[list[FileReport], list[str], dict[int, int]]:
    """`govxl check FILES --archive A`: each file checked with the unit's archived previous year as its
    `--previous`. Returns the reports, lines saying which submission each file was checked against, and
    the submission id used by the position of each file."""
    import tempfile

    from govxl.archive import open_archive, queries
    from govxl.checker import check_paths, read_all
    from govxl.filing import unit_key
    from govxl.report import safe

    # checking only reads the archive: one named that is not there is a mistyped path, not a new archive, and
    # it is said before a single file is read
    with open_archive(location, create=False) as arch, tempfile.TemporaryDirectory(prefix="govxl-check-") as tmp:
        filings, _ = read_all(files)
        by_year: dict[int | None, list[int]] = {}
        for i, f in enumerate(filings):
            by_year.setdefault(f.year if f is not None else None, []).append(i)
        reports: list[FileReport | None] = [None] * len(files)
        notes: list[str] = []
        used: dict[int, int] = {}
        for year, positions in by_year.items():
            last = queries.current(arch, year - 1) if year is not None else {}
            chosen = {}
            for i in positions:
                f = filings[i]
                if f is None or year is None:
                    continue
                s = last.get(unit_key(f.unit))
                if s is None:
                    notes.append(f"{safe(str(files[i]))}：档案中没有该单位 {year - 1} 年度的报送，未作跨年度核对")
                    continue
                chosen[s.id] = s
                used[i] = s.id
                notes.append(f"{safe(str(files[i]))}：跨年度核对（X1–X4）依据档案中的报送 {safe(s.label())}")
            previous = []
            for s in chosen.values():
                path = Path(tmp) / f"{s.id}.xlsx"
                path.write_bytes(arch.original(s.id))
                previous.append(path)
            group_reports = check_paths([files[i] for i in positions], previous=previous, **options)
            for i, r in zip(positions, group_reports, strict=True):
                reports[i] = r
    return [r for r in reports if r is not None], notes, used


def render_checked(reports: Sequence[FileReport], notes: Sequence[str], used: dict[int, int], fmt: str) -> str:
    """What `govxl check --archive` prints: the same as `govxl check`, with which submission each file was
    checked against (JSON: `previous_submission` of each file)."""
    from govxl.report import render_text

    if fmt == "json":
        files = [{**r.to_json(), "previous_submission": used.get(i)} for i, r in enumerate(reports)]
        return json.dumps({"files": files}, ensure_ascii=False, indent=1)
    return render_text(reports) + "".join(f"{n}\n" for n in notes)
