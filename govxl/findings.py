"""Findings are values: what is wrong, where, how sure we are."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # 强制: must be fixed before submission
    WARNING = "warning"  # 核实: very likely wrong; an explanation (说明) may keep it
    INFO = "info"  # 提示: guidance

    @property
    def chinese(self) -> str:
        return {"error": "强制", "warning": "核实", "info": "提示"}[self.value]


@dataclass(frozen=True)
class CellRef:
    sheet: str
    cell: str  # A1
    code: str = ""

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    cells: tuple[CellRef, ...] = ()
    expected: Any = None
    actual: Any = None
    source: str = ""  # the sentence of a published report a finding comes from (extract)
    explanation: str = ""  # the office's 说明, for an explained warning
    # the named fields the message was filled from, kept for whoever renders it otherwise
    fields: tuple[tuple[str, Any], ...] = field(default=(), compare=False, repr=False)

    @property
    def anchor(self) -> CellRef | None:
        return self.cells[0] if self.cells else None

    @property
    def key(self) -> tuple[str, str]:
        """What an office's explanation is matched on when a workbook is checked again, with the unit
        (`explanation_unit`): (rule, sheet!cell)."""
        return (self.rule, str(self.anchor) if self.anchor else "")

    def compact(self) -> tuple[str, str, str]:
        """(rule, sheet, cell): the shape tests compare."""
        a = self.anchor
        return (self.rule, a.sheet if a else "", a.cell if a else "")

    def to_json(self) -> dict[str, Any]:
        a = self.anchor
        out = {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "sheet": a.sheet if a else None,
            "cell": a.cell if a else None,
            "cells": [str(c) for c in self.cells],
            "code": a.code if a and a.code else None,
            "expected": self.expected,
            "actual": self.actual,
        }
        if self.source:
            out["source"] = self.source
        if self.explanation:
            out["explained"] = True
            out["explanation"] = self.explanation
        return out


def explanation_unit(unit: str) -> str:
    """The 填报单位 as explanations are keyed by it: an explanation is carried only to the same unit."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", unit).split())


@dataclass
class FileReport:
    path: str
    edition: str = ""
    unit: str = ""
    year: int | None = None
    findings: list[Finding] = field(default_factory=list)
    problem: str = ""  # why the file could not be read, or its output not written (exit 2)
    corrections: str = ""  # the correction workbook written for it
    workbook: str = ""  # the workbook extracted from it (govxl extract)
    skipped: str = ""  # why it was not checked (a correction workbook among several inputs)
    unchecked: bool = False  # extracted without --check: only what extraction noticed, the numbers unjudged

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING and not f.explanation for f in self.findings)

    @property
    def valid(self) -> bool:
        return not self.problem and not self.skipped and self.errors == 0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "edition": self.edition or None,
            "unit": self.unit or None,
            "year": self.year,
            "valid": self.valid,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.to_json() for f in self.findings],
        }
        if self.problem:
            out["problem"] = self.problem
        if self.corrections:
            out["corrections"] = self.corrections
        if self.workbook:
            out["workbook"] = self.workbook
        if self.skipped:
            out["skipped"] = self.skipped
        if self.unchecked:  # no verdict on numbers nobody judged
            out["checked"], out["valid"] = False, None
        return out
