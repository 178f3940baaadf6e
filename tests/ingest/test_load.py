"""load_file on real files written to tmp_path: every format, every encoding, every refusal."""

from __future__ import annotations

import io
import random
import time
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from ingest.errors import LoadError
from ingest.load import SUPPORTED, load_file

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SIMPLIFIED = (
    "社区党组织建设\n"
    "近年来，各地坚持党建引领基层治理，推动社区党组织建设不断深化。"
    "社区党委统筹辖区单位、物业企业和社会组织，建立联席会议制度，协调解决居民反映的问题。\n"
)
TRADITIONAL = (
    "社區黨組織建設\n"
    "近年來，各地堅持黨建引領基層治理，推動社區黨組織建設不斷深化。"
    "社區黨委統籌轄區單位、物業企業和社會組織，建立聯席會議制度，協調解決居民反映的問題。\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path, *words: str) -> str:
    """The LoadError message for ``path``, checked to name the file and the problem."""
    with pytest.raises(LoadError) as info:
        load_file(path)
    message = str(info.value)
    assert path.name in message
    for word in words:
        assert word in message, message
    return message


def make_docx(paragraphs_before: list[str], rows: list[list[str]], paragraphs_after: list[str]) -> bytes:
    document = docx.Document()
    document.core_properties.title = "社区治理办法"
    for text in paragraphs_before:
        document.add_paragraph(text)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for text in paragraphs_after:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF, one Helvetica line of ASCII per page (an empty string gives a blank page)."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET" if text else ""
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- text encodings ---------------------------------------------------------------------------------


def test_utf8_with_crlf_line_endings(tmp_path):
    doc = load_file(write(tmp_path, "a.txt", SIMPLIFIED.replace("\n", "\r\n").encode("utf-8")))
    assert (doc.text, doc.encoding, doc.format, doc.path) == (
        SIMPLIFIED,
        "utf-8",
        "txt",
        str(tmp_path / "a.txt"),
    )


def test_utf8_bom_is_stripped(tmp_path):
    doc = load_file(write(tmp_path, "a.txt", b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8")))
    assert (doc.text, doc.encoding) == (SIMPLIFIED, "utf-8-sig")


def test_gbk(tmp_path):
    doc = load_file(write(tmp_path, "a.txt", SIMPLIFIED.encode("gbk")))
    assert (doc.text, doc.encoding) == (SIMPLIFIED, "gb18030")


def test_gbk_short_phrase(tmp_path):
    doc = load_file(write(tmp_path, "a.txt", "社区党组织建设".encode("gbk")))
    assert (doc.text, doc.encoding) == ("社区党组织建设", "gb18030")


def test_gb18030_with_four_byte_characters(tmp_path):
    text = SIMPLIFIED + "生僻字𠮷与欧元符号€。\n"
    doc = load_file(write(tmp_path, "a.txt", text.encode("gb18030")))
    assert (doc.text, doc.encoding) == (text, "gb18030")


def test_traditional_text_in_gbk_is_not_taken_for_big5(tmp_path):
    doc = load_file(write(tmp_path, "a.txt", TRADITIONAL.encode("gbk")))
    assert (doc.text, doc.encoding) == (TRADITIONAL, "gb18030")


def test_big5(tmp_path):
    # these bytes also decode strictly as GB18030 (into rare hanzi and private-use code points)
    doc = load_file(write(tmp_path, "a.txt", TRADITIONAL.encode("big5")))
    assert (doc.text, doc.encoding) == (TRADITIONAL, "big5")


@pytest.mark.parametrize("bom, codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_with_bom(tmp_path, bom, codec):
    doc = load_file(write(tmp_path, "a.txt", bom + ("2023年" + SIMPLIFIED).encode(codec)))
    assert (doc.text, doc.encoding) == ("2023年" + SIMPLIFIED, "utf-16")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_found_by_nul_bytes(tmp_path, codec):
    text = "2023年工作要点\n" + SIMPLIFIED
    doc = load_file(write(tmp_path, "a.txt", text.encode(codec)))
    assert (doc.text, doc.encoding) == (text, "utf-16")


def test_utf16_without_bom_or_ascii(tmp_path):
    text = "社区党组织建设是基层治理的核心，我们要坚持党建引领。"
    doc = load_file(write(tmp_path, "a.txt", text.encode("utf-16-le")))
    assert (doc.text, doc.encoding) == (text, "utf-16")


def test_markdown_is_kept_as_is(tmp_path):
    text = "# 标题\n\n- 第一条：加强**党建**引领\n"
    doc = load_file(write(tmp_path, "a.markdown", text.encode("utf-8")))
    assert (doc.text, doc.format, doc.encoding) == (text, "md", "utf-8")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_real_corpus_files_load_as_utf8_despite_mojibake_spans(path):
    doc = load_file(path, display=path.name)
    assert (doc.encoding, doc.format, doc.path) == ("utf-8", "txt", path.name)
    assert len(doc.text) > 1000 and "\r" not in doc.text


def test_corpus_is_there():
    assert len(list(CORPUS.glob("*.txt"))) == 5


# --- refusals of text files -------------------------------------------------------------------------


def test_empty_file(tmp_path):
    refused(write(tmp_path, "empty.txt", b""), "empty file")


def test_whitespace_only_file(tmp_path):
    refused(write(tmp_path, "blank.md", " \r\n\t\n　\n".encode()), "empty file")


def test_png_under_txt(tmp_path):
    refused(
        write(tmp_path, "pic.txt", b"\x89PNG\r\n\x1a\n" + bytes(100)),
        "binary content",
        "PNG",
        "wrong extension",
    )


def test_zip_under_txt(tmp_path):
    message = refused(write(tmp_path, "table.txt", b"PK\x03\x04" + bytes(100)), "binary content")
    assert "starts with 'PK'" in message and "ZIP" in message


def test_random_bytes_with_nuls(tmp_path):
    data = random.Random(1).randbytes(4096)
    refused(write(tmp_path, "noise.txt", data), "binary content", "NUL")


def test_random_bytes_without_nuls_are_not_turned_into_mojibake(tmp_path):
    data = bytes(b for b in random.Random(2).randbytes(8192) if b >= 0x80)
    refused(write(tmp_path, "noise.txt", data), "cannot detect the text encoding", "save it as UTF-8")


def test_valid_gb18030_that_is_not_text_is_refused(tmp_path):
    # every pair is a GB2312 hanzi, so it decodes strictly; drawn at random, too many of them are rare
    rng = random.Random(4)
    data = b"".join(bytes([rng.randint(0xB0, 0xF7), rng.randint(0xA1, 0xFE)]) for _ in range(2000))
    refused(write(tmp_path, "hanzi.txt", data), "cannot detect the text encoding")


def test_latin1_text_is_refused_not_read_as_hanzi(tmp_path):
    data = ("Café déjà vu à la française, élève. " * 20).encode("latin-1")
    refused(write(tmp_path, "latin.txt", data), "cannot detect the text encoding")


# --- size, paths, extensions ------------------------------------------------------------------------


def test_oversized_file_is_refused_from_stat_without_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: instant to create
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("read an oversized file"))
    monkeypatch.setattr(Path, "read_bytes", lambda *a, **k: pytest.fail("read an oversized file"))
    started = time.perf_counter()
    message = refused(path, "file is 52.4 MB, above the 20.0 MB limit", "POLICYKB_MAX_FILE_MB")
    assert time.perf_counter() - started < 0.5, message


def test_max_bytes_is_respected(tmp_path):
    with pytest.raises(LoadError, match="above the 0.0 MB limit"):
        load_file(write(tmp_path, "a.txt", SIMPLIFIED.encode()), max_bytes=10)


def test_unsupported_extension(tmp_path):
    message = refused(write(tmp_path, "sheet.xls", b"x"), "unsupported file type '.xls'")
    assert "supported: " + " ".join(SUPPORTED) in message


def test_no_extension(tmp_path):
    refused(write(tmp_path, "README", b"x"), "unsupported file type (no extension)")


def test_missing_file(tmp_path):
    refused(tmp_path / "gone.txt", "file not found")


def test_directory(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    refused(tmp_path / "folder.txt", "directory")


def test_display_name_is_used_in_errors_and_document(tmp_path):
    with pytest.raises(LoadError) as info:
        load_file(write(tmp_path, "x.txt", b""), display="corpus/x.txt")
    assert str(info.value) == "corpus/x.txt: empty file" and info.value.path == "corpus/x.txt"


# --- html -------------------------------------------------------------------------------------------

ARTICLE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>社区治理新举措 - 某某网</title>
<script>var secret = "脚本内容";</script><style>.x {{ color: red }}</style></head>
<body><header><div class="logo">某某网站首页</div></header>
<nav><ul><li><a href="/">首页</a></li><li><a href="/news">导航新闻栏目</a></li></ul></nav>
<div id="main"><article><h1>社区治理新举措</h1>
<p>近年来，某市坚持党建引领基层治理，推动社区党组织建设不断深化，构建起四级组织体系。</p>
<p>社区党委统筹辖区单位、物业企业和社会组织，建立联席会议制度，协调解决居民反映的停车难问题。</p>
<table><tr><td>项目</td><td>数量</td></tr><tr><td>党群服务中心</td><td>120</td></tr></table>
</article></div>
<footer><p>版权所有 页脚信息 备案号12345</p></footer><script>console.log("尾部脚本")</script></body></html>"""


@pytest.mark.parametrize(
    "charset, codec, encoding", [("utf-8", "utf-8", "utf-8"), ("gb2312", "gbk", "gb18030")]
)
def test_html_main_text_without_chrome(tmp_path, charset, codec, encoding):
    doc = load_file(write(tmp_path, "page.html", ARTICLE.format(charset=charset).encode(codec)))
    assert (doc.format, doc.encoding, doc.title_hint) == ("html", encoding, "社区治理新举措")
    assert (
        "推动社区党组织建设不断深化" in doc.text and "停车难问题" in doc.text and "党群服务中心" in doc.text
    )
    for chrome in ("导航新闻栏目", "某某网站首页", "版权所有", "脚本内容", "尾部脚本", "color"):
        assert chrome not in doc.text


def test_html_fallback_parser_when_trafilatura_finds_nothing(tmp_path):
    page = "<title>通知</title><nav>菜单</nav><body><p>短</p><script>x()</script><footer>页脚</footer>"
    doc = load_file(write(tmp_path, "tiny.htm", page.encode("utf-8")))
    assert (doc.text, doc.title_hint, doc.format) == ("短", "通知", "html")


def test_html_with_only_chrome(tmp_path):
    page = "<html><body><nav>菜单</nav><footer>页脚</footer></body></html>"
    refused(write(tmp_path, "chrome.html", page.encode("utf-8")), "no text in the HTML page")


# --- docx -------------------------------------------------------------------------------------------


def test_docx_keeps_tables_between_paragraphs(tmp_path):
    data = make_docx(["第一段", "第二段"], [["项目", "数量"], ["党群服务中心", "120"]], ["最后一段"])
    doc = load_file(write(tmp_path, "a.docx", data))
    assert doc.text == "第一段\n第二段\n项目 | 数量\n党群服务中心 | 120\n最后一段"
    assert (doc.format, doc.title_hint, doc.encoding) == ("docx", "社区治理办法", None)


def test_docx_merged_cell_written_once(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "合并标题"
    for c, text in enumerate(["甲", "乙", "丙"]):
        table.cell(1, c).text = text
    out = io.BytesIO()
    document.save(out)
    doc = load_file(write(tmp_path, "m.docx", out.getvalue()))
    assert doc.text == "合并标题\n甲 | 乙 | 丙" and doc.title_hint is None


def test_truncated_docx(tmp_path):
    data = make_docx(["第一段"], [["a", "b"]], ["最后一段"])
    refused(write(tmp_path, "half.docx", data[: len(data) // 2]), "corrupt DOCX", "truncated")


def test_pdf_renamed_docx(tmp_path):
    refused(
        write(tmp_path, "report.docx", make_pdf(["Hello"])),
        "not a DOCX (starts with '%PDF'); was it saved as .pdf?",
    )


def test_xlsx_renamed_docx(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    refused(write(tmp_path, "sheet.docx", out.getvalue()), "corrupt DOCX: no word/document.xml", "Excel")


def test_docx_without_text(tmp_path):
    out = io.BytesIO()
    docx.Document().save(out)
    refused(write(tmp_path, "blank.docx", out.getvalue()), "empty DOCX")


# --- pdf --------------------------------------------------------------------------------------------


def test_pdf_text_and_page_starts(tmp_path):
    doc = load_file(write(tmp_path, "a.pdf", make_pdf(["Hello first page", "", "Third page text"])))
    assert doc.text == "Hello first page\n\n\n\nThird page text"
    assert doc.page_starts == [0, 18, 20]
    assert doc.text[doc.page_starts[2] :] == "Third page text"
    assert doc.format == "pdf"


def test_zip_renamed_pdf(tmp_path):
    data = make_docx(["第一段"], [["a", "b"]], [])
    refused(write(tmp_path, "report.pdf", data), "not a PDF (starts with 'PK'); was it saved as .docx?")


def test_text_renamed_pdf(tmp_path):
    refused(
        write(tmp_path, "notes.pdf", SIMPLIFIED.encode()), "not a PDF (starts with '\\xe7", "export it again"
    )


def test_pdf_without_text_layer(tmp_path):
    refused(write(tmp_path, "scan.pdf", make_pdf(["", ""])), "no text layer in PDF (scanned?); run OCR first")


def test_corrupt_pdf(tmp_path):
    refused(write(tmp_path, "broken.pdf", make_pdf(["Hello"])[:150]), "corrupt PDF")


def test_encrypted_pdf(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    refused(write(tmp_path, "locked.pdf", out.getvalue()), "encrypted PDF", "without a password")
