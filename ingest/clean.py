"""Clean one decoded document: strip the web page around it, repair damaged characters, normalise.

Stages, in order, each an edit of a ``MappedText`` so every kept character still knows its
raw offset: pinyin annotations -> mojibake -> traditional to simplified -> Word round-trip
words -> boilerplate lines -> punctuation -> spaces and paragraph breaks -> tidy lines.
The result is one paragraph per line, separated by single newlines.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ingest.boilerplate import find_boilerplate
from ingest.charmodel import LOST
from ingest.frontmatter import find_front_matter
from ingest.markup import strip_markup
from ingest.mojibake import find_mojibake
from ingest.normalize import break_paragraphs, normalise_punctuation, tidy_lines
from ingest.repair import fix_word_artifacts, remove_pinyin, suspect_numbers, to_simplified
from ingest.textmap import MappedText
from ingest.types import CleanText, Flag, Removed

_LOST_NOTE = "乱码中有字节丢失\uff0c此处原文的字无法恢复"


def _repair_mojibake(mt: MappedText, fixes: dict[str, int]) -> list[tuple[int, int]]:
    """Apply the mojibake repairs; returns the raw spans that kept an unrecoverable character."""
    repairs = find_mojibake(mt.text)
    lost = [mt.raw_span(r.start, r.end) for r in repairs if r.lost]
    mt.edit((r.start, r.end, r.text) for r in repairs)
    fixes["mojibake"] = len(repairs)
    return lost


def _strip_boilerplate(mt: MappedText, fixes: dict[str, int]) -> tuple[list[Removed], str | None]:
    text = mt.text
    found = find_boilerplate(text)
    removed = []
    for start, end, kind in found.spans:
        body = text[start:end]
        first = start + len(body) - len(body.lstrip())
        last = start + len(body.rstrip())
        raw_start, raw_end = mt.raw_span(first, max(last, first + 1))
        removed.append(Removed(kind, body.strip(), raw_start, raw_end))
    whole_lines = sum(
        1
        for s, e, _ in found.spans
        if (s == 0 or text[s - 1] == "\n") and (e == len(text) or text[e - 1] == "\n")
    )
    fixes["boilerplate_lines"] = whole_lines
    fixes["boilerplate_inline"] = len(found.spans) - whole_lines
    mt.edit((s, e, "") for s, e, _ in found.spans)
    return removed, found.title


def _lost_flags(mt: MappedText, lost: list[tuple[int, int]]) -> list[Flag]:
    flags = []
    for i, c in enumerate(mt.chars):
        if c == LOST and any(a <= mt.raw[i] < b for a, b in lost):
            flags.append(Flag("mojibake", c, i, i + 1, _LOST_NOTE))
    return flags


def _strip_front_matter(mt: MappedText, removed: list[Removed], stated_title: str | None) -> None:
    text = mt.text
    found = find_front_matter(text, stated_title, any(r.kind == "title" for r in removed))
    for start, end, kind in found.spans:
        body = text[start:end].strip()
        removed.append(Removed(kind, body, *mt.raw_span(start, max(start + 1, start + len(body)))))
    mt.edit((s, e, "") for s, e, _ in found.spans)
    tidy_lines(mt)


def clean_text(raw: str, fmt: str = "txt", title_hint: str | None = None) -> CleanText:
    """Cleaned text, its offset map to ``raw``, what was removed, suspicious spans and repair counts.

    ``fmt`` is the source format: Markdown syntax is markup only in md files. ``title_hint`` is a
    title the file format carries; the line repeating it is the title, not text.
    """
    mt = MappedText(raw)
    fixes: dict[str, int] = {}
    markup, stated_title = strip_markup(mt, fmt)
    fixes["markup"] = len(markup)
    fixes["pinyin"] = remove_pinyin(mt)
    lost = _repair_mojibake(mt, fixes)
    fixes["t2s"] = to_simplified(mt)
    fixes["word_artifact"] = fix_word_artifacts(mt)
    removed, title = _strip_boilerplate(mt, fixes)
    fixes["punct"], fixes["fullwidth"] = normalise_punctuation(mt)
    fixes["paragraph_breaks"], fixes["spaces"] = break_paragraphs(mt, title)
    tidy_lines(mt)
    removed = markup + removed
    _strip_front_matter(mt, removed, stated_title or title_hint)
    flags = _lost_flags(mt, lost) + suspect_numbers(mt.text)
    flags.sort(key=lambda f: f.start)
    removed.sort(key=lambda r: r.start)
    return CleanText(mt.text, mt.spans(), removed, flags, {k: v for k, v in fixes.items() if v})


def _report(path: Path) -> None:
    raw = path.read_text("utf-8").replace("\r\n", "\n")
    clean = clean_text(raw)
    kinds: dict[str, int] = {}
    for r in clean.removed:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    print(f"{path.name}: raw {len(raw)} chars, cleaned {len(clean.text)} chars")
    print(f"  fixes   {clean.fixes}")
    print(f"  removed {kinds}")
    for f in clean.flags:
        print(f"  flag    {f.kind} {f.text!r} @{f.start}: {f.note}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        _report(Path(arg))
