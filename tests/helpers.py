"""Building filled workbooks for tests: from values (xlsxwriter, real cached totals) or by editing one."""

from __future__ import annotations

import asyncio
import functools
import io
import os
import random
import re
import zipfile
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape as xml_escape

import openpyxl

from govxl.checker import check_paths
from govxl.findings import FileReport, Severity
from govxl.grid import NAME_PREFIX
from govxl.spec import Edition, compute_totals, load_edition
from govxl.workbook import render

T2 = "二、主动公开政府信息情况"
T3 = "三、收到和处理政府信息公开申请情况"
T4 = "四、政府信息公开行政复议、行政诉讼情况"
COVER = "封面"
T = TypeVar("T")


def clean_values() -> dict[str, Any]:
    """A complete, consistent fill with no finding at all (临淄 2024 with 部分公开 moved to 予以公开, since any
    部分公开 draws the R3.7 hint)."""
    values: dict[str, Any] = dict.fromkeys(load_edition("2021").input_codes, 0)
    values.update(
        unit="某某区人民政府办公室",
        year=2024,
        level="政府部门及其他机关",
        contact="张三",
        phone="0533-1234567",
        t2_norm_made=1,
        t2_norm_repealed=6,
        t2_norm_valid=9,
        t3_new_np=12,
        t3_carried_np=2,
        t3_open_np=11,
        t3_unable_nohold_np=3,
    )
    return values


# GOVXL_FUZZ_SCALE multiplies the number of mutants and random fills the fuzz and property tests make, for a
# deeper run than the everyday one (say 10 before a release); the seeds stay, so a run's first cases are always
# the same
FUZZ_SCALE = float(os.environ.get("GOVXL_FUZZ_SCALE", "1"))


def scaled(count: int) -> int:
    """`count` cases, times GOVXL_FUZZ_SCALE (at least one)."""
    return max(1, round(count * FUZZ_SCALE))


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run() in a thread of its own: the test process's browser (Playwright's synchronous API, open for
    the whole run) keeps an event loop running in the main thread, where asyncio.run() refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def write(path: Path, values: dict[str, Any] | None = None) -> Path:
    path.write_bytes(rendered(clean_values() if values is None else values))
    return path


def rendered(values: Mapping[str, Any]) -> bytes:
    """The workbook of a fill, rendered once a test process for each fill."""
    return _rendered(tuple(sorted(values.items(), key=lambda item: item[0])))


@functools.lru_cache(maxsize=512)
def _rendered(values: tuple[tuple[str, Any], ...]) -> bytes:
    """render() is deterministic and takes about 0.1 s: the suite writes the same fill hundreds of times."""
    return render("2021", dict(values))


def edit(path: Path, change: Callable[[openpyxl.Workbook], None], out: Path | None = None) -> Path:
    """Open with openpyxl, change, save (openpyxl keeps no cached formula results)."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    target = out or path
    wb.save(target)
    return target


def report(path: Path) -> FileReport:
    (r,) = check_paths([path])
    assert not r.problem, r.problem
    return r


def compact(r: FileReport, severity: Severity | None = None) -> set[tuple[str, str, str]]:
    return {f.compact() for f in r.findings if severity is None or f.severity is severity}


class OpenpyxlFiller:
    """Fills a blank template with openpyxl, as a user's script would: load it, set cells by code (through the
    template's defined names), save. The template is loaded once (a full openpyxl load of it takes about
    0.3 s) and each fill's cells are put back as they were after its save, so every file is what a fresh load,
    fill and save writes, but for the bookkeeping openpyxl adds from a workbook's second save on
    (outlineLevelCol="0" on each sheet). `template` is an edition's name or a template's bytes."""

    def __init__(self, template: str | bytes = "2021") -> None:
        data = render(template) if isinstance(template, str) else template
        self.book = openpyxl.load_workbook(io.BytesIO(data))

    @classmethod
    def of(cls, template: Path) -> OpenpyxlFiller:
        """The filler of a template file, loaded once a test process for each template's bytes."""
        return _filler_of(template.read_bytes())

    def _cell(self, code: str) -> Any:
        ((sheet, ref),) = self.book.defined_names[NAME_PREFIX + code].destinations
        return self.book[sheet][ref.replace("$", "")]

    def fill(self, path: Path, values: dict[str, Any]) -> Path:
        cells = [self._cell(code) for code in values]
        before = [cell.value for cell in cells]
        try:  # the template is put back whatever fails, an assignment openpyxl refuses or the save
            for cell, value in zip(cells, values.values(), strict=True):
                cell.value = value
            self.book.save(path)
        finally:
            for cell, value in zip(cells, before, strict=True):
                cell.value = value
        return path


