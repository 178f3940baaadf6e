"""The baseline: llama-index's plain ``VectorStoreIndex`` over Chroma, dense retrieval only.

It embeds with the same model through the same kind of cache as policykb, so the two
differ only in what they do around the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from index.embeddings import Embedder, EmbeddingCache
from index.rows import Row


class CachedEmbedding(BaseEmbedding):
    """A llama-index embedding over a policykb ``Embedder`` and ``EmbeddingCache``.

    Passages go through the cache (computed when missing, as policykb does); query
    vectors can be memoised to time searches without the model.
    """

    _embedder: Embedder = PrivateAttr()
    _cache: EmbeddingCache = PrivateAttr()
    _memo: dict[str, list[float]] | None = PrivateAttr(default=None)

    def __init__(self, embedder: Embedder, cache: EmbeddingCache, **kwargs: Any):
        super().__init__(model_name=embedder.name, embed_batch_size=32, **kwargs)
        self._embedder = embedder
        self._cache = cache

    def memoise_queries(self, on: bool = True) -> None:
        self._memo = {} if on else None

    def _get_query_embedding(self, query: str) -> list[float]:
        if self._memo is not None and query in self._memo:
            return self._memo[query]
        vector = self._embedder.embed_query(query).tolist()
        if self._memo is not None:
            self._memo[query] = vector
        return vector

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._cache.embed(self._embedder, texts, batch_size=32).tolist()


def build_baseline(rows: list[Row], data_dir: Path, collection: str, embed_model: CachedEmbedding):
    """A ``VectorStoreIndex`` over the rows in a fresh persistent Chroma under ``data_dir/chroma``."""
    import chromadb
    from chromadb.config import Settings
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    client = chromadb.PersistentClient(
        path=str(data_dir / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    # Cosine as policykb uses; no embedding_function, since llama-index always passes vectors.
    chroma_collection = client.get_or_create_collection(
        collection, metadata={"hnsw:space": "cosine"}, embedding_function=None
    )
    # The node text is what policykb embeds (heading + passage); "{content}" keeps metadata out of it.
    nodes = [
        TextNode(id_=r.id, text=r.embed_text(), metadata=r.metadata(), text_template="{content}")
        for r in rows
    ]
    storage = StorageContext.from_defaults(
        vector_store=ChromaVectorStore(chroma_collection=chroma_collection)
    )
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=embed_model, show_progress=False)
    return index, client
