"""What the archive hands back as workbooks: the consolidated workbook of a year (by `govxl merge` itself, on
the current submissions' original bytes) and a submission's correction workbook (as `govxl check` writes it)."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from govxl.errors import GovxlError
from govxl.findings import FileReport

if TYPE_CHECKING:
    from govxl.archive.api import Archive
    from govxl.archive.model import Submission
    from govxl.merge import MergeResult


def _file_names(names: list[str]) -> list[str]:
    """The original file names, made unique (a(2).xlsx …) and safe to create in a folder."""
    taken: set[str] = set()
    out = []
    for name in names:
        stem = Path(name).stem.replace(os.sep, "_") or "报表"
        candidate, n = f"{stem}.xlsx", 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}({n}).xlsx"
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def export(
    arch: Archive,
    year: int,
    output: Path,
    *,
    overwrite: bool = False,
    include_invalid: bool = False,
    agency: str = "",
) -> MergeResult:
    from govxl.archive import queries
    from govxl.merge import merge

    now = sorted(queries.current(arch, year).values(), key=lambda s: s.id)
    if not now:
        raise GovxlError(f"档案 {arch.name} 中没有 {year} 年度的报送，无法汇总")
    data = queries.blobs(arch, {s.sha256 for s in now})
    units = queries.roster(arch, year)
    with tempfile.TemporaryDirectory(prefix="govxl-export-") as tmp:
        folder = Path(tmp) / f"{year}年度"
        folder.mkdir()
        written: dict[Path, Submission] = {}
        for s, name in zip(now, _file_names([s.filename for s in now]), strict=True):
            path = folder / name
            path.write_bytes(data[s.sha256])
            stamp = s.submitted_at.timestamp()
            os.utime(path, (stamp, stamp))  # merge's choice among a unit's files goes by time, as submitted
            written[path] = s
        roster_path = None
        if units:
            roster_path = Path(tmp) / "名单.csv"
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(["填报单位", "单位类型"])
            writer.writerows(units)
            roster_path.write_text(text.getvalue(), encoding="utf-8")
        # The folder is gone once merge returns: every sheet and summary names a file by its submission
        # (#编号 单位 年度（原文件名）), as `archive list` and `get` do, never by its path in there. The files
        # are given one by one, not as the folder, whose walk leaves out names an office's lock files have
        # (~$…, .~…): a submission stored under such a name is still a submission.
        return merge(
            sorted(written),  # in the order a walk of the folder gives
            output,
            roster=roster_path,
            include_invalid=include_invalid,
            year=year,
            agency=agency,
            overwrite=overwrite,
            names={path: sub.label() for path, sub in written.items()},
        )


def corrections(arch: Archive, id: int) -> bytes:
    """The correction workbook `govxl check` writes for the submission, with the findings stored for it."""
    from govxl.checker import read_all
    from govxl.corrections import build_corrections, formulas_to_keep

    s = arch.get(id)
    data = arch.original(id)
    with tempfile.TemporaryDirectory(prefix="govxl-corrections-") as tmp:
        path = Path(tmp) / _file_names([s.filename])[0]
        path.write_bytes(data)
        (filing,), (problem,) = read_all([path])
    if filing is None:
        raise GovxlError(f"档案中的报送 {s.label()} 无法读取：{problem}")
    report = FileReport(s.filename, s.edition, filing.unit, filing.year, arch.findings(id))
    keep, sheets = formulas_to_keep(filing)
    try:
        return build_corrections(data, report, s.filename, keep, sheets)
    except GovxlError as exc:
        raise GovxlError(f"{s.label()}：{exc.message}，无法写出校验结果工作簿") from None
