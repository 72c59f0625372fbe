"""填报单位 and 报告年度 read from a published report's title, against an expectation written by hand for every
corpus report (from the title each one prints; "" where no title names the agency, never a guess)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govxl.extract import extract, write_extraction
from govxl.reader import read_filing
from tests.conftest import corpus_extraction, corpus_file

# file -> the agency its title names, by hand; "" where the excerpt has no title naming one (the unit is then
# left empty, and C1 says so)
UNITS = {
    "002_linzi_gov_office_2024.txt": "临淄区人民政府办公室",  # the title wraps before 年度报告
    "003_shenzhen_longgang_dept_2024.txt": "",  # the excerpt starts at 一、总体情况
    "005_yangling_audit_2022.txt": "",  # no title; the prose says 我局
    "006_changchun_erdao_fwzs_2022.txt": "",  # 关于2022年度政府信息公开情况的报告: no agency in the title
    "009_xixian_taiping_town_2022.txt": "太平镇人民政府",
    "011_weishan_liangcheng_town_2020.txt": "",  # no title
    "012_taojiang_songmutang_town_2022.txt": "桃江县松木塘镇人民政府",  # the line above 2022年…年度报告
    "013_jiaxian_xizhen_town_2022.txt": "螅镇",  # 【字体: 】 打印 / 2022年度螅镇政府信息公开工作年度报告
    "015_wuhan_ecology_env_bureau_2020.txt": "",  # the mirror starts with a sentence of prose
    "018_guangzhou_baiyun_tangjing_street_2021.txt": "广州市白云区人民政府棠景街道办事处",  # under a breadcrumb
    "019_yueyang_nanhu_bureau_2019.txt": "",  # no title
    "022_taojiang_audit_2020.txt": "",  # no title
    "024_panzhihua_xiqu_audit_2020.txt": "攀枝花市西区审计局",
    "025_weihai_wendeng_xinfang_2022_p8.txt": "威海市文登区信访局",  # Page 8 - 威海市文登区信访局2022年…
    "027_weihai_wendeng_gov_office_2022_p9.txt": "威海市文登人民政府办公室",  # (sic: no 区 in the title)
    "029_shandong_drug_admin_2022.txt": "山东省药品监督管理局",
    "031_shanghai_city_2023.txt": "上海市",  # 2023年上海市政府信息公开工作年度报告
    "033_shanghai_gov_office_2022_egov_copy.txt": "",  # the copy starts with a sentence of prose
    "035_linzi_jixia_street_2024.txt": "临淄区人民政府稷下街道办事处",  # 标题: | 临淄区…2024年…年度报告 |
    "037_linyi_luozhuang_district_2024.txt": "",  # no title; the prose's 罗庄区人民政府办公室 is not taken
    "039_qingyang_heshui_county_2024.txt": "合水县",
    "041_tianshui_gangu_gov_office_2024.txt": "甘谷县人民政府办公室",  # on the line above 2024年…年度报告
    "043_longyan_zhangping_gov_office_2021.txt": "",  # starts with a sentence of prose
    "045_datong_tianzhen_xinfang_2021.txt": "",  # 发布时间: then prose
    "047_shenyang_yuhong_yingbinlu_street_2021.txt": "迎宾路街道",  # 2021年迎宾路街道政府信息公开工作年度报告
    "049_shenzhen_pingshan_audit_2020.txt": "坪山区审计局",
    "051_quanzhou_licheng_gov_office_2021.txt": "",  # starts with a sentence of prose
    "c01_huaian_city_gov_2024.txt": "淮安市人民政府",
    "c02_huaian_hongze_district_gov_2023.txt": "洪泽区人民政府",
    "c03_huaian_hongze_district_gov_2024.txt": "淮安市洪泽区人民政府",
    "pdf/c01_huaian_city_gov_2024.pdf": "淮安市人民政府",
    "pdf/c02_huaian_hongze_district_gov_2023.pdf": "洪泽区人民政府",
    "pdf/c03_huaian_hongze_district_gov_2024.pdf": "淮安市洪泽区人民政府",
}


def test_every_corpus_report_has_an_expectation() -> None:
    corpus = corpus_file("README.md").parent
    files = {p.name for p in corpus.glob("*.txt")} | {f"pdf/{p.name}" for p in (corpus / "pdf").glob("*.pdf")}
    assert files == set(UNITS)


@pytest.mark.parametrize("name", sorted(UNITS))
def test_unit_is_the_agency_the_title_names(name: str) -> None:
    assert corpus_extraction(name).unit == UNITS[name]


@pytest.mark.parametrize("name", ["005_yangling_audit_2022.txt", "024_panzhihua_xiqu_audit_2020.txt"])
def test_an_empty_unit_is_said_not_invented(tmp_path: Path, name: str) -> None:
    """The workbook of a report whose title names no agency leaves 填报单位 blank, and checking it says so (C1)."""
    out = tmp_path / "out.xlsx"
    write_extraction(corpus_extraction(name), out)
    filing = read_filing(out)
    c1 = [f for f in filing.findings if f.rule == "C1" and "填报单位" in f.message]
    assert filing.unit == UNITS[name] and bool(c1) == (not UNITS[name])


def _report(tmp_path: Path, head: str) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(head + "\n一、总体情况\n本年度工作情况如下。\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("head", "unit"),
    [
        ("【字体：大 中 小】 打印 关闭\n某某县审计局2023年政府信息公开工作年度报告", "某某县审计局"),
        ("Page 3 - 某某县人民政府办公室2023年政府信息公开工作年度报告\nP. 3", "某某县人民政府办公室"),
        ("标题: | 某某镇人民政府2023年政府信息公开工作年度报告 | ||\n发文日期: | 2024-01-20 |", "某某镇人民政府"),
        (
            "首页 > 政务公开 > 年报\n某某街道办事处\n2023年度政府信息公开工作年度报告\n发布时间:2024-01-20",
            "某某街道办事处",
        ),
        ("2023年度某某区政府信息公开工作年度报告", "某某区"),
        ("本年度报告是某某区人民政府办公室按照《条例》要求编制的2023年政府信息公开工作年度报告。", ""),
        ("关于2023年度政府信息公开情况的报告", ""),
        ("【字体：大 中 小】 打印\n2023年政府信息公开工作年度报告", ""),
        ("发布时间：2024年01月18日\n2023年政府信息公开工作年度报告", ""),
    ],
)
def test_unit_without_chrome_or_prose(tmp_path: Path, head: str, unit: str) -> None:
    assert extract(_report(tmp_path, head)).unit == unit


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("005_yangling_audit_2022.txt", 2022),  # 现公布我局2022年政府信息公开工作年度报告
        ("019_yueyang_nanhu_bureau_2019.txt", 2019),  # 2019年我局政府信息公开工作运行良好
        ("022_taojiang_audit_2020.txt", 2020),  # 2020年,县审计局认真贯彻执行……
        ("025_weihai_wendeng_xinfang_2022_p8.txt", 2022),
        ("047_shenyang_yuhong_yingbinlu_street_2021.txt", 2021),  # not the date 2022年01月18日 below the title
    ],
)
def test_year_without_the_metadata_line(tmp_path: Path, name: str, year: int) -> None:
    """A report as published has no `year:` line: the year comes from its title or its prose."""
    text = corpus_file(name).read_text(encoding="utf-8")
    bare = tmp_path / name
    lines = [line for line in text.splitlines() if not line.startswith("year:")]
    bare.write_text("\n".join(lines), encoding="utf-8")
    assert extract(bare).year == year
