"""Markup that is not text: HTML comments anywhere, Markdown syntax in .md files.

A Markdown heading keeps its words (they are structure: 第一章 总则) and loses its ``#``; the
first level-1 heading is reported as the stated title.
"""

from __future__ import annotations

import re

from ingest.textmap import MappedText
from ingest.types import Removed

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(?=\S)|^[ \t]{0,3}#{1,6}[ \t]*$", re.M)
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$", re.M)
_RULE = re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.M)
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)
_LIST = re.compile(r"^[ \t]{0,3}[-*+][ \t]+(?=\S)", re.M)
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")


def strip_markup(mt: MappedText, fmt: str) -> tuple[list[Removed], str | None]:
    """Remove comments (and Markdown syntax when ``fmt`` is md); returns what went and the `#` title."""
    text = mt.text
    edits: list[tuple[int, int, str]] = []
    removed: list[Removed] = []

    def drop(start: int, end: int, kind: str, keep: str = "") -> None:
        edits.append((start, end, keep))
        if kind:
            removed.append(Removed(kind, text[start:end], *mt.raw_span(start, end)))

    for m in _COMMENT.finditer(text):
        drop(m.start(), m.end(), "comment")
    title = None
    if fmt == "md":
        busy = [(s, e) for s, e, _ in edits]

        def free(s: int, e: int) -> bool:
            return not any(a < e and s < b for a, b in busy)

        for m in _HEADING.finditer(text):
            if free(m.start(), m.end()):
                line_end = text.find("\n", m.end())
                line = text[m.end() : line_end if line_end >= 0 else len(text)].strip()
                if title is None and m.group(1) == "#" and line:
                    title = _CLOSING_HASHES.sub("", line).strip()
                drop(m.start(), m.end(), "markup")
                busy.append((m.start(), m.end()))
        for pattern in (_CLOSING_HASHES, _RULE, _QUOTE, _LIST, _IMAGE, _EMPHASIS):
            for m in pattern.finditer(text):
                if m.end() > m.start() and free(m.start(), m.end()):
                    drop(m.start(), m.end(), "markup")
                    busy.append((m.start(), m.end()))
        for m in _LINK.finditer(text):
            if free(m.start(), m.end()):
                drop(m.start(), m.end(), "markup", m.group(1))
                busy.append((m.start(), m.end()))
    mt.edit(edits)
    return removed, title
