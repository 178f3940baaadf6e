"""Topics the knowledge base covers (app/data/topics.txt), ranked by how many sections treat them.

A passage treats a topic when it holds at least half of the topic's keywords, each
weighted by its IDF over all passages, so rare words (网格化, 业委会) count and common
ones (社区, 工作) barely do. A topic's count is the number of distinct sections with
such a passage.
"""

from __future__ import annotations

import math
from pathlib import Path

from index.keyword import tokenize
from index.rows import Row

TOPICS_FILE = Path(__file__).resolve().parents[1] / "data" / "topics.txt"
MIN_SHARE = 0.5


def read_topics(path: Path = TOPICS_FILE) -> list[str]:
    """One topic per line; blank lines and # comments ignored."""
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def topic_counts(rows: list[Row], topics: list[str]) -> dict[str, int]:
    """Distinct sections (file, section number) that treat each topic."""
    token_sets = [set(tokenize(f"{r.section}\n{r.text}")) for r in rows]
    counts = {}
    for topic in topics:
        words = set(tokenize(topic))
        idf = {w: math.log(1 + len(rows) / (1 + sum(w in s for s in token_sets))) for w in words}
        total = sum(idf.values()) or 1.0
        sections = {
            (r.file, r.section_no)
            for r, s in zip(rows, token_sets, strict=True)
            if sum(idf[w] for w in words & s) / total >= MIN_SHARE
        }
        counts[topic] = len(sections)
    return counts


_cache: dict[tuple[int, tuple[str, ...]], list[str]] = {}


def suggest_topics(rows: list[Row], limit: int = 3) -> list[str]:
    """Up to ``limit`` covered topics, most sections first; counted once per index state."""
    topics = tuple(read_topics())
    key = (hash(tuple(r.id for r in rows)), topics)
    if key not in _cache:
        if len(_cache) >= 8:
            _cache.clear()
        counts = topic_counts(rows, list(topics))
        _cache[key] = sorted(
            (t for t in topics if counts[t] > 0), key=lambda t: (-counts[t], topics.index(t))
        )
    return _cache[key][:limit]
