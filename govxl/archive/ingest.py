"""Adding workbooks: read them in parallel (files, or uploaded bytes), check them as `govxl check` does in one
validation pass (with the cross-year rules against each unit's archived previous year), and hand each to
govxl.archive.records, which stores it whole or not at all."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govxl.archive import queries
from govxl.archive.model import Added, UnitMismatch, status_of
from govxl.archive.records import BATCH, flush, record
from govxl.errors import GovxlError
from govxl.filing import Filing, unit_key
from govxl.findings import FileReport

if TYPE_CHECKING:
    from govxl.archive.api import Archive


@dataclass
class Item:
    path: Path  # where it is read from
    name: str  # how reports name it
    filing: Filing | None
    problem: str
    data: bytes | None = None


def read_items(paths: Sequence[Path], progress: bool = False) -> list[Item]:
    from govxl.checker import read_all

    filings, problems = read_all(paths, progress=progress and len(paths) > 1)
    return [Item(p, str(p), f, pr) for p, f, pr in zip(paths, filings, problems, strict=True)]


def read_bytes(data: bytes, filename: str) -> Item:
    """One uploaded file, read as `govxl check` reads a file of that name (messages name `filename`)."""
    return read_uploads([(data, filename)])[0]


def read_uploads(uploads: Sequence[tuple[bytes, str]]) -> list[Item]:
    """Uploaded files, read (in worker processes when there are many) as `govxl check` reads files of those
    names: each is written under its own name in a folder of its own, and messages name `filename`."""
    from govxl.checker import read_all

    with tempfile.TemporaryDirectory(prefix="govxl-add-") as tmp:
        paths = []
        for n, (data, filename) in enumerate(uploads):
            folder = Path(tmp) / str(n)
            folder.mkdir()
            path = folder / (Path(filename).name or "上传的文件.xlsx")
            try:
                path.write_bytes(data)
            except OSError:  # a name this file system cannot hold
                path = folder / "upload.xlsx"
                path.write_bytes(data)
            paths.append(path)
        filings, problems = read_all(paths)
    out = []
    for (data, filename), path, filing, problem in zip(uploads, paths, filings, problems, strict=True):
        if filing is not None:
            filing.path = Path(filename)
        out.append(Item(Path(filename), filename, filing, problem.replace(str(path), filename), data))
    return out


def add_many(arch: Archive, uploads: Sequence[tuple[bytes, str, str | None]]) -> list[Added | UnitMismatch]:
    """Uploads (bytes, file name, expected unit or None) checked in one validation pass and stored, each as
    `add` would: one whose 填报单位 is not its expected unit gets its UnitMismatch, and nothing is stored."""
    items = read_uploads([(data, name) for data, name, _ in uploads])
    out: list[Added | UnitMismatch | None] = [None] * len(items)
    together = []
    for i, (item, (_, _, unit)) in enumerate(zip(items, uploads, strict=True)):
        f = item.filing
        if unit is not None and f is not None and unit_key(f.unit) != unit_key(unit):
            out[i] = _mismatch(item.name, f.unit, unit)
        else:
            together.append(i)
    for i, added in zip(together, add_items(arch, [items[i] for i in together]), strict=True):
        out[i] = added
    return [x for x in out if x is not None]


def _mismatch(name: str, found: str, expected: str) -> UnitMismatch:
    return UnitMismatch(f"{name} 的填报单位是“{found or '（未填写）'}”，不是“{expected}”；未归档")


def add_items(arch: Archive, items: list[Item], *, expected_unit: str | None = None) -> list[Added]:
    from govxl.corrections import PROP_OF

    added = [Added(None, FileReport(it.name, problem=it.problem)) for it in items]
    todo: dict[int | None, list[int]] = {}
    for i, it in enumerate(items):
        f = it.filing
        if f is None:
            continue
        added[i].report = FileReport(it.name, f.edition, f.unit, f.year)
        added[i].unit, added[i].year = f.unit, f.year
        if PROP_OF in f.properties:
            added[
                i
            ].report.skipped = (
                f"这是 govxl 写出的校验结果工作簿（{f.properties[PROP_OF]} 的校验结果），不归档；请归档填报表本身"
            )
            continue
        if expected_unit is not None and unit_key(f.unit) != unit_key(expected_unit):
            raise _mismatch(it.name, f.unit, expected_unit)
        todo.setdefault(f.year, []).append(i)
    # earlier years first: a later year of the same batch is checked against the one just stored
    for year in sorted(todo, key=lambda y: -1 if y is None else y):
        _check_and_store(arch, year, [items[i] for i in todo[year]], [added[i] for i in todo[year]])
    return added


def _check_and_store(arch: Archive, year: int | None, items: list[Item], added: list[Added]) -> None:
    from govxl.validation import explain, sort_findings, validate_filings, with_pairs
    from govxl.validation.years import pair_by_unit

    filings = [it.filing for it in items if it.filing is not None]
    last = _previous_filings(arch, year, filings)
    found, frames = validate_filings(filings)
    # the validation layer pairs each unit with its last year and judges across years and the prose, exactly
    # as `check --previous` does; the pairs say which archived submission was used
    previous = [f for _, f in last.values()]
    submission_of = {id(f): sub for sub, f in last.values()}
    pairs = pair_by_unit(filings, previous, alone=False)
    every_found = with_pairs(filings, found, pairs, with_prose=True)
    last_of = {i: (submission_of[id(f)], f) for i, f in pairs}
    columns = {ed: (positions, _columns(ed, frame)) for ed, (positions, frame) in frames.items()}
    row_of = {pos: (ed, k) for ed, (positions, _) in columns.items() for k, pos in enumerate(positions)}
    pending: list[tuple[Added, dict[str, Any]]] = []
    for i, (it, filing, done) in enumerate(zip(items, filings, added, strict=True)):
        prev = last_of.get(i)
        own = {(filing.unit, *key): note for key, note in filing.explanations.items()}
        every = filing.findings + every_found[i]
        report = done.report
        report.findings = sort_findings(filing, explain(filing.unit, own, every))
        done.errors, done.warnings = report.errors, report.warnings
        done.status = status_of(report.errors, report.warnings)
        if prev:
            done.previous_id, done.previous_label = prev[0].id, prev[0].label()
        if not filing.unit.strip() or filing.year is None:
            missing = "填报单位" if not filing.unit.strip() else "报告年度"
            report.problem = f"{it.name}：封面未填写{missing}，无法归档（档案按单位和年度存放）"
            continue
        data = it.data
        if data is None:
            try:
                data = it.path.read_bytes()
            except OSError as exc:
                report.problem = f"{it.name}：无法读取（{exc.strerror or exc}），未归档"
                continue
        if hashlib.sha256(data).hexdigest() != filing.sha256:
            report.problem = f"{it.name}：文件在校验期间被改动，未归档；请重新归档"
            continue
        ed, k = row_of[i]
        values = columns[ed][1]
        pending.append((done, record(filing, it.name, data, report, done, {c: v[k] for c, v in values.items()})))
        if len(pending) == BATCH:
            flush(arch, pending)
    flush(arch, pending)


def _columns(edition: str, frame: Any) -> dict[str, Any]:
    """The numbers as the sheet shows them (inputs, and totals as recomputed or as typed over), by code."""
    from govxl.spec import load_edition

    ed = load_edition(edition)
    return {code: frame[code] for code in (*ed.input_codes, *ed.total_codes)}


def _previous_filings(arch: Archive, year: int | None, filings: list[Filing]) -> dict[str, tuple[Any, Filing]]:
    """By unit key: the current submission of the year before, and its workbook read from the stored bytes
    exactly as `--previous` reads a file."""
    from govxl.checker import read_all

    if year is None:
        return {}
    wanted = {unit_key(f.unit) for f in filings if f.unit}
    current = {k: s for k, s in queries.current(arch, year - 1).items() if k in wanted}
    if not current:
        return {}
    found = queries.blobs(arch, {s.sha256 for s in current.values()})
    with tempfile.TemporaryDirectory(prefix="govxl-previous-") as tmp:
        paths = []
        for s in current.values():
            path = Path(tmp) / f"{s.id}.xlsx"
            path.write_bytes(found[s.sha256])
            paths.append(path)
        read, problems = read_all(paths)
    out = {}
    for (key, s), filing, problem in zip(current.items(), read, problems, strict=True):
        if filing is None:  # it was readable when it was added; a newer govxl may judge it otherwise
            raise GovxlError(f"档案中的上年报表 {s.label()} 无法读取：{problem}")
        out[key] = (s, filing)
    return out
