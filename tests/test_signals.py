"""Ctrl-C during a merge: the installed command stops on the first one, with no hang, no orphaned worker,
no traceback and no output file."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.archive_fixtures import many_units
from tests.conftest import installed_command, installed_env
from tests.helpers import clean_values, write

FILES = 300


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


# the installed command on a machine of four cores: its two workers leave two free, so the helper thread
# (pandera's import while they read) runs beside them, as it does on a bigger machine than this one
ON_FOUR_CORES = "import os, sys; os.cpu_count = lambda: 4; from govxl.entry import main; sys.exit(main())"


def _start_merge(src: Path, out: Path, *, helper: bool = False) -> subprocess.Popen[bytes]:
    # its own process group, as a terminal's foreground job: Ctrl-C reaches the command and its workers. A job
    # started in the background by a non-interactive shell (as CI may start this suite) inherits SIGINT
    # ignored, and Python then keeps ignoring it: give the command the terminal's default, as a user has it
    (command,) = installed_command()
    start = [str(Path(command).with_name("python")), "-c", ON_FOUR_CORES] if helper else [command]
    return subprocess.Popen(
        [*start, "merge", str(src), "-o", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=installed_env(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _ended(proc: subprocess.Popen[bytes], attempt: int) -> tuple[bytes, bytes]:
    """(stdout, stderr) of the interrupted merge, which must end within a minute."""
    try:
        return proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"attempt {attempt}: the merge hung after Ctrl-C") from None


@pytest.mark.slow
def test_ctrl_c_stops_a_merge_cleanly(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    data = write(tmp_path / "one.xlsx", clean_values()).read_bytes()
    for i in range(FILES):
        (src / f"u{i:04d}.xlsx").write_bytes(data)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    # the last attempt lands while the helper thread imports pandera, where a Ctrl-C once deadlocked the merge
    for attempt, (delay, helper) in enumerate(((0.0, False), (0.8, False), (0.3, True))):
        out = out_dir / f"m{attempt}.xlsx"
        proc = _start_merge(src, out, helper=helper)
        deadline = time.monotonic() + 120
        while len(_children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)  # until the workers are reading
        assert proc.poll() is None, "the merge ended before it could be interrupted"
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = _ended(proc, attempt)
        text = stderr.decode("utf-8", "replace")
        assert proc.returncode == 2, (attempt, proc.returncode, text)
        assert "已中止" in text and "Traceback" not in text and "Error" not in text, text
        for _ in range(100):  # the workers are gone with it, not left running on their own
            if not _group_alive(proc.pid):
                break
            time.sleep(0.05)
        assert not _group_alive(proc.pid), f"attempt {attempt}: worker processes outlived the merge"
        assert not out.exists() and not list(out_dir.glob(".govxl-*")), "a partial output was left"
        assert stdout == b""


@pytest.mark.slow
def test_ctrl_c_at_any_moment_ends_a_merge_whole(tmp_path: Path) -> None:
    """Wherever a Ctrl-C lands — reading, validating, writing, after the write — the merge ends promptly,
    either interrupted (exit 2, 已中止, no output) or finished (exit 0, its output complete)."""
    import random

    from govxl.reader import read_filing

    src = tmp_path / "in"
    many_units(src, range(1, 61), bad_every=10**6)  # 60 clean units, each of its own name
    rng = random.Random(7)
    outcomes = []
    for attempt in range(5):
        out = tmp_path / f"m{attempt}.xlsx"
        proc = _start_merge(src, out)
        try:
            proc.wait(timeout=rng.uniform(0.2, 1.6))  # a merge that ends sooner is not waited for
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGINT)
        _, stderr = _ended(proc, attempt)
        text = stderr.decode("utf-8", "replace")
        assert proc.returncode in (0, 2) and "Traceback" not in text, (attempt, proc.returncode, text)
        outcomes.append(proc.returncode)
        if proc.returncode == 2:
            assert "已中止" in text and not out.exists()
        else:
            assert read_filing(out).unit and not text
        assert not list(tmp_path.glob(".govxl-*"))
    # else no Ctrl-C landed mid-work and the test proved nothing about interrupting (delays of 0.2-1.6 s
    # against a merge of 60 files that takes longer than the shortest of them)
    assert 2 in outcomes, outcomes


@pytest.mark.slow
def test_a_merge_killed_outright_takes_its_workers_with_it(tmp_path: Path) -> None:
    """SIGKILL of the command alone (no Ctrl-C to the group, no tear-down): its reading workers end with it,
    rather than wait for work for ever holding its output open (each holds the other's end of the work queue,
    so neither sees the command gone)."""
    src = tmp_path / "in"
    many_units(src, range(1, FILES + 1), bad_every=10**6)
    proc = _start_merge(src, tmp_path / "m.xlsx")
    deadline = time.monotonic() + 120
    while len(_children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # until the workers are reading
    workers = _children(proc.pid)
    assert len(workers) == 2 and proc.poll() is None, "the merge ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):  # the workers hold its output: it ends once they do
        proc.communicate(timeout=30)
    for _ in range(100):
        if not _group_alive(proc.pid):
            break
        time.sleep(0.05)
    alive = _group_alive(proc.pid)
    if alive:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    assert not alive, f"workers {workers} outlived the killed merge"


WRITING = {"write_atomically", "new_temporary", "_place_new", "interrupts_held", "output_ends_run", "record"}


def _interrupted_at(n: int, call: Any, functions: set[str]) -> tuple[bool, int]:
    """Run `call` with a real Ctrl-C (SIGINT to this process) sent at the n-th line it runs of the named
    functions of govxl/files.py and govxl/archive/store.py; (whether KeyboardInterrupt came out of it, how
    many such lines it ran)."""
    import sys
    import threading

    assert threading.current_thread() is threading.main_thread()
    seen = 0

    def trace(frame: Any, event: str, arg: Any) -> Any:
        nonlocal seen
        name = frame.f_code.co_filename
        if (
            not name.endswith(("govxl/files.py", "govxl/archive/store.py"))
            or frame.f_code.co_name not in functions
        ):
            return None
        if event == "line":
            seen += 1
            if seen == n:
                os.kill(os.getpid(), signal.SIGINT)
        return trace

    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.settrace(trace)
    try:
        call()
        stopped = False
    except KeyboardInterrupt:
        stopped = True
    finally:
        sys.settrace(None)
        signal.signal(signal.SIGINT, before)
    return stopped, seen


def _write(out: Path, data: bytes, overwrite: bool, ends_run: bool, left: list[Any]) -> None:
    """write_atomically as merge (ends_run) or check calls it; `left` gets the Ctrl-C handler it leaves."""
    from govxl.files import output_ends_run, write_atomically

    try:
        with output_ends_run() if ends_run else contextlib.nullcontext():
            write_atomically(out, data, overwrite=overwrite)
    finally:
        left.append(signal.getsignal(signal.SIGINT))


def test_a_ctrl_c_at_any_line_of_a_write_leaves_the_output_whole_and_no_temporary_file(tmp_path: Path) -> None:
    """write_atomically with a Ctrl-C at each of its lines in turn: never a temporary file left behind; the
    output is the new data whole or not there (an earlier file then as it was); and for a command whose
    output is its result (merge, archive export) an interrupt that did not stop the write is ignored from
    then on, so a run that says 已中止 has written nothing."""
    data = b"x" * 100_000
    for overwrite, ends_run in ((False, False), (True, False), (False, True)):
        n, lines = 0, 1
        while n <= lines:
            n += 1
            folder = tmp_path / f"{overwrite}-{ends_run}-{n}"
            folder.mkdir()
            out = folder / "汇总.xlsx"
            if overwrite:
                out.write_bytes(b"earlier")
            left: list[Any] = []
            call = functools.partial(_write, out, data, overwrite, ends_run, left)
            stopped, lines = _interrupted_at(n, call, WRITING)
            where = (overwrite, ends_run, n, lines)
            assert sorted(p.name for p in folder.iterdir()) == (["汇总.xlsx"] if out.exists() else []), where
            assert not out.exists() or out.read_bytes() in (data, b"earlier" if overwrite else data), where
            if not stopped:
                assert out.read_bytes() == data, where
            if ends_run:
                assert stopped != out.exists(), where  # 已中止 and nothing written, or done and written
                if out.exists() and n <= lines:
                    assert left == [signal.SIG_IGN], where
    assert n > 10  # the interrupts reached into the write


def _create_archive(path: Path) -> None:
    from govxl.archive import open_archive

    with open_archive(str(path)):
        pass


def test_a_ctrl_c_at_any_line_of_an_archive_creation_leaves_no_temporary_file(tmp_path: Path) -> None:
    n, lines = 0, 1
    while n <= lines:
        n += 1
        folder = tmp_path / str(n)
        folder.mkdir()
        call = functools.partial(_create_archive, folder / "档案.sqlite")
        stopped, lines = _interrupted_at(n, call, WRITING | {"_create_file"})
        left = sorted(p.name for p in folder.iterdir())
        assert left in ([], ["档案.sqlite"]), (n, left)
        if not stopped:
            assert left == ["档案.sqlite"], n
    assert n > 10


def test_ending_on_a_ctrl_c_imports_nothing() -> None:
    """What runs once a Ctrl-C has stopped a command (ignoring the next one, then saying 已中止) imports no
    module: a second Ctrl-C landing in an import there ended the command with a traceback. Run in a fresh
    interpreter, where only what `govxl.cli` imports is loaded."""
    import sys

    probe = (
        "import sys, signal, govxl.cli, govxl.cli.base as b; before = set(sys.modules); b._finishing(); "
        "assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN; print(sorted(set(sys.modules) - before))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
