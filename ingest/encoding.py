"""Tell what a byte string holds: a known binary format, or text in a detectable encoding."""

from __future__ import annotations

import codecs
import re
from functools import cache

# Binary formats people save under a text or wrong office extension: (magic, shown as, what, extension).
MAGIC = (
    (b"PK\x03\x04", "PK", "a ZIP/DOCX/XLSX", ".docx"),
    (b"%PDF", "%PDF", "a PDF", ".pdf"),
    (b"\x89PNG", "\\x89PNG", "a PNG image", ".png"),
    (b"\xff\xd8\xff", "\\xff\\xd8\\xff", "a JPEG image", ".jpg"),
    (b"GIF8", "GIF8", "a GIF image", ".gif"),
    (b"\xd0\xcf\x11\xe0", "\\xd0\\xcf\\x11\\xe0", "an old Word/Excel file (.doc/.xls)", ".doc"),
    (b"7z\xbc\xaf\x27\x1c", "7z", "a 7z archive", ".7z"),
    (b"Rar!\x1a\x07", "Rar!", "a RAR archive", ".rar"),
)
BOMS = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
NAMES = {"gb18030": "gb18030", "big5": "big5", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}
# Charsets a page may declare, mapped to the codec that reads them (GB18030 is a superset of GBK/GB2312).
DECLARED = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5",
    "big5-hkscs": "big5",
    "cp950": "big5",
}
UNDETECTED = "cannot detect the text encoding (tried UTF-8, UTF-16, GB18030, Big5); save it as UTF-8"
BINARY = "binary content in a text file ({why}); was it saved with the wrong extension?"
MAX_BAD = 0.01  # control or private-use characters tolerated in real text
MIN_COMMON = 0.85  # share of non-ASCII characters that must be common hanzi or CJK punctuation
SAMPLE = 100_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PRIVATE = re.compile(r"[\ue000-\uf8ff]")


def sniff(data: bytes) -> tuple[str, str, str] | None:
    """(shown as, what, extension) of a known binary format the bytes start with, else None."""
    for magic, shown, what, ext in MAGIC:
        if data.startswith(magic):
            return shown, what, ext
    return None


def head(data: bytes, n: int = 4) -> str:
    """The first bytes, printable ASCII as is and the rest as \\xNN, for error messages."""
    return "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02x}" for b in data[:n])


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text with \\n line ends, encoding name) of text bytes; ValueError says why they are not text.

    ``declared`` is a charset the file names itself (an HTML meta tag); it wins only ties.
    """
    text, encoding = _decode(data, DECLARED.get((declared or "").lower()))
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    known = sniff(data)
    if known:
        raise ValueError(BINARY.format(why=f"starts with '{known[0]}', looks like {known[1]}"))
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec)
            if text is None or _bad(text) > MAX_BAD:
                raise ValueError(UNDETECTED)
            return text, name
    if b"\x00" in data:
        # NUL bytes occur in text only as the zero half of UTF-16 code units (mostly ASCII ones).
        codec = _utf16_by_nuls(data)
        found = _best(data, [codec]) if codec else None
        if found is None:
            raise ValueError(BINARY.format(why="NUL bytes"))
        return found
    text = _strict(data, "utf-8")
    if text is not None:
        # Strict UTF-8 almost never decodes legacy CJK bytes by chance, so it wins outright; mojibake
        # spans inside valid UTF-8 are the cleaner's job.
        if len(_CONTROL.findall(text)) > MAX_BAD * len(text):
            raise ValueError(BINARY.format(why="control characters"))
        return text, "utf-8"
    order = ["gb18030", "big5"] + (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else [])
    if declared in order:
        order.remove(declared)
        order.insert(0, declared)
    found = _best(data, order)
    if found is None:
        raise ValueError(UNDETECTED)
    return found


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _utf16_by_nuls(data: bytes) -> str | None:
    """utf-16-le/be when the NUL bytes sit almost all at odd/even offsets, else None."""
    sample = data[: 2 * SAMPLE]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.9 * (even + odd):
        return "utf-16-le"
    if even >= 0.9 * (even + odd):
        return "utf-16-be"
    return None


def _best(data: bytes, order: list[str]) -> tuple[str, str] | None:
    """The strict decoding that reads most like Chinese text, if any passes; earlier codecs win ties."""
    best: tuple[float, str, str] | None = None
    for codec in order:
        text = _strict(data, codec)
        if text is None or _bad(text) > MAX_BAD:
            continue
        score = _common_share(text)
        if score >= MIN_COMMON and (best is None or score > best[0]):
            best = (score, text, NAMES[codec])
    return (best[1], best[2]) if best else None


def _bad(text: str) -> float:
    """Share of characters no real text holds: controls, and private-use code points (legacy user areas)."""
    return (len(_CONTROL.findall(text)) + len(_PRIVATE.findall(text))) / max(1, len(text))


def _common_share(text: str) -> float:
    """Share of the non-ASCII characters that are common hanzi or CJK punctuation."""
    sample = text if len(text) <= 2 * SAMPLE else text[:SAMPLE] + text[-SAMPLE:]
    wide = [c for c in sample if c > "\x7f"]
    if not wide:
        return 1.0
    common = _common_chars()
    return sum(c in common for c in wide) / len(wide)


@cache
def _common_chars() -> frozenset[str]:
    """GB2312 level-1 hanzi, Big5 常用字 and GB2312's punctuation, full-width and pinyin rows.

    Taken from the codec tables rather than an embedded frequency list: GB2312 level 1 holds the
    3755 most frequent simplified hanzi (about 99.7% of running modern text) and Big5 A440-C67E the
    5401 common traditional ones. A wrong legacy decoding lands mostly on rare hanzi, kana, Greek or
    private-use code points: real text scores above 0.95 (the corpus, mojibake spans and all), GBK read
    as Big5 about 0.65 and hanzi drawn at random from all of GB2312 about 0.7.
    """
    chars: set[str] = set()
    gb_rows = [0xA1, 0xA2, 0xA3, 0xA8, *range(0xB0, 0xD8)]
    cells = [(lead, trail, "gb2312") for lead in gb_rows for trail in range(0xA1, 0xFF)]
    big5_trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    cells += [(lead, trail, "big5") for lead in range(0xA4, 0xC7) for trail in big5_trails]
    for lead, trail, codec in cells:
        if codec == "big5" and (lead, trail) > (0xC6, 0x7E):
            continue  # Big5 C6A1 onwards is symbols and reserved space, not common hanzi
        char = _strict(bytes([lead, trail]), codec)
        if char:
            chars.add(char)
    return frozenset(chars)
