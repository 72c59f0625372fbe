"""Seeded mutators for the fuzz tests: broken workbooks and broken reports made from valid ones.

Everything is deterministic: a mutant is a function of (base bytes, class, random.Random(seed)). Mutants are
made in memory and written to a folder, so one `govxl` call can take a whole batch of them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import re
import subprocess
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Mutant = tuple[str, bytes]  # (file name, bytes)

PAYLOAD_CELLS = (
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "=1+1",
    "=cmd|'/C calc'!A0",
)
_NASTY_TEXT = (
    "\x01\x02\x1f",
    "&#1;",
    "a" * 40_000,
    "汉" * 40_000,
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "１２",
    "",
    " ",
    "\ufeff",
    "\u202e12",
    "<b>1</b>",
    "]]>",
    "9" * 400,
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(paths: Sequence[Path]) -> dict[Path, str]:
    return {p: sha256(p) for p in paths}


# --- zip-level helpers ---------------------------------------------------------------------------------


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def _zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members:
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _replace_member(members: list[tuple[str, bytes]], name: str, body: bytes) -> list[tuple[str, bytes]]:
    return [(n, body if n == name else b) for n, b in members]


# --- byte-level mutations of any file ------------------------------------------------------------------


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """Flips, truncations, insertions, deletions and duplicated spans, one to a few of them."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not buf:
            break
        op = rng.choice(("flip", "truncate", "insert", "delete", "repeat", "zero"))
        i = rng.randrange(len(buf))
        if op == "flip":
            for _ in range(rng.randint(1, 16)):
                j = rng.randrange(len(buf))
                buf[j] ^= 1 << rng.randrange(8)
        elif op == "truncate":
            del buf[i:]
        elif op == "insert":
            buf[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        elif op == "delete":
            del buf[i : i + rng.randint(1, 512)]
        elif op == "repeat":
            buf[i:i] = buf[i : i + rng.randint(1, 2048)]
        else:
            buf[i : i + rng.randint(1, 256)] = b"\x00" * min(256, len(buf) - i)
    return bytes(buf)


# --- member-level mutations of an xlsx -----------------------------------------------------------------


def _corrupt_xml(body: bytes, rng: random.Random) -> bytes:
    text = body.decode("utf-8", "replace")
    op = rng.choice(
        ("drop_element", "bad_attr", "control", "huge_number", "long_string", "unclose", "garbage", "bad_ref")
    )
    tags = [m for m in re.finditer(r"<([A-Za-z][\w:]*)\b[^>]*?(/?)>", text)]
    if op == "drop_element" and tags:
        m = rng.choice(tags)
        if m.group(2):
            text = text[: m.start()] + text[m.end() :]
        else:
            end = text.find(f"</{m.group(1)}>", m.end())
            text = text[: m.start()] + (text[end + len(m.group(1)) + 3 :] if end >= 0 else text[m.end() :])
    elif op == "bad_attr" and tags:
        m = rng.choice(tags)
        junk = rng.choice(('r="ZZZ99999999"', 's="999999"', 't="q"', 'count="-1"', 'r="A0"', 'x="&#0;"', 'r="'))
        text = text[: m.end() - 1 - len(m.group(2))] + " " + junk + text[m.end() - 1 - len(m.group(2)) :]
    elif op == "control":
        spots = [m.end() for m in re.finditer(r"<t[^>]*>", text)] or [len(text) // 2]
        i = rng.choice(spots)
        text = text[:i] + rng.choice(("\x01", "&#1;", "\x1b[31m", "&#x1F;", "\x00", "&#xFFFE;")) + text[i:]
    elif op == "huge_number":
        values = list(re.finditer(r"<v>([^<]*)</v>", text))
        if values:
            m = rng.choice(values)
            big = rng.choice(("1e308", "-1e308", "1e309", "NaN", "INF", "9" * 500, "1.5", "-3", "0x10", ""))
            text = text[: m.start(1)] + big + text[m.end(1) :]
    elif op == "long_string":
        strings = list(re.finditer(r"<t[^>]*>([^<]*)</t>", text))
        if strings:
            m = rng.choice(strings)
            text = text[: m.start(1)] + rng.choice(("x", "字", "1")) * 40_000 + text[m.end(1) :]
    elif op == "unclose":
        i = rng.randrange(max(len(text), 1))
        text = text[:i]
    elif op == "garbage":
        i = rng.randrange(max(len(text), 1))
        text = (
            text[:i]
            + rng.choice(("<", "&", "&bogus;", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "<<>>", "\ufffe"))
            + text[i:]
        )
    else:  # bad cell reference or shared-string index
        refs = list(re.finditer(r'r="([A-Z]+\d+)"', text))
        if refs:
            m = rng.choice(refs)
            text = (
                text[: m.start(1)] + rng.choice(("A1048577", "XFE1", "A-1", "1A", "", "AAAA1")) + text[m.end(1) :]
            )
    return text.encode("utf-8", "surrogatepass")


def mutate_members(data: bytes, rng: random.Random) -> bytes:
    """Re-zipped with one part corrupted, removed, duplicated or of the wrong content type."""
    members = _members(data)
    names = [n for n, _ in members]
    op = rng.choice(("corrupt", "corrupt", "corrupt", "corrupt", "missing", "duplicate", "content_type", "empty"))
    name = rng.choice(names)
    if op == "corrupt":
        xml = [n for n in names if n.endswith((".xml", ".rels"))]
        name = rng.choice(xml)
        return _zip(_replace_member(members, name, _corrupt_xml(dict(members)[name], rng)))
    if op == "missing":
        return _zip([(n, b) for n, b in members if n != name])
    if op == "duplicate":
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate name: that is the point
            body = dict(members)[name]
            return _zip([*members, (name, _corrupt_xml(body, rng) if rng.random() < 0.5 else body)])
    if op == "content_type":
        types = dict(members)["[Content_Types].xml"].decode()
        types = re.sub(
            r'ContentType="[^"]*"',
            lambda m: 'ContentType="application/octet-stream"' if rng.random() < 0.4 else m.group(0),
            types,
        )
        return _zip(_replace_member(members, "[Content_Types].xml", types.encode()))
    return _zip(_replace_member(members, name, b""))


# --- cell-level mutations ------------------------------------------------------------------------------


def _cell_value(rng: random.Random) -> Any:
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(PAYLOAD_CELLS)
    if kind < 0.6:
        return rng.choice(_NASTY_TEXT)
    return rng.choice((1e308, -1e308, -1, 0.5, 10**20, -(10**15), 3.0000001, True, float("1e-300")))


def mutate_cells_xml(data: bytes, rng: random.Random) -> bytes:
    """Cells rewritten in the sheet XML (as inline strings, numbers or formulas): fast, so many per run."""
    members = _members(data)
    sheets = [n for n, _ in members if n.startswith("xl/worksheets/sheet")]
    out = dict(members)
    for _ in range(rng.randint(1, 6)):
        name = rng.choice(sheets)
        text = out[name].decode()
        cells = list(re.finditer(r'<c r="([A-Z]+\d+)"([^>]*?)(/>|>.*?</c>)', text))
        if not cells:
            continue
        m = rng.choice(cells)
        ref, attrs = m.group(1), re.sub(r'\s*t="[^"]*"', "", m.group(2))
        value = _cell_value(rng)
        if isinstance(value, str) and value.startswith("=") and rng.random() < 0.5:
            formula = value[1:].replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            cell = f'<c r="{ref}"{attrs} t="str"><f>{formula}</f><v>1</v></c>'
        elif isinstance(value, str):
            escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            cell = f'<c r="{ref}"{attrs} t="inlineStr"><is><t xml:space="preserve">{escaped}</t></is></c>'
        elif isinstance(value, bool):
            cell = f'<c r="{ref}"{attrs} t="b"><v>{int(value)}</v></c>'
        else:
            cell = f'<c r="{ref}"{attrs}><v>{value!r}</v></c>'
        out[name] = (text[: m.start()] + cell + text[m.end() :]).encode("utf-8", "surrogatepass")
    return _zip([(n, out[n]) for n, _ in members])


def mutate_cells_openpyxl(data: bytes, rng: random.Random) -> bytes:
    """Cells changed through openpyxl (as a user's spreadsheet program would save them): values, formulas,
    merged ranges, deleted rows, a renamed or added sheet."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    for _ in range(rng.randint(1, 5)):
        ws = rng.choice(book.worksheets)
        op = rng.random()
        row, col = rng.randint(1, max(ws.max_row, 1) + 2), rng.randint(1, max(ws.max_column, 1) + 2)
        if op < 0.6:
            value = _cell_value(rng)
            if isinstance(value, str):
                value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", value)  # openpyxl refuses these
            with contextlib.suppress(AttributeError, ValueError):  # a merged cell is read-only in openpyxl
                ws.cell(row, col).value = value
        elif op < 0.7:
            ws.delete_rows(rng.randint(1, max(ws.max_row, 1)), rng.randint(1, 3))
        elif op < 0.8:
            ws.insert_cols(rng.randint(1, max(ws.max_column, 1)))
        elif op < 0.9:
            ws.title = rng.choice(("Sheet1", "二、主动公开", "校验结果", ws.title + " "))
        else:
            book.create_sheet(rng.choice(("校验结果", "汇总", "封面 ")))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORKBOOK_CLASSES: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "bytes": mutate_bytes,
    "members": mutate_members,
    "cells": mutate_cells_xml,
    "openpyxl": mutate_cells_openpyxl,
}


def workbook_mutants(bases: Sequence[bytes], kind: str, count: int, seed: int) -> list[Mutant]:
    rng = random.Random(f"{kind}-{seed}")
    mutate = WORKBOOK_CLASSES[kind]
    return [(f"{kind}_{i:03d}.xlsx", mutate(bases[i % len(bases)], rng)) for i in range(count)]


# --- reports -------------------------------------------------------------------------------------------


def text_to_html(text: str) -> str:
    """A report as an office's website would show it: paragraphs, and pipe rows as an HTML table."""
    out = ["<html><head><meta charset='utf-8'><title>年度报告</title></head><body>"]
    in_table = False
    for line in text.splitlines():
        if "|" in line:
            if not in_table:
                out.append("<table border='1'>")
                in_table = True
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            out.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in cells) + "</tr>")
        else:
            if in_table:
                out.append("</table>")
                in_table = False
            out.append(f"<p>{_esc(line)}</p>")
    if in_table:
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_to_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for i, r in enumerate(rows):
                for j, c in enumerate(r):
                    table.cell(i, j).text = c
            rows.clear()

    for line in text.splitlines():
        if "|" in line:
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        else:
            flush()
            document.add_paragraph(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", line))
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def mutate_text(text: str, rng: random.Random) -> bytes:
    """A text report: control characters, mangled encodings, huge tables, broken rows, truncation."""
    op = rng.choice(("control", "encoding", "huge_table", "pipes", "truncate", "bytes", "payload", "long_line"))
    lines = text.splitlines()
    if op == "control":
        for _ in range(rng.randint(1, 30)):
            i = rng.randrange(max(len(lines), 1))
            lines[i] = lines[i] + rng.choice(
                ("\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\u2028", "\u0085", "\ufeff")
            )
        return "\n".join(lines).encode()
    if op == "encoding":
        body = "\n".join(lines)
        how = rng.choice(("gbk", "utf16", "latin_mojibake", "mixed", "bom_wrong"))
        if how == "gbk":
            return body.encode("gb18030")
        if how == "utf16":
            return body.encode("utf-16")
        if how == "latin_mojibake":
            return body.encode("utf-8").decode("latin-1").encode("utf-8")
        if how == "mixed":
            half = len(body) // 2
            return body[:half].encode("utf-8") + body[half:].encode("gb18030")
        return b"\xef\xbb\xbf" + body.encode("gb18030")
    if op == "huge_table":
        i = rng.randrange(max(len(lines), 1))
        # kept moderate: extract.tables._find rescans every cell once per label, so a 3,000-row table of 40
        # numbers takes a minute (reported, not a crash)
        row = " | ".join(str(rng.randint(0, 10**6)) for _ in range(rng.randint(2, 8))) + " |"
        lines[i:i] = [row] * rng.randint(100, 400)
        return "\n".join(lines).encode()
    if op == "pipes":
        return "\n".join(
            (line.replace("|", rng.choice(("||", "", "| |", "｜", "|\t|"))) if rng.random() < 0.3 else line)
            for line in lines
        ).encode()
    if op == "truncate":
        data = "\n".join(lines).encode()
        return data[: rng.randrange(max(len(data), 1))]
    if op == "bytes":
        return mutate_bytes("\n".join(lines).encode(), rng)
    if op == "payload":
        for _ in range(rng.randint(1, 10)):
            i = rng.randrange(max(len(lines), 1))
            lines[i] = lines[i].replace("0", rng.choice(PAYLOAD_CELLS), 1)
        return "\n".join(lines).encode()
    i = rng.randrange(max(len(lines), 1))
    lines[i] = lines[i] + "数" * rng.randint(10_000, 200_000)
    return "\n".join(lines).encode()


def mutate_html(html: str, rng: random.Random) -> bytes:
    """HTML: unclosed and deeply nested tags, stray end tags, scripts, comments, broken entities."""
    op = rng.choice(("unclose", "nest", "stray", "script", "entities", "text", "bytes"))
    if op == "unclose":
        return re.sub(r"</(td|tr|table|p)>", lambda m: "" if rng.random() < 0.5 else m.group(0), html).encode()
    if op == "nest":
        depth = rng.randint(100, 20_000)
        tag = rng.choice(("div", "table", "td", "b", "span"))
        i = rng.randrange(len(html))
        return (html[:i] + f"<{tag}>" * depth + "1" + html[i:]).encode()
    if op == "stray":
        i = rng.randrange(len(html))
        return (
            html[:i]
            + rng.choice(("</tr>", "</td></td>", "</table>", "<td>", "<tr><tr>", "</script>")) * 50
            + html[i:]
        ).encode()
    if op == "script":
        i = rng.randrange(len(html))
        return (html[:i] + rng.choice(("<script>", "<style>", "<!--", "<![CDATA[")) + html[i:]).encode()
    if op == "entities":
        return re.sub(
            r"\d",
            lambda m: rng.choice(("&#1;", "&#0;", "&#xFFFFFFFF;", "&bogus;", "&#99999999;", m.group(0))),
            html,
            count=200,
        ).encode()
    if op == "text":
        return mutate_text(html, rng)
    return mutate_bytes(html.encode(), rng)


def mutate_docx(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return mutate_bytes(data, rng)
    members = _members(data)
    op = rng.choice(("corrupt", "corrupt", "missing", "empty"))
    xml = [n for n, _ in members if n.endswith((".xml", ".rels"))]
    name = rng.choice(["word/document.xml"] * 3 + xml)
    if op == "corrupt":
        return _zip(_replace_member(members, name, _corrupt_xml(dict(members)[name], rng)))
    if op == "missing":
        return _zip([(n, b) for n, b in members if n != name])
    return _zip(_replace_member(members, name, b""))


def mutate_pdf(data: bytes, rng: random.Random) -> bytes:
    op = rng.choice(("bytes", "truncate", "xref", "stream"))
    if op == "bytes":
        return mutate_bytes(data, rng)
    if op == "truncate":
        return data[: rng.randrange(8, len(data))]
    if op == "xref":
        i = data.rfind(b"startxref")
        return data[:i] + b"startxref\n" + str(rng.randrange(10**9)).encode() + b"\n%%EOF"
    starts = [m.end() for m in re.finditer(rb"stream\r?\n", data)]
    i = rng.choice(starts) if starts else len(data) // 2
    return data[:i] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))) + data[i + 200 :]


