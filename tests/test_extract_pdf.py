"""PDF prose: lines wrapped at the right margin are one sentence again, so a sentence cut mid-word is not
read as two (which gave a false 强制 N3 the same text as one paragraph does not)."""

from __future__ import annotations

import pytest

from govxl.extract.pdf import join_wrapped
from govxl.validation.prose import check_prose, sentences
from tests.conftest import corpus_extraction, corpus_file

# a paragraph as a PDF prints it: full lines, wrapped mid-word, then a short last line
WRAPPED = [
    "（二）依申请公开情况。2024年，本机关共收到政府信息公开申请95件，上年结",
    "转0件，均在法定期限内予以答复，另有0件因申请人撤回等原因终止办理，结转下年度继续",
    "办理0件。政府信息公开工作年度报告中的数据均按时统计，并在门户网站予以",
    "公开。",
    "二、主动公开政府信息情况",
]


def _n(findings):  # type: ignore[no-untyped-def]
    return sorted(f.rule for f in findings if f.rule.startswith("N"))


def test_a_sentence_wrapped_mid_word_gives_no_false_n3() -> None:
    filing = corpus_extraction("c03_huaian_hongze_district_gov_2024.txt").filing  # 95 answered, 0 carried on
    assert "N3" in _n(check_prose(filing, "\n".join(WRAPPED)))  # read line by line: "办理0件" looks like N3
    joined = join_wrapped(WRAPPED)
    assert joined[-1] == "二、主动公开政府信息情况" and len(joined) == 2
    assert _n(check_prose(filing, "\n".join(joined))) == []
    assert _n(check_prose(filing, "".join(WRAPPED[:4]))) == []  # the same text as one paragraph


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        # a line that ends a sentence, or is short (a heading, a paragraph's last line), is not continued
        (["甲" * 30 + "。", "乙" * 10, "丙" * 30], ["甲" * 30 + "。", "乙" * 10, "丙" * 30]),
        (["标题", "甲" * 30, "乙" * 30], ["标题", "甲" * 30 + "乙" * 30]),
        # the next line opening a heading or an item is not a continuation
        (["甲" * 30, "三、收到和处理政府信息公开申请情况"], ["甲" * 30, "三、收到和处理政府信息公开申请情况"]),
        (["甲" * 30, "（二）依申请公开"], ["甲" * 30, "（二）依申请公开"]),
        # prose framed as a one-cell table stays framed; a page number between two pages is dropped
        (
            ["甲" * 30 + " |", "乙" * 30 + " |", "- 2 -", "丙" * 5 + " |"],
            ["甲" * 30 + "乙" * 30 + "丙" * 5 + " |"],
        ),
        # table rows of several cells are left alone
        (
            ["规章 | 0 | 0 | 0 |", "行政规范性文件 | 3 | 0 | 8 |"],
            ["规章 | 0 | 0 | 0 |", "行政规范性文件 | 3 | 0 | 8 |"],
        ),
        # two Latin words keep their space
        (["a" * 60, "b"], ["a" * 60 + " b"]),
    ],
)
def test_join_wrapped(lines: list[str], want: list[str]) -> None:
    assert join_wrapped(lines) == want


def test_pdf_prose_is_read_in_whole_sentences() -> None:
    x = corpus_extraction("pdf/c01_huaian_city_gov_2024.pdf")
    said = sentences("\n".join(text for _, text in x.prose))
    # printed as "…3119 件，答" / "复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度" / "答复）…"
    whole = "受理政府信息公开申请 3119 件，答复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度答复）"
    assert any(whole in s for s in said)


def test_punctuation_hung_past_a_framed_line_stays_with_it() -> None:
    from govxl.extract import read_document

    text = read_document(corpus_file("pdf/c01_huaian_city_gov_2024.pdf"))
    assert "至 2024 年 12 月 31 日。 |" in text
    assert not [line for line in text.splitlines() if line.strip() in ("。", "，")]
