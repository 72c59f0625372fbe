"""Check filled workbooks: read each, validate all of them in one pass, turn failures into findings."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from govxl.errors import GovxlError
from govxl.findings import CellRef, FileReport, Finding, Severity, explanation_unit
from govxl.grid import Grid, grid_for
from govxl.reader import Filing, read_filing
from govxl.rules import finding
from govxl.schema import Failure, build_frame, validate
from govxl.spec import Equation
from govxl.values import show

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def read_all(
    paths: Sequence[Path], edition: str | None = None, progress: bool = False
) -> tuple[list[Filing | None], list[str]]:
    """Read every file, in worker processes when there are many (as merge reads them)."""
    from govxl.merge.inputs import _prepare_validation
    from govxl.pool import pool_map

    results = pool_map(
        _read_one, [(str(p), edition) for p in paths], progress=progress, meanwhile=_prepare_validation
    )
    return [f for f, _ in results], [problem for _, problem in results]


def _read_one(item: tuple[str, str | None]) -> tuple[Filing | None, str]:
    try:
        return read_filing(Path(item[0]), item[1]), ""
    except GovxlError as exc:
        return None, exc.message


def table_findings(filings: Sequence[Filing]) -> list[list[Finding]]:
    """The schema's findings for each filing, validated together (one pass per edition)."""
    return validate_filings(filings)[0]


def validate_filings(filings: Sequence[Filing]) -> tuple[list[list[Finding]], dict[str, tuple[list[int], Any]]]:
    """Findings per filing, and per edition the positions of its filings and the frame they were validated as
    (its rows hold each unit's inputs and recomputed totals)."""
    out: list[list[Finding]] = [[] for _ in filings]
    by_edition: dict[str, list[int]] = {}
    for i, f in enumerate(filings):
        by_edition.setdefault(f.edition, []).append(i)
    frames = {}
    for edition, positions in by_edition.items():
        group = [filings[i] for i in positions]
        frame = build_frame(grid_for(edition).edition, group)
        columns = _Columns(frame)
        for failure in validate(edition, frame):
            i = positions[failure.row]
            out[i].extend(_to_findings(grid_for(edition), filings[i], _Row(columns, failure.row), failure))
        frames[edition] = (positions, frame)
    return out, frames


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
    from govxl.corrections import PROP_OF, PROP_UNIT

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
            filing, _explain(filing.unit, {**carried, **own}, filing.findings + next(found))
        )
        if not corrections:
            continue
        if trouble:
            report.problem = trouble
        else:
            writes.append((report, path, target, *_formulas_to_keep(filing)))
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


def _formulas_to_keep(filing: Filing) -> tuple[dict[tuple[str, str], str], list[str]]:
    """The template's own formulas in the filing's sheets (its totals, its live checks) by (sheet, cell),
    and the names of those sheets: any other formula there is the user's and is not copied live."""
    from govxl.grid import a1

    grid = grid_for(filing.edition)
    keep: dict[tuple[str, str], str] = {}
    for code, ok in filing.formulas_ok.items():
        if ok:
            ref = filing.ref(grid, code)
            keep[(ref.sheet, ref.cell)] = grid.formula_at(code, ref.cell)
    sheets = []
    for sg in grid.sheets:
        name = filing.sheet_names.get(sg.name, sg.name)
        sheets.append(name)
        for check in sg.checks:
            keep.setdefault((name, a1(check.place.row, check.place.col)), grid.check_formula(check.equation))
    return keep, sheets


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


def prose_findings(filing: Filing, last_year: Filing | None = None) -> list[Finding]:
    """The prose rules (N1–N11) on a published report's text, when the filing is one (an extraction, or the
    workbook extracted from it); `last_year` gives N6 its base."""
    if filing.prose is None:
        return []
    from govxl.extract.prose import check_prose, new_applications

    return check_prose(filing, filing.prose, new_applications(last_year) if last_year else None)


def filing_findings(filing: Filing, last_year: Filing | None = None) -> list[Finding]:
    """The findings of one filing, in order: what reading it showed, the table rules, the prose rules. The
    same for a published report (`extract --check`) as for the workbook extracted from it (`check`)."""
    return sort_findings(filing, filing.findings + table_findings([filing])[0] + prose_findings(filing, last_year))


def _with_previous(
    filings: list[Filing], found: list[list[Finding]], previous: Sequence[Path], with_prose: bool = False
) -> list[list[Finding]]:
    """Add the cross-year findings: one file and one previous file are a pair; otherwise files are paired
    with previous ones by 填报单位. With `with_prose`, a published report's prose findings come first (N6
    among them when its last year is known)."""
    pairs: list[tuple[int, Filing]] = []
    if previous:
        from govxl.merge.inputs import unit_key

        last, problems = read_all(previous)
        for problem in problems:
            if problem:
                raise GovxlError(f"上年报表无法读取：{problem}")
        last_filings = [f for f in last if f is not None]
        if len(filings) == 1 and len(last_filings) == 1:
            pairs = [(0, last_filings[0])]
        else:
            by_unit = {unit_key(f.unit): f for f in last_filings if f.unit}
            pairs = [(i, by_unit[unit_key(f.unit)]) for i, f in enumerate(filings) if unit_key(f.unit) in by_unit]
    if with_prose:
        last_of = dict(pairs)
        found = [
            f + prose_findings(filing, last_of.get(i))
            for i, (filing, f) in enumerate(zip(filings, found, strict=True))
        ]
    if not pairs:
        return found
    from govxl.crossyear import compare_years

    for (i, _), extra in zip(pairs, compare_years([(filings[i], p) for i, p in pairs]), strict=True):
        found[i] = found[i] + extra
    return found


