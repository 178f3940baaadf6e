"""Vectors the bench does not compute with the model: precomputed for large sizes, memoised for queries."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from index.embeddings import Embedder, EmbeddingCache
from index.rows import Row

BLOCK = 4096
NOISE = 0.025  # per dimension: cosine to the base vector about 0.9 at dim 384


def precomputed_vectors(base_vectors: np.ndarray, n: int, seed: int = 7) -> Iterator[tuple[int, np.ndarray]]:
    """(start, vectors) blocks for chunks 0..n-1: real vectors below ``base``, above it
    normalised(real_vec[i % base] + seeded noise). Blocks are seeded alone, so any process
    that asks gets the same vectors without holding them all."""
    base = len(base_vectors)
    for start in range(0, n, BLOCK):
        idx = np.arange(start, min(start + BLOCK, n))
        vecs = base_vectors[idx % base].astype(np.float32)
        synthetic = idx >= base
        if synthetic.any():
            rng = np.random.default_rng([seed, start // BLOCK])
            noise = rng.standard_normal((int(synthetic.sum()), vecs.shape[1]), dtype=np.float32) * NOISE
            vecs[synthetic] += noise
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        yield start, vecs


class PrecomputedEmbedder(Embedder):
    """Hands out given vectors under another model's name, so the cache files them as that model's."""

    def __init__(self, name: str, vectors: dict[str, np.ndarray]):
        self.name = name
        self.dim = len(next(iter(vectors.values())))
        self._vectors = vectors

    def embed_batch(self, texts: list[str], *, query: bool) -> np.ndarray:
        return np.stack([self._vectors[t] for t in texts])


def preload_cache(
    cache: EmbeddingCache, model_name: str, rows: list[Row], base_vectors: np.ndarray, seed: int
) -> int:
    """File the precomputed vector of every row's embed text in ``cache``; returns how many were stored."""
    stored = 0
    for start, vecs in precomputed_vectors(base_vectors, len(rows), seed):
        texts = [r.embed_text() for r in rows[start : start + len(vecs)]]
        given = PrecomputedEmbedder(model_name, dict(zip(texts, vecs, strict=True)))
        cache.embed(given, texts, batch_size=BLOCK)
        stored += cache.computed
    return stored
