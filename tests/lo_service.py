"""One headless LibreOffice for a whole test process, driven over UNO: run by the system Python that has
LibreOffice's `uno` module (Debian's python3-uno), never by the test environment's Python.

    /usr/bin/python3 tests/lo_service.py SOFFICE PROFILE_URL

starts `soffice` in the given profile, listening on a pipe of its own, and then answers requests read from
stdin, one JSON object a line: {"files": [...], "outdir": "...", "target": "xlsx:Calc MS Excel 2007 XML"}
(`target` as soffice's --convert-to takes it). Each file is opened hidden, every formula of a spreadsheet is
recalculated, and it is stored in outdir under its own stem and the target's extension; the answer is one
line, {"ok": true} or {"error": "..."}. At the end of stdin LibreOffice is told to quit. A LibreOffice start
costs about 2 s, which every `soffice --convert-to` call pays again; a conversion in the running one costs a
small part of that."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

# what `--convert-to pdf` picks by itself: the export filter of the document's own kind
_PDF = {
    "com.sun.star.text.TextDocument": "writer_pdf_Export",
    "com.sun.star.sheet.SpreadsheetDocument": "calc_pdf_Export",
}


def _props(**kw: object) -> tuple[PropertyValue, ...]:
    out = []
    for name, value in kw.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def _connect(pipe: str, office: subprocess.Popen[bytes]) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if office.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"LibreOffice did not start (exit {office.poll()})") from None
            time.sleep(0.05)


def _convert(desktop: object, request: dict[str, object]) -> None:
    target = str(request["target"])
    ext, _, filter_name = target.partition(":")
    outdir = Path(str(request["outdir"]))
    for name in request["files"]:  # type: ignore[attr-defined]
        src = Path(name)
        doc = desktop.loadComponentFromURL(src.resolve().as_uri(), "_blank", 0, _props(Hidden=True))  # type: ignore[attr-defined]
        if doc is None:
            raise RuntimeError(f"LibreOffice could not open {src}")
        try:
            if doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
                doc.calculateAll()
            chosen = filter_name or next(f for s, f in _PDF.items() if doc.supportsService(s))
            dst = (outdir / f"{src.stem}.{ext}").resolve()
            doc.storeToURL(dst.as_uri(), _props(FilterName=chosen, Overwrite=True))
        finally:
            doc.close(True)


def main() -> None:
    soffice, profile = sys.argv[1], sys.argv[2]
    pipe = f"govxl-tests-{os.getpid()}"
    # in a session of its own, so that the whole of it (soffice execs oosplash, which starts soffice.bin) is
    # killed as one group: here when it fails, and by the test process when this service hangs in a call
    office = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        desktop = _connect(pipe, office)
        print(json.dumps({"ok": True, "office": office.pid}), flush=True)  # ready
        for line in sys.stdin:
            try:
                _convert(desktop, json.loads(line))
                answer: dict[str, object] = {"ok": True}
            except Exception:  # the test that asked reports it; the service goes on while LibreOffice lives
                answer = {"error": traceback.format_exc(), "ended": office.poll() is not None}
            print(json.dumps(answer), flush=True)
            if answer.get("ended"):
                return  # LibreOffice is gone: the test process starts a new service for the next request
        with contextlib.suppress(Exception):  # it is going away, which is what was asked
            desktop.terminate()  # type: ignore[attr-defined]
        office.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(office.pid, signal.SIGKILL)  # whatever of it is left: soffice.bin outlives oosplash
        office.wait()


if __name__ == "__main__":
    main()
