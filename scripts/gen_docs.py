"""Regenerate the generated parts of docs/: python scripts/gen_docs.py (tests fail when they are stale)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the docs of this tree's code, whichever govxl is installed (its commands now run in this process)
sys.path.insert(0, str(ROOT))


def run(*args: str, cwd: Path = ROOT) -> str:
    """What `govxl ARGS` prints on stdout in `cwd`: govxl.cli.main (the installed command's entry point) run
    in this process, which spares a Python start and the imports for each of the guide's commands."""
    import contextlib
    import io
    import signal

    from govxl.cli import main as govxl

    out = io.StringIO()
    interrupt = signal.getsignal(signal.SIGINT)  # the command ignores Ctrl-C once its work is done
    with contextlib.redirect_stdout(out), contextlib.chdir(cwd), contextlib.suppress(SystemExit):
        try:
            govxl(list(args))
        finally:
            signal.signal(signal.SIGINT, interrupt)
    return out.getvalue()


def editions() -> list[str]:
    """Every edition govxl knows (its packaged data files, and any in GOVXL_EDITIONS_DIR)."""
    return [e["edition"] for e in json.loads(run("cells", "--list-editions"))]


def cell_docs(out: Path) -> list[Path]:
    written = []
    for edition in editions():
        doc = run("cells", "--edition", edition, "--format", "markdown")
        (out / f"cells-{edition}.md").write_text(doc, encoding="utf-8")
        written.append(out / f"cells-{edition}.md")
    return written


def main() -> None:
    cell_docs(ROOT / "docs")
    (ROOT / "docs" / "rules.md").write_text(run("rules", "--format", "markdown"), encoding="utf-8")
    guide = ROOT / "docs" / "check.md"
    text = guide.read_text(encoding="utf-8")
    example = "examples/with_errors_2024.xlsx"
    out = run("check", example, "--no-corrections")
    data = json.loads(run("check", example, "--no-corrections", "--format", "json"))
    data["files"][0]["findings"] = data["files"][0]["findings"][:1]
    text = re.sub(
        r"(```text\n\$ govxl check [^\n]*\n).*?(```)", lambda m: m[1] + out + m[2], text, count=1, flags=re.S
    )
    text = re.sub(
        r"(```json\n).*?(```)",
        lambda m: m[1] + json.dumps(data, ensure_ascii=False, indent=1) + "\n" + m[2],
        text,
        count=1,
        flags=re.S,
    )
    guide.write_text(text, encoding="utf-8")
    merge_guide = ROOT / "docs" / "merge.md"
    text = merge_guide.read_text(encoding="utf-8")
    out = merge_demo_output()
    text = re.sub(
        r"(```text\n\$ govxl merge [^\n]*\n).*?(```)", lambda m: m[1] + out + m[2], text, count=1, flags=re.S
    )
    merge_guide.write_text(text, encoding="utf-8")


MERGE_DEMO_ARGS = (
    "merge",
    "examples/merge_demo",
    "-o",
    "汇总.xlsx",
    "--roster",
    "examples/merge_demo/名单.csv",
    "--agency",
    "某区政务公开办",
)


def merge_demo_output() -> str:
    """What the guide's merge command prints, run in a scratch copy so the output path reads 汇总.xlsx."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "examples" / "merge_demo", Path(tmp) / "examples" / "merge_demo")
        return run(*MERGE_DEMO_ARGS, cwd=Path(tmp))


if __name__ == "__main__":
    main()
