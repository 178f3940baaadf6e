"""Hybrid retrieval: dense (Chroma) and keyword (BM25) candidates fused, filtered and thresholded."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from index.catalog import Catalog, Row
from index.keyword import KeywordIndex, normalise_query

log = logging.getLogger(__name__)

MODES = ("keyword", "dense", "hybrid")


@dataclass
class Filters:
    """Combinable restrictions; region matches any level of a section's place (大连 -> 大连市 and its districts)."""

    region: str | None = None
    kind: str | None = None
    year: int | None = None
    file: str | None = None
    section: str | None = None
    cases_only: bool = False

    def empty(self) -> bool:
        return not (self.region or self.kind or self.year or self.file or self.section or self.cases_only)


@dataclass
class Hit:
    row: Row
    score: float  # fused score used for ranking
    relevance: float  # dense cosine between question and passage, the threshold's measure
    keyword: float = 0.0


@dataclass
class SearchResult:
    query: str
    found: bool
    hits: list[Hit] = field(default_factory=list)
    mode: str = "hybrid"
    confidence: float = 0.0  # what the threshold compares: see HybridRetriever.confidence


COVERAGE_WEIGHT = 0.05


def _region_names(query: str, rows: list[Row]) -> set[str]:
    """Place names in the index that the user's region means: exact, or a short form (大连 -> 大连市)."""
    q = normalise_query(query).strip()
    names = {name for r in rows for name in r.region_path}
    return {n for n in names if n == q or (len(q) >= 2 and n.startswith(q))}


def _kind_matches(kind: str, wanted: str) -> bool:
    wanted = normalise_query(wanted)
    return wanted == kind or any(part and part in kind for part in wanted.split("/"))


class HybridRetriever:
    """``retrieve`` does the bookkeeping (filters, threshold, ranks); ``_candidates`` finds passages."""

    def __init__(
        self,
        catalog: Catalog,
        mode: str = "hybrid",
        fusion: str = "weighted",
        rrf_k: int = 60,
        dense_weight: float = 0.35,
        candidates: int = 50,
        min_relevance: float = 0.0,
        reranker=None,
    ):
        self.catalog = catalog
        self.mode = mode
        self.fusion = fusion
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.candidates = candidates
        self.min_relevance = min_relevance
        self.reranker = reranker

    # -- filters -------------------------------------------------------------
    def _predicate(self, filters: Filters, rows: list[Row]):
        regions = _region_names(filters.region, rows) if filters.region else None

        def keep(row: Row) -> bool:
            if regions is not None and not (set(row.region_path) & regions):
                return False
            if filters.kind and not _kind_matches(row.kind, filters.kind):
                return False
            if filters.year and row.year != int(filters.year):
                return False
            if filters.file and row.file != filters.file:
                return False
            if filters.section and normalise_query(filters.section) not in row.section:
                return False
            return not (filters.cases_only and not row.is_case)

        return keep

    # -- retrieval -------------------------------------------------------------
    def retrieve(
        self, query: str, k: int = 5, filters: Filters | None = None, mode: str | None = None
    ) -> SearchResult:
        mode = mode or self.mode
        filters = filters or Filters()
        text = normalise_query(query).strip()
        rows, keyword = self.catalog.snapshot()
        if not text or not rows:
            return SearchResult(query, False, [], mode)
        keep = self._predicate(filters, rows)
        allowed = np.array([keep(r) for r in rows], dtype=bool) if not filters.empty() else None
        if allowed is not None and not allowed.any():
            return SearchResult(query, False, [], mode)
        hits = self._candidates(text, mode, allowed, rows, keyword)
        if self.reranker is not None and hits:
            hits = self.reranker.rerank(text, hits)
        hits = hits[:k]
        confidence = self.confidence(text, hits, keyword)
        found = bool(hits) and confidence >= self.min_relevance
        return SearchResult(query, found, hits if found else [], mode, confidence)

    def confidence(self, text: str, hits: list[Hit], keyword: KeywordIndex) -> float:
        """Best passage's cosine, nudged by how much of the question's wording the corpus uses at all."""
        if not hits:
            return 0.0
        best = max(h.relevance for h in hits)
        return best + COVERAGE_WEIGHT * (keyword.coverage(text) - 0.5)

    def _candidates(
        self, text: str, mode: str, allowed: np.ndarray | None, rows: list[Row], keyword_index: KeywordIndex
    ) -> list[Hit]:
        n = self.candidates
        question = self.catalog.embedder.embed_query(text)
        dense: dict[int, float] = {}
        if mode in ("dense", "hybrid"):
            ids = [rows[i].id for i in np.flatnonzero(allowed)] if allowed is not None else None
            for cid, cos in self.catalog.vectors.query(question, n, ids):
                row = keyword_index.row(cid)
                if row is not None:
                    dense[row] = cos
        keyword: dict[int, float] = {}
        scores = None
        if mode in ("keyword", "hybrid"):
            scores = keyword_index.scores(text)
            if allowed is not None:
                scores = np.where(allowed, scores, 0.0)
            top = np.argsort(-scores)[:n]
            keyword = {int(i): float(scores[i]) for i in top if scores[i] > 0}
        fused = self._fuse(dense, keyword)
        order = sorted(fused, key=lambda i: -fused[i])
        missing = [rows[i].id for i in order if i not in dense]
        cosines = {cid: float(vec @ question) for cid, vec in self.catalog.vectors.vectors(missing).items()}
        hits = []
        for i in order:
            relevance = dense.get(i, cosines.get(rows[i].id, 0.0))
            kw = float(scores[i]) if scores is not None else 0.0
            hits.append(Hit(rows[i], fused[i], relevance, kw))
        return hits

    def _fuse(self, dense: dict[int, float], keyword: dict[int, float]) -> dict[int, float]:
        if not keyword:
            return dict(dense)
        if not dense:
            return dict(keyword)
        if self.fusion == "weighted":
            # BM25 scaled by its best score, cosine min-max scaled over the dense candidates.
            top_kw = max(keyword.values())
            low, high = min(dense.values()), max(dense.values())
            span = max(high - low, 1e-9)
            out = {i: self.dense_weight * (s - low) / span for i, s in dense.items()}
            for i, s in keyword.items():
                out[i] = out.get(i, 0.0) + (1 - self.dense_weight) * s / top_kw
            return out
        out: dict[int, float] = {}
        for ranking in (dense, keyword):
            for rank, i in enumerate(sorted(ranking, key=lambda j: -ranking[j])):
                out[i] = out.get(i, 0.0) + 1.0 / (self.rrf_k + rank + 1)
        return out
