"""The edition loader: derived cells and equations, and errors that name the file and the entry."""

from __future__ import annotations

import copy
import json

import pytest

from govxl.errors import SpecError
from govxl.spec import load_edition, parse_edition, templates_dir


@pytest.fixture()
def raw() -> dict:
    return json.loads((templates_dir() / "2021.json").read_text(encoding="utf-8"))


def test_2021_cells_and_equations() -> None:
    ed = load_edition("2021")
    kinds = [c.kind for c in ed.cells.values() if c.table]
    # 10 + 25*7 + 15 number cells; totals: 25 row totals + 6 （七）总计 + 3 in table 四
    assert (len(kinds), kinds.count("total")) == (200, 34)
    assert ed.cells["t3_done_np"].parts == tuple(
        f"t3_{r}_np"
        for r in ["open", "partial"]
        + [f"deny_{x}" for x in ("secret", "law", "safety", "third", "internal", "process", "case", "query")]
        + [f"unable_{x}" for x in ("nohold", "create", "unclear")]
        + [f"reject_{x}" for x in ("petition", "repeat", "publication", "mass", "confirm")]
        + [f"otherwise_{x}" for x in ("nocorrect", "nofee", "other")]
    )
    r31 = [e for e in ed.equations if e.rule == "R3.1"]
    assert len(r31) == 7
    assert r31[-1].lhs == ("t3_new_total", "t3_carried_total")
    assert r31[-1].rhs == ("t3_done_total", "t3_forward_total")
    assert ed.cells["t2_fee_amount"].value == "amount"
    assert ed.fits_year(2021) and ed.fits_year(2030) and not ed.fits_year(2020)


def load(raw: dict) -> None:
    parse_edition(json.dumps(raw, ensure_ascii=False), "workbook_templates/test.json")


def t3_rows(raw: dict) -> list:
    return raw["tables"][1]["blocks"][0]["rows"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: t3_rows(r)[1].update(code="new"), "编码 'new' 重复"),
        (lambda r: t3_rows(r)[2]["children"][-1].update(sum=["open", "nosuch"]), "不存在的编码 'nosuch'"),
        (lambda r: t3_rows(r)[2]["children"][-1].update(sum=["open", "done"]), "引用了自身"),
        (lambda r: t3_rows(r)[0].update(label=""), "标签为空"),
        (lambda r: t3_rows(r)[0].update(code="新"), "只能含 ASCII"),
        (lambda r: r["tables"][1].update(live_checks=["R9.9"]), "R9.9"),
        (lambda r: r["tables"][1].update(sheet=r["tables"][0]["sheet"]), "工作表名称重复"),
        (lambda r: r["cover"].pop("fields"), "缺少键 'fields'"),
        (lambda r: r["tables"][1].update(label_widths=[1]), "label_widths"),
    ],
)
def test_spec_errors_name_file_and_entry(raw: dict, mutate, message: str) -> None:
    bad = copy.deepcopy(raw)
    mutate(bad)
    with pytest.raises(SpecError) as err:
        load(bad)
    assert "workbook_templates/test.json" in err.value.message
    assert message in err.value.message


def test_cycle_between_totals_is_rejected(raw: dict) -> None:
    # make 一 the total of 二 while 二 is the total of 一
    rows = t3_rows(raw)
    rows[0].update(sum=["carried"], rule="RX")
    rows[1].update(sum=["new"], rule="RX")
    with pytest.raises(SpecError, match="循环引用"):
        load(raw)


def test_bad_json_is_reported_with_line() -> None:
    with pytest.raises(SpecError, match=r"test.json 不是有效的 JSON：第 2 行"):
        parse_edition('{\n  "edition": ,\n}', "workbook_templates/test.json")


def test_unknown_edition() -> None:
    with pytest.raises(SpecError, match="没有 1999 版"):
        load_edition("1999")
