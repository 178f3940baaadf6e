"""Chinese sentence-aware chunking that never crosses a section boundary."""

from __future__ import annotations

import hashlib
import re

from ingest.types import Chunk, Section

# A sentence ends at 。!?; (ASCII or full-width) or an ellipsis, with any closing quotes or brackets that follow.
_SENTENCE = re.compile(r"[^。!?;！？；…\n]*(?:[。!?;！？；]+|…+)[”’」』)）]*|[^。!?;！？；…\n]+")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, shifted by ``offset``; whitespace-only pieces dropped."""
    out = []
    for m in _SENTENCE.finditer(text):
        piece = m.group()
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            out.append((offset + m.start() + lead, offset + m.end() - trail))
    return out


def chunk_id(file: str, text: str, occurrence: int) -> str:
    """Stable id from the content, so unchanged chunks keep their id and embedding."""
    digest = hashlib.sha256(f"{file}\x00{text}\x00{occurrence}".encode()).hexdigest()
    return digest[:24]


def split_into_chunks(
    text: str, sections: list[Section], file: str, size: int = 300, overlap: int = 60, min_chars: int = 40
) -> list[Chunk]:
    """Chunks of about ``size`` characters built from whole sentences.

    Paragraphs are packed whole while they fit; a longer paragraph is cut between
    sentences, the next window repeating up to ``overlap`` characters of sentences.
    A short heading line stays with the text after it.
    """
    spans: list[tuple[int, int, int]] = []  # (section, start, end)
    for s_no, section in enumerate(sections):
        for start, end in _section_windows(text, section, size, overlap, min_chars):
            spans.append((s_no, start, end))
    chunks, seen = [], {}
    for s_no, start, end in spans:
        body = text[start:end]
        n = seen.get(body, 0)
        seen[body] = n + 1
        chunks.append(Chunk(chunk_id(file, body, n), file, s_no, start, end, body))
    return chunks


def _paragraphs(text: str, section: Section) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text[section.start : section.end]):
        if m.group().strip():
            out.append((section.start + m.start(), section.start + m.end()))
    return out


def _section_windows(text: str, section: Section, size: int, overlap: int, min_chars: int):
    windows: list[list[int]] = []  # [start, end]
    cur: list[int] | None = None
    for p_start, p_end in _paragraphs(text, section):
        length = p_end - p_start
        short = cur is not None and cur[1] - cur[0] < min_chars
        if cur is not None and (p_end - cur[0] <= size or (short and p_end - cur[0] <= size * 1.5)):
            cur[1] = p_end
            continue
        if cur is not None:
            windows.append(cur)
            cur = None
        if length <= size:
            cur = [p_start, p_end]
            continue
        pieces = _sentence_windows(text, p_start, p_end, size, overlap)
        if windows and windows[-1][1] - windows[-1][0] < min_chars:
            pieces[0][0] = windows.pop()[0]  # a heading line opens the first window
        windows.extend(pieces[:-1])
        cur = pieces[-1]
    if cur is not None:
        windows.append(cur)
    # A short tail joins the window before it when that stays reasonable.
    merged: list[list[int]] = []
    for w in windows:
        if merged and w[1] - w[0] < min_chars and w[1] - merged[-1][0] <= size * 1.5:
            merged[-1][1] = max(merged[-1][1], w[1])
        else:
            merged.append(w)
    return [tuple(w) for w in merged]


def _sentence_windows(text: str, start: int, end: int, size: int, overlap: int) -> list[list[int]]:
    sentences = split_sentences(text[start:end], start)
    windows: list[list[int]] = []
    i = 0
    while i < len(sentences):
        j = i
        w_start = sentences[i][0]
        while j < len(sentences) and (j == i or sentences[j][1] - w_start <= size):
            j += 1
        windows.append([w_start, sentences[j - 1][1]])
        if j >= len(sentences):
            break
        # Step back over trailing sentences that fit in the overlap, but always advance.
        k = j
        while k - 1 > i and sentences[j - 1][1] - sentences[k - 1][0] <= overlap:
            k -= 1
        i = k
    return windows


def split_articles_into_chunks(
    text: str, sections: list[Section], articles: list[dict], file: str, size: int = 300, overlap: int = 60
) -> list[Chunk]:
    """One chunk per article (条); a long article is cut between its paragraphs or sentences and
    every part keeps the article number and heading path. Nothing outside an article is a chunk."""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for article in articles:
        s_no = _section_of(sections, article["start"])
        part = Section("", article["start"], article["end"])
        for start, end in _section_windows(text, part, size, overlap, min_chars=0):
            body = text[start:end]
            n = seen.get(body, 0)
            seen[body] = n + 1
            chunks.append(
                Chunk(
                    chunk_id(file, body, n), file, s_no, start, end, body,
                    article=article["article"], heading_path=list(article["path"]),
                )
            )  # fmt: skip
    return chunks


def _section_of(sections: list[Section], offset: int) -> int:
    best = 0
    for i, s in enumerate(sections):
        if s.start <= offset:
            best = i
    return best
