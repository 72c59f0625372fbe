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


def test_a_file_name_that_is_not_utf8_is_shown_as_a_file_manager_shows_it(tmp_path: Path) -> None:
    """The name (bytes \\xff\\xfe, which Python holds as surrogates) goes into the workbook's hint and property
    with U+FFFD in their place; it had ended in 内部错误 (the workbook's XML cannot hold a surrogate)."""
    import os
    import subprocess

    from govxl.published import PROP_EXTRACTED
    from govxl.reader import read_filing
    from tests.conftest import installed_command, installed_env

    source = Path(os.fsdecode(bytes(tmp_path) + b"/\xff\xfe_r.txt"))
    source.write_bytes(corpus_file("002_linzi_gov_office_2024.txt").read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    # the installed command, on its own stdout as a user has it (which carries the name's bytes as they are)
    command = [*installed_command(), "extract", os.fsencode(source), "--output-dir", str(out)]
    done = subprocess.run(command, capture_output=True, env=installed_env(), timeout=120, check=False)
    assert done.returncode in (0, 1), (done.stdout + done.stderr).decode("utf-8", "replace")
    (written,) = out.glob("*.xlsx")
    assert read_filing(written).properties.get(PROP_EXTRACTED) == "\ufffd\ufffd_r.txt"