@functools.lru_cache(maxsize=8)
def _filler_of(template: bytes) -> OpenpyxlFiller:
    return OpenpyxlFiller(template)


def random_fill(ed: Edition, rng: random.Random, consistent: bool) -> dict[str, float]:
    values: dict[str, float] = {}
    for code in ed.input_codes:
        cell = ed.cells[code]
        if cell.value == "amount":
            values[code] = round(rng.uniform(0, 500), 4)
        else:
            values[code] = rng.choice([0, 0, 1, 2, 3, 7, 12, 250])
    if consistent:
        # choose 二 and 四, then set 一 so that 一 + 二 = （七）+ 四 in every applicant column
        for eq in ed.equations:
            if eq.rule != "R3.1" or ed.cells[eq.lhs[0]].kind != "input":
                continue
            new, carried = eq.lhs
            done, forward = eq.rhs
            outcome = compute_totals(ed, values)[done]
            values[carried] = rng.randint(0, int(outcome))
            values[new] = outcome + values[forward] - values[carried]
    return values


def read_book(source: Path | str | bytes, data_only: bool = False) -> openpyxl.Workbook:
    """A read-only openpyxl load, for a test that reads only values, sheet names, custom document properties or
    cells' formats (a full load takes about four times as long, binding merged cells, comments, validations),
    from the file's bytes, so no file handle stays open. Its rows are as wide as the sheet's <dimension> says."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)


def sheet_values(path: Path, data_only: bool = True) -> dict[tuple[str, str], Any]:
    """Every non-empty cell of a workbook as {(sheet, "B4"): value}, read in one read-only pass (a full
    openpyxl load of a LibreOffice-saved workbook takes a second, binding its merged cells)."""
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    try:
        out = {}
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if getattr(cell, "value", None) is not None:
                        out[(ws.title, f"{get_column_letter(cell.column)}{cell.row}")] = cell.value
        return out
    finally:
        book.close()


# Edits of a written workbook's package without openpyxl: its round trip rewrites every part and costs a
# tenth of a second a workbook; these rewrite only the parts they change and copy the rest byte for byte.


def patch_package(data: bytes, changes: Mapping[str, Callable[[str], str]]) -> bytes:
    """The package with each named XML part passed through its change (the part must exist)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        missing = set(changes) - set(zin.namelist())
        assert not missing, f"no part {sorted(missing)} in the package"
        for item in zin.infolist():
            part = zin.read(item.filename)
            if item.filename in changes:
                part = changes[item.filename](part.decode("utf-8")).encode("utf-8")
            zout.writestr(item, part)
    return out.getvalue()


def sheet_part(data: bytes, sheet: str) -> str:
    """The package path of a sheet's XML, as the workbook's part and its relationships name it."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    quoted = re.escape(xml_escape(sheet, {'"': "&quot;"}))
    found = re.search(rf'<sheet name="{quoted}"[^>]*\br:id="(\w+)"', book)
    assert found, f"no sheet {sheet!r} in the workbook"
    target = re.search(rf'<Relationship Id="{found[1]}"[^>]*\bTarget="([^"]+)"', rels)
    assert target, f"no relationship {found[1]}"
    return target[1].lstrip("/") if target[1].startswith("/") else f"xl/{target[1]}"


def type_over(data: bytes, sheet: str, cell: str, value: Any) -> bytes:
    """`value` typed into `cell` of `sheet` (a number, a text, or a formula starting with "="), saved as by a
    program that keeps no formula results (as openpyxl does): the sheet's formulas lose their stored results,
    so a reader recalculates them rather than reading totals from before the change."""

    def change(xml: str) -> str:
        found = re.search(rf'<c r="{cell}"([^>]*?)(?:/>|>.*?</c>)', xml, re.S)
        assert found, f"no cell {cell} in {sheet!r}"
        style = re.search(r'\bs="\d+"', found[1])
        attrs = f' r="{cell}"' + (f" {style[0]}" if style else "")
        if isinstance(value, str) and value.startswith("="):
            new = f"<c{attrs}><f>{xml_escape(value[1:])}</f></c>"
        elif isinstance(value, str):
            new = f'<c{attrs} t="inlineStr"><is><t>{xml_escape(value)}</t></is></c>'
        else:
            new = f"<c{attrs}><v>{value!r}</v></c>"
        xml = xml[: found.start()] + new + xml[found.end() :]
        return re.sub(r"(<f>[^<]*</f>)<v>[^<]*</v>", r"\1", xml)

    return patch_package(data, {sheet_part(data, sheet): change})
