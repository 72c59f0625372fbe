"""Build the example workbooks in examples/ from the template: `python examples/make_examples.py`.

临淄区人民政府办公室 2024: the numbers of its published report (shared/corpus/002), every cell the report
prints as 0 entered as 0. with_errors_2024: the same with typical mistakes, for the checking guide."""

from __future__ import annotations

from pathlib import Path

from govxl.spec import load_edition
from govxl.workbook import write_template

HERE = Path(__file__).resolve().parent

LINZI_2024 = {
    "unit": "淄博市临淄区人民政府办公室",
    "year": 2024,
    "level": "政府部门及其他机关",
    "contact": "临淄区人民政府办公室",
    "phone": "0533-7212036",
    "t2_norm_made": 1,
    "t2_norm_repealed": 6,
    "t2_norm_valid": 9,
    "t3_new_np": 12,
    "t3_carried_np": 2,
    "t3_open_np": 5,
    "t3_partial_np": 6,
    "t3_unable_nohold_np": 3,
}


def linzi_values() -> dict[str, object]:
    values: dict[str, object] = dict.fromkeys(load_edition("2021").input_codes, 0)
    values.update(LINZI_2024)
    return values


def with_errors_values() -> dict[str, object]:
    """The same report with mistakes offices really make: a count typed wrong, a blank, 规章 filled in by an
    office that cannot make 规章."""
    values = linzi_values()
    values.update(t3_new_np=13, t4_review_upheld=None, t2_rule_made=1)
    return values


MERGE_DEMO = {
    # unit: (新收, 予以公开, 无法提供) by 自然人; each carries 1 over and forward none,
    # so 新收 + 1 = 予以公开 + 无法提供 must hold
    "甲街道办事处": (10, 8, 3),
    "乙镇人民政府": (4, 2, 3),
    "丙区财政局": (7, 5, 3),
    "丁区审计局": (5, 5, 3),  # 5 + 1 received, 8 answered: breaks 一 + 二 = （七）+ 四
    "戊区水务局": (2, 0, 3),  # not on the roster
}
ROSTER = ["甲街道办事处", "乙镇人民政府", "丙区财政局", "丁区审计局", "己区民政局"]


def merge_demo_values(unit: str) -> dict[str, object]:
    new, opened, unable = MERGE_DEMO[unit]
    values: dict[str, object] = dict.fromkeys(load_edition("2021").input_codes, 0)
    values.update(
        unit=unit,
        year=2024,
        level="政府部门及其他机关",
        contact="联系人",
        phone="0000-0000000",
        t3_new_np=new,
        t3_carried_np=1,
        t3_open_np=opened,
        t3_unable_nohold_np=unable,
    )
    return values


def main() -> None:
    write_template(HERE / "linzi_gov_office_2024.xlsx", "2021", linzi_values(), overwrite=True)
    write_template(HERE / "with_errors_2024.xlsx", "2021", with_errors_values(), overwrite=True)
    demo = HERE / "merge_demo"
    demo.mkdir(exist_ok=True)
    for i, unit in enumerate(MERGE_DEMO, start=1):
        write_template(demo / f"{i:02d}_{unit}.xlsx", "2021", merge_demo_values(unit), overwrite=True)
    (demo / "名单.csv").write_text("填报单位\n" + "\n".join(ROSTER) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
