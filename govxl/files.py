"""Output files are written whole or not at all; inputs are never opened for writing."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

from govxl.errors import GovxlError, os_reason

_ENDS_RUN: ContextVar[bool] = ContextVar("govxl_output_ends_run", default=False)


@contextlib.contextmanager
def output_ends_run() -> Iterator[None]:
    """For a command whose one output is its result (merge, archive export): from the moment write_atomically
    puts it in place, Ctrl-C is ignored — it could only turn a finished run into a reported failure (exit 2,
    已中止) with the output there. A library caller keeps its own handler."""
    token = _ENDS_RUN.set(True)
    try:
        yield
    finally:
        _ENDS_RUN.reset(token)


def ignore_interrupts() -> None:
    """Ctrl-C is ignored from here on (signal handlers are set, and run, in the main thread only)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclasses.dataclass
class Held:
    came: bool = False  # a Ctrl-C came during the block
    ends_run: bool = False  # set by the block: the run is over, and Ctrl-C stays ignored after it


@contextlib.contextmanager
def interrupts_held() -> Iterator[Held]:
    """Ctrl-C held back for a short block that must not be cut in two (a file put in place and its temporary
    removed): Python raises KeyboardInterrupt between any two of its instructions, a `finally` clause's
    included, so a clean-up can be skipped halfway. One that comes is recorded (`came`) and raised when the
    block ends, unless the block ended the run. Only in the main thread with Python's own handler: elsewhere
    no KeyboardInterrupt is raised, or Ctrl-C is handled as its owner chose."""
    held = Held()
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield held
        return

    def record(signum: int, frame: object) -> None:
        held.came = True

    signal.signal(signal.SIGINT, record)
    try:
        yield held
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN if held.ends_run else signal.default_int_handler)
    if held.came and not held.ends_run:
        raise KeyboardInterrupt


def write_atomically(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write `data` to `path` through a temporary file in the same folder, so a reader never sees half a file
    and a failure (or Ctrl-C) leaves any earlier file as it was and no temporary file behind.

    Without `overwrite` the file is put in place by a hard link, which fails if `path` exists: of two runs
    writing the same path at once exactly one succeeds, however they interleave (an existence check followed
    by a replace would let both succeed). Ctrl-C is held back from the temporary file's creation to its
    removal: one that comes while the data is written stops the write before the file is put in place."""
    if path.exists() and not overwrite:
        raise GovxlError(_exists(path))
    if path.is_dir():
        raise GovxlError(f"输出路径是一个文件夹：{path}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        what = "不是文件夹" if folder.exists() else "不存在"
        raise GovxlError(f"无法写入输出文件 {path}：{folder} {what}")
    tmp = ""  # named before it is made, so always removed
    with interrupts_held() as held:
        try:
            fd, tmp = new_temporary(folder, "govxl", f"无法写入输出文件 {path}")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            if held.came:
                raise KeyboardInterrupt  # asked to stop while writing: the output is not put in place
            if overwrite:
                os.replace(tmp, path)
            else:
                _place_new(tmp, path)
            held.ends_run = _ENDS_RUN.get()
        except FileExistsError:
            raise GovxlError(_exists(path)) from None
        except OSError as exc:
            raise GovxlError(f"无法写入输出文件 {path}：{os_reason(exc)}") from None
        finally:  # on success the temporary name is gone already (replaced) or is a second link (removed here)
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def new_temporary(folder: Path, prefix: str, failing: str) -> tuple[int, str]:
    """A new file (mode 600) under a random name in `folder`, opened for writing: (its descriptor, its name).
    A name another file has is passed over, as tempfile does; `failing` begins the message when none can be
    made."""
    for _ in range(100):
        name = str(folder / f".{prefix}-{os.urandom(8).hex()}.tmp")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600), name
        except FileExistsError:
            continue
        except OSError as exc:
            raise GovxlError(f"{failing}：{os_reason(exc)}") from None
    raise GovxlError(f"{failing}：无法在 {folder} 中建立临时文件")


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
