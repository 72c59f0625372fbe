"""Inputs of a merge: the files named (folders and patterns expanded), each read in a worker process, the
roster of expected units."""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from govxl.errors import GovxlError, os_reason
from govxl.files import decode_text
from govxl.filing import Filing, unit_key
from govxl.intake import PROP_MERGED, load_bytes
from govxl.merge.entries import Entry
from govxl.merge.sheetpart import _inner_units
from govxl.reader import read_filing

_GLOB = re.compile(r"[*?\[]")


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


def name_entries(entries: Sequence[Entry], names: Mapping[Path, str]) -> None:
    """Name each file read as the caller knows it (`names`: path read -> name shown), in what its reading
    said too, so that no sheet or summary shows a path the caller made only to read from (an archive's
    temporary folder)."""
    for e in entries:
        shown = names.get(e.path)
        if shown is not None:
            e.shown = shown
            e.problem = e.problem.replace(str(e.path), shown)


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
