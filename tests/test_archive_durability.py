"""The archive under the worst a desk sees: the command killed (SIGKILL) in the middle of adding 32 files,
and four `archive add` processes writing one SQLite file at once."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from govxl.archive.records import BATCH
from govxl.checker import check_paths
from tests.archive_fixtures import BLANK_CELL, many_units
from tests.conftest import installed_command

FILES = 2 * BATCH  # two transactions: a kill once the first is stored lands before the second is


def _add(archive: Path, *inputs: Path) -> subprocess.Popen[bytes]:
    # its own process group, so that the kill reaches the command and its reading workers alike
    return subprocess.Popen(
        [*installed_command(), "archive", "add", *map(str, inputs), "--archive", str(archive)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _stored(archive: Path) -> int:
    if not archive.exists():
        return 0
    db = sqlite3.connect(archive, timeout=60)
    try:
        return int(db.execute("SELECT count(*) FROM govxl_submissions").fetchone()[0])
    except sqlite3.OperationalError:  # the tables are being created
        return 0
    finally:
        db.close()


def _whole(archive: Path, files: dict[str, Path], findings: dict[bool, int]) -> dict[str, int]:
    """Every stored submission is whole: its bytes, every cell, every finding. Returns id by sha-256."""
    db = sqlite3.connect(archive, timeout=60)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute(
            "SELECT s.id, s.sha256, s.errors + s.warnings, b.data,"
            " (SELECT count(*) FROM govxl_cells c, json_each(c.numbers) WHERE c.submission_id = s.id),"
            " (SELECT count(*) FROM govxl_findings f WHERE f.submission_id = s.id)"
            " FROM govxl_submissions s JOIN govxl_blobs b ON b.sha256 = s.sha256"
        ).fetchall()
        orphans = db.execute(
            "SELECT count(*) FROM govxl_cells WHERE submission_id NOT IN (SELECT id FROM govxl_submissions)"
        ).fetchone()[0]
    finally:
        db.close()
    assert orphans == 0
    out = {}
    for id_, sha, found, data, n_cells, n_findings in rows:
        assert hashlib.sha256(data).hexdigest() == sha and sha in files
        assert data == files[sha].read_bytes()
        assert n_cells == 200, (id_, n_cells)  # 166 inputs, 34 totals
        assert n_findings == findings[found > 0], (id_, n_findings)
        out[sha] = id_
    return out


@pytest.mark.slow
def test_a_killed_add_leaves_whole_submissions_and_a_rerun_stores_the_rest(tmp_path: Path) -> None:
    paths = many_units(tmp_path / "in", range(FILES), bad=BLANK_CELL)
    files = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in paths}
    clean, bad = check_paths([paths[1], paths[0]])
    findings = {False: len(clean.findings), True: len(bad.findings)}
    assert findings[True] > 0
    for attempt in range(3):
        archive = tmp_path / f"档案{attempt}.sqlite"
        proc = _add(archive, tmp_path / "in")
        deadline = time.monotonic() + 300
        while _stored(archive) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # until it is storing
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        before = _whole(archive, files, findings)
        if 0 < len(before) < FILES:
            break
    else:
        raise AssertionError("the add was never caught in the middle of storing")
    rerun = subprocess.run(
        [*installed_command(), "archive", "add", str(tmp_path / "in"), "--archive", str(archive)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr  # warnings of the units with blank cells; nothing unreadable
    assert f"新归档 {FILES - len(before)} 个" in rerun.stdout
    assert f"与档案中已有的相同 {len(before)} 个，无法归档 0 个" in rerun.stdout
    after = _whole(archive, files, findings)
    assert set(after) == set(files) and all(after[sha] == id_ for sha, id_ in before.items())


@pytest.mark.slow
def test_four_concurrent_adds_on_one_file_lose_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "共用.sqlite"  # created by whichever process comes first
    shared = many_units(tmp_path / "shared", range(1000, 1005), bad=BLANK_CELL)
    # BATCH + 3 files a process: two transactions each, interleaved with the others'
    own = BATCH - 2
    batches = [many_units(tmp_path / f"p{k}", range(k * own, (k + 1) * own), bad=BLANK_CELL) for k in range(4)]
    procs = [_add(archive, tmp_path / f"p{k}", tmp_path / "shared") for k in range(4)]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()  # warnings, and nothing that could not be stored
        text = out.decode()
        assert "无法归档 0 个" in text, text[-500:]
    files = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in [*shared, *(p for b in batches for p in b)]}
    clean, bad = check_paths([batches[0][1], batches[0][0]])
    stored = _whole(archive, files, {False: len(clean.findings), True: len(bad.findings)})
    assert set(stored) == set(files) and len(stored) == 4 * own + 5
    # each shared file stored once: by one process; the three others found it there
    said = sum(int(o.decode().split("与档案中已有的相同 ")[1].split(" 个")[0]) for o, _ in outputs)
    assert said == 15
