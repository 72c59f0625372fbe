"""The layers of docs/ARCHITECTURE.md, held: no import circle (an import inside a function counts; one under
TYPE_CHECKING, which never runs, does not), and the bottom layers never reach up."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "govxl"

# what each low layer may import from govxl at run time
BELOW = {
    "govxl.errors": set(),
    "govxl.findings": set(),
    "govxl.values": set(),
    "govxl.filing": {"govxl.findings"},
    "govxl.rules": {"govxl.rules", "govxl.findings", "govxl.values"},
    "govxl.spec": {"govxl.spec", "govxl.errors", "govxl.rules"},
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for n in ast.walk(node)
    }
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("govxl"):
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name in known:
                out.add(name)
                # importing a submodule runs its packages' __init__ first
                parts = name.split(".")
                out.update(".".join(parts[:i]) for i in range(2, len(parts)) if ".".join(parts[:i]) in known)
    return out


@functools.cache  # the tree does not change during a run; each test reads the graph, none changes it
def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    graph = {}
    for name, path in mods.items():
        graph[name] = {t for t in _imports(path, known) if t != name and not name.startswith(t + ".")}
    return graph


def test_no_import_circle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        trail.append(m)
        for t in sorted(graph[m]):
            assert state.get(t) != 1, "import circle: " + " -> ".join([*trail[trail.index(t) :], t])
            if t not in state:
                visit(t)
        trail.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def test_the_bottom_layers_do_not_reach_up() -> None:
    graph = _graph()
    for name, targets in graph.items():
        layer = next((low for low in BELOW if name == low or name.startswith(low + ".")), None)
        if layer is None:
            continue
        allowed = BELOW[layer]
        bad = {t for t in targets if not any(t == a or t.startswith(a + ".") for a in allowed)}
        assert not bad, f"{name} imports {sorted(bad)}, above its layer"


def test_check_and_merge_stand_on_one_validation_layer_that_knows_no_command() -> None:
    graph = _graph()
    assert "govxl.validation" in graph["govxl.checker"] and "govxl.validation" in graph["govxl.merge"]
    assert "govxl.checker" not in graph["govxl.merge"] and not any(
        t.startswith("govxl.merge") for t in graph["govxl.checker"]
    )
    below = {t for m, ts in graph.items() if m.startswith("govxl.validation") for t in ts}
    assert not {t for t in below if t.split(".")[1] in ("checker", "merge", "extract", "cli", "corrections")}
