"""Read one source file (txt, md, html, docx, pdf) into a RawDocument, or say why it cannot be read."""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import trafilatura
from docx.table import Table
from pypdf import PdfReader
from pypdf.errors import DependencyError

from ingest.encoding import decode_text, head, sniff
from ingest.errors import LoadError
from ingest.types import RawDocument

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
MB = 1_000_000
# Page chrome trafilatura keeps on short pages; an article's own <header> holds its title and date.
_CHROME = ["//nav", "//header[not(ancestor::article)]", "//footer[not(ancestor::article)]"]
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)


def load_file(path: Path, display: str | None = None, max_bytes: int = 20_000_000) -> RawDocument:
    """Read a supported file as its extension says; LoadError(display, problem) when it cannot be."""
    path = Path(path)
    name = display or str(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        shown = repr(path.suffix) if path.suffix else "(no extension)"
        raise LoadError(name, f"unsupported file type {shown}; supported: {' '.join(SUPPORTED)}")
    data = _read(path, name, max_bytes)
    if fmt == "pdf":
        return _load_pdf(data, name)
    if fmt == "docx":
        return _load_docx(data, name)
    if fmt == "html":
        return _load_html(data, name)
    text, encoding = _decode(data, name)
    if not text.strip():
        raise LoadError(name, "empty file")
    return RawDocument(path=name, text=text, format=fmt, encoding=encoding)


def _read(path: Path, name: str, max_bytes: int) -> bytes:
    """The file's bytes, checked with stat (exists, regular, within the limit) before reading."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise LoadError(name, "is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(name, "not a regular file")
        if info.st_size > max_bytes:
            raise LoadError(name, _too_big(info.st_size, max_bytes))
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
            if len(data) > max_bytes:  # it grew after the stat
                raise LoadError(name, _too_big(os.fstat(f.fileno()).st_size, max_bytes))
    except FileNotFoundError:
        raise LoadError(name, "file not found; check the path") from None
    except OSError as e:
        raise LoadError(name, f"cannot read the file ({e.strerror}); check its permissions") from None
    if not data:
        raise LoadError(name, "empty file")
    return data


def _too_big(size: int, max_bytes: int) -> str:
    return f"file is {size / MB:.1f} MB, above the {max_bytes / MB:.1f} MB limit (POLICYKB_MAX_FILE_MB)"


def _decode(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    try:
        return decode_text(data, declared)
    except ValueError as e:
        raise LoadError(name, str(e)) from None


def _not_format(data: bytes, name: str, fmt: str) -> LoadError:
    """The error for bytes that are not the format their extension claims."""
    known = sniff(data)
    if known:
        return LoadError(name, f"not a {fmt} (starts with '{known[0]}'); was it saved as {known[2]}?")
    return LoadError(name, f"not a {fmt} (starts with '{head(data)}'); export it again as {fmt}")


def _short(e: Exception) -> str:
    """A one-line reason from a third-party exception."""
    text = str(e).strip().splitlines()
    return text[0][:120] if text else type(e).__name__


def _load_html(data: bytes, name: str) -> RawDocument:
    match = _META_CHARSET.search(data[:4096])
    html, encoding = _decode(data, name, match.group(1).decode("ascii") if match else None)
    # Default settings, not favor_recall: recall mode appends site headers and menus after the article.
    found = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True, prune_xpath=_CHROME
    )
    parser = _PageText()
    parser.feed(html)
    parser.close()
    text = found.text if found is not None and found.text and found.text.strip() else parser.text()
    if not text.strip():
        raise LoadError(name, "no text in the HTML page (only menus, scripts or images?)")
    title = (found.title if found is not None else None) or parser.title.strip() or None
    return RawDocument(
        path=name, text=text.replace("\r\n", "\n"), format="html", encoding=encoding, title_hint=title
    )


class _PageText(HTMLParser):
    """Visible page text without scripts, styles and page chrome, plus the <title>; the fallback extractor."""

    SKIP = {"script", "style", "nav", "header", "footer", "noscript", "template"}
    BLOCK = set("p div br li tr td th table ul ol section article h1 h2 h3 h4 h5 h6 blockquote pre".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def _load_docx(data: bytes, name: str) -> RawDocument:
    if not data.startswith(b"PK\x03\x04"):
        raise _not_format(data, name, "DOCX")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = set(archive.namelist())
            damaged = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise LoadError(name, "corrupt DOCX: the ZIP archive is truncated or damaged; re-save it") from None
    if damaged:
        raise LoadError(name, f"corrupt DOCX: part {damaged} is damaged; re-save it")
    if "word/document.xml" not in parts:
        what = "it is an Excel workbook (.xlsx)" if "xl/workbook.xml" in parts else "is it another ZIP file?"
        raise LoadError(name, f"corrupt DOCX: no word/document.xml; {what}")
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():  # document order keeps tables between their paragraphs
            lines.extend(_table_rows(block) if isinstance(block, Table) else [block.text])
        title = (document.core_properties.title or "").strip() or None
    except Exception as e:  # python-docx and lxml raise many types on damaged XML
        raise LoadError(name, f"corrupt DOCX: {_short(e)}") from None
    text = "\n".join(lines)
    if not text.strip():
        raise LoadError(name, "empty DOCX: no paragraph or table holds text (only images?)")
    return RawDocument(path=name, text=text, format="docx", title_hint=title)


def _table_rows(table: Table) -> list[str]:
    """One line per row, cells joined by ' | '; a merged cell is written once."""
    rows = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if previous is not None and cell._tc is previous._tc:
                continue  # python-docx repeats a horizontally merged cell for every grid column it spans
            previous = cell
            cells.append(" ".join(cell.text.split("\n")).strip())
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


_LINE_END = tuple("。！？；：:;!?")
_LINE_START = re.compile(
    r"[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十\d]{1,3}[)）]|第[一二三四五六七八九十百\d]+[编章节条]|\d{1,2}[.、．]"
)


def _reflow(page: str) -> str:
    """Join the lines a PDF broke at the page margin: a line as long as the page's longest
    that does not end a sentence continues on the next line (unless that one opens a heading)."""
    lines = page.split("\n")
    width = max((len(line.rstrip()) for line in lines), default=0)
    if width < 20:
        return page
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1].rstrip()
        if len(prev) >= width * 0.9 and not prev.endswith(_LINE_END) and not _LINE_START.match(line):
            out[-1] = prev + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def _load_pdf(data: bytes, name: str) -> RawDocument:
    if b"%PDF" not in data[:1024]:  # the spec lets the header sit anywhere in the first 1 KB
        raise _not_format(data, name, "PDF")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError(name, "encrypted PDF; save a copy without a password")
        pages = [
            (page.extract_text() or "").replace("\r\n", "\n").replace("\r", "\n").strip()
            for page in reader.pages
        ]
    except LoadError:
        raise
    except DependencyError:
        problem = "encrypted PDF (AES); save a copy without a password (or pip install cryptography)"
        raise LoadError(name, problem) from None
    except Exception as e:  # pypdf raises many types on damaged input
        raise LoadError(name, f"corrupt PDF: {_short(e)}; re-export it") from None
    if not any(pages):
        raise LoadError(name, "no text layer in PDF (scanned?); run OCR first")
    pages = [_reflow(page) for page in pages]
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 2
    return RawDocument(path=name, text="\n\n".join(pages), format="pdf", page_starts=starts)