def check(path: str | Path, edition: str | None = None) -> FileReport:
    """Check one workbook (Python API). Raises GovxlError when the file cannot be read at all."""
    report = check_paths([Path(path)], edition)[0]
    if report.problem:
        raise GovxlError(report.problem)
    return report


# --- failures -> findings -----------------------------------------------------------------------------


def _ref(grid: Grid, filing: Filing, code: str) -> CellRef:
    return filing.ref(grid, code)


def _inputs_behind(grid: Grid, codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        cell = grid.edition.cells[code]
        if cell.kind == "total":
            out.extend(_inputs_behind(grid, cell.parts))
        else:
            out.append(code)
    return out


def _where(grid: Grid, eq: Equation) -> str:
    """How a person names the place an equation runs along: 自然人列, （一）予以公开行, 行政复议."""
    cells = grid.edition.cells
    anchor = cells[eq.lhs[0]]
    if eq.kind == "identity" or (eq.kind == "total" and cells[eq.rhs[0]].column == anchor.column):
        return f"{anchor.col_labels[-1]}列"
    if anchor.row_labels:
        return f"{anchor.row_labels[-1]}行"
    return anchor.col_labels[-2] if len(anchor.col_labels) > 1 else anchor.col_labels[-1]


class _Columns(dict[str, Any]):
    """The validated frame's columns as numpy arrays, fetched once each (frame.iloc builds a Series per call,
    which thousands of findings pay for)."""

    def __init__(self, frame: Any) -> None:
        super().__init__()
        self.frame = frame

    def __missing__(self, code: str) -> Any:
        self[code] = column = self.frame[code].to_numpy()
        return column


class _Row:
    """One unit's values in the validated frame."""

    def __init__(self, columns: _Columns, row: int) -> None:
        self.columns, self.row = columns, row

    def __getitem__(self, code: str) -> float:
        return float(self.columns[code][self.row])


def _to_findings(grid: Grid, filing: Filing, row: _Row, failure: Failure) -> list[Finding]:
    ed = grid.edition

    def value(code: str) -> float:
        return row[code]

    rule = failure.rule
    if failure.key:
        eq = ed.equations[int(failure.key)]
        lhs = sum(value(c) for c in eq.lhs)
        rhs = sum(value(c) for c in eq.rhs)
        direct = list(dict.fromkeys(eq.cells))
        behind = [c for c in _inputs_behind(grid, direct) if c not in direct]
        cells = tuple(_ref(grid, filing, c) for c in direct + list(dict.fromkeys(behind)))
        if eq.kind == "total":  # the total is what is wrong: expected is the sum of its parts
            expected, actual = rhs, lhs
        else:
            expected, actual = None, None
        return [
            finding(
                rule,
                cells,
                expected=_num(expected),
                actual=_num(actual),
                where=_where(grid, eq),
                lhs=show(lhs),
                rhs=show(rhs),
                diff=show(abs(lhs - rhs)),
            )
        ]
    out = []
    for code in failure.columns:
        ref = _ref(grid, filing, code)
        if rule == "S2":
            typed = filing.typed_totals.get(code)
            if typed is None:
                shown = "被改动的公式"
            elif math.isnan(typed):
                shown = "非数字的内容"
            else:
                shown = f"手填数字 {show(typed)}"
            out.append(finding(rule, (ref,), expected=grid.formula(code), actual=shown))
        elif rule == "S3":
            out.append(finding(rule, (ref,), expected=_num(value(code)), actual=_num(filing.cached[code])))
        elif rule in ("R2.2", "R2.2U"):
            out.append(
                finding(
                    rule,
                    (ref,),
                    expected=0,
                    actual=_num(value(code)),
                    level=filing.cover.get(ed.rule_making_levels[0]),
                )
            )
        elif ed.cells[code].kind == "input" and rule == ed.cells[code].value_rule:
            v = value(code)
            reason = "不能为负数" if v < 0 else "应为整数"
            out.append(finding(rule, (ref,), actual=_num(v), raw=show(v), reason=reason))
        else:
            out.append(finding(rule, (ref,), actual=_num(value(code))))
    return out


def _num(value: float | None) -> float | int | None:
    if value is None or math.isnan(value):
        return None
    return int(value) if float(value).is_integer() else value


def _explain(unit: str, explanations: dict[tuple[str, str, str], str], findings: list[Finding]) -> list[Finding]:
    """Warnings the office explained (in the workbook's 校验结果 sheet, or in the correction workbook written
    for the same unit before) are kept, marked explained; errors cannot be. Explanations are matched on
    (unit, rule, sheet!cell): another unit's never apply."""
    if not explanations:
        return findings
    mine = {
        (rule, where): note
        for (who, rule, where), note in explanations.items()
        if explanation_unit(who) == explanation_unit(unit)
    }
    out = []
    for f in findings:
        note = mine.get(f.key, "")
        if note and f.severity is Severity.WARNING:
            f = Finding(f.rule, f.severity, f.message, f.cells, f.expected, f.actual, f.source, note)
        out.append(f)
    return out


def sort_findings(filing: Filing, findings: list[Finding]) -> list[Finding]:
    grid = grid_for(filing.edition)
    order = {s.name: i for i, s in enumerate(grid.sheets)}

    def key(f: Finding) -> tuple[int, int, int, int]:
        a = f.anchor
        pos = grid.where.get(a.code) if a and a.code else None
        place = (pos[1].row, pos[1].col) if pos else (-1, -1)
        return (_SEVERITY_ORDER[f.severity], order.get(a.sheet, -1) if a else -1, *place)

    return sorted(findings, key=key)
