"""HTML -> the text layout the cell reader understands: each table row a line of cells between pipes, every
other block of text a line of its own. Scripts, styles and comments are dropped.

The page is parsed by libxml2 (lxml, which python-docx brings) feeding the same events the standard library's
parser would: html.parser is pure Python, about 3 s per MB of table, so a page near the size limit took minutes.
"""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "title", "table"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pending: list[str] = []  # a run of text between two tags, which lxml gives in pieces
        self.lines: list[str] = []
        self.line: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript"):
            self.skip += 1
        elif tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in _BLOCKS and self.cell is None:
            self._flush()
        elif tag == "br" and self.cell is not None:
            self.cell.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None:
            if self.row is None:
                self.row = []
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.lines.append(" | ".join(self.row) + " |")
            self.row = None
        elif tag in _BLOCKS and self.cell is None:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = " ".join(data.split())
        if self.cell is not None:
            self.cell.append(text)
        elif text:
            self.line.append(text)

    def _flush(self) -> None:
        text = "".join(self.line).strip()
        if text:
            self.lines.append(text)
        self.line = []


class _Events:
    """lxml's parser target: its events, each run of text whole, to a _Text."""

    def __init__(self, text: _Text) -> None:
        self.text = text

    def _run(self) -> None:
        if self.text.pending:
            self.text.handle_data("".join(self.text.pending))
            self.text.pending = []

    def start(self, tag: str, attrib: object) -> None:
        self._run()
        self.text.handle_starttag(tag.lower(), [])  # no attribute matters here

    def end(self, tag: str) -> None:
        self._run()
        self.text.handle_endtag(tag.lower())

    def data(self, data: str) -> None:
        self.text.pending.append(data)

    def close(self) -> None:
        self._run()


def html_to_text(html: str) -> str:
    """The page's text; time linear in its size."""
    text = _Text()
    try:
        from lxml import etree

        parser = etree.HTMLParser(target=_Events(text), huge_tree=True, remove_comments=True, no_network=True)
        parser.feed(html)
        parser.close()
    except ImportError:  # pragma: no cover - lxml comes with python-docx
        text.feed(html)
        text.close()
    text._flush()
    return "\n".join(text.lines)
