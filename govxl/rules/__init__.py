"""The rule catalogue: each family module registers its rules (id, severity, message template, rationale) and
the code that turns what was detected into findings. Ids follow shared/rules-reference.md where a rule is one
of its rules (R3.1 …); rules the reference leaves implicit get ids of their own: B (blank), T (text read as a
number), C (cover), S (structure), M (template identity), E (extraction), N (prose), X (across years).
`docs/rules.md` is generated from the catalogue (`govxl rules --format markdown`)."""

from __future__ import annotations

from govxl.rules import blank, cover, crossyear, extract, prose, structure, table
from govxl.rules.registry import CONVERTERS, RULES, Rule, converts, finding, register

# listed in this order (docs/rules.md, govxl rules): the tables first, then what reading, the cover, other
# years, the structure, extraction and the prose show
CATALOGUE: tuple[Rule, ...] = (
    *table.FAMILY,
    *blank.FAMILY,
    *cover.FAMILY,
    *crossyear.FAMILY,
    *structure.FAMILY,
    *extract.FAMILY,
    *prose.FAMILY,
)

__all__ = ["CATALOGUE", "CONVERTERS", "RULES", "Rule", "converts", "finding", "register", "render_markdown"]


def render_markdown() -> str:
    lines = [
        "# 校验规则",
        "",
        "<!-- 由 `govxl rules --format markdown` 生成，请勿手工修改。 -->",
        "",
        "严重程度：**强制**（error）必须改正；**核实**（warning）很可能有误，确属特殊情况的可在“校验结果”表的"
        "“说明”栏写明理由；**提示**（info）仅供参考。规则编号长期不变，不会重复使用。",
        "",
        "| 编号 | 严重程度 | 范围 | 规则 | 提示信息模板 | 依据 |",
        "|---|---|---|---|---|---|",
    ]
    for r in CATALOGUE:
        lines.append(f"| {r.id} | {r.severity.chinese} | {r.scope} | {r.title} | {r.template} | {r.rationale} |")
    return "\n".join(lines) + "\n"
