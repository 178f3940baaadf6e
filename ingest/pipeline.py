"""One file in, one structured Document out: load -> clean -> describe -> sections -> chunks."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.clean import clean_text
from ingest.errors import EmptyDocumentError
from ingest.kinds import CASE, LAW, NEWS, NORMATIVE, PARTY_RULE, RESEARCH, SPEECH, classify_document
from ingest.load import load_file
from ingest.policy_meta import describe_policy
from ingest.split import split_articles_into_chunks, split_into_chunks
from ingest.statute import is_statute, statute_structure
from ingest.structure import build_sections, describe, document_kind, document_regions
from ingest.titles import generated_title
from ingest.types import Document
from ingest.versions import version_date

MIN_TEXT = 20  # characters left after cleaning below which a file holds no document
POLICY_KINDS = (LAW, PARTY_RULE, NORMATIVE)
_ACADEMIC = ("教授", "研究员", "学院", "大学", "博士", "讲师", "研究所", "党校")


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
    clean = clean_text(raw.text, raw.format, raw.title_hint)
    if len(clean.text.strip()) < MIN_TEXT:
        raise EmptyDocumentError(
            name, "nothing left after removing web boilerplate (navigation, footers, notices)"
        )
    text = clean.text
    meta = describe(raw, clean)
    title = meta["title"]
    policy = describe_policy(title, text, clean.removed)
    articles: list[dict] = []
    if is_statute(text):
        sections, articles = statute_structure(text, title)
    else:
        sections = build_sections(text)
    removed_kinds = {r.kind for r in clean.removed} | ({"decree"} if policy.decree else set())
    if any(
        r.kind == "meta" and r.text.startswith("作者") and any(w in r.text for w in _ACADEMIC)
        for r in clean.removed
    ):
        removed_kinds.add("author")
    regional = bool(policy.issuer_region) and policy.issuer_region != ["全国"]
    kind, subkind = classify_document(title, text, removed_kinds, policy.issuer, len(articles), regional)
    if articles and kind not in POLICY_KINDS:
        articles, sections = [], build_sections(text)  # numbered 条 in a report are not a statute
    if kind in POLICY_KINDS:
        region = "".join(policy.issuer_region) if regional else ""
        for s in sections:
            s.kind, s.is_case = kind, False
            s.region, s.region_path = region, list(policy.issuer_region) if regional else []
    _align_section_kinds(sections, kind)
    if kind not in POLICY_KINDS and not policy.issuer:
        policy.issuer_region, policy.level = [], ""  # a report's or a page's title names its subject
    kind = kind or document_kind(sections)
    title_generated = not title
    if title_generated:
        title = generated_title(text, kind, _common_region(sections))
    for s in sections:
        s.title = s.title or title
    if articles:
        chunks = split_articles_into_chunks(text, sections, articles, name, split.size, split.overlap)
    else:
        chunks = split_into_chunks(text, sections, name, split.size, split.overlap, split.min_chars)
        for c in chunks:
            section = sections[c.section]
            c.heading_path = [section.title] if section.level else []  # a real heading, not a lead sentence
    dates = dict(policy.dates)
    date = version_date(dates) or meta["date"]
    if date and not dates:
        dates["发布"] = date
    page_starts = None
    if raw.page_starts:
        page_starts = [_clean_offset(clean.spans, p) for p in raw.page_starts]
    return Document(
        file=name,
        sha256=sha,
        format=raw.format,
        title=title,
        kind=kind,
        date=date,
        source=meta["source"],
        regions=document_regions(sections),
        text=text,
        sections=sections,
        chunks=chunks,
        spans=clean.spans,
        flags=clean.flags,
        fixes=clean.fixes,
        raw_chars=len(raw.text),
        page_starts=page_starts,
        issuer=policy.issuer,
        doc_no=policy.doc_no,
        dates=dates,
        level=policy.level,
        issuer_region=policy.issuer_region,
        title_generated=title_generated,
        subkind=subkind,
        articles=[{"article": a["article"], "start": a["start"], "end": a["end"]} for a in articles],
        status="现行有效" if kind in POLICY_KINDS else "",
        version_of=None,
    )


def _align_section_kinds(sections, kind: str) -> None:
    """Sections follow what the document is: an article's parts are research, a page's parts news;
    a case told inside a speech or a news page stays a case."""
    if kind == RESEARCH:
        for s in sections:
            s.kind, s.is_case = RESEARCH, False
    elif kind in (NEWS, SPEECH):
        for s in sections:
            if s.kind != CASE:
                s.kind = kind


def _common_region(sections) -> list[str]:
    paths = [s.region_path for s in sections if s.region_path]
    common: list[str] = []
    for level in zip(*paths, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return common


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
