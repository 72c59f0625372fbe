"""The loader's groundwork: typed access to a data file's entries and its axis trees, every error naming
the file and the entry."""

from __future__ import annotations

from typing import Any

from govxl.errors import SpecError
from govxl.rules import RULES  # the catalogue sits below the spec
from govxl.spec.model import (
    NUMERIC_KINDS,
    Node,
)


class BaseLoader:
    """Reads entries of a parsed data file, raising SpecError that names the file and the entry."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.named_rules: list[tuple[str, str, str]] = []

    def fail(self, where: str, problem: str) -> SpecError:
        return SpecError(f"版式数据文件 {self.source} 有误（{where}）：{problem}")

    def get(self, obj: Any, key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if not isinstance(obj, dict):
            raise self.fail(where, "应为对象（JSON object）")
        if key not in obj:
            if default is ...:
                raise self.fail(where, f"缺少键 {key!r}")
            return default
        value = obj[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail(where, f"键 {key!r} 的类型不对")
        return value

    def rule(self, obj: Any, key: str, where: str, default: Any = ...) -> str:
        """A rule id, which the catalogue must know: a renamed id would otherwise load, and break only when a
        workbook broke the rule."""
        rule: str = self.get(obj, key, where, str, default)
        if rule:
            self.named_rules.append((where, key, rule))  # checked once the file is read whole
        return rule

    def check_rules(self) -> None:
        for where, key, rule in self.named_rules:
            if rule not in RULES:
                raise self.fail(where, f"规则编号 {rule!r}（键 {key!r}）不在规则目录中（见 govxl rules）")

    def strings(self, obj: Any, key: str, where: str, default: Any = ...) -> list[str]:
        """A list of strings (codes, labels, words): anything else in it is named, not walked."""
        items = self.get(obj, key, where, list, default)
        for item in items:
            if not isinstance(item, str):
                raise self.fail(where, f"键 {key!r} 应为字符串的列表")
        return list(items)

    def node(self, raw: Any, where: str, allow_blank: bool = False) -> Node:
        code = self.get(raw, "code", where, str, "")
        label = self.get(raw, "label", where, str, "")
        where = f"{where} {label or code!r}"
        # only the one unlabelled row of a table without row labels (table 四) may lack both label and code
        if not label and (code or not allow_blank):
            raise self.fail(where, "标签为空")
        if (code and not code.replace("_", "").isalnum()) or not code.isascii():
            raise self.fail(where, f"编码 {code!r} 只能含 ASCII 字母、数字和下划线")
        children = tuple(self.node(c, where) for c in self.get(raw, "children", where, list, []))
        value = self.get(raw, "value", where, str, "")
        if value and value not in NUMERIC_KINDS:
            raise self.fail(where, f"未知的取值类型 {value!r}")
        node = Node(
            code=code,
            label=label,
            children=children,
            sum=tuple(self.strings(raw, "sum", where, [])),
            rule=self.rule(raw, "rule", where, ""),
            value=value,
            rule_making=self.get(raw, "rule_making", where, bool, False),
            span=self.get(raw, "span", where, int, 0),
            value_rule=self.rule(raw, "value_rule", where, ""),
            unit=self.get(raw, "unit", where, str, ""),
        )
        if node.sum and children:
            raise self.fail(where, "合计项不能再有下级")
        if node.sum and not node.rule:
            raise self.fail(where, "合计项须注明规则编号 rule")
        if not children and not code and not allow_blank:
            raise self.fail(where, "末级项须有编码")
        return node

    def axis_index(self, nodes: tuple[Node, ...], where: str) -> dict[str, Node]:
        index: dict[str, Node] = {}

        def visit(n: Node) -> None:
            if n.code:
                if n.code in index:
                    raise self.fail(where, f"编码 {n.code!r} 重复")
                index[n.code] = n
            for c in n.children:
                visit(c)

        for n in nodes:
            visit(n)
        return index

    def expand(self, refs: tuple[str, ...], index: dict[str, Node], where: str) -> tuple[Node, ...]:
        out: list[Node] = []
        for ref in refs:
            if ref not in index:
                raise self.fail(where, f"引用了不存在的编码 {ref!r}")
            out.extend(index[ref].leaves())
        return tuple(out)
