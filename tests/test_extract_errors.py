"""A broken PDF or Word file is said in Chinese: what is wrong with it, never an exception's class name."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from govxl.errors import GovxlError
from govxl.extract import read_document
from tests.conftest import corpus_file


def _zip(path: Path, parts: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)


def _cut_pdf(path: Path) -> None:
    path.write_bytes(corpus_file("pdf/c01_huaian_city_gov_2024.pdf").read_bytes()[:20000])


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        ("no-root.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n"), "文件结构已损坏"),
        ("cut.pdf", _cut_pdf, "文件不完整"),
        ("garbage.docx", lambda p: p.write_bytes(b"PK\x03\x04garbage"), "不是完整的 .docx 压缩包"),
        ("empty-zip.docx", lambda p: _zip(p, {"hello.txt": "x"}), "缺少 Word 文档必需的部件"),
        (
            "bad-xml.docx",
            lambda p: _zip(p, {"[Content_Types].xml": "<bad", "word/document.xml": "<<"}),
            "文档内容已损坏",
        ),
    ],
)
def test_broken_file_is_described_in_chinese(tmp_path: Path, name: str, make, said: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    make(path)
    with pytest.raises(GovxlError) as caught:
        read_document(path)
    message = caught.value.message.removeprefix(str(path))
    assert said in message
    assert not re.search(r"Error|Exception|[A-Z][a-z]+[A-Z][a-z]+|Package|Pdfminer", message), message
