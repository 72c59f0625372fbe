"""Building the rule cases' workbooks (tests/cases/__init__.py describes the keys): a case's fill over its
edition's clean fill, rendered by the template writer, then at most one edit of the written package. Edits
rewrite only the parts they change (tests/helpers.py: patch_package), except moving rows, which openpyxl does
as a spreadsheet does it."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from govxl.spec import load_edition
from govxl.workbook import render
from tests.cases import Case
from tests.helpers import T3, clean_values, patch_package, sheet_part, type_over


def clean_fill(edition: str) -> dict[str, Any]:
    """A complete, consistent fill of the edition with no finding (test_rules_cases checks that it has none)."""
    from tests.test_edition_2019 import values_2019

    fills = {"2021": clean_values, "2019": values_2019}
    assert edition in fills, f"no clean fill of edition {edition!r}"
    return fills[edition]()


def _value(v: Any) -> Any:
    return v["repeat"] * v["times"] if isinstance(v, dict) else v


def values_of(side: dict[str, Any], **defaults: Any) -> tuple[str, dict[str, Any]]:
    """(edition, every value of its workbook) for one side of a case."""
    edition = side.get("edition", "2021")
    values = {**clean_fill(edition), **defaults}
    if "inputs" in side:
        every = {"zero": 0, "empty": None}[side["inputs"]]
        values.update(dict.fromkeys(load_edition(edition).input_codes, every))
    values.update({k: _value(v) for k, v in side.get("fill", {}).items()})
    values.update(dict.fromkeys(side.get("empty", ()), None))
    return edition, values


@functools.cache
def _rendered(edition: str, items: tuple[tuple[str, Any], ...]) -> bytes:
    return render(edition, dict(items))


def rendered(edition: str, values: dict[str, Any]) -> bytes:
    """Rendered once per distinct fill: most edits start from the same clean workbook."""
    return _rendered(edition, tuple(sorted(values.items())))


def workbook(data: dict[str, Any], **defaults: Any) -> bytes:
    """The bytes of a case's (this year's) workbook."""
    edition, values = values_of(data, **defaults)
    out = rendered(edition, values)
    if "typed" in data:
        t = data["typed"]
        out = type_over(out, t["sheet"], t["cell"], t["value"])
    if "build" in data:
        out = BUILDERS[data["build"]](out, *data.get("args", ()))
    return out


def _openpyxl(data: bytes, change: Callable[[Any], None]) -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def stale_cache(data: bytes) -> bytes:
    """Two inputs of table 三 changed in the sheet's XML, the totals' stored results left as they were."""

    def change(xml: str) -> str:
        xml, n1 = re.subn(r'(<c r="D7"[^>]*><v>)11(</v>)', r"\g<1>10\g<2>", xml)
        xml, n2 = re.subn(r'(<c r="D17"[^>]*><v>)3(</v>)', r"\g<1>4\g<2>", xml)
        assert n1 == n2 == 1
        return xml

    return patch_package(data, {sheet_part(data, T3): change})


def moved_rows(data: bytes) -> bytes:
    """What inserting a row above table 三's data does in a spreadsheet: cells, formulas and names move."""

    def change(wb: Any) -> None:
        wb[T3].move_range("A5:J29", rows=1, translate=True)
        for dn in list(wb.defined_names.values()):
            ((sheet, ref),) = dn.destinations
            col, row = re.fullmatch(r"\$([A-Z]+)\$(\d+)", ref).groups()  # type: ignore[union-attr]
            if sheet == T3 and int(row) >= 5:
                dn.attr_text = f"'{T3}'!${col}${int(row) + 1}"

    return _openpyxl(data, change)


def delete_sheet(data: bytes, sheet: str) -> bytes:
    """The sheet taken out of the workbook, with the names local to it; workbook names that point into it stay
    (dangling, as openpyxl leaves them)."""

    def change(xml: str) -> str:
        sheets = re.findall(r"<sheet\b[^>]*/>", xml)
        (gone,) = [i for i, s in enumerate(sheets) if f' name="{_attr(sheet)}"' in s]
        xml = xml.replace(sheets[gone], "")
        xml = re.sub(rf'<definedName\b[^>]*\blocalSheetId="{gone}"[^>]*>[^<]*</definedName>', "", xml)
        return re.sub(r'(\blocalSheetId=")(\d+)"', lambda m: f'{m[1]}{int(m[2]) - (int(m[2]) > gone)}"', xml)

    return patch_package(data, {"xl/workbook.xml": change})


def rename_sheet(data: bytes, old: str, new: str) -> bytes:
    """The sheet renamed as a spreadsheet program renames it: the names that point into it follow."""

    def change(xml: str) -> str:
        xml, n = re.subn(f' name="{_attr(old)}"', f' name="{_attr(new)}"', xml)
        assert n == 1, old
        return xml.replace(f"'{_attr(old)}'!", f"'{_attr(new)}'!")

    return patch_package(data, {"xl/workbook.xml": change})


def _attr(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


_PROPERTY = re.compile(r"<property\b[^>]*>.*?</property>", re.S)


def without_properties(data: bytes) -> bytes:
    """The template's identity lost, as on a re-save by a program that drops custom document properties."""
    return patch_package(data, {"docProps/custom.xml": lambda xml: _PROPERTY.sub("", xml)})


def not_from_template(data: bytes) -> bytes:
    """A copy of the official form made by hand: no govxl properties and no names of cell codes."""
    return patch_package(
        data,
        {
            "docProps/custom.xml": lambda xml: _PROPERTY.sub("", xml),
            "xl/workbook.xml": lambda xml: re.sub(r"<definedNames>.*?</definedNames>", "", xml, flags=re.S),
        },
    )


def old_template(data: bytes) -> bytes:
    """A workbook of an older template version, whose structure fingerprint differs."""

    def change(xml: str) -> str:
        for name, old in (("govxl_fingerprint", "0000000000000000"), ("govxl_template_version", "0.9.0")):
            xml, n = re.subn(rf'(name="{name}"><vt:lpwstr>)[^<]*', rf"\g<1>{old}", xml)
            assert n == 1, name
        return xml

    return patch_package(data, {"docProps/custom.xml": change})


BUILDERS: dict[str, Callable[..., bytes]] = {
    "stale_cache": stale_cache,
    "moved_rows": moved_rows,
    "delete_sheet": delete_sheet,
    "rename_sheet": rename_sheet,
    "without_properties": without_properties,
    "not_from_template": not_from_template,
    "old_template": old_template,
}


def write_pair(case: Case, folder: Path) -> tuple[Path, Path]:
    """This year's and last year's workbook of a pair case, of one unit (named after the case unless its fill
    names one), so that many pairs can be checked in one call."""
    folder.mkdir(parents=True, exist_ok=True)
    this, last = folder / "this.xlsx", folder / "last.xlsx"
    this.write_bytes(workbook(case.data, unit=case.id))
    last.write_bytes(workbook(case.data["last"], unit=case.id))
    return this, last
