"""A sync never leaves a searchable passage without its vector, even while it embeds."""

from __future__ import annotations

import dataclasses

from app.kb import KnowledgeBase
from app.services.ingest import ingest


def test_changed_rows_keep_their_vectors_until_replaced(make_settings, corpus_copy):
    kb = KnowledgeBase(make_settings())
    assert ingest(kb, [corpus_copy]).ok
    catalog = kb.catalog
    rows = catalog.rows
    target = rows[0].file
    # A changed title changes every fingerprint of the document's rows: all are re-embedded.
    changed = [dataclasses.replace(r, title=r.title + "（修订）") if r.file == target else r for r in rows]
    seen: list[tuple[int, int]] = []
    embed = catalog.cache.embed

    def embed_and_look(*args, **kwargs):
        shown, _ = catalog.snapshot()
        stored = catalog.vectors.fingerprints()
        seen.append((len([r for r in shown if r.id not in stored]), len(shown)))
        hits = kb.search(shown[0].text[:40], k=3, mode="dense").hits
        assert hits and hits[0].relevance > 0.5, "a shown passage lost its vector during the sync"
        return embed(*args, **kwargs)

    catalog.cache.embed = embed_and_look
    try:
        stats = catalog.sync(changed)
    finally:
        catalog.cache.embed = embed
    assert stats.added == len([r for r in rows if r.file == target]) > 0
    assert seen and all(missing == 0 for missing, _ in seen), seen
    assert catalog.consistent()
    assert all(r.title.endswith("（修订）") for r in catalog.rows if r.file == target)
    fps = catalog.vectors.fingerprints()
    assert all(fps[r.id] == r.metadata()["fp"] for r in catalog.rows)
