"""Optional cross-encoder reranking of fused candidates (sentence-transformers CrossEncoder)."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.errors import ConfigError

RERANK_DEPTH = 30  # candidates re-scored; the cross-encoder is the slow part


class CrossEncoderReranker:
    """Re-orders hits by a cross-encoder's score of (question, passage); relevance stays the dense cosine."""

    def __init__(self, model: str, depth: int = RERANK_DEPTH):
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as e:
            raise ConfigError("POLICYKB_RERANK_MODEL needs: pip install 'policykb[st]'") from e
        local = Path(model).expanduser()
        if not local.exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            self._model = CrossEncoder(str(local) if local.exists() else model, device="cpu")
        except Exception as e:  # noqa: BLE001
            raise ConfigError(f"cannot load cross-encoder '{model}' (POLICYKB_RERANK_MODEL): {e}") from e
        self.depth = depth

    def rerank(self, query: str, hits: list) -> list:
        head, tail = hits[: self.depth], hits[self.depth :]
        scores = self._model.predict([(query, h.row.text) for h in head], show_progress_bar=False)
        for hit, score in zip(head, scores, strict=True):
            hit.score = float(score)
        return sorted(head, key=lambda h: -h.score) + tail
