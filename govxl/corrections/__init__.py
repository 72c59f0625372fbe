"""Findings -> the correction workbook: a copy of the input whose first sheet 校验结果 lists every finding,
with each cell concerned highlighted and commented. The input file itself is never written.

The copy is made at the zip level: every part of the user's package is copied as it is, and only what the
correction workbook adds is written — a new worksheet part, a few styles, highlight styles on the cells
concerned, comments with their VML drawing, and a custom property marking the file as govxl's. No
spreadsheet library has to accept (or re-save) the user's file, so what the reader read can always be
written, and in a few milliseconds. Every text is written as text (inline strings, XML-escaped, control
characters removed); a formula the user typed where the template has none is written as its text.

The modules: `targets` (where the workbook goes, what is there already), `keep` (which of the filing's
formulas stay live), `package` (the zip and its parts), `styles`, `sheets` (highlights, formulas as text),
`comments`, `results` (the 校验结果 sheet) and `build` (all of it, in order); this module writes the result
and is the public face.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from govxl.corrections.build import build_corrections
from govxl.corrections.keep import formulas_to_keep
from govxl.corrections.results import HEADER, WIDTHS
from govxl.corrections.styles import FILLS
from govxl.corrections.targets import (
    PROP_OF,
    PROP_UNIT,
    SUFFIX,
    Existing,
    candidate_paths,
    corrections_path,
    explanations_in,
    inspect_target,
)
from govxl.errors import GovxlError, describe
from govxl.files import write_atomically
from govxl.findings import FileReport
from govxl.intake import load_bytes

__all__ = [
    "FILLS",
    "HEADER",
    "PROP_OF",
    "PROP_UNIT",
    "SUFFIX",
    "WIDTHS",
    "Existing",
    "build_corrections",
    "candidate_paths",
    "corrections_path",
    "explanations_in",
    "formulas_to_keep",
    "inspect_target",
    "write_corrections",
]


def write_corrections(
    report: FileReport,
    source: Path,
    target: Path,
    keep: Mapping[tuple[str, str], str] | None = None,
    sheets: Sequence[str] | None = None,
) -> Path:
    """Write the correction workbook of `source` to `target`. `keep` maps (sheet, cell) to the template's
    formula there: formulas of the sheets named in `sheets` stay live only where they are the template's
    own; any other formula is written as its text. Raises GovxlError when the package cannot be copied."""
    if target.resolve() == source.resolve():
        raise GovxlError(f"{source}：校验结果文件不能与被校验的文件同名")
    data = load_bytes(source)
    try:
        out = build_corrections(data, report, source.name, keep or {}, sheets)
    except GovxlError as exc:
        raise GovxlError(f"{source}：{exc.message}，无法写出校验结果工作簿") from None
    except Exception as exc:
        raise GovxlError(f"{source}：文件内部结构有误，无法写出校验结果工作簿（{describe(exc)}）") from None
    write_atomically(target, out, overwrite=True)
    return target
