"""The `govxl` command's entry point. A Ctrl-C while the commands are still being imported ends the command
as a Ctrl-C later does (已中止, exit code 2), not with a Python traceback. One in the first few milliseconds,
before this module runs (Python starting, and the launcher pip writes importing this module), ends the command
as Python ends any program then: no handler of ours is set yet."""

from __future__ import annotations

import os
import signal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType


def _early(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("已中止。\n")
    sys.stderr.flush()
    os._exit(2)


def main() -> None:
    before = signal.getsignal(signal.SIGINT)
    if before is signal.default_int_handler:  # not when Ctrl-C is ignored (a background job)
        signal.signal(signal.SIGINT, _early)
    from govxl.cli import main as run

    signal.signal(signal.SIGINT, before)
    run()
