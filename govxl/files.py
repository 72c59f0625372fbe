"""Output files are written whole or not at all; inputs are never opened for writing."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from govxl.errors import GovxlError, os_reason


def write_atomically(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write `data` to `path` through a temporary file in the same folder, so a reader never sees half a file
    and a failure (or Ctrl-C) leaves any earlier file as it was and no temporary file behind.

    Without `overwrite` the file is put in place by a hard link, which fails if `path` exists: of two runs
    writing the same path at once exactly one succeeds, however they interleave (an existence check followed
    by a replace would let both succeed)."""
    if path.exists() and not overwrite:
        raise GovxlError(_exists(path))
    if path.is_dir():
        raise GovxlError(f"输出路径是一个文件夹：{path}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        what = "不是文件夹" if folder.exists() else "不存在"
        raise GovxlError(f"无法写入输出文件 {path}：{folder} {what}")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".govxl-", suffix=".tmp")
    except OSError as exc:
        raise GovxlError(f"无法写入输出文件 {path}：{os_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        if overwrite:
            os.replace(tmp, path)
        else:
            _place_new(tmp, path)
    except FileExistsError:
        raise GovxlError(_exists(path)) from None
    except OSError as exc:
        raise GovxlError(f"无法写入输出文件 {path}：{os_reason(exc)}") from None
    finally:  # on success the temporary name is gone already (replaced) or is a second link (removed here)
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _place_new(tmp: str, path: Path) -> None:
    """Give `tmp` the name `path`, atomically, failing with FileExistsError when `path` exists."""
    try:
        os.link(tmp, path)
    except OSError as exc:  # a file system without hard links (some network shares, FAT): create exclusively
        import errno

        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        with open(path, "xb") as fh, open(tmp, "rb") as src:
            try:
                fh.write(src.read())
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(path)
                raise


def _exists(path: Path) -> str:
    return f"输出文件已存在：{path}（不会覆盖；如确需覆盖请加 --force）"


T = TypeVar("T")


def progress_of(items: Iterable[T], total: int, show: bool, label: str = "读取") -> Iterable[T]:
    """`items`, with a progress bar on stderr when `show` (callers pass whether stderr is a terminal)."""
    if not show:
        yield from items
        return
    import click

    with click.progressbar(items, length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        yield from bar


def decode_text(data: bytes) -> str | None:
    """Text as Chinese offices save it: UTF-8 (with or without BOM) or GBK; None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
