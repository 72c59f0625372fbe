"""Consolidate many units' workbooks (汇总): every input accounted for, every number traceable.

Reading runs in worker processes; validation is one vectorised pass over all units; the output is itself a
govxl workbook (the official tables filled with the sums, live formulas) followed by the provenance sheets.
"""

from __future__ import annotations

import glob
import os
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govxl.errors import GovxlError, os_reason
from govxl.files import decode_text
from govxl.findings import Finding, Severity
from govxl.reader import PROP_MERGED, Filing, load_bytes, read_filing
from govxl.schema import stack
from govxl.spec import Edition, edition_for_year, load_edition
from govxl.values import show

INCLUDED = "已汇总"
INVALID = "未汇总（有错误）"
DUPLICATE = "重复（内容相同）"
SUPERSEDED = "被新版本替代"
WRONG_YEAR = "年度不符"
WRONG_EDITION = "版本不符"
UNREADABLE = "无法读取"
MISSING = "未报送"
OUTSIDE = "名单外"
COUNTED_TWICE = "重复计入"
STATUSES = (
    INCLUDED,
    INVALID,
    DUPLICATE,
    SUPERSEDED,
    WRONG_YEAR,
    WRONG_EDITION,
    UNREADABLE,
    COUNTED_TWICE,
    OUTSIDE,
    MISSING,
)

SOURCES_SHEET = "来源明细"
PROBLEMS_SHEET = "问题清单"
STATUS_SHEET = "报送情况"
UNITS_SHEET = "汇总单位名单"
_GLOB = re.compile(r"[*?\[]")
SHOWN = 30  # files left out that the summary names one by one; all are in 报送情况


def unit_key(name: str) -> str:
    """How two spellings of one unit's name are recognised as the same: width and spaces do not count."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


@dataclass
class Entry:
    """One input file and what became of it."""

    path: Path
    filing: Filing | None = None
    problem: str = ""
    mtime: float = 0.0
    inner: list[tuple[str, int | None, str]] = field(default_factory=list)  # units inside a merged input
    findings: list[Finding] = field(default_factory=list)
    status: str = ""
    reason: str = ""

    @property
    def unit(self) -> str:
        return self.filing.unit if self.filing else ""

    @property
    def year(self) -> int | None:
        return self.filing.year if self.filing else None

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    @property
    def merged(self) -> bool:
        return bool(self.filing and PROP_MERGED in self.filing.properties)


@dataclass
class MergeResult:
    output: Path | None
    year: int | None
    edition: str
    entries: list[Entry]
    missing: list[str]  # roster units with no file
    sums: dict[str, float]
    problems: list[str]  # merge-level problems (a unit inside two merged inputs)
    units: list[tuple[str, int | None, str, str]]  # every unit summed: name, year, sha-256, via which file

    @property
    def exit_code(self) -> int:
        if self.output is None:
            return 2
        complete = all(e.status == INCLUDED for e in self.entries) and not self.missing and not self.problems
        return 0 if complete else 1

    def counts(self) -> dict[str, int]:
        c = Counter(e.status for e in self.entries)
        c[MISSING] = len(self.missing)
        return {s: c[s] for s in STATUSES if c[s]}


# --- inputs ---------------------------------------------------------------------------------------------


def expand_inputs(patterns: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders searched recursively for .xlsx, glob patterns expanded; a path that matches
    nothing is kept, so that it is reported as unreadable rather than forgotten."""
    out: list[Path] = []
    for pattern in patterns:
        p = Path(pattern)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*.xlsx") if not q.name.startswith(("~$", ".~"))) or [p]
        elif not p.exists() and _GLOB.search(str(pattern)):
            found = sorted(Path(q) for q in glob.glob(str(pattern), recursive=True) if q.lower().endswith(".xlsx"))
            if not found:
                found = [p]
        else:
            found = [p]
        out.extend(found)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key in seen:
            continue
        seen.add(key)
        unique.append(p)
    return unique


def _read(path_text: str) -> tuple[Filing | None, str, float, list[tuple[str, int | None, str]]]:
    """Worker: one file -> (filing, problem, mtime, units inside a merged workbook)."""
    path = Path(path_text)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    if path.is_dir():  # a folder given by name that holds no workbook: said, not silently dropped
        return None, f"{path}：文件夹中没有 .xlsx 工作簿", mtime, []
    try:
        filing = read_filing(path)
    except GovxlError as exc:
        return None, exc.message, mtime, []
    inner: list[tuple[str, int | None, str]] = []
    if PROP_MERGED in filing.properties:
        try:
            inner = _inner_units(path)
        except GovxlError as exc:
            return None, exc.message, mtime, []
    filing.explanations = {}
    return filing, "", mtime, inner


