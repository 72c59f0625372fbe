"""Where a correction workbook goes (X_校验.xlsx …), and what is already there: an earlier correction
workbook of the same unit (whose explanations are kept), of another, or a file that is not govxl's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from govxl.errors import GovxlError
from govxl.intake import load_bytes
from govxl.reader import CORRECTIONS_SHEET

SUFFIX = "_校验"
PROP_OF = "govxl_corrections_of"  # the name of the file a correction workbook was written for
PROP_UNIT = "govxl_corrections_unit"  # and its 填报单位: explanations are carried only to the same unit


def corrections_path(source: Path, output_dir: Path | None) -> Path:
    """X.xlsx -> X_校验.xlsx; checking X_校验.xlsx again -> X_校验2.xlsx, so no file is its own output."""
    folder = output_dir if output_dir is not None else source.parent
    again = re.fullmatch(rf"(.*){SUFFIX}(\d*)", source.stem)
    if again:
        return folder / f"{again[1]}{SUFFIX}{int(again[2] or 1) + 1}.xlsx"
    return folder / f"{source.stem}{SUFFIX}.xlsx"


def candidate_paths(source: Path, output_dir: Path | None) -> Iterator[Path]:
    """Where the correction workbook of `source` may go, in order of preference: X_校验.xlsx, then
    X(2)_校验.xlsx, X(3)_校验.xlsx … when the first is taken in this run or belongs to another unit."""
    first = corrections_path(source, output_dir)
    yield first
    for k in range(2, 1000):
        yield first.with_name(f"{source.stem}({k}){SUFFIX}.xlsx")


@dataclass
class Existing:
    """What is already at a target path: nothing, a govxl correction workbook (of which unit, with which
    explanations), or something else that must not be overwritten."""

    kind: str  # "none" | "govxl" | "other" | "unreadable"
    unit: str = ""
    explanations: dict[tuple[str, str], str] = field(default_factory=dict)


def inspect_target(target: Path) -> Existing:
    if not target.exists():
        return Existing("none")
    from govxl.reader import read_filing

    try:
        filing = read_filing(target)
    except GovxlError:
        return Existing("unreadable")
    props = filing.properties
    is_ours = PROP_OF in props or bool(filing.explanations) or _has_corrections_sheet(target)
    if not is_ours:
        return Existing("other")
    return Existing("govxl", props.get(PROP_UNIT, filing.unit), filing.explanations)


def _has_corrections_sheet(path: Path) -> bool:
    from govxl.xlsx import open_workbook

    try:
        book = open_workbook(load_bytes(path))
    except Exception:
        return False
    try:
        return CORRECTIONS_SHEET in book.sheet_names
    finally:
        book.close()


def explanations_in(target: Path) -> dict[tuple[str, str], str]:
    """Explanations an office already wrote into an earlier correction workbook (Python API)."""
    found = inspect_target(target)
    if found.kind == "other":
        raise GovxlError(f"{target} 已存在且不是 govxl 的校验结果文件，不会覆盖；请改名或用 --output-dir")
    if found.kind == "unreadable":
        raise GovxlError(f"{target} 已存在且无法读取，不会覆盖；请改名或用 --output-dir")
    return found.explanations
