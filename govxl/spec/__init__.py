"""An edition of the official form, loaded from its data file in workbook_templates/ (see loader.py); the
records are in model.py. Which editions exist, which one is the default and which one a report year uses are
all read from the data files: adding an edition is adding a file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from govxl.errors import SpecError, os_reason
from govxl.spec.loader import parse_edition
from govxl.spec.model import (
    NUMERIC_KINDS,
    PROP_EDITION,
    PROP_FINGERPRINT,
    PROP_VERSION,
    VALUE_KINDS,
    Block,
    Cell,
    Cover,
    CoverField,
    Edition,
    Equation,
    Identity,
    Node,
    Prose,
    Relation,
    ReportSection,
    RowSentence,
    Table,
    Term,
    ValueKind,
    cell_code,
)

EDITIONS_ENV = "GOVXL_EDITIONS_DIR"  # a folder of further edition files, beside the packaged ones


@cache  # the package does not move while a process runs; asked on every edition's lookup
def templates_dir() -> Path:
    """workbook_templates/: inside the package in an installed wheel, beside it in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for folder in (here / "workbook_templates", here.parent / "workbook_templates"):
        if folder.is_dir():
            return folder
    raise SpecError("找不到版式数据文件夹 workbook_templates（安装不完整？）")


# The caches below are keyed by GOVXL_EDITIONS_DIR's value as it reads now (or by a data file's path), never
# by an edition's name alone: one process (a test run, a server) may see the variable change, and two folders
# may each hold a 2025 edition. Caches of what an edition implies (grids, schemas, report skeletons, sections)
# key by the Edition object itself, which is one per data file (`_parse`), so the packaged editions' grids and
# schemas stay shared whatever the variable says.


def _extra() -> str:
    return os.environ.get(EDITIONS_ENV, "")


@cache
def _catalogue(extra: str) -> tuple[dict[str, Path], tuple[str, ...]]:
    """(edition -> its data file, the editions' names in order) for that value of GOVXL_EDITIONS_DIR."""
    files = _files((templates_dir(), *(Path(p) for p in extra.split(os.pathsep) if p)))
    return files, tuple(sorted(files))


def _files(folders: tuple[Path, ...]) -> dict[str, Path]:
    """Edition -> its data file; a later folder's file of the same edition replaces an earlier one's."""
    out: dict[str, Path] = {}
    for i, folder in enumerate(folders):
        if i:  # a folder of GOVXL_EDITIONS_DIR; the packaged one is always there
            try:
                if not folder.exists():
                    raise SpecError(f"{EDITIONS_ENV} 指向的文件夹 {folder} 不存在")
                if not folder.is_dir():
                    raise SpecError(f"{EDITIONS_ENV} 指向的 {folder} 不是文件夹")
                found = sorted(folder.glob("*.json"))
            except OSError as exc:
                raise SpecError(f"{EDITIONS_ENV} 指向的文件夹 {folder} 无法读取（{os_reason(exc)}）") from None
        else:
            found = sorted(folder.glob("*.json"))
        # a folder, a dangling link or a link loop named *.json is not an edition file
        out.update({p.stem: p for p in found if p.is_file()})
    return out


def available_editions() -> tuple[str, ...]:
    return _catalogue(_extra())[1]


def load_edition(edition: str | None = None) -> Edition:
    """The edition of that name (the default one when None)."""
    return _edition(_extra(), edition)


def loaded_editions() -> tuple[Edition, ...]:
    """Every available edition, loaded, in the order of their names."""
    return tuple(map(load_edition, available_editions()))


@cache  # asked for very often (every grid_for): a name's edition is one lookup while the variable stays
def _edition(extra: str, edition: str | None) -> Edition:
    files = _catalogue(extra)[0]
    if edition is None:
        return _parse(_default_file(files))
    if edition not in files:
        known = "、".join(sorted(files))
        raise SpecError(f"没有 {edition} 版的报告格式（现有：{known}）")
    return _parse(files[edition])


@cache
def _parse(path: Path) -> Edition:
    try:
        source = str(path.relative_to(templates_dir().parent))
    except ValueError:
        source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpecError(f"版式数据文件 {source} 不是 UTF-8 编码的文本") from None
    except OSError as exc:
        raise SpecError(f"版式数据文件 {source} 无法读取（{os_reason(exc)}）") from None
    ed = parse_edition(text, source)
    if ed.edition != path.stem:
        raise SpecError(
            f"版式数据文件 {source} 有误（edition）：版本名 {ed.edition!r} 应与文件名 {path.stem!r} 相同"
        )
    return ed


def _default_file(files: dict[str, Path]) -> Path:
    marked = [p for p in files.values() if _parse(p).default]
    if len(marked) > 1:
        raise SpecError("有多个版式数据文件标明 default：" + "、".join(str(p) for p in marked))
    return marked[0] if marked else files[max(files, key=lambda e: _parse(files[e]).first_year)]


def default_edition() -> str:
    """The edition a command uses when none is given and none can be told from the input."""
    return load_edition(None).edition


def edition_for_year(year: int) -> str:
    """The edition a report on `year` uses: of those whose years cover it, the newest."""
    fitting = [load_edition(e) for e in available_editions() if load_edition(e).fits_year(year)]
    if not fitting:
        raise SpecError(f"没有适用于 {year} 年度报告的格式")
    return max(fitting, key=lambda ed: ed.first_year).edition


def compute_totals(
    edition: Edition, values: Mapping[str, float], fixed: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Every total recomputed from the inputs (a missing or blank input counts as 0); a total in `fixed` is that
    number instead (a published report's printed total, which the totals above it then sum, as a sheet does)."""
    out = {c: v for c, v in (fixed or {}).items() if c in edition.cells and edition.cells[c].kind == "total"}

    def value(code: str) -> float:
        cell = edition.cells[code]
        if cell.kind == "input":
            return values.get(code) or 0
        if code not in out:
            out[code] = sum(value(p) for p in cell.parts)
        return out[code]

    for code in edition.total_codes:
        value(code)
    return out


__all__ = [
    "NUMERIC_KINDS",
    "PROP_EDITION",
    "PROP_FINGERPRINT",
    "PROP_VERSION",
    "VALUE_KINDS",
    "Block",
    "Cell",
    "Cover",
    "CoverField",
    "Edition",
    "Equation",
    "Identity",
    "Node",
    "Prose",
    "Relation",
    "ReportSection",
    "RowSentence",
    "SpecError",
    "Table",
    "Term",
    "ValueKind",
    "available_editions",
    "cell_code",
    "compute_totals",
    "default_edition",
    "edition_for_year",
    "load_edition",
    "loaded_editions",
    "parse_edition",
    "templates_dir",
]