def _inner_units(path: Path) -> list[tuple[str, int | None, str]]:
    """The units a consolidated workbook sums, from the part of its 汇总单位名单 sheet alone: the other sheets
    (来源明细 holds a row of 200 numbers per input file) are never decompressed, nor the file read whole."""
    try:
        with zipfile.ZipFile(path) as zf:
            member = _sheet_member(zf, UNITS_SHEET)
            if member is None:
                raise GovxlError(f"{path}：是汇总表，但缺少“{UNITS_SHEET}”表，无法核对其中包含的单位")
            rows = list(_stream_rows(zf, member))[1:]
    except GovxlError:
        raise
    except Exception:
        raise GovxlError(f"{path}：“{UNITS_SHEET}”表已损坏，无法核对其中包含的单位") from None
    out = []
    for row in rows:
        name = str(row[0]).strip() if row and row[0] is not None else ""
        if not name:
            continue
        raw = row[1] if len(row) > 1 else None
        year = int(raw) if isinstance(raw, float) and raw.is_integer() else None
        out.append((name, year, str(row[2] or "") if len(row) > 2 else ""))
    return out


def _sheet_member(zf: zipfile.ZipFile, name: str) -> str | None:
    """The zip member of the sheet called `name`, by the workbook's sheet list and its relationships."""
    import html
    import posixpath

    from govxl.xlsx import _REL, _SHEET, _attrs

    book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    for sheet in _SHEET.findall(book):
        a = _attrs(sheet)
        if html.unescape(a.get("name", "")) != name:
            continue
        rid = next((v for k, v in a.items() if k.endswith(":id")), "")
        for rel in _REL.findall(rels):
            r = _attrs(rel)
            if r.get("Id") == rid:
                target = r.get("Target", "")
                if target.startswith("/"):
                    return target.lstrip("/")
                return posixpath.normpath(posixpath.join("xl", target))
    return None


_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_CELL_REF = re.compile(r'\br="([A-Z]+)(\d+)"')
_CELL_TYPE = re.compile(r'\bt="(\w+)"')
_CELL_V = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_CELL_T = re.compile(r"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", re.S)


def _stream_rows(zf: zipfile.ZipFile, member: str) -> Iterable[list[Any]]:
    """A sheet's rows (numbers as floats, text as str) from that one member of the zip: one scan of its XML,
    no other sheet decompressed."""
    import html

    xml = zf.read(member).decode("utf-8", "replace")
    shared: list[str] | None = None
    rows: dict[int, list[Any]] = {}
    for attrs, inner in _CELL.findall(xml):
        ref = _CELL_REF.search(attrs)
        if not ref:
            continue
        kind_match = _CELL_TYPE.search(attrs)
        kind = kind_match[1] if kind_match else "n"
        value: Any = None
        if kind == "inlineStr":
            value = html.unescape("".join(_CELL_T.findall(inner)))
        else:
            v = _CELL_V.search(inner)
            if v and kind == "s":
                if shared is None:
                    shared = _shared_strings(zf)
                value = shared[int(v[1])]
            elif v and kind in ("str", "e"):
                value = html.unescape(v[1])
            elif v and kind != "b":
                value = float(v[1])
        row = rows.setdefault(int(ref[2]), [])
        col = _column(ref[1])
        row.extend([None] * (col + 1 - len(row)))
        row[col] = value
    return [rows[r] for r in sorted(rows)]


def _column(ref: str) -> int:
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + ord(ch.upper()) - 64
    return n - 1


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    from xml.etree.ElementTree import iterparse

    out: list[str] = []
    if "xl/sharedStrings.xml" not in zf.namelist():
        return out
    with zf.open("xl/sharedStrings.xml") as fh:
        for _, el in iterparse(fh, events=("end",)):
            if el.tag.endswith("}si"):
                # plain text, or the runs of rich text; not a phonetic guide (rPh)
                parts = [c for c in el if c.tag.endswith("}t")]
                parts += [t for r in el if r.tag.endswith("}r") for t in r if t.tag.endswith("}t")]
                out.append("".join(t.text or "" for t in parts))
                el.clear()
    return out


