"""A workbook file's bytes, after the checks that tell a user what kind of wrong file it is (missing, a
folder, empty, too large, an old .xls or WPS .et, encrypted, not a zip, not a workbook, a zip bomb)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from govxl.errors import GovxlError
from govxl.spec import PROP_EDITION

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # no part of a genuine workbook is compressed more than this (bombs: about 1,000)
MAX_CONSOLIDATED_RATIO = 40  # a consolidated workbook as a whole: spreadsheet XML compresses 3 to 20 to one
PROP_MERGED = "govxl_merged_units"  # the custom property of a consolidated workbook (govxl.merge)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def load_bytes(path: Path) -> bytes:
    """The file's bytes, after the checks that tell a user what kind of wrong file it is.

    A zip bomb is told from a workbook by what it is, not by one size: no part of a genuine .xlsx is
    compressed more than MAX_RATIO to one (spreadsheet XML: 3 to 20), and only govxl's own consolidated
    workbook (its custom properties say so) may be larger than a unit's report could ever be, and then only
    as much larger as spreadsheet XML is when compressed (MAX_CONSOLIDATED_RATIO overall)."""
    if not path.exists():
        raise GovxlError(f"{path}：文件不存在")
    if path.is_dir():
        raise GovxlError(f"{path}：这是一个文件夹，不是 .xlsx 工作簿")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES and not _consolidated(path):
            raise GovxlError(f"{path}：文件过大（{size // 1024 // 1024} MB），不像年度报告填报表")
        data = path.read_bytes()
    except OSError as exc:
        raise GovxlError(f"{path}：无法读取（{exc.strerror or exc}）") from None
    if not data:
        raise GovxlError(f"{path}：文件是空的")
    if data.startswith(_OLE2):
        if _ENCRYPTED in data:
            raise GovxlError(f"{path}：工作簿设置了打开密码（已加密），请取消密码后另存为 .xlsx 再校验")
        raise GovxlError(f"{path}：这是旧版 .xls 或 WPS .et 格式，请在 Excel 或 WPS 中“另存为” .xlsx 后再校验")
    if not data.startswith(b"PK"):
        raise GovxlError(f"{path}：不是 .xlsx 工作簿（文件内容不是 Excel 格式）")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            consolidated = _is_consolidated(zf)
    except (zipfile.BadZipFile, ValueError, OSError):
        raise GovxlError(f"{path}：文件已损坏，无法作为 .xlsx 打开") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise GovxlError(f"{path}：不是 Excel 工作簿（缺少 xl/workbook.xml），可能是其他格式的压缩文件")
    unzipped = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    bomb = any(i.file_size > 10 * 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if unzipped > MAX_UNZIPPED_BYTES:
        bomb = bomb or not consolidated or unzipped > MAX_CONSOLIDATED_RATIO * packed
    if bomb:
        raise GovxlError(f"{path}：解压后达 {unzipped // 1024 // 1024} MB，疑似压缩炸弹，拒绝读取")
    return data


def _consolidated(path: Path) -> bool:
    """Whether a file too big for a unit's report is govxl's consolidated workbook: read from the zip's
    directory and its small custom-properties part, not by reading the file."""
    try:
        with zipfile.ZipFile(path) as zf:
            return _is_consolidated(zf)
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _is_consolidated(zf: zipfile.ZipFile) -> bool:
    try:
        info = zf.getinfo("docProps/custom.xml")
    except KeyError:
        return False
    if info.file_size > 64 * 1024:
        return False
    text = zf.read(info).decode("utf-8", "replace")
    return f'name="{PROP_EDITION}"' in text and f'name="{PROP_MERGED}"' in text
