"""A workbook's structure written once, its values written into it each time.

xlsxwriter takes about 30 ms to write an edition's workbook, nearly all of it on what every copy shares: the
labels, merges, formats, formulas, validations, names and print settings. So govxl.workbook has xlsxwriter write
a workbook once for each shape (an edition's grid, which cover entries carry a hint, the custom properties'
names, the data sheets' headers), with every cell that varies left blank and every total a formula (a published
total's value takes its formula's place when filled); a Skeleton remembers where each of those cells sits in the
package and fills them in a few milliseconds. A value is written as xlsxwriter writes it (numbers as `%.16G`;
texts as shared strings, control characters as `_xHHHH_`, cut at 32,767 UTF-16 units), but a text always
escaped: xlsxwriter copies one that looks like rich text (`<r>…</r>`) into the package as XML. A text is never
a formula.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govxl.datasheets import stream_rows
from govxl.grid import CHECK_BROKEN, CHECK_OK, Grid
from govxl.spec import compute_totals
from govxl.values import excel_text

# a cell element of xlsxwriter's sheet XML: blank (<c …/>) or with content (<c …>…</c>, no nested cells)
_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)', re.S)
_PLACEHOLDER = re.compile("<vt:lpwstr>\ue000([0-9]+)\ue001</vt:lpwstr>")  # a custom property's value
_SI = re.compile(r"<si>(.*?)</si>", re.S)
_SST_COUNTS = re.compile(r'<sst [^>]*?count="(\d+)" uniqueCount="(\d+)"')
SHARED_STRINGS, CUSTOM, WORKBOOK = "xl/sharedStrings.xml", "docProps/custom.xml", "xl/workbook.xml"
STRING_MAX = 32767  # Excel's limit on a cell's text, in UTF-16 units


@dataclass(frozen=True)
class Slot:
    """A cell that varies: `head` is its element up to where a value goes (`<c r="B5" s="7"`); a formula's cell
    has `formula`, its element up to its cached result (`…<f>SUM(…)</f>`), unless a value is put in its place
    (a total as a published report printed it); `key` is what fills it."""

    head: str
    key: str
    formula: str | None


@dataclass(frozen=True)
class FilterRange:
    """Where a data sheet's autofilter, written over its header row alone, ends: in the sheet's <autoFilter>
    and in the workbook's _FilterDatabase name for it (each pattern's groups surround the last row)."""

    sheet: re.Pattern[str]
    name: re.Pattern[str]


@dataclass(frozen=True)
class Part:
    """A sheet's XML as the text between its varying cells, and those cells."""

    pieces: tuple[str, ...]  # len(slots) + 1
    slots: tuple[Slot, ...]


class Skeleton:
    def __init__(
        self,
        package: bytes,
        slots: Mapping[str, Mapping[str, tuple[str, bool]]],
        properties: Sequence[str],
        data_sheets: Mapping[str, tuple[int, FilterRange]],
    ) -> None:
        """`package`: the workbook xlsxwriter wrote with every varying cell blank; `slots`: for each sheet part,
        cell reference -> (key, whether it is a formula); `properties`: the custom properties' names, the value
        of each written as `placeholder` of its position; `data_sheets`: sheet part -> (rows before the data,
        the filter to widen)."""
        source = zipfile.ZipFile(io.BytesIO(package))
        self.infos = source.infolist()
        self.texts = {i.filename: source.read(i.filename).decode("utf-8") for i in self.infos}
        self.parts = {name: _part(self.texts[name], cells) for name, cells in slots.items()}
        self.properties = properties
        self.data_sheets = data_sheets
        sst = self.texts[SHARED_STRINGS]  # there are always labels
        self.strings = {si: i for i, si in enumerate(_SI.findall(sst))}
        counts = _SST_COUNTS.search(sst)
        if counts is None or int(counts[2]) != len(self.strings):
            raise ValueError("skeleton: the shared strings are not as xlsxwriter writes them")
        self.counts = (int(counts[1]), int(counts[2]))
        for part, (_, filt) in data_sheets.items():
            if not (filt.sheet.search(self.texts[part]) and filt.name.search(self.texts[WORKBOOK])):
                raise ValueError(f"skeleton: the autofilter of {part} is not where it was written")

    def fill(
        self,
        cells: Mapping[str, Any],
        properties: Mapping[str, str],
        rows: Mapping[str, tuple[Iterable[Sequence[Any]], int]],
        values: frozenset[str] = frozenset(),
    ) -> bytes:
        """The package with each slot's key looked up in `cells` (a formula's cached result, or a value:
        None or "" for a blank, a number, else text; `values` name the formulas' slots that get a value
        instead), the custom properties' values, and each data sheet's rows (with their count) streamed in."""
        strings = _Strings(self.strings, self.counts)
        texts = {name: _fill_part(part, cells, values, strings) for name, part in self.parts.items()}
        texts[SHARED_STRINGS] = strings.xml(self.texts[SHARED_STRINGS])
        if self.properties:  # one pass: a value is never searched for a placeholder
            texts_of = [_data(str(properties[name])) for name in self.properties]
            texts[CUSTOM] = _PLACEHOLDER.sub(
                lambda m: f"<vt:lpwstr>{texts_of[int(m[1])]}</vt:lpwstr>", self.texts[CUSTOM]
            )
        names = self.texts[WORKBOOK]
        for name, (first, filt) in self.data_sheets.items():
            last = first + rows[name][1]
            texts[name] = filt.sheet.sub(rf"\g<1>{last}\g<2>", self.texts[name], count=1)
            names = filt.name.sub(rf"\g<1>{last}\g<2>", names, count=1)
        texts[WORKBOOK] = names
        out = io.BytesIO()
        # data sheets' rows (a large merge's thousands) at the fastest level, the rest at zlib's default
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for item in self.infos:
                info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                text = texts.get(item.filename, self.texts[item.filename])
                if item.filename not in self.data_sheets:
                    dst.writestr(info, text.encode("utf-8"), compresslevel=6)
                    continue
                first = self.data_sheets[item.filename][0]
                with dst.open(info, "w", force_zip64=True) as stream:
                    for chunk in stream_rows(text, rows[item.filename][0], first):
                        stream.write(chunk.encode("utf-8"))
        return out.getvalue()


