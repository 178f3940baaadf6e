"""Hybrid retrieval: dense (Chroma) and keyword (BM25) candidates fused, filtered and thresholded."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from index import rowvectors
from index.answer_shape import (
    BOILERPLATE_SHARE,
    asks_boilerplate,
    boilerplate_share,
    holds_wanted,
    wanted_tokens,
    wanted_types,
)
from index.catalog import Catalog
from index.columns import RowColumns
from index.keyword import KeywordIndex, normalise_query, words
from index.neighbours import join_neighbours
from index.query_region import TIER_LOCAL, nearness, question_region, without_region
from index.question_terms import (
    LIBRARY_WORD_PASSAGES,
    library_wording,
    rarest_thing,
    subject,
    without_asking,
)
from index.rows import Row
from index.thesaurus import Expansion, default_thesaurus
from ingest.dedup import normalise
from ingest.kinds import LAW, NORMATIVE, PARTY_RULE, kinds_for_filter

log = logging.getLogger(__name__)

MODES = ("keyword", "dense", "hybrid")
OLD_STATUSES = ("已被修订", "已废止")
RULE_KINDS = (LAW, PARTY_RULE, NORMATIVE)
# At most this share of the best fused score, for a passage of the question's region: enough that
# the region's own article comes before another city's on the same matter (上海的…办公用房).
REGION_BONUS = 0.8
NAMED_BONUS = 0.5  # share of the best fused score for a passage of a document the question names
_DOCUMENT_NAME = re.compile(r"..(法|法典|条例|规定|办法|细则|规则|准则|章程)$")
ANSWER_TYPE_BONUS = 0.2  # share of the best fused score for a passage holding the kind of value asked for
THING_BONUS = 0.1  # share of the best fused score for a passage naming the question's most specific thing
BOILERPLATE_FACTOR = 0.5  # a purpose, effective-date, addressee or transmittal passage keeps this share
SHAPE_DEPTH = 30  # the best candidates whose shape is looked at


@dataclass(frozen=True)
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
    expansions: list[Expansion] = field(default_factory=list)  # thesaurus alternatives also searched
    region: list[str] = field(default_factory=list)  # region named in the question, used for ranking
    all_versions: bool = False  # old versions ranked with current ones (else only when nothing current)
    old_versions_only: bool = False  # nothing in force answered: the hits are superseded versions
    direct: bool = True  # one of the best passages holds what the question asks (see app.answer.focus)
    asked: str = ""  # the question as the library words it (“楼院”里的…): what its terms are taken from


def is_old(row: Row) -> bool:
    return row.status in OLD_STATUSES


def states_rules(row: Row) -> bool:
    """An article, or a passage of a kind that lays down rules (a 规范性文件's 1.健全议事规则…); a
    report's or a speech's figures describe what one place did."""
    return bool(row.article) or row.kind in RULE_KINDS


def _named_share(text: str, subject: dict[str, list[str]], weight: Callable[[str], float]) -> float:
    """Weighted share of the question's content words the text names (itself or by another name)."""
    flat = normalise(text)
    weights = {word: weight(word) for word in subject}
    held = sum(w for word, w in weights.items() if any(normalise(n) in flat for n in (word, *subject[word])))
    return held / (sum(weights.values()) or 1.0)


COVERAGE_WEIGHT = 0.05
ID_FILTER_LIMIT = 5000  # up to this many allowed rows, Chroma is asked for exactly those ids


def named_documents(question: str) -> list[str]:
    """Names of the laws and rules the question refers to (信访条例, 物业条例), with the other names the
    thesaurus gives them (信访工作条例, 物业管理条例), as they would appear in a title."""
    names = [w for w in words(question) if _DOCUMENT_NAME.search(w)]
    if not names:
        return []
    for e in default_thesaurus().expand(question):
        if e.term in names:
            names += e.alternatives
    return [normalise(n) for n in dict.fromkeys(names)]


def _region_names(query: str, names: list[str]) -> set[str]:
    """Place names in the index that the user's region means: exact, or a short form (大连 -> 大连市)."""
    q = normalise_query(query).strip()
    return {n for n in names if n == q or (len(q) >= 2 and n.startswith(q))}


def _kind_matches(kind: str, wanted: str) -> bool:
    """``wanted`` already normalised: 经验交流 matches 经验交流/案例, the old 政策/讲话 its successors."""
    return wanted == kind or kind in kinds_for_filter(wanted)


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
        thesaurus: bool = True,
        question_region: bool = True,
        prefer_current: bool = True,
        answer_shape: bool = True,
        named_document: bool = True,
        library_words: bool = True,
        thing_first: bool = True,
    ):
        self.catalog = catalog
        self.mode = mode
        self.fusion = fusion
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.candidates = candidates
        self.min_relevance = min_relevance
        self.reranker = reranker
        # Switches for the parts of query understanding, so each one's effect can be measured.
        self.thesaurus = thesaurus
        self.question_region = question_region
        self.prefer_current = prefer_current
        self.answer_shape = answer_shape
        self.named_document = named_document
        self.library_words = library_words
        self.thing_first = thing_first
        self._held_columns: tuple[list[Row], RowColumns] | None = None  # only without a catalog

    # -- filters -------------------------------------------------------------
    def _columns(self, rows: list[Row]) -> RowColumns:
        """The catalog's columns of ``rows``; without a catalog, built once per row list."""
        if self.catalog is not None:
            return self.catalog.columns(rows)
        held = self._held_columns  # one read: another thread may replace it meanwhile
        if held is not None and held[0] is rows:  # the list itself is held: its id cannot be reused
            return held[1]
        columns = RowColumns(rows)
        self._held_columns = (rows, columns)
        return columns

    def _mask(self, filters: Filters, rows: list[Row], columns: RowColumns | None = None) -> np.ndarray:
        """Rows passing ``filters``: numpy comparisons over the precomputed columns."""
        columns = columns if columns is not None else self._columns(rows)
        mask = np.ones(len(rows), dtype=bool)
        if filters.region:
            mask &= columns.region_mask(_region_names(filters.region, columns.region_names))
        kind = normalise_query(filters.kind) if filters.kind else None
        if kind:
            mask &= columns.kind_mask(lambda k: _kind_matches(k, kind))
        if filters.year:
            mask &= columns.year == int(filters.year)
        if filters.file:
            mask &= columns.file_mask(filters.file)
        section = normalise_query(filters.section) if filters.section else None
        if section:
            mask &= columns.section_mask(lambda s: section in s)
        if filters.cases_only:
            mask &= columns.is_case
        return mask

    # -- retrieval -------------------------------------------------------------
    def retrieve(
        self,
        query: str,
        k: int = 5,
        filters: Filters | None = None,
        mode: str | None = None,
        use_region: bool = True,
        all_versions: bool = False,
    ) -> SearchResult:
        """Best ``k`` passages; ``use_region=False`` ignores a region named in the question,
        ``all_versions`` ranks superseded versions with the ones in force."""
        mode = mode or self.mode
        filters = filters or Filters()
        text = normalise_query(query).strip()
        rows, keyword = self.catalog.snapshot()
        if not text or not rows:
            return SearchResult(query, False, [], mode, all_versions=all_versions)
        columns = self._columns(rows)
        allowed = None if filters.empty() else self._mask(filters, rows, columns)
        if allowed is not None and not allowed.any():
            return SearchResult(query, False, [], mode, all_versions=all_versions)
        question = self.catalog.embedder.embed_query(text)
        if self.library_words:
            text = library_wording(
                text, lambda pair: [rows[i].text for i in keyword.rows_with(pair, LIBRARY_WORD_PASSAGES)]
            )
        expansions = keyword.matched(default_thesaurus().expand(text)) if self.thesaurus else []
        region = ()
        if use_region and self.question_region and not filters.region:
            region = question_region(text, rows, columns.places)
        keyword_text = without_region(text, region) if region else text
        local = self._local(region, allowed, rows, columns)
        searched = without_asking(keyword_text)
        wanted = wanted_tokens(text) if self.answer_shape else []
        hits = self._candidates(
            text, question, mode, allowed, rows, keyword, expansions, searched, local, wanted
        )
        if self.reranker is not None and hits:
            hits = self.reranker.rerank(text, hits)
        # What the question names, with the thesaurus's other names: the passages are weighed by it.
        names = subject(keyword_text, expansions) if hits else {}
        if self.answer_shape and hits:
            self._weigh_shape(text, hits, names, keyword.idf)
        if self.thing_first and hits:
            self._favour_thing(hits, keyword_text, names, keyword)
        if region and hits:
            self._favour_region(hits, region)
        if self.named_document and hits:
            self._favour_named(hits, named_documents(keyword_text), region)
        old_only = False
        if self.prefer_current and not all_versions:
            old = [h for h in hits if is_old(h.row)]
            hits = join_neighbours([h for h in hits if not is_old(h.row)], k)
            self._fill_relevance(hits, question)
            if old and self.confidence(text, hits, keyword, expansions) < self.min_relevance:
                # nothing in force answers: the older versions, labelled
                hits, old_only = join_neighbours(old, k), True
                self._fill_relevance(hits, question)
        else:
            hits = join_neighbours(hits, k)
            self._fill_relevance(hits, question)
        confidence = self.confidence(text, hits, keyword, expansions)
        found = bool(hits) and confidence >= self.min_relevance
        return SearchResult(
            query,
            found,
            hits if found else [],
            mode,
            confidence,
            expansions,
            list(region),
            all_versions,
            old_only and found,
            asked=text,
        )

    def _local(
        self, region: tuple[str, ...], allowed: np.ndarray | None, rows: list[Row], columns: RowColumns
    ) -> np.ndarray | None:
        """Rows of the question's region (within the filters), or None when it names none or has none."""
        if not region:
            return None
        local = self._mask(Filters(region=region[-1]), rows, columns)
        if allowed is not None:
            local &= allowed
        return local if local.any() else None

    def _weigh_shape(
        self,
        text: str,
        hits: list[Hit],
        names: dict[str, list[str]],
        weight: Callable[[str], float] = lambda word: 1.0,
    ) -> None:
        """Articles holding the kind of value a rule question asks for up (a rule is stated in an
        article; a report's figures describe one place's results); drafting boilerplate
        (purpose and effective-date articles, addressees, preambles, transmittal) down.

        A value says something about what the question asks only in an article that names it:
        when some articles hold one of the question's words (``names``), only they get the bonus
        (业委会有几个委员? is not answered by 三分之二以上的业主 in an article on repair funds), each in
        proportion to the ``weight``ed share of those words it holds, as against the best such article
        (开发商给业委会配的办公用房: the article on 建设单位 and 业主委员会用房, more than the one on 业主委员会)."""
        hits.sort(key=lambda h: -h.score)
        top = hits[0].score or 1.0
        wanted = wanted_types(text)
        keep_boilerplate = asks_boilerplate(text)
        shaped = [
            h
            for h in hits[:SHAPE_DEPTH]
            if wanted and states_rules(h.row) and holds_wanted(h.row.text, wanted)
        ]
        held = {id(h): _named_share(f"{h.row.section}{h.row.text}", names, weight) for h in shaped}
        best = max(held.values(), default=0.0)
        for h in shaped:
            h.score += ANSWER_TYPE_BONUS * top * (held[id(h)] / best if best else 1.0)
        for h in hits[:SHAPE_DEPTH]:  # far below, neither a bonus nor a halving changes what is shown
            if not keep_boilerplate and boilerplate_share(h.row.text) >= BOILERPLATE_SHARE:
                h.score *= BOILERPLATE_FACTOR
        hits.sort(key=lambda h: -h.score)

    def _favour_named(self, hits: list[Hit], names: list[str], region: tuple[str, ...]) -> None:
        """Passages of the documents the question names (信访条例里说的…, 杭州物业条例…) first; with a
        region named too, that region's own document of that name (杭州市物业管理条例, not the province's)."""
        named = [h for h in hits if any(n in normalise(h.row.title) for n in names)] if names else []
        if region:
            named = [h for h in named if nearness(h.row, region) == TIER_LOCAL] or named
        if not named:
            return
        top = max(h.score for h in hits) or 1.0
        for h in named:
            h.score += NAMED_BONUS * top
        hits.sort(key=lambda h: -h.score)

    def _favour_thing(
        self, hits: list[Hit], text: str, names: dict[str, list[str]], keyword: KeywordIndex
    ) -> None:
        """Passages that name the most specific thing the question asks about (楼院 in 楼院里的党组织怎么设置,
        under any of its names) a little up: the ones that share only its general words (组织, 设置) with
        it are about something else. The same thing the refusal looks for (app.answer.focus)."""
        thing = rarest_thing(text, names, keyword)
        if not thing:
            return
        forms = [normalise(n) for n in (thing, *names[thing])]
        top = max(h.score for h in hits) or 1.0
        for h in hits[:SHAPE_DEPTH]:
            # cleaned text, searched as it is: a name cut by punctuation is rare enough to go without
            if any(f in h.row.text or f in h.row.section for f in forms):
                h.score += THING_BONUS * top
        hits.sort(key=lambda h: -h.score)

    def _favour_region(self, hits: list[Hit], region: tuple[str, ...]) -> None:
        """Passages of the question's region first, then its province's and national ones; none removed."""
        top = max(h.score for h in hits) or 1.0
        for h in hits:
            h.score += REGION_BONUS * top * nearness(h.row, region)
        hits.sort(key=lambda h: -h.score)

    def confidence(
        self, text: str, hits: list[Hit], keyword: KeywordIndex, expansions: list[Expansion] | None = None
    ) -> float:
        """Best passage's cosine, nudged by how much of the question's wording the corpus uses at all."""
        if not hits:
            return 0.0
        best = max(h.relevance for h in hits)
        return best + COVERAGE_WEIGHT * (keyword.coverage(text, expansions) - 0.5)

    def _dense(self, question: np.ndarray, allowed: np.ndarray | None, rows: list[Row], index: KeywordIndex):
        """Row -> cosine of the nearest passages that pass the filter."""
        n = self.candidates
        matrix = self.catalog.matrix(rows) if allowed is not None else None
        if matrix is not None:  # exact, over the filter's rows only: see index/rowvectors.py
            return dict(rowvectors.nearest(matrix, question, allowed, n))
        if allowed is None:
            found = self.catalog.vectors.query(question, n)
        elif allowed.sum() <= ID_FILTER_LIMIT:
            found = self.catalog.vectors.query(question, n, [rows[i].id for i in np.flatnonzero(allowed)])
        else:
            # A long id list makes Chroma slow; a broad filter is cheaper to apply afterwards.
            share = allowed.sum() / len(rows)
            found = self.catalog.vectors.query(question, min(int(n / share * 2) + n, 2000))
        dense = {}
        for cid, cos in found:
            row = index.row(cid)
            if row is not None and (allowed is None or allowed[row]) and len(dense) < n:
                dense[row] = cos
        return dense

    def _candidates(
        self,
        text: str,
        question: np.ndarray,
        mode: str,
        allowed: np.ndarray | None,
        rows: list[Row],
        index: KeywordIndex,
        expansions: list[Expansion] | None = None,
        keyword_text: str | None = None,
        local: np.ndarray | None = None,
        wanted: list[str] | None = None,
    ) -> list[Hit]:
        """Fused candidates, best first; relevance is filled only for dense candidates here.

        ``local`` marks the rows of the region named in the question: its best keyword matches join
        the candidates even when other places' documents hold the question's words more often."""
        dense = self._dense(question, allowed, rows, index) if mode in ("dense", "hybrid") else {}
        keyword: dict[int, float] = {}
        scores = None
        if mode in ("keyword", "hybrid"):
            scores = index.scores(keyword_text or text, expansions, wanted)
            if allowed is not None:
                scores = np.where(allowed, scores, 0.0)
            n = min(self.candidates, len(scores))
            top = np.argpartition(-scores, n - 1)[:n]
            keyword = {int(i): float(scores[i]) for i in top if scores[i] > 0}
            if local is not None:
                near = np.where(local, scores, 0.0)
                best = np.argpartition(-near, n - 1)[:n]
                keyword.update({int(i): float(scores[i]) for i in best if near[i] > 0})
        fused = self._fuse(dense, keyword)
        order = sorted(fused, key=lambda i: -fused[i])
        return [
            Hit(
                rows[i], fused[i], dense.get(i, float("nan")), float(scores[i]) if scores is not None else 0.0
            )
            for i in order
        ]

    def _fill_relevance(self, hits: list[Hit], question: np.ndarray) -> None:
        """Cosine for the few shown hits that came from the keyword side only."""
        missing = [h.row.id for h in hits if h.relevance != h.relevance]  # NaN
        vectors = self.catalog.row_vectors(missing)
        for h in hits:
            if h.relevance != h.relevance:
                vec = vectors.get(h.row.id)
                h.relevance = float(vec @ question) if vec is not None else 0.0

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