# --- running the command -------------------------------------------------------------------------------

Run = Callable[..., "subprocess.CompletedProcess[str]"]

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
ALLOWED_WORDS = {"xlsx", "xls", "WPS", "Excel", "PDF", "Word", "docx", "doc", "UTF", "GBK", "CSV", "csv", "govxl"}


# The readers append the library's exception class to 已损坏 messages: "（BadZipFile）". Tolerated here so the
# crash tests stay about crashes; tests/test_fuzz.py has a test of its own for it.
CLASS_NOTE = re.compile(r"（[A-Za-z_][A-Za-z0-9_.]*）")


def bad_message(message: str, path: str, *, class_note_ok: bool = True) -> str:
    """Why `message` is not a clean Chinese message about `path` ('' when it is one)."""
    name = Path(path).name
    if name not in message:
        return "does not name the file"
    rest = message.replace(path, "").replace(name, "")
    if class_note_ok:
        rest = CLASS_NOTE.sub("", rest)
    if not _CJK.search(rest):
        return "has no Chinese"
    english = [w for w in _WORD.findall(rest) if w not in ALLOWED_WORDS]
    if english:
        return f"has English fragments {english}"
    if "Traceback" in message or "内部错误" in message:
        return "is an internal error"
    return ""


def crash_text(done: subprocess.CompletedProcess[str]) -> str:
    """'' when the run ended as the command promises (exit 0/1/2, no traceback, no internal error)."""
    out = done.stdout + done.stderr
    if done.returncode not in (0, 1, 2) or "Traceback" in out or "内部错误" in out:
        return f"exit {done.returncode}: {done.stderr.strip()[-600:]}"
    return ""


def pin_down(
    run: Run, args_for: Callable[[Sequence[Path]], list[str]], files: Sequence[Path], budget: int = 6
) -> list[str]:
    """Some files that make the command crash on their own: batches of ten, then each file of a failing
    batch, within `budget` calls of the command (enough to reproduce; the test fails anyway)."""
    failing: list[str] = []
    calls = 0
    for start in range(0, len(files), 10):
        batch = list(files[start : start + 10])
        calls += 1
        if calls > budget:
            break
        if not crash_text(run(*args_for(batch))):
            continue
        for path in batch:
            calls += 1
            if calls > budget:
                break
            why = crash_text(run(*args_for([path])))
            if why:
                failing.append(f"{path.name}: {why}")
    return failing