def _part(text: str, cells: Mapping[str, tuple[str, bool]]) -> Part:
    pieces: list[str] = []
    slots: list[Slot] = []
    at = 0
    for m in _CELL.finditer(text):
        if m[1] not in cells:
            continue
        key, is_formula = cells[m[1]]
        element = m[0]
        head = element[: element.index(">")].removesuffix("/")
        if not is_formula and not element.endswith("/>"):
            raise ValueError(f"skeleton cell {m[1]} is not blank: {element}")
        formula = element[: element.rindex("<v>")] if is_formula else None
        pieces.append(text[at : m.start()])
        slots.append(Slot(head, key, formula))
        at = m.end()
    pieces.append(text[at:])
    missing = set(cells) - {s.head.split('"', 2)[1] for s in slots}
    if missing:
        raise ValueError(f"skeleton cells not found: {sorted(missing)}")
    return Part(tuple(pieces), tuple(slots))


class _Strings:
    """A fill's shared strings: the skeleton's, then the values' texts, each once."""

    def __init__(self, base: Mapping[str, int], counts: tuple[int, int]) -> None:
        self.base = base
        self.count, self.unique = counts
        self.added: dict[str, int] = {}

    def index(self, si: str) -> int:
        self.count += 1
        found = self.base.get(si, self.added.get(si))
        if found is None:
            found = self.added[si] = self.unique
            self.unique += 1
        return found

    def xml(self, skeleton: str) -> str:
        m = _SST_COUNTS.search(skeleton)
        assert m is not None  # checked when the skeleton was made
        end = skeleton.rindex("</sst>")
        added = "".join(f"<si>{si}</si>" for si in self.added)
        counts = f'{self.count}" uniqueCount="{self.unique}'
        return skeleton[: m.start(1)] + counts + skeleton[m.end(2) : end] + added + skeleton[end:]


def _fill_part(part: Part, cells: Mapping[str, Any], values: frozenset[str], strings: _Strings) -> str:
    out = [part.pieces[0]]
    for slot, piece in zip(part.slots, part.pieces[1:], strict=True):
        value = cells.get(slot.key)
        if slot.formula is not None and slot.key not in values:
            out.append(f"{slot.formula}<v>{_data(str(value))}</v></c>")
        else:
            out.append(_cell_xml(slot.head, value, strings))
        out.append(piece)
    return "".join(out)


def _cell_xml(head: str, value: Any, strings: _Strings) -> str:
    """A value's cell element after its `<c r=… s=…` head, as xlsxwriter writes it (text always escaped)."""
    if value is None or value == "":
        return head + "/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise TypeError("NAN/INF not supported in a cell's value")  # as xlsxwriter's write_number()
        return f"{head}><v>{value:.16G}</v></c>"
    text = excel_text(_truncate(str(value)))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'{head} t="s"><v>{strings.index(f"<t{space}>{_escape(text)}</t>")}</v></c>'


def _truncate(text: str) -> str:
    if len(text) <= STRING_MAX // 2:
        return text
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > STRING_MAX:
            return text[:i]
    return text


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _data(text: str) -> str:
    return _escape(excel_text(text))


def placeholder(index: int) -> str:
    """What the skeleton holds for the value of the custom property at `index` (characters for private use)."""
    return f"\ue000{index}\ue001"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _num(value: float) -> float:
    return int(value) if float(value).is_integer() else value


def hint_key(code: str) -> str:
    return f"hint:{code}"


def check_key(sheet: str, index: int) -> str:
    return f"check:{sheet}:{index}"


def contents(
    grid: Grid, values: Mapping[str, Any], hints: Mapping[str, Any], published: Mapping[str, Any]
) -> dict[str, Any]:
    """What each varying cell holds, by slot key: an input's value, a total's cached result (what a spreadsheet
    computes from the inputs) or its published value, a live check's cached result, a hint's text. The totals
    above a published one and the live check rows see its value, so their cached results do too."""
    ed = grid.edition
    numbers = {k: v for k, v in values.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    shown = {code: v if _is_number(v) else 0 for code, v in published.items()}  # as a sheet's SUM sees them
    totals = compute_totals(ed, numbers, shown)
    totals.update(shown)

    def total(codes: tuple[str, ...]) -> float:
        return sum(totals[c] if c in totals else numbers.get(c, 0) for c in codes)

    out: dict[str, Any] = {hint_key(code): text for code, text in hints.items()}
    for sg in grid.sheets:
        for code in sg.cells:
            if ed.cells[code].kind != "total":
                out[code] = values.get(code)
            else:
                out[code] = published[code] if code in published else _num(totals[code])
        for i, check in enumerate(sg.checks):
            eq = check.equation
            out[check_key(sg.name, i)] = CHECK_OK if total(eq.lhs) == total(eq.rhs) else CHECK_BROKEN
    return out