def read_entries(
    paths: Sequence[Path],
    jobs: int | None = None,
    progress: bool = False,
    meanwhile: Callable[[], None] | None = None,
) -> list[Entry]:
    """Read every file, in worker processes when there are many. `meanwhile` runs in a thread of this
    process while the workers read (this process would otherwise only wait)."""
    from govxl.pool import pool_map

    results = pool_map(_read, [str(p) for p in paths], jobs=jobs, progress=progress, meanwhile=meanwhile)
    return [Entry(p, *r) for p, r in zip(paths, results, strict=True)]


def _prepare_validation() -> None:
    """Import pandas and pandera and build the schemas: about half a second, spent while workers read."""
    from govxl.schema import build_schema
    from govxl.spec import available_editions

    for edition in available_editions():
        build_schema(edition)


def read_roster(path: Path) -> list[tuple[str, str]]:
    """(填报单位, 单位类型) of every expected unit, from a .csv or .xlsx with a 填报单位 column."""
    rows: list[list[Any]]
    if path.suffix.lower() == ".csv":
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise GovxlError(f"名单文件 {path} 无法读取：{os_reason(exc)}") from None
        text = decode_text(raw)
        if text is None:
            raise GovxlError(f"名单文件 {path} 不是 UTF-8 或 GBK 编码的 CSV")
        import csv

        rows = [list(r) for r in csv.reader(text.splitlines())]
    elif path.suffix.lower() == ".xlsx":
        from govxl.xlsx import open_workbook

        try:
            book = open_workbook(load_bytes(path))
            rows = book.sheet(book.sheet_names[0]).rows
            book.close()
        except GovxlError as exc:
            raise GovxlError(f"名单文件 {exc.message}") from None
        except Exception:
            raise GovxlError(f"名单文件 {path} 已损坏，无法读取") from None
    else:
        raise GovxlError(f"名单文件 {path} 应为 .csv 或 .xlsx")
    rows = [[str(c).strip() if c is not None else "" for c in r] for r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise GovxlError(f"名单文件 {path} 是空的")
    header = [unit_key(c) for c in rows[0]]
    if "填报单位" not in header:  # a first row of names would otherwise be taken for a unit, or a header for one
        raise GovxlError(f"名单文件 {path} 的第一行应为表头，含“填报单位”列（可另有“单位类型”列）")
    name_col = header.index("填报单位")
    level_col = header.index("单位类型") if "单位类型" in header else -1
    rows = rows[1:]
    out = []
    for r in rows:
        name = r[name_col] if name_col < len(r) else ""
        if name:
            out.append((name, r[level_col] if 0 <= level_col < len(r) else ""))
    if not out:
        raise GovxlError(f"名单文件 {path} 中没有单位名称（应有“填报单位”列）")
    return out


# --- policy ---------------------------------------------------------------------------------------------


def _same_numbers(a: Filing, b: Filing) -> bool:
    return a.edition == b.edition and a.inputs.data.tobytes() == b.inputs.data.tobytes()


def _choose_year(entries: list[Entry], year: int | None) -> int | None:
    if year is not None:
        return year
    years = Counter(e.year for e in entries if e.filing and e.year is not None)
    if len(years) > 1:
        listed = "，".join(f"{y} 年度 {n} 个" for y, n in sorted(years.items()))
        raise GovxlError(f"输入包含多个年度的报表（{listed}），不能混在一起汇总；请用 --year 指定要汇总的年度")
    return next(iter(years), None)


def _apply_policy(entries: list[Entry], year: int | None, edition: str, include_invalid: bool) -> None:
    live: list[Entry] = []
    for e in entries:
        if e.filing is None:
            e.status, e.reason = UNREADABLE, e.problem
        elif e.year != year:
            e.status = WRONG_YEAR
            e.reason = f"报告年度为{e.year}年" if e.year else "封面未填报告年度"
            e.reason += f"，本次汇总{year}年度" if year else ""
        elif e.filing.edition != edition:
            e.status, e.reason = WRONG_EDITION, f"使用 {e.filing.edition} 版表格，{year}年度应使用 {edition} 版"
        elif not e.merged and not unit_key(e.unit):
            # a unit is known by its name: without one, neither its duplicates nor a merge holding it can be
            # recognised, so it would be summed twice without anyone noticing
            e.status, e.reason = INVALID, "封面未填填报单位，无法确认是哪个单位，未汇总；请填写后重新报送"
        else:
            live.append(e)
    # the newest file of a unit is the one that counts, whatever its state
    groups: dict[str, list[Entry]] = {}
    for e in live:
        groups.setdefault(identity(e), []).append(e)
    winners = []
    for group in groups.values():
        group.sort(key=lambda e: (e.mtime, str(e.path)))
        newest = group[-1]
        winners.append(newest)
        for older in group[:-1]:
            assert older.filing is not None and newest.filing is not None
            if _same_numbers(older.filing, newest.filing):
                older.status, older.reason = DUPLICATE, f"与 {newest.path.name} 数字相同，只计一次"
            else:
                older.status, older.reason = SUPERSEDED, f"同一单位的较新文件 {newest.path.name} 为准"
    for e in winners:
        if e.errors and not include_invalid:
            first = next(f for f in e.findings if f.severity is Severity.ERROR)
            e.status, e.reason = INVALID, f"{e.errors} 个错误，如：{first.message}"
        else:
            e.status = INCLUDED
            if e.errors:
                e.reason = f"含 {e.errors} 个错误，按 --include-invalid 仍汇总"


def identity(e: Entry) -> str:
    """What two files must share to be versions of one filing: a unit's workbook is its unit's (the name on
    its cover); a consolidated workbook is the set of units it sums, whatever its cover says, so that two
    merges of different units both count and two merges of the same units are versions of one merge."""
    if e.merged:
        return "\1" + members_digest((name, year) for name, year, _ in e.inner)
    return unit_key(e.unit) or f"\0{e.path}"


def members_digest(units: Iterable[tuple[str, int | None]]) -> str:
    import hashlib

    keys = sorted({f"{unit_key(name)}\t{year or ''}" for name, year in units})
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


def _double_counting(entries: list[Entry]) -> list[str]:
    """A unit summed directly and again inside a merged input is left out the second time; a unit inside
    two merged inputs cannot be taken out of either, so the overlap is reported, naming its units."""
    inside: dict[tuple[str, int | None], list[Entry]] = {}
    names: dict[tuple[str, int | None], str] = {}
    for e in entries:
        if e.status == INCLUDED and e.merged:
            for name, year, _ in e.inner:
                key = (unit_key(name), year)
                holders = inside.setdefault(key, [])
                if not holders or holders[-1] is not e:
                    holders.append(e)
                names.setdefault(key, name)
    for e in entries:
        if e.status == INCLUDED and not e.merged and (unit_key(e.unit), e.year) in inside:
            e.status = COUNTED_TWICE
            holder = inside[(unit_key(e.unit), e.year)][0].path.name
            e.reason = f"{e.unit}（{e.year}年度）已含在汇总表 {holder} 中，不再重复计入"
    overlaps: dict[tuple[int, ...], list[str]] = {}
    files: dict[tuple[int, ...], list[Entry]] = {}
    for key, holders in sorted(inside.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        if len(holders) > 1:
            which = tuple(id(h) for h in holders)
            files[which] = holders
            overlaps.setdefault(which, []).append(f"{names[key]}（{key[1]}年度）")
    members = {
        id(e): {(unit_key(n), y) for n, y, _ in e.inner} for e in entries if e.status == INCLUDED and e.merged
    }
    problems = []
    for which, units in overlaps.items():
        holders = files[which]
        shown = "、".join(units[:SHOWN]) + (f"等 {len(units)} 个单位" if len(units) > SHOWN else "")
        problems.append(
            f"{shown}同时含在 {'、'.join(h.path.name for h in holders)} 中；为免重复计入，"
            "所含单位已全部含在另一份中的汇总表整份不计入，部分重叠的汇总表都不计入，请去掉重复后重新汇总"
        )
        # never a total that counts a unit twice: a merged input wholly inside another is left out whole;
        # two that overlap in part cannot be taken apart here, so neither is summed
        for h in holders:
            if h.status != INCLUDED:
                continue
            mine = members[id(h)]
            bigger = next((o for o in holders if o is not h and mine < members[id(o)]), None)
            if bigger is not None:
                h.status, h.reason = (
                    COUNTED_TWICE,
                    f"所含单位都已含在汇总表 {bigger.path.name} 中，整份不再重复计入",
                )
            elif not any(members[id(o)] < mine for o in holders if o is not h):
                others = "、".join(o.path.name for o in holders if o is not h)
                h.status = COUNTED_TWICE
                h.reason = f"与汇总表 {others} 有相同的单位（{shown}），无法分开，未汇总；请去掉重复后重新汇总"
    return problems


def _across_years(entries: list[Entry], last: list[Entry], year: int | None) -> list[str]:
    """X1 for each unit against its own previous-year workbook (matched by 填报单位; reported, not a reason
    to leave a unit out), and for the consolidated totals against last year's (a consolidated workbook among
    the previous inputs, else the sum of last year's units)."""
    from govxl.schema import build_frame
    from govxl.validation.years import compare_years

    readable = [e for e in last if e.filing is not None and (year is None or e.year in (None, year - 1))]
    problems = [f"上年报表无法读取：{e.problem}" for e in last if e.filing is None]
    newest: dict[str, Entry] = {}
    for e in sorted(readable, key=lambda e: (e.mtime, str(e.path))):
        newest[unit_key(e.unit)] = e
    pairs = [(e, newest[unit_key(e.unit)]) for e in entries if e.filing and unit_key(e.unit) in newest]
    found = compare_years([(a.filing, b.filing) for a, b in pairs if a.filing and b.filing])
    for (entry, _), extra in zip(pairs, found, strict=True):
        entry.findings = entry.findings + [f for f in extra if f.rule == "X1"]
    included = [e.filing for e in entries if e.status == INCLUDED and e.filing]
    merged = [e for e in readable if e.merged]
    basis = [e.filing for e in (merged or readable) if e.filing]
    if not included or not basis:
        return problems
    this_ed, prev_ed = load_edition(included[0].edition), load_edition(basis[0].edition)
    this_frame, prev_frame = build_frame(this_ed, included), build_frame(prev_ed, basis)
    for rel in this_ed.relations:
        if rel.rule != "X1" or not all(t.code in prev_ed.cells for t in rel.rhs):
            continue
        now = sum(float(this_frame[t.code].sum()) for t in rel.lhs)
        before = sum(float(prev_frame[t.code].sum()) for t in rel.rhs)
        if abs(now - before) > 1e-6:
            label = this_ed.cells[rel.lhs[0].code].col_labels[-1]
            problems.append(
                f"X1（汇总）{label}列：各单位上年结转之和 {_clean(now)} 不等于上年"
                f"{'汇总表' if merged else '各单位'}结转下年度继续办理之和 {_clean(before)}，"
                "请核实单位增减或报表差错"
            )
    return problems


def _members(e: Entry) -> list[str]:
    """The units a file reports for: its own, or those a consolidated workbook sums."""
    return [name for name, _, _ in e.inner] if e.merged else [e.unit]


def _roster(entries: list[Entry], roster: list[tuple[str, str]]) -> list[str]:
    expected = {unit_key(n): n for n, _ in roster}
    for e in entries:
        if e.status != INCLUDED:
            continue
        outside = [n for n in _members(e) if unit_key(n) not in expected]
        if outside and not e.merged:
            e.status, e.reason = OUTSIDE, "不在名单中，未汇总"
        elif outside:
            e.status = OUTSIDE
            e.reason = f"所含单位中 {len(outside)} 个不在名单中（如 {outside[0]}），未汇总"
    submitted = {
        unit_key(n) for e in entries if e.filing is not None and e.status not in (WRONG_YEAR,) for n in _members(e)
    }
    return [name for key, name in expected.items() if key not in submitted]


# --- merge ----------------------------------------------------------------------------------------------


def merge(
    inputs: Sequence[str | Path],
    output: Path,
    *,
    roster: Path | None = None,
    include_invalid: bool = False,
    jobs: int | None = None,
    year: int | None = None,
    agency: str = "",
    overwrite: bool = False,
    progress: bool = False,
    previous: Sequence[str | Path] = (),
) -> MergeResult:
    from govxl.files import write_atomically
    from govxl.validation import prose_findings, validate_filings
    from govxl.workbook import render

    if output.suffix.lower() != ".xlsx":
        raise GovxlError(f"输出文件须以 .xlsx 结尾：{output}")
    if output.exists() and not overwrite:
        raise GovxlError(f"输出文件已存在：{output}（不会覆盖；如确需覆盖请加 --force）")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():  # said before reading thousands of files, not after
        raise GovxlError(f"无法写入输出文件 {output}：文件夹 {folder} 不存在")
    expected = read_roster(roster) if roster else None
    paths = expand_inputs(inputs)
    if not paths:
        raise GovxlError("没有找到要汇总的 .xlsx 文件")
    previous_paths = expand_inputs(previous) if previous else []
    _refuse_output_among_inputs(output, [*paths, *previous_paths])
    entries = read_entries(paths, jobs, progress, meanwhile=_prepare_validation)
    readable = [e for e in entries if e.filing is not None]
    found, frames = validate_filings([e.filing for e in readable if e.filing])
    for e, extra in zip(readable, found, strict=True):
        assert e.filing is not None
        e.findings = e.filing.findings + extra + prose_findings(e.filing)  # an extracted report's prose too
    target_year = _choose_year(entries, year)
    if target_year:
        edition = edition_for_year(target_year)
    else:
        edition = next((e.filing.edition for e in readable if e.filing), "2021")
    _apply_policy(entries, target_year, edition, include_invalid)
    problems = _double_counting(entries)
    if previous:
        problems += _across_years(entries, read_entries(previous_paths, jobs), target_year)
    missing = _roster(entries, expected) if expected is not None else []
    included = [e for e in entries if e.status == INCLUDED]
    ed = load_edition(edition)
    sums = _sums(ed, included)
    units = _units(included)
    if not included:
        return MergeResult(None, target_year, edition, entries, missing, sums, problems, units)
    rows = _UnitValues(ed, readable, frames.get(edition))
    values: dict[str, Any] = {**sums, "unit": agency or _cover_name(units), "year": target_year}
    hints = {
        "unit": f"本表由 govxl merge 汇总 {len(units)} 个单位，名单见“{UNITS_SHEET}”表，来源见“{SOURCES_SHEET}”表"
    }
    data = render(
        edition,
        values,
        hints=hints,
        properties={PROP_MERGED: str(len(units))},
        extra=_provenance(ed, entries, rows, missing, problems, units),
    )
    write_atomically(output, data, overwrite=overwrite)
    return MergeResult(output, target_year, edition, entries, missing, sums, problems, units)


def _cover_name(units: list[tuple[str, int | None, str, str]]) -> str:
    """The cover of a merge with no --agency names what it sums, so that no two different merges carry the
    same name (the members' digest), and a merge of merges reads the same as one merge of the same units."""
    digest = members_digest((name, year) for name, year, _, _ in units)
    return f"{len(units)} 个单位的汇总（{digest[:12]}）"


def _refuse_output_among_inputs(output: Path, paths: Sequence[Path]) -> None:
    """The output is never one of the inputs: with --force it would overwrite a unit's file, and leaving it out
    of the inputs would merge one unit fewer without a word."""
    if not output.exists():
        return
    target = output.resolve()
    for p in paths:
        try:
            same = p.resolve() == target or os.path.samefile(p, output)
        except OSError:
            same = False
        if same:
            raise GovxlError(
                f"输出文件 {output} 也是要汇总的输入文件之一，不会覆盖它；请把汇总结果写到输入文件夹之外"
            )


EXACT = 2**53  # beyond this a double no longer holds every integer: an Excel cell cannot keep the count exactly


def _sums(ed: Edition, included: list[Entry]) -> dict[str, float]:
    """Each input cell summed over the included units, exactly: counts as integers (a float sum of integers is
    exact while every partial sum stays below 2**53, which the sum of magnitudes bounds; past that, Python
    integers), amounts correctly rounded. A total that no Excel cell can hold exactly is refused, never written
    as a rounded, infinite or NaN number."""
    import math

    import numpy as np

    codes = list(ed.input_codes)
    if not included:
        return dict.fromkeys(codes, 0.0)
    matrix = stack([e.filing.inputs for e in included if e.filing], ed.input_codes)
    present = np.where(np.isfinite(matrix), matrix, 0.0)  # not a number (kept by --include-invalid): counts as 0
    with np.errstate(over="ignore"):
        bound = np.abs(present).sum(axis=0)
        fast = np.nansum(matrix, axis=0)
    integral = (present == np.floor(present)).all(axis=0)
    out: dict[str, float] = {}
    for i, code in enumerate(codes):
        if integral[i] and bound[i] < EXACT:
            out[code] = int(fast[i])
            continue
        column = present[:, i]
        total: float
        try:
            total = sum(int(v) for v in column) if integral[i] else math.fsum(column)
        except OverflowError:
            total = math.inf
        if not abs(total) < EXACT:
            row = int(np.argmax(np.abs(column)))
            raise GovxlError(
                f"“{_label(ed, code)}”（{code}）的汇总数超出 Excel 能精确保存的范围（±2^53），未写出汇总表；"
                f"请核实各单位的填报数，其中最大的是 {included[row].path} 的 {_clean(float(column[row]))}"
            )
        out[code] = _clean(total) if isinstance(total, float) else int(total)
    return out


def _label(ed: Edition, code: str) -> str:
    cell = ed.cells[code]
    return " / ".join([*cell.row_labels[-1:], *cell.col_labels[-1:]])


def _clean(value: float) -> float:
    value = round(float(value), 6)
    return int(value) if value.is_integer() else value


def _units(included: list[Entry]) -> list[tuple[str, int | None, str, str]]:
    out: list[tuple[str, int | None, str, str]] = []
    for e in included:
        if e.merged:
            out.extend((name, year, sha, e.path.name) for name, year, sha in e.inner)
        elif e.filing:
            out.append((e.unit, e.year, e.filing.sha256, e.path.name))
    return out


class _UnitValues:
    """Each readable unit's cell values (inputs and recomputed totals), by id of its entry, taken from the
    validated frame one row at a time as the provenance sheet is written."""

    def __init__(self, ed: Edition, readable: list[Entry], frame_info: Any) -> None:
        import numpy as np

        self.rows: dict[int, int] = {}
        self.block = np.empty((0, 0))
        if frame_info is not None:
            positions, frame = frame_info
            numeric = [c for c in ed.cells if ed.cells[c].table]
            block = np.round(frame[numeric].to_numpy(dtype=float), 6)
            block[np.isinf(block)] = np.nan  # nan is written as no value; an infinite total is none either
            self.block = block
            self.rows = {id(readable[p]): row for row, p in enumerate(positions)}

    def get(self, entry: Entry) -> list[Any]:
        row = self.rows.get(id(entry))
        return [] if row is None else list(self.block[row].tolist())


def _provenance(
    ed: Edition,
    entries: list[Entry],
    rows: _UnitValues,
    missing: list[str],
    problems: list[str],
    units: list[tuple[str, int | None, str, str]],
) -> list[Any]:
    from govxl.report import short_sheet_names
    from govxl.workbook import DataSheet

    numeric = [c for c in ed.cells if ed.cells[c].table]
    short = short_sheet_names()
    labels = [
        " / ".join([short[ed.cells[c].sheet], *ed.cells[c].row_labels[-1:], *ed.cells[c].col_labels[-1:]])
        for c in numeric
    ]
    fixed = ["填报单位", "报告年度", "文件", "SHA-256", "版本", "状态", "错误", "警告"]
    sources = DataSheet(
        SOURCES_SHEET,
        [fixed + labels, [""] * len(fixed) + numeric],
        _source_rows(entries, rows, numeric),
        len(entries) + sum(_published(e) for e in entries),
        [24, 8, 40, 18, 6, 12, 6, 6],
    )

    def problem_rows() -> Iterable[list[Any]]:
        for text in problems:
            yield ["", "", "强制", "汇总", "", text]
        for e in entries:
            for f in e.findings:
                a = f.anchor
                where = f"{a.sheet}!{a.cell}" if a and a.cell else (a.sheet if a else "")
                yield [e.unit, str(e.path), f.severity.chinese, f.rule, where, f.message]
            yield from _replaced_totals(ed, e)

    problem_sheet = DataSheet(
        PROBLEMS_SHEET,
        [["填报单位", "文件", "严重程度", "规则", "位置", "问题"]],
        problem_rows(),
        len(problems) + sum(len(e.findings) + len(list(_replaced_totals(ed, e))) for e in entries),
        [24, 40, 8, 7, 30, 80],
    )
    status_rows: list[list[Any]] = [
        [i, e.unit, str(e.path), e.status, e.reason, e.year, e.filing.sha256 if e.filing else ""]
        for i, e in enumerate(entries, start=1)
    ]
    status_rows += [
        [len(entries) + i, name, "", MISSING, "名单中有，未收到文件", None, ""]
        for i, name in enumerate(missing, start=1)
    ]
    status = DataSheet(
        STATUS_SHEET,
        [["序号", "填报单位", "文件", "状态", "说明", "报告年度", "SHA-256"]],
        status_rows,
        len(status_rows),
        [6, 24, 40, 16, 50, 8, 18],
    )
    unit_sheet = DataSheet(
        UNITS_SHEET,
        [["填报单位", "报告年度", "SHA-256", "来源文件"]],
        [list(u) for u in units],
        len(units),
        [30, 8, 18, 40],
    )
    return [status, sources, problem_sheet, unit_sheet]


PUBLISHED_ROW = "其中公布的数（上一行的总计按分项计算）"


def _published(e: Entry) -> bool:
    """An extracted report (govxl extract): its totals as published are not the ones summed."""
    from govxl.published import PROP_EXTRACTED

    return e.filing is not None and PROP_EXTRACTED in e.filing.properties


def _source_rows(entries: list[Entry], rows: _UnitValues, numeric: list[str]) -> Iterable[list[Any]]:
    """One row a unit (its inputs and the totals computed from them); after an extracted report's row, the
    totals it published, so the sheet says which numbers were published and which computed."""
    for e in entries:
        if not (_published(e) and e.filing):
            yield [*_identity(e), e.status, e.errors, e.warnings, *rows.get(e)]
            continue
        computed = _computed(e.filing)
        yield [*_identity(e), e.status, e.errors, e.warnings, *(computed.get(c) for c in numeric)]
        typed = e.filing.typed_totals
        shown = [_clean(typed[c]) if c in typed and typed[c] == typed[c] else None for c in numeric]
        yield [*_identity(e), PUBLISHED_ROW, None, None, *shown]


def _computed(filing: Filing) -> dict[str, float]:
    """A unit's inputs and the totals computed from them: what a merge sums (not a published total)."""
    from govxl.spec import compute_totals

    numbers = {c: v for c, v in filing.inputs.items() if v == v}
    return {**numbers, **compute_totals(load_edition(filing.edition), numbers)}


def _replaced_totals(ed: Edition, e: Entry) -> Iterable[list[Any]]:
    """For an extracted report summed although a published total contradicts its parts (--include-invalid):
    that the sum of the parts was used instead."""
    if e.status != INCLUDED or not _published(e) or not e.filing:
        return
    from govxl.grid import grid_for

    grid = grid_for(ed.edition)
    computed = _computed(e.filing)
    for code, published in e.filing.typed_totals.items():
        parts = computed.get(code)
        if parts is None or published != published or parts != parts or abs(parts - published) < 1e-9:
            continue
        ref = e.filing.ref(grid, code)
        if _lacks_parts(ed, e.filing, code):
            said = f"公布的总计为 {show(published)}，报告中有分项未找到，已有分项之和为 {show(parts)}"
        else:
            said = f"公布的总计为 {show(published)}，与分项之和 {show(parts)} 不符"
        said += f"：汇总时用分项之和 {show(parts)}，未用公布的总计"
        yield [e.unit, str(e.path), "提示", "公布", f"{ref.sheet}!{ref.cell}", said]


def _lacks_parts(ed: Edition, filing: Filing, code: str) -> bool:
    cell = ed.cells[code]
    if cell.kind != "total":
        return filing.inputs[code] != filing.inputs[code]
    return any(_lacks_parts(ed, filing, p) for p in cell.parts)


def _identity(e: Entry) -> list[Any]:
    sha, edition = (e.filing.sha256, e.filing.edition) if e.filing else ("", "")
    return [e.unit, e.year, str(e.path), sha, edition]


def summary_json(result: MergeResult) -> dict[str, Any]:
    return {
        "output": str(result.output) if result.output else None,
        "year": result.year,
        "edition": result.edition,
        "inputs": len(result.entries),
        "included": sum(e.status == INCLUDED for e in result.entries),
        "units": len(result.units),
        "statuses": result.counts(),
        "missing": result.missing,
        "problems": result.problems,
        "files": [
            {
                "path": str(e.path),
                "unit": e.unit or None,
                "year": e.year,
                "status": e.status,
                "reason": e.reason or None,
                "errors": e.errors,
                "warnings": e.warnings,
                "sha256": e.filing.sha256 if e.filing else None,
            }
            for e in result.entries
        ],
        "sums": result.sums,
    }


def summary_text(result: MergeResult) -> str:
    counts = result.counts()
    lines = []
    if result.output:
        lines.append(
            f"已汇总 {len(result.units)} 个单位，写入 {result.output}（{result.year or '未知'}年度，"
            f"{result.edition} 版）"
        )
    else:
        lines.append("没有可汇总的单位，未写出汇总表")
    lines.append(
        f"输入文件 {len(result.entries)} 个：" + "，".join(f"{s} {n}" for s, n in counts.items() if s != MISSING)
    )
    if result.missing:
        shown = "、".join(result.missing[:10]) + ("等" if len(result.missing) > 10 else "")
        lines.append(f"名单中未报送 {len(result.missing)} 个：{shown}")
    for text in result.problems:
        lines.append(f"问题：{text}")
    left_out = [e for e in result.entries if e.status != INCLUDED]
    for e in left_out[:SHOWN]:
        lines.append(f"  {e.status}：{e.path}" + (f"（{e.reason}）" if e.reason else ""))
    if len(left_out) > SHOWN:
        lines.append(f"  ……另有 {len(left_out) - SHOWN} 个文件未汇总，见结果中的“{STATUS_SHEET}”表")
    return "\n".join(lines) + "\n"
