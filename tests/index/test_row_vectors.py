"""The row matrix (vectors.npy): written with the keyword index, equal to what Chroma holds,
kept for unchanged rows across a sync, and searched exactly under a filter."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from index import rowvectors
from index.embeddings import EmbeddingCache
from index.retrieve import Filters, HybridRetriever
from tests.index.conftest import HashEmbedder, make_rows

FILTERS = [
    Filters(region="大连"),
    Filters(kind="经验交流/案例"),
    Filters(year=2020),
    Filters(region="浙江省", kind="领导讲话"),
    Filters(region="辽宁", cases_only=True),
    Filters(section="保障"),
]


def _stored(catalog) -> dict[str, np.ndarray]:
    return catalog.vectors.vectors([r.id for r in catalog.rows])


def test_matrix_holds_what_chroma_holds_in_row_order(catalog):
    catalog.sync(make_rows(40))
    matrix = catalog.matrix(catalog.rows)
    assert matrix is not None and matrix.shape == (40, HashEmbedder.dim)
    assert isinstance(matrix, np.memmap)
    stored = _stored(catalog)
    for i, row in enumerate(catalog.rows):
        np.testing.assert_allclose(matrix[i], stored[row.id], atol=1e-6)


def test_a_sync_replaces_changed_rows_and_keeps_the_others(catalog, monkeypatch):
    rows = make_rows(40)
    catalog.sync(rows)
    before = {r.id: np.array(catalog.matrix(catalog.rows)[i]) for i, r in enumerate(catalog.rows)}
    changed = [dataclasses.replace(r, text=r.text + "(修订)") if r.file == rows[0].file else r for r in rows]
    changed = changed[5:] + changed[:5] + make_rows(43)[40:]  # reordered, three rows added
    asked: list[str] = []
    cached = EmbeddingCache.cached

    def counting(self, model, texts):
        asked.extend(texts)
        return cached(self, model, texts)

    monkeypatch.setattr(EmbeddingCache, "cached", counting)
    catalog.sync(changed[3:])  # and three removed
    matrix = catalog.matrix(catalog.rows)
    stored = _stored(catalog)
    edited = {r.id for r in changed if r.file == rows[0].file}
    assert len(asked) == len(edited) + 3  # only new and changed rows are looked up again
    for i, row in enumerate(catalog.rows):
        np.testing.assert_allclose(matrix[i], stored[row.id], atol=1e-6)
        if row.id in before and row.id not in edited:
            np.testing.assert_array_equal(matrix[i], before[row.id])
    assert not any(np.allclose(matrix[catalog.keyword.row(cid)], before[cid]) for cid in edited)


def test_a_failed_sync_leaves_the_saved_matrix_searched(catalog, monkeypatch):
    rows = make_rows(20)
    catalog.sync(rows)
    saved = np.array(catalog.matrix(catalog.rows))

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rowvectors, "write", disk_full)
    changed = [dataclasses.replace(r, text=r.text + "(修订)") for r in rows[:3]] + rows[3:]
    with pytest.raises(OSError):
        catalog.sync(changed)
    matrix = catalog.matrix(catalog.rows)
    assert matrix is not None  # filtered searches still read the saved vectors, not Chroma
    np.testing.assert_array_equal(matrix, saved)


def test_vectors_missing_from_the_cache_come_from_chroma(catalog, tmp_path):
    catalog.sync(make_rows(12))
    catalog.cache = EmbeddingCache(tmp_path / "empty.sqlite")  # a cache that was cleared
    (catalog.keyword_dir / rowvectors.FILE).unlink()
    catalog.load()
    assert catalog.matrix(catalog.rows) is None
    catalog.sync(catalog.rows)  # nothing changed: the missing matrix is written from Chroma
    matrix = catalog.matrix(catalog.rows)
    stored = _stored(catalog)
    assert matrix is not None
    for i, row in enumerate(catalog.rows):
        np.testing.assert_allclose(matrix[i], stored[row.id], atol=1e-6)


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr({k: v for k, v in vars(f).items() if v}))
def test_filtered_dense_search_is_exact_and_matches_chroma(catalog, filters, monkeypatch):
    catalog.sync(make_rows(60))
    retriever = HybridRetriever(catalog, mode="dense", candidates=10)
    rows, keyword = catalog.snapshot()
    allowed = retriever._mask(filters, rows)
    question = catalog.embedder.embed_query("业主委员会任期几年")
    with monkeypatch.context() as m:
        m.setattr(type(catalog.vectors), "query", lambda *a, **k: pytest.fail("asked Chroma"))
        exact = retriever._dense(question, allowed, rows, keyword)
    # by hand: every allowed row's cosine
    stored = _stored(catalog)
    cosine = {i: float(stored[rows[i].id] @ question) for i in np.flatnonzero(allowed)}
    best = sorted(cosine, key=lambda i: -cosine[i])[:10]
    assert list(exact) == best
    for i in best:
        assert exact[i] == pytest.approx(cosine[i], abs=1e-5)
    # Chroma's own filtered search (the path taken without a matrix) finds the same rows
    catalog._matrix = (rows, None)
    through_chroma = retriever._dense(question, allowed, rows, keyword)
    assert set(through_chroma) == set(exact)


def test_a_gathered_and_a_full_product_agree(monkeypatch):
    monkeypatch.setattr(rowvectors, "GATHER_BLOCK", 16)  # the 40 allowed rows come in three blocks
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((500, 8)).astype(np.float32)
    question = rng.standard_normal(8).astype(np.float32)
    narrow = np.zeros(500, dtype=bool)
    narrow[rng.choice(500, 40, replace=False)] = True  # gathered
    broad = ~narrow  # one product over every row
    for allowed in (narrow, broad):
        got = rowvectors.nearest(matrix, question, allowed, 7)
        cosine = matrix @ question
        want = sorted(np.flatnonzero(allowed), key=lambda i: -cosine[i])[:7]
        assert [i for i, _ in got] == [int(i) for i in want]
    assert rowvectors.nearest(matrix, question, np.zeros(500, dtype=bool), 7) == []


def test_a_matrix_of_another_shape_is_not_used(tmp_path):
    np.save(tmp_path / rowvectors.FILE, np.zeros((5, 8), dtype=np.float32))
    assert rowvectors.load(tmp_path, 5, 8) is not None
    assert rowvectors.load(tmp_path, 6, 8) is None  # rows changed without it
    assert rowvectors.load(tmp_path, 5, 16) is None  # another model
    (tmp_path / rowvectors.FILE).write_bytes(b"not a numpy file")
    assert rowvectors.load(tmp_path, 5, 8) is None


def test_relevance_of_keyword_only_hits_comes_from_the_matrix(catalog, monkeypatch):
    catalog.sync(make_rows(30))
    monkeypatch.setattr(type(catalog.vectors), "vectors", lambda self, ids: pytest.fail("asked Chroma"))
    got = catalog.row_vectors([catalog.rows[3].id, catalog.rows[7].id])
    assert set(got) == {catalog.rows[3].id, catalog.rows[7].id}
    result = HybridRetriever(catalog, mode="keyword", min_relevance=-1).retrieve("业主委员会任期", k=3)
    assert result.hits and all(h.relevance == h.relevance for h in result.hits)
