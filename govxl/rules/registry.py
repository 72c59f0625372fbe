"""The rule registry: every rule is registered once, by the module of its family, with its id (stable, never
reused), severity, Chinese message template with named fields, rationale, and the code that turns what was
detected into findings. Nothing here knows the form; a family's code is handed the edition it works on."""

from __future__ import annotations

import math
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govxl.findings import CellRef, Finding, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    template: str
    rationale: str
    scope: str  # 表二 / 表三 / 表四 / 封面 / 结构 / 全部表格 / 跨年度 / 抽取 / 正文

    @property
    def fields(self) -> tuple[str, ...]:
        """The named fields its message template takes."""
        return tuple(dict.fromkeys(f for _, f, _, _ in string.Formatter().parse(self.template) if f))


RULES: dict[str, Rule] = {}
# rule id -> the family code that turns a failed schema check of that rule into findings
Converter = Callable[..., list[Finding]]
CONVERTERS: dict[str, Converter] = {}


def register(*rules: Rule) -> tuple[Rule, ...]:
    for rule in rules:
        if rule.id in RULES:
            raise ValueError(f"rule id registered twice: {rule.id}")
        RULES[rule.id] = rule
    return rules


def converts(*rule_ids: str) -> Callable[[Converter], Converter]:
    def deco(fn: Converter) -> Converter:
        for rid in rule_ids:
            CONVERTERS[rid] = fn
        return fn

    return deco


def number(value: float | None) -> float | int | None:
    """A value as findings carry it: None for no number, an int where it is whole."""
    if value is None or math.isnan(value):
        return None
    return int(value) if float(value).is_integer() else value


def finding(
    rule_id: str, cells: tuple[CellRef, ...] = (), *, expected: Any = None, actual: Any = None, **fields: Any
) -> Finding:
    """A finding of `rule_id`, its message filled from the catalogue's template; the fields are kept."""
    rule = RULES[rule_id]
    anchor = cells[0] if cells else None
    # the sheet is shown beside every message, so a message names the cell alone
    values = {
        "cell": anchor.cell if anchor else "",
        "code": anchor.code if anchor else "",
        "expected": expected,
        "actual": actual,
        **fields,
    }
    message = rule.template.format(**values)
    kept = tuple((k, v) for k, v in values.items() if k in rule.fields)
    return Finding(rule_id, rule.severity, message, cells, expected, actual, fields=kept)
