from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

# LibreOffice does not recalculate xlsx formulas on load unless told to; this profile setting forces it.
_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""

Recalc = Callable[[Sequence[Path], Path], list[Path]]


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"真实报告语料不在 {CORPUS}（shared/corpus 缺失），跳过依赖语料的测试")
    return path


@pytest.fixture(scope="session")
def soffice_bin() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("GOVXL_REQUIRE_SOFFICE"):
            pytest.fail("GOVXL_REQUIRE_SOFFICE is set but no soffice is on PATH")
        pytest.skip("LibreOffice (soffice) is not installed; real-client tests need it")
    return found


@pytest.fixture(scope="session")
def recalc(soffice_bin: str, tmp_path_factory: pytest.TempPathFactory) -> Recalc:
    """Open files in a real headless LibreOffice, recalculate every formula, save them as xlsx in `outdir`."""
    profile = tmp_path_factory.mktemp("lo-profile")
    user = profile / "user"
    user.mkdir()
    (user / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")

    def run(files: Sequence[Path], outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        cmd = [
            soffice_bin,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(outdir),
            *map(str, files),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        out = [outdir / f.name for f in files]
        missing = [p for p in out if not p.exists()]
        assert not missing, f"LibreOffice did not write {missing}"
        return out

    return run


@pytest.fixture(scope="session")
def gnumeric_recalc() -> Recalc:
    """Open files in Gnumeric (ssconvert, headless), recalculate every formula, save them as xlsx in `outdir`:
    a second real spreadsheet program beside LibreOffice. Skipped, or failed under GOVXL_REQUIRE_SOFFICE, when
    ssconvert is not installed."""
    found = shutil.which("ssconvert")
    if not found:
        if os.environ.get("GOVXL_REQUIRE_SOFFICE"):
            pytest.fail("GOVXL_REQUIRE_SOFFICE is set but no ssconvert (Gnumeric) is on PATH")
        pytest.skip("Gnumeric (ssconvert) is not installed; real-client tests need it")

    def run(files: Sequence[Path], outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        out = [outdir / f.name for f in files]
        for src, dst in zip(files, out, strict=True):
            subprocess.run([found, "--recalc", str(src), str(dst)], check=True, capture_output=True, timeout=300)
        missing = [p for p in out if not p.exists()]
        assert not missing, f"Gnumeric did not write {missing}"
        return out

    return run


@functools.cache
def installed_command() -> list[str]:
    """The `govxl` command as users get it: from the built wheel, installed non-editably in a fresh virtual
    environment (scripts/test.sh builds it once and passes it as GOVXL_BIN; else it is built here, once)."""
    given = os.environ.get("GOVXL_BIN")
    if given:
        return [given]
    env_dir = Path(tempfile.mkdtemp(prefix="govxl-wheel-env-"))
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build_wheel_env.sh"), str(env_dir)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    return [done.stdout.strip().splitlines()[-1]]


@pytest.fixture(scope="session")
def installed_govxl() -> list[str]:
    return installed_command()


Govxl = Callable[..., "subprocess.CompletedProcess[str]"]


def run_installed(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the installed `govxl` as a real subprocess, text in and out."""
    return subprocess.run(
        [*installed_command(), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, check=False
    )


@pytest.fixture(scope="session")
def govxl() -> Govxl:
    return run_installed
