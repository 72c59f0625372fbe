"""`govxl check`: read each workbook (in parallel), validate all of them in one pass (govxl.validation), and
write each one's correction workbook."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from govxl.errors import GovxlError
from govxl.filing import Filing
from govxl.findings import FileReport, Finding, explanation_unit
from govxl.reader import read_filing
from govxl.validation import (
    explain,
    filing_findings,
    prepare,
    prose_findings,
    sort_findings,
    table_findings,
    validate_filings,
    with_last_year,
)


def read_all(
    paths: Sequence[Path], edition: str | None = None, progress: bool = False
) -> tuple[list[Filing | None], list[str]]:
    """Read every file, in worker processes when there are many (as merge reads them)."""
    from govxl.pool import pool_map

    results = pool_map(_read_one, [(str(p), edition) for p in paths], progress=progress, meanwhile=prepare)
    return [f for f, _ in results], [problem for _, problem in results]


def _read_one(item: tuple[str, str | None]) -> tuple[Filing | None, str]:
    try:
        return read_filing(Path(item[0]), item[1]), ""
    except GovxlError as exc:
        return None, exc.message


def check_paths(
    paths: Sequence[Path],
    edition: str | None = None,
    *,
    corrections: bool = False,
    output_dir: Path | None = None,
    previous: Sequence[Path] = (),
    progress: bool = False,
) -> list[FileReport]:
    """Check workbooks; with `corrections`, write each one's correction workbook (beside it or in
    `output_dir`); with `previous`, also check each against its unit's workbook of the year before. A file
    that cannot be read gets a report with `problem` set; the others go on. Among several inputs, govxl's own
    correction workbooks are skipped (their originals are checked); given alone, one is checked."""
    from govxl.corrections import PROP_OF, PROP_UNIT, formulas_to_keep

    filings, problems = read_all(paths, edition, progress=progress and len(paths) > 1)
    skip = [len(paths) > 1 and f is not None and PROP_OF in f.properties for f in filings]
    readable = [f for f, s in zip(filings, skip, strict=True) if f is not None and not s]
    found = iter(_with_previous(readable, table_findings(readable), previous, with_prose=True))
    chosen = [(p, f) for p, f, s in zip(paths, filings, skip, strict=True) if f is not None and not s]
    targets = iter(_targets([p for p, _ in chosen], [f for _, f in chosen], output_dir))
    reports: list[FileReport] = []
    writes = []
    for i, (path, filing, problem) in enumerate(zip(paths, filings, problems, strict=True)):
        if filing is None:
            reports.append(FileReport(str(path), problem=problem))
            continue
        report = FileReport(str(path), filing.edition, filing.unit, filing.year)
        reports.append(report)
        if skip[i]:
            report.skipped = (
                f"这是 govxl 写出的校验结果工作簿（{filing.properties[PROP_OF]} 的校验结果），不作为填报表校验"
            )
            continue
        target, carried, trouble = next(targets)
        # a correction workbook's own explanations are those of the unit it was written for
        own_unit = filing.properties.get(PROP_UNIT, filing.unit)
        own = {(own_unit, *key): note for key, note in filing.explanations.items()}
        report.findings = sort_findings(
            filing, explain(filing.unit, {**carried, **own}, filing.findings + next(found))
        )
        if not corrections:
            continue
        if trouble:
            report.problem = trouble
        else:
            writes.append((report, path, target, *formulas_to_keep(filing)))
    if writes:
        from govxl.pool import pool_map

        for (report, *_), (written, trouble) in zip(writes, pool_map(_write_one, writes), strict=True):
            report.corrections, report.problem = written, trouble
    return reports


def _write_one(
    item: tuple[FileReport, Path, Path, dict[tuple[str, str], str], list[str]],
) -> tuple[str, str]:
    from govxl.corrections import write_corrections

    report, source, target, keep, sheets = item
    try:
        return str(write_corrections(report, source, target, keep, sheets)), ""
    except GovxlError as exc:
        return "", exc.message


def _targets(
    paths: Sequence[Path], filings: Sequence[Filing], output_dir: Path | None
) -> list[tuple[Path, dict[tuple[str, str, str], str], str]]:
    """Each file's correction workbook path — unique in the run, never another unit's correction workbook,
    never a file that is not govxl's — with the explanations already written there (for the same unit) and
    why it cannot be written, if so."""
    from govxl.corrections import Existing, candidate_paths, inspect_target
    from govxl.pool import pool_map

    firsts = [next(candidate_paths(p, output_dir)) for p in paths]
    seen = pool_map(inspect_target, [f for f in firsts if f.exists()])
    known: dict[Path, Existing] = dict(zip([f for f in firsts if f.exists()], seen, strict=True))
    taken: set[Path] = set()
    out = []
    for path, filing in zip(paths, filings, strict=True):
        source = path.resolve()
        choice, carried, trouble = None, {}, ""
        for n, candidate in enumerate(candidate_paths(path, output_dir)):
            key = candidate.resolve()
            if key in taken or key == source:
                continue
            existing = known.get(candidate) or inspect_target(candidate)
            if existing.kind == "none":
                choice = candidate
            elif existing.kind == "govxl":
                if explanation_unit(existing.unit) != explanation_unit(filing.unit):
                    continue  # another unit's correction workbook: its explanations are not this unit's
                choice = candidate
                carried = {(filing.unit, *k): v for k, v in existing.explanations.items()}
            elif n == 0:
                what = "不是 govxl 的校验结果文件" if existing.kind == "other" else "无法读取"
                trouble = f"{candidate} 已存在且{what}，不会覆盖；请改名或用 --output-dir"
                choice = candidate
            else:
                continue
            break
        assert choice is not None
        taken.add(choice.resolve())
        out.append((choice, carried, trouble))
    return out


def _with_previous(
    filings: list[Filing], found: list[list[Finding]], previous: Sequence[Path], with_prose: bool = False
) -> list[list[Finding]]:
    """Add the cross-year findings against the previous files (read here; paired by the validation layer)."""
    last: list[Filing] = []
    if previous:
        read, problems = read_all(previous)
        for problem in problems:
            if problem:
                raise GovxlError(f"上年报表无法读取：{problem}")
        last = [f for f in read if f is not None]
    return with_last_year(filings, found, last, with_prose=with_prose)


def check(path: str | Path, edition: str | None = None) -> FileReport:
    """Check one workbook (Python API). Raises GovxlError when the file cannot be read at all."""
    report = check_paths([Path(path)], edition)[0]
    if report.problem:
        raise GovxlError(report.problem)
    return report


# --- failures -> findings -----------------------------------------------------------------------------


# the validation layer's functions, as the Python API has always offered them here
__all__ = [
    "check",
    "check_paths",
    "filing_findings",
    "prose_findings",
    "read_all",
    "sort_findings",
    "table_findings",
    "validate_filings",
]
