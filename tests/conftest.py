from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import gc
import json
import os
import shutil
import signal
import subprocess
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from govxl.extract import Extraction

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


# Debian's chromium, driven by Playwright (never its own download): without the background-networking flags
# it keeps trying hosts this machine's closed network refuses
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Chromium builds its address bar's suggestion popup (a WebUI page in a renderer of its own, about 1.5 s of CPU)
# for every window it opens, and Playwright opens a window for each page; no test types in an address bar
NO_OMNIBOX_POPUP = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup")


def disabled_features(pid: int) -> list[list[str]]:
    """The features each --disable-features of the chromium started under process `pid` names, in order (Linux's
    /proc; none elsewhere). Chromium takes the last of them, so the last must name every feature of the others."""
    parents: dict[int, int] = {}
    lines: dict[int, list[str]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
            parents[int(entry.name)] = int(stat[stat.rfind(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):  # gone meanwhile, or not a process's entry
            continue
        if "--remote-debugging-pipe" in argv:
            lines[int(entry.name)] = argv

    def under(p: int) -> bool:
        for _ in range(len(parents)):  # a chain read at different moments could loop
            if p <= 1:
                return False
            if (p := parents.get(p, 0)) == pid:
                return True
        return False

    for child, argv in lines.items():
        if under(child):
            return [a.split("=", 1)[1].split(",") for a in argv if a.startswith("--disable-features=")]
    return []


def launch_chromium(playwright: Any) -> Any:
    """Debian's chromium without the address bar's popup. Playwright passes a --disable-features of its own and
    Chromium keeps only the last one given: the browser's command line is read back, and it is started again
    with both lists when Playwright's was set aside (once per test process; no list of Playwright's is copied)."""
    features = list(NO_OMNIBOX_POPUP)
    while True:
        b = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--disable-features=" + ",".join(features)]
        )
        try:
            asked = disabled_features(os.getpid())
        except BaseException:
            b.close()
            raise
        missing = [f for group in asked for f in group if f and f not in features]
        if not missing:
            return b
        b.close()
        features += dict.fromkeys(missing)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright: one for the test process (a launch costs two seconds
    of CPU), each test in pages or contexts of its own. Playwright's synchronous API keeps an event loop
    running in this thread while it is open: tests run coroutines with tests.helpers.run_coroutine, which
    gives asyncio.run() a thread of its own."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("GOVXL_REQUIRE_SOFFICE"):  # scripts/test.sh installs chromium with LibreOffice
            pytest.fail(f"GOVXL_REQUIRE_SOFFICE is set but {CHROMIUM} is missing")
        pytest.skip("Debian's chromium is not installed; the browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"真实报告语料不在 {CORPUS}（shared/corpus 缺失），跳过依赖语料的测试")
    return path


@pytest.fixture(scope="session", autouse=True)
def _corpus_pdfs_read_once() -> Iterator[None]:
    """The text layer of each of the corpus's published PDFs, read once a test process: pdfplumber takes about a
    second a report, and the corpus's own tests, the CLI's batch over the corpus and the extractor's tests each
    read the same three files. Only those read-only files are remembered (by path, size and time), and each is
    still read by the extractor's own code; a PDF anywhere else (a fuzz mutant, a generated report) is read
    every time."""
    from govxl.extract import pdf

    real = pdf.pdf_to_text
    corpus = CORPUS.resolve()
    read: dict[tuple[Path, int, int], str] = {}

    def pdf_to_text(path: Path) -> str:
        where = Path(path).resolve()
        if not where.is_relative_to(corpus):
            return real(path)
        stat = where.stat()
        key = (where, stat.st_size, stat.st_mtime_ns)
        if key not in read:
            read[key] = real(path)
        return read[key]

    pdf.pdf_to_text = pdf_to_text
    yield
    pdf.pdf_to_text = real


@functools.cache
def corpus_extraction(name: str) -> Extraction:
    """extract() of a corpus report, once a test process: it is deterministic, and a PDF takes up to a
    second, which the many tests that read the same report would pay each. The result is shared: read it,
    never change it."""
    from govxl.extract import extract

    return extract(corpus_file(name))


@pytest.fixture(scope="session")
def soffice_bin() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("GOVXL_REQUIRE_SOFFICE"):
            pytest.fail("GOVXL_REQUIRE_SOFFICE is set but no soffice is on PATH")
        pytest.skip("LibreOffice (soffice) is not installed; real-client tests need it")
    return found


Convert = Callable[[Sequence[Path], Path, str], None]

# the system Python with LibreOffice's own `uno` module (Debian's python3-uno), which the test environment's
# Python cannot import
UNO_PYTHON = "/usr/bin/python3"


@pytest.fixture(scope="session")
def soffice_convert(soffice_bin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Convert]:
    """Convert files with a real headless LibreOffice into `outdir` (`target` as soffice's --convert-to takes
    it), in a profile of this test process's own that forces recalculation on load: never the user's
    profile, and never one that another pytest worker or another LibreOffice on the machine holds.

    One LibreOffice serves the whole test process (tests/lo_service.py, over UNO), started at the first
    conversion: a start costs about 2 s, which a `soffice --convert-to` per call would pay each time. If it
    dies, the conversion that was running fails and the next one starts a new one."""
    profile = tmp_path_factory.mktemp("lo-profile")
    user = profile / "user"
    user.mkdir()
    (user / "registrymodifications.xcu").write_text(_RECALC_XCU, encoding="utf-8")
    office = _Office(soffice_bin, profile)
    yield office.convert
    office.close()


class _Office:
    """tests/lo_service.py and the LibreOffice it drives: each in a session of its own, killed as groups when
    the service hangs or will not end."""

    def __init__(self, soffice: str, profile: Path) -> None:
        self.soffice, self.profile = soffice, profile
        self.proc: subprocess.Popen[str] | None = None
        self.office = 0  # the LibreOffice's process group

    def _start(self) -> subprocess.Popen[str]:
        probe = subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True, check=False)
        if probe.returncode != 0:
            if os.environ.get("GOVXL_REQUIRE_SOFFICE"):
                pytest.fail(f"GOVXL_REQUIRE_SOFFICE is set but {UNO_PYTHON} cannot import uno (python3-uno)")
            pytest.skip(f"{UNO_PYTHON} cannot import LibreOffice's uno (python3-uno is not installed)")
        self.proc = subprocess.Popen(
            [UNO_PYTHON, str(ROOT / "tests" / "lo_service.py"), self.soffice, self.profile.as_uri()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
            start_new_session=True,
        )
        self.office = int(self._answer(timeout=120)["office"])  # ready
        return self.proc

    def convert(self, files: Sequence[Path], outdir: Path, target: str) -> None:
        outdir.mkdir(parents=True, exist_ok=True)
        if self.proc is not None and self.proc.poll() is not None:
            self._reap()  # it ended (with its LibreOffice) after an earlier conversion
        proc = self.proc or self._start()
        assert proc.stdin is not None
        request = {"files": list(map(str, files)), "outdir": str(outdir), "target": target}
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        answer = self._answer(timeout=300)
        if answer.get("ended"):
            self._reap()  # the service ends with its LibreOffice; the next conversion starts anew
        assert answer.get("ok"), answer.get("error")

    def _answer(self, timeout: float) -> dict[str, Any]:
        import select

        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.kill()
            pytest.fail(f"LibreOffice gave no answer in {timeout:.0f} s")
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.poll()
            self.kill()
            pytest.fail(f"the LibreOffice service ended (exit {code}) without answering")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def kill(self) -> None:
        self._kill_groups()
        self._reap()

    def close(self) -> None:
        self._reap(timeout=60)

    def _kill_groups(self) -> None:
        for group in (self.proc.pid if self.proc else 0, self.office):
            if group:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(group, signal.SIGKILL)

    def _reap(self, timeout: float = 30) -> None:
        """The service told to end (its stdin closed) and waited for; killed with its LibreOffice when it
        will not end in `timeout` seconds. Nothing of it is left open."""
        if self.proc is None:
            return
        assert self.proc.stdin is not None and self.proc.stdout is not None
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill_groups()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc = None


@pytest.fixture(scope="session")
def recalc(soffice_convert: Convert) -> Recalc:
    """Open files in a real headless LibreOffice, recalculate every formula, save them as xlsx in `outdir`."""

    def run(files: Sequence[Path], outdir: Path) -> list[Path]:
        soffice_convert(files, outdir, "xlsx:Calc MS Excel 2007 XML")
        out = [outdir / f.name for f in files]
        missing = [p for p in out if not p.exists()]
        assert not missing, f"LibreOffice did not write {missing}"
        return out

    return run


@dataclasses.dataclass(frozen=True)
class LibreOfficeFill:
    values: dict[str, Any]
    saved: Path  # as openpyxl saved it: no stored results
    recalculated: Path  # the same file after a real LibreOffice opened, recalculated and saved it


@pytest.fixture(scope="session")
def libreoffice_fills(tmp_path_factory: pytest.TempPathFactory, recalc: Recalc) -> list[LibreOfficeFill]:
    """A clean fill of the 2021 template, then random ones (half keep the identities, half break them; 规章 may be
    filled), saved by openpyxl as a user's script would and recalculated by LibreOffice in one call: shared by
    the tests that hold LibreOffice's totals, findings and structure against govxl's (each file is about a
    third of a second of LibreOffice's CPU)."""
    import random

    from govxl.spec import load_edition
    from tests.helpers import OpenpyxlFiller, clean_values, random_fill, scaled

    ed = load_edition("2021")
    rng = random.Random(20211)
    fills = [clean_values()]
    for i in range(scaled(8)):
        values = {**clean_values(), **random_fill(ed, rng, consistent=i % 2 == 0)}
        values["level"] = "设区的市人民政府"  # random fills put numbers in 规章
        fills.append(values)
    folder, filler = tmp_path_factory.mktemp("filled"), OpenpyxlFiller("2021")
    saved = [filler.fill(folder / f"fill{i:02d}.xlsx", v) for i, v in enumerate(fills)]
    out = recalc(saved, tmp_path_factory.mktemp("recalculated"))
    return [LibreOfficeFill(*each) for each in zip(fills, saved, out, strict=True)]


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
    atexit.register(shutil.rmtree, env_dir, True)  # made for this run only
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build_wheel_env.sh"), str(env_dir)],
        capture_output=True,
        text=True,
        timeout=900,
        env=installed_env(),
    )
    assert done.returncode == 0, done.stderr
    return [done.stdout.strip().splitlines()[-1]]


def installed_env() -> dict[str, str]:
    """The environment for the installed command: this one without PYTHONPATH, which (set to run the suite
    against a work tree) would make the wheel's virtual environment import the source tree instead."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


@pytest.fixture(scope="session")
def installed_govxl() -> list[str]:
    return installed_command()


Govxl = Callable[..., "subprocess.CompletedProcess[str]"]


def run_installed(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the installed `govxl` as a real subprocess, text in and out: for the seams between the command
    and the machine (the wheel's contents, `python -m`, signals, terminals, concurrent processes)."""
    return subprocess.run(
        [*installed_command(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
        env=installed_env(),
    )


def run_in_process(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`govxl ARGS` in this process: govxl.cli.main — the entry point the installed command calls, with its
    mapping of errors to Chinese messages and exit codes — under click's CliRunner isolation, which captures
    stdout and stderr as a pipe would. The same result as `run_installed` without paying a Python start-up
    and pandera's import per call. Warnings are shown on stderr as the command shows them to a user, not
    raised (the suite turns them into errors everywhere else). `timeout` is accepted for the same signature."""
    from click.testing import CliRunner

    from govxl.cli import main

    code: int | str | None = None
    interrupt = signal.getsignal(signal.SIGINT)  # main ignores Ctrl-C once its work is done: not for pytest
    with (
        CliRunner().isolation() as (out, err, _),
        contextlib.chdir(cwd or Path.cwd()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("default")
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code
        finally:
            signal.signal(signal.SIGINT, interrupt)
    assert isinstance(code, int), f"govxl.cli.main ended without an exit code ({code!r})"
    return subprocess.CompletedProcess(
        ["govxl", *args], code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")
    )


@pytest.fixture(scope="session")
def govxl() -> Govxl:
    """The command, in process (most CLI tests)."""
    return run_in_process


@pytest.fixture(scope="session")
def govxl_installed() -> Govxl:
    """The installed command, as a real subprocess (the seam tests)."""
    return run_installed


@dataclasses.dataclass(frozen=True)
class CorpusRun:
    reports: list[Path]
    extracted: subprocess.CompletedProcess[str]  # `extract --check --format json` of every report
    checked: subprocess.CompletedProcess[str]  # `check --no-corrections --format json` of every workbook written


@pytest.fixture(scope="session")
def corpus_extracted(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    """Every published report of the corpus (texts and PDFs) through one `extract --check` call, as a user's
    batch, and every workbook it wrote through one `check` call: made once for the tests that read them."""
    reports = sorted(p for p in [*CORPUS.glob("*.txt"), *CORPUS.glob("pdf/*.pdf")] if p.name != "README.md")
    if not reports:
        pytest.skip(f"真实报告语料不在 {CORPUS}（shared/corpus 缺失），跳过依赖语料的测试")
    out = tmp_path_factory.mktemp("corpus-extracted")
    extracted = run_in_process(
        "extract", *map(str, reports), "--output-dir", str(out), "--check", "--format", "json"
    )
    files = json.loads(extracted.stdout)["files"] if extracted.stdout.startswith("{") else []
    workbooks = [f["workbook"] for f in files if f.get("workbook")]
    checked = run_in_process("check", *workbooks, "--no-corrections", "--format", "json")
    return CorpusRun(reports, extracted, checked)


# Under pytest-xdist (`-n auto --dist loadgroup`, as scripts/test.sh runs the suite), tests that share an
# expensive fixture run on one worker, so that it is made once: the module-scoped workbook mutants of the fuzz
# tests (check and merge fuzz the same files), the rule cases' workbooks (checked together), the corpus
# extracted and checked, and every test of a real client: one LibreOffice serves them all (a start costs
# seconds of the two cores the whole suite shares).
_SHARED_FIXTURES = {
    "mutants": "fuzz-workbooks",
    "rule_cases": "rule-cases",
    "corpus_extracted": "corpus",
}
_CLIENT_FIXTURES = ("soffice_bin", "gnumeric_recalc", "browser")
# the modules that read the corpus's reports through corpus_extraction (once a test process: a PDF takes up
# to a second) run with the fixture that extracts the whole corpus
_CORPUS_MODULES = ("test_extract.py", "test_extract_pdf.py", "test_extract_unit.py", "test_extracted_workbook.py")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        group = next((g for fixture, g in _SHARED_FIXTURES.items() if fixture in names), None)
        if group is None and any(fixture in names for fixture in _CLIENT_FIXTURES):
            group = "clients"
        if group is None and item.nodeid.split("::")[0].removeprefix("tests/") in _CORPUS_MODULES:
            group = "corpus"
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


class _SlowFirst:
    """The tests marked slow (seconds each: a subprocess or a batch of them) before the rest, in the order the
    run gives them otherwise. pytest-xdist hands the groups out first (the most tests first) and then the
    other tests one by one in this order: a slow one handed out last would keep one worker busy for seconds
    after the other has run out of work. (A plugin of its own: a module holds one implementation of a hook.)"""

    @pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_configure(config: pytest.Config) -> None:
    """The garbage collector runs when 50,000 objects more were made than freed, not 700: a test process makes
    millions (openpyxl's cells and styles, pandas' frames), few of them in cycles, and at the default it spent
    about 8% of its CPU collecting them, 1,800 times a run of a quarter of the suite. The objects of the
    collected tests, which live as long as the process, are frozen out of every collection.

    pytest reports an exception raised where Python cannot raise it (a __del__, a finaliser) as a warning,
    which filterwarnings makes an error; at the end of the run it first collects garbage five times over, to
    find the last of them. On a test process's heap of a whole run that is two seconds in which the run waits
    for its workers to exit: once finds what a test left behind as well."""
    gc.set_threshold(50_000, 20, 20)
    config.pluginmanager.register(_SlowFirst(), "govxl-slow-first")
    try:
        from _pytest.unraisableexception import gc_collect_iterations_key
    except ImportError:  # pytest's own key, which a later pytest may move: then it collects five times
        return
    config.stash[gc_collect_iterations_key] = 1


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.freeze()
