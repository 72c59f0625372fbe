"""Which files count: the year merged, what is left out and why, the newest version of each unit, a unit
never counted twice (directly and inside a merged input, or inside two), the roster, and the checks
across years."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from govxl.errors import GovxlError
from govxl.filing import Filing, unit_key
from govxl.findings import Finding, Severity
from govxl.merge.entries import (
    COUNTED_TWICE,
    DUPLICATE,
    INCLUDED,
    INVALID,
    OUTSIDE,
    SHOWN,
    SUPERSEDED,
    UNREADABLE,
    WRONG_EDITION,
    WRONG_YEAR,
    Entry,
)
from govxl.merge.sums import _clean
from govxl.rules import finding
from govxl.rules.crossyear import place_of
from govxl.spec import load_edition


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
                older.status, older.reason = DUPLICATE, f"与 {newest.short} 数字相同，只计一次"
            else:
                older.status, older.reason = SUPERSEDED, f"同一单位的较新文件 {newest.short} 为准"
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
            holder = inside[(unit_key(e.unit), e.year)][0].short
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
            f"{shown}同时含在 {'、'.join(h.short for h in holders)} 中；为免重复计入，"
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
                    f"所含单位都已含在汇总表 {bigger.short} 中，整份不再重复计入",
                )
            elif not any(members[id(o)] < mine for o in holders if o is not h):
                others = "、".join(o.short for o in holders if o is not h)
                h.status = COUNTED_TWICE
                h.reason = f"与汇总表 {others} 有相同的单位（{shown}），无法分开，未汇总；请去掉重复后重新汇总"
    return problems


CARRIED = "X1"  # the rule across years a merge checks: this year's 上年结转 is last year's 结转下年度


def _across_years(entries: list[Entry], last: list[Entry], year: int | None) -> list[str]:
    """X1 for each unit against its own previous-year workbook (matched by 填报单位; reported, not a reason
    to leave a unit out), and for the consolidated totals against last year's (a consolidated workbook among
    the previous inputs, else the sum of last year's units)."""
    import numpy as np

    from govxl.schema import build_frame
    from govxl.validation.years import compare_years, pair_by_unit

    readable = [e for e in last if e.filing is not None and (year is None or e.year in (None, year - 1))]
    problems = [f"上年报表无法读取：{e.problem}" for e in last if e.filing is None]
    # a unit's newest file of last year is its own (pair_by_unit keeps the later of two)
    last_filings = [e.filing for e in sorted(readable, key=lambda e: (e.mtime, str(e.path))) if e.filing]
    mine = [e for e in entries if e.filing]
    pairs = pair_by_unit([e.filing for e in mine if e.filing], last_filings, alone=False)
    found = compare_years([(f, p) for f, p in ((mine[i].filing, p) for i, p in pairs) if f])
    for (i, _), extra in zip(pairs, found, strict=True):
        mine[i].findings = mine[i].findings + [f for f in extra if f.rule == CARRIED]
    included = [e.filing for e in entries if e.status == INCLUDED and e.filing]
    merged = [e for e in readable if e.merged]
    basis = [e.filing for e in (merged or readable) if e.filing]
    if not included or not basis:
        return problems
    this_ed, prev_ed = load_edition(included[0].edition), load_edition(basis[0].edition)
    this_frame, prev_frame = build_frame(this_ed, included), build_frame(prev_ed, basis)
    for rel in this_ed.relations:
        if rel.rule != CARRIED or not all(t.code in prev_ed.cells for t in rel.rhs):
            continue
        now = sum(float(np.nansum(this_frame[t.code])) for t in rel.lhs)  # a blank cell adds nothing
        before = sum(float(np.nansum(prev_frame[t.code])) for t in rel.rhs)
        if abs(now - before) > 1e-6:
            problems.append(_summed(rel.rule, place_of(this_ed, rel), now, before, merged=bool(merged)).message)
    return problems


def _summed(rule_id: str, where: str, now: float, before: float, *, merged: bool) -> Finding:
    """X1 on the consolidated totals (the catalogue's X1.1): this year's units' 上年结转 against last year's."""
    lhs, rhs = _clean(now), _clean(before)
    basis = "汇总表" if merged else "各单位"
    return finding(f"{rule_id}.1", expected=rhs, actual=lhs, where=where, lhs=lhs, rhs=rhs, basis=basis)


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
