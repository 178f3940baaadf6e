"""Spaces, paragraph breaks and punctuation, normalised the way Chinese text is set.

Convention: one paragraph per line, lines separated by a single ``\\n``, no blank lines.
"""

from __future__ import annotations

import re

from ingest.textmap import MappedText

# Chinese punctuation (full-width forms written as escapes: editors tend to fold them to ASCII).
_CJK_PUNCT = (
    "\u3001\u3002\u201c\u201d\u2018\u2019\u300a\u300b\u3008\u3009\u3010\u3011\u300c\u300d\u300e\u300f"
    "\u2014\u2026\u00b7\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f"
)
_SENTENCE_END = "\u3002\u2026\uff01\uff1f\uff1b!?;"  # the captures fold full-width marks to ASCII
_CLOSING_QUOTES = "\u201d\u2019\u300d\u300f"
_OPENING = "\u201c\u2018\u300a\u3008\u3010\u300c\u300e\uff08("
_HEADING_START = re.compile(
    r"[一二三四五六七八九十]{1,3}、|[(\uff08][一二三四五六七八九十]{1,3}[)\uff09]|[一二三四五六七八九十]{1,3}是"
    r"|第[一二三四五六七八九十百\d]{1,4}[章节条部分]|\d{1,2}[、\uff0e](?!\d)|\d{1,2}\.(?!\d)"
)
# 第三章 总则, 第十条 …: the space after a structural number stays (one ASCII space), as statutes print it.
_STRUCTURE_NUMBER = re.compile(
    r"第[一二三四五六七八九十百千零〇两\d]{1,6}[编章节条](之[一二三四五六七八九十]{1,3})?"
)
_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002\u2003\u200b]+")
_TO_FULL = {",": "\uff0c", ";": "\uff1b", ":": "\uff1a", "!": "\uff01", "?": "\uff1f"}
_QUOTES = {"〝": "“", "〞": "”"}


def is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def _cjkish(c: str) -> bool:
    return is_cjk(c) or c in _CJK_PUNCT


def break_paragraphs(mt: MappedText, title: str | None) -> tuple[int, int]:
    """Turn the spaces that join paragraphs into line breaks; drop or collapse the other spaces.

    Returns (paragraph breaks made, other spaces changed).
    """
    text = mt.text
    edits: list[tuple[int, int, str]] = []
    done: set[int] = set()
    if title:
        core = re.sub(r"\.\w{2,5}$", "", title).strip()
        first = re.search(r"\S[^\n]*", text)
        if first:
            gap = _SPACES.search(first.group())
            if gap and len(gap.group()) and 6 <= gap.start() and first.group()[: gap.start()] in core:
                s = first.start() + gap.start()
                edits.append((s, s + len(gap.group()), "\n"))
                done.add(s)
    breaks = len(edits)
    changed = 0
    for m in _SPACES.finditer(text):
        s, e = m.span()
        if s in done or s == 0 or e == len(text) or text[s - 1] == "\n" or text[e] == "\n":
            continue  # line edges are trimmed later
        prev, nxt = text[s - 1], text[e]
        back = text[s - 2] if s >= 2 else ""
        ends_sentence = prev in _SENTENCE_END or (prev in _CLOSING_QUOTES and back in _SENTENCE_END)
        if (ends_sentence and (_cjkish(nxt) or nxt in _OPENING or nxt.isdigit())) or (
            _HEADING_START.match(text, e) and _cjkish(prev)
        ):
            edits.append((s, e, "\n"))
            breaks += 1
        elif _STRUCTURE_NUMBER.fullmatch(text, text.rfind("\n", 0, s) + 1, s):
            if m.group() != " ":
                edits.append((s, e, " "))
                changed += 1
        elif _cjkish(prev) and _cjkish(nxt):
            edits.append((s, e, ""))
            changed += 1
        elif m.group() != " ":
            edits.append((s, e, " "))
            changed += 1
    mt.edit(edits)
    return breaks, changed


def normalise_punctuation(mt: MappedText) -> tuple[int, int]:
    """ASCII ,;:!?() beside Chinese -> full width; full-width digits and latin -> ASCII.

    Returns (punctuation marks changed, full-width characters changed). Every change is one
    character for one, so offsets do not move.
    """
    text = mt.text
    chars = list(text)
    punct = width = 0
    for i, c in enumerate(text):
        if c in _TO_FULL:
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if prev.isdigit() and nxt.isdigit():
                continue  # 1,000 and 10:30
            if _cjkish(prev) or _cjkish(nxt):
                chars[i] = _TO_FULL[c]
                punct += 1
        elif c in _QUOTES:
            chars[i] = _QUOTES[c]
            punct += 1
        elif "\uff10" <= c <= "\uff19" or "\uff21" <= c <= "\uff3a" or "\uff41" <= c <= "\uff5a":
            chars[i] = chr(ord(c) - 0xFEE0)
            width += 1
    for m in re.finditer(r"\(([^()\n]{0,80})\)", text):
        s, e = m.span()
        prev = text[s - 1] if s else ""
        if any(is_cjk(c) for c in m.group(1)) or is_cjk(prev) or (prev and prev in _CJK_PUNCT):
            chars[s], chars[e - 1] = "\uff08", "\uff09"
            punct += 2
    mt.replace_all("".join(chars))
    return punct, width


def tidy_lines(mt: MappedText) -> None:
    """Trim every line and drop empty ones: paragraphs end up separated by a single newline."""
    text = mt.text
    edits = []
    for m in re.finditer(r"[ \t\u3000\u00a0\n]*\n[ \t\u3000\u00a0\n]*", text):
        s, e = m.span()
        if s == 0 or e == len(text):
            edits.append((s, e, ""))
        elif m.group() != "\n":
            nl = s + m.group().index("\n")
            edits.extend([(s, nl, ""), (nl + 1, e, "")] if nl + 1 <= e else [])
    lead = re.match(r"[ \t\u3000\u00a0]+", text)
    if lead and not any(s == 0 for s, _, _ in edits):
        edits.append((0, lead.end(), ""))
    trail = re.search(r"[ \t\u3000\u00a0]+$", text)
    if trail and not any(e == len(text) for _, e, _ in edits):
        edits.append((trail.start(), len(text), ""))
    mt.edit([(s, e, r) for s, e, r in edits if s < e])
