"""Query embeddings of short texts that are compared with questions (curated questions, topics), cached."""

from __future__ import annotations

import threading

import numpy as np

_vectors: dict[tuple[str, str], np.ndarray] = {}
_vectors_lock = threading.Lock()


class _AsQueries:
    """An embedder whose "passages" are query embeddings, so the shared EmbeddingCache can keep
    short texts compared query to query under a model name of their own."""

    def __init__(self, embedder):
        self.name, self.dim, self._embedder = f"{embedder.name}#query", embedder.dim, embedder

    def embed_passages(self, texts, batch_size=32, progress=None):
        return self._embedder.embed_batch(list(texts), query=True)


def query_vectors(kb, texts: list[str]) -> np.ndarray:
    """Query vectors of ``texts`` (len(texts), dim): from memory, else from the embedding cache on
    disk, else computed; a restart does not embed every curated question or topic again."""
    embedder = kb.embedder
    with _vectors_lock:
        todo = [t for t in dict.fromkeys(texts) if (embedder.name, t) not in _vectors]
    if todo:
        from index.embeddings import EmbeddingCache

        cache = EmbeddingCache(kb.settings.embed_cache or kb.data_dir / "embed_cache.sqlite")
        try:
            vectors = cache.embed(_AsQueries(embedder), todo)
        finally:
            cache.close()
        with _vectors_lock:
            if len(_vectors) > 20_000:
                _vectors.clear()
            for t, v in zip(todo, vectors, strict=True):
                _vectors[(embedder.name, t)] = np.asarray(v, dtype=np.float32)
    return np.stack([_vectors[(embedder.name, t)] for t in texts])
