"""One file in, one structured Document out: load -> clean -> describe -> sections -> chunks."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.clean import clean_text
from ingest.errors import EmptyDocumentError
from ingest.load import load_file
from ingest.split import split_into_chunks
from ingest.structure import build_sections, describe, document_kind, document_regions
from ingest.types import Document

MIN_TEXT = 20  # characters left after cleaning below which a file holds no document


@dataclass(frozen=True)
class SplitOptions:
    size: int = 300
    overlap: int = 60
    min_chars: int = 40


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def process_file(
    path: Path,
    name: str,
    split: SplitOptions = SplitOptions(),
    max_bytes: int = 20_000_000,
    sha: str | None = None,
) -> Document:
    """Load, clean and structure one file; ``name`` is how it is cited (e.g. 000_x.txt).

    Raises LoadError (or EmptyDocumentError) naming the file when it cannot become a document.
    """
    if sha is None:  # callers that already hashed the file pass it in
        sha = file_sha256(path) if path.is_file() else ""
    raw = load_file(path, display=name, max_bytes=max_bytes)
    clean = clean_text(raw.text)
    if len(clean.text.strip()) < MIN_TEXT:
        raise EmptyDocumentError(
            name, "nothing left after removing web boilerplate (navigation, footers, notices)"
        )
    meta = describe(raw, clean)
    sections = build_sections(clean.text)
    chunks = split_into_chunks(clean.text, sections, name, split.size, split.overlap, split.min_chars)
    page_starts = None
    if raw.page_starts:
        page_starts = [_clean_offset(clean.spans, p) for p in raw.page_starts]
    return Document(
        file=name,
        sha256=sha,
        format=raw.format,
        title=meta["title"],
        kind=document_kind(sections),
        date=meta["date"],
        source=meta["source"],
        regions=document_regions(sections),
        text=clean.text,
        sections=sections,
        chunks=chunks,
        spans=clean.spans,
        flags=clean.flags,
        fixes=clean.fixes,
        raw_chars=len(raw.text),
        page_starts=page_starts,
    )


def _clean_offset(spans: list[list[int]], raw_offset: int) -> int:
    """First cleaned offset at or after a raw offset (for page starts)."""
    raw_starts = [s[1] for s in spans]
    i = bisect.bisect_left(raw_starts, raw_offset)
    if i < len(spans):
        return spans[i][0] if spans[i][1] >= raw_offset else spans[i][0] + (raw_offset - spans[i][1])
    return spans[-1][0] + spans[-1][2] if spans else 0


def page_of(doc: Document, offset: int) -> int | None:
    """1-based PDF page holding a cleaned offset, or None for formats without pages."""
    if not doc.page_starts:
        return None
    return bisect.bisect_right(doc.page_starts, offset)
