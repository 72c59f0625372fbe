"""Generated documentation and examples must match what the code produces now."""

from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter

from govxl.cells import render_markdown
from govxl.workbook import render
from tests.conftest import ROOT
from tests.helpers import read_book, sheet_values


def test_cell_reference_is_current() -> None:
    for edition in ("2021", "2019"):
        doc = (ROOT / "docs" / f"cells-{edition}.md").read_text(encoding="utf-8")
        assert doc == render_markdown(edition), f"docs/cells-{edition}.md is stale: python scripts/gen_docs.py"


def test_example_workbook_is_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "examples" / "make_examples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stored = (ROOT / "examples" / "linzi_gov_office_2024.xlsx").read_bytes()
    assert stored == render("2021", module.linzi_values()), "run python examples/make_examples.py"
    stored = (ROOT / "examples" / "with_errors_2024.xlsx").read_bytes()
    assert stored == render("2021", module.with_errors_values()), "run python examples/make_examples.py"


def test_example_holds_the_published_numbers() -> None:
    """Numbers transcribed by hand from corpus/002 (临淄区人民政府办公室 2024)."""
    values = sheet_values(ROOT / "examples" / "linzi_gov_office_2024.xlsx")  # cached results, one read-only pass

    def cell(sheet: str, row: int, col: int) -> Any:
        return values.get((sheet, f"{get_column_letter(col)}{row}"))

    t2 = "二、主动公开政府信息情况"
    assert [[cell(t2, r, c) for c in (2, 3, 4)] for r in (4, 5)] == [[0, 0, 0], [1, 6, 9]]
    assert [values.get((t2, a)) for a in ("B8", "B11", "B12", "B15")] == [0, 0, 0, 0]
    t3 = "三、收到和处理政府信息公开申请情况"
    rows = {r: [cell(t3, r, c) for c in range(4, 11)] for r in range(5, 30)}
    assert rows[5] == [12, 0, 0, 0, 0, 0, 12]
    assert rows[6] == [2, 0, 0, 0, 0, 0, 2]
    assert rows[7] == [5, 0, 0, 0, 0, 0, 5]
    assert rows[8] == [6, 0, 0, 0, 0, 0, 6]
    assert rows[17] == [3, 0, 0, 0, 0, 0, 3]
    assert rows[28] == [14, 0, 0, 0, 0, 0, 14]
    assert rows[29] == [0] * 7
    assert sum(v for r in (9, 10, 11, 12, 13, 14, 15, 16) for v in rows[r]) == 0
    t4 = "四、政府信息公开行政复议、行政诉讼情况"
    assert [cell(t4, 5, c) for c in range(1, 16)] == [0] * 15
    assert values.get(("封面", "B3")) == "淄博市临淄区人民政府办公室"


def test_example_is_a_filled_template() -> None:
    wb = read_book(render("2021"))
    example = read_book(ROOT / "examples" / "linzi_gov_office_2024.xlsx")
    assert example.sheetnames == wb.sheetnames


def test_rules_reference_is_current() -> None:
    from govxl.rules import render_markdown as rules_markdown

    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == rules_markdown(), "docs/rules.md is stale: govxl rules --format markdown > docs/rules.md"


def test_checking_guide_shows_real_output() -> None:
    """The example output in docs/check.md is what govxl check prints for the example today."""
    from tests.test_cli import govxl

    result = govxl("check", "examples/with_errors_2024.xlsx", "--no-corrections", cwd=ROOT)
    assert result.returncode == 1
    doc = (ROOT / "docs" / "check.md").read_text(encoding="utf-8")
    assert "$ govxl check examples/with_errors_2024.xlsx --no-corrections\n" + result.stdout in doc


def test_merge_guide_shows_real_output() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec and spec.loader
    gen_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_docs)
    out = gen_docs.merge_demo_output()
    assert "已汇总 3 个单位" in out and "己区民政局" in out
    doc = (ROOT / "docs" / "merge.md").read_text(encoding="utf-8")
    assert "$ govxl " + " ".join(gen_docs.MERGE_DEMO_ARGS) + "\n" + out in doc


def test_merge_demo_is_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "examples" / "make_examples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for i, unit in enumerate(module.MERGE_DEMO, start=1):
        stored = (ROOT / "examples" / "merge_demo" / f"{i:02d}_{unit}.xlsx").read_bytes()
        assert stored == render("2021", module.merge_demo_values(unit)), "run python examples/make_examples.py"
