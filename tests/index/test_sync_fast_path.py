"""A re-sync reuses what the last one stored: no re-tokenising, no reading Chroma's metadata back,
and a keyword index equal to the one bm25s itself builds."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import numpy as np
import pytest

import index.keyword as keyword_module
from index.catalog import FINGERPRINTS
from index.keyword import KeywordIndex, _bm25s, tokenize
from index.retrieve import Filters, HybridRetriever
from index.rows import Row
from index.vectorstore import VectorStore
from tests.index.conftest import HashEmbedder, make_rows


@pytest.fixture
def counted(monkeypatch):
    """Counts of texts tokenised and of full reads of Chroma's metadata."""
    calls = {"tokenize": 0, "fingerprints": 0}
    tokenize_ = keyword_module.tokenize
    fingerprints = VectorStore.fingerprints

    def counting_tokenize(text, **kwargs):
        calls["tokenize"] += 1
        return tokenize_(text, **kwargs)

    def counting_fingerprints(self):
        calls["fingerprints"] += 1
        return fingerprints(self)

    monkeypatch.setattr(keyword_module, "tokenize", counting_tokenize)
    monkeypatch.setattr(VectorStore, "fingerprints", counting_fingerprints)
    return calls


def _reference_scores(texts: list[str]) -> dict:
    """The score matrix bm25s builds from the token ids itself."""
    vocab: dict[str, int] = {"": 0}
    corpus = [
        [vocab.setdefault(t, len(vocab)) for t in (tokenize(text, values=True) or [""])] for text in texts
    ]
    model = _bm25s().BM25(k1=KeywordIndex.K1, b=KeywordIndex.B)
    model.index((corpus, vocab), create_empty_token=False, show_progress=False)
    return model


def _same_index(index: KeywordIndex, texts: list[str]) -> None:
    reference = _reference_scores(texts)
    ours, theirs = index._model.scores, reference.scores
    words = sorted(reference.vocab_dict, key=reference.vocab_dict.get)
    # Term ids may be numbered differently: compare column by column, bit for bit.
    assert sorted(index._model.vocab_dict) == sorted(words)
    for word, j in reference.vocab_dict.items():
        i = index._model.vocab_dict[word]
        a = slice(int(ours["indptr"][i]), int(ours["indptr"][i + 1]))
        b = slice(int(theirs["indptr"][j]), int(theirs["indptr"][j + 1]))
        assert np.array_equal(ours["indices"][a], theirs["indices"][b]), word
        assert np.array_equal(ours["data"][a], theirs["data"][b]), word
    for query in ("业主委员会任期", "网格员 走访", "committee 会议", "不存在的词"):
        assert np.array_equal(
            index.scores(query), np.asarray(reference.get_scores(tokenize(query) or [""]))
        ), query


def test_keyword_index_equals_the_one_bm25s_builds(tmp_path):
    texts = [f"{r.section}\n{r.text}" for r in make_rows(60)] + ["。。", "的 的 的"]
    ids = [f"t{i}" for i in range(len(texts))]
    built = KeywordIndex.build(ids, texts)
    _same_index(built, texts)
    built.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    _same_index(loaded, texts)
    # Rebuilt from the saved counts after a change, a removal and an addition.
    changed = [t + "（修订）" if i == 3 else t for i, t in enumerate(texts) if i != 10] + ["新增的网格员"]
    rebuilt = KeywordIndex.build([f"u{i}" for i in range(len(changed))], changed, tmp_path / "kw")
    assert rebuilt.reused == len(changed) - 2
    _same_index(rebuilt, changed)
    assert "第10段" not in rebuilt._model.vocab_dict  # a removed text's own words leave the vocabulary


def test_an_index_saved_with_token_lists_is_reused(tmp_path):
    """Indexes saved before term counts were kept (tokens.npy) are read back, not tokenised again."""
    texts = [f"{r.section}\n{r.text}" for r in make_rows(30)]
    vocab: dict[str, int] = {"": 0}
    lists = [[vocab.setdefault(t, len(vocab)) for t in tokenize(text, values=True)] for text in texts]
    folder = tmp_path / "legacy"
    folder.mkdir()
    np.save(folder / "tokens.npy", np.array([t for ids in lists for t in ids], dtype=np.int32))
    np.save(folder / "token_offsets.npy", np.cumsum([0] + [len(ids) for ids in lists]).astype(np.int64))
    (folder / "token_keys.json").write_text(json.dumps([keyword_module.text_key(t) for t in texts]))
    (folder / "vocab.json").write_text(json.dumps(sorted(vocab, key=vocab.get), ensure_ascii=False))
    rebuilt = KeywordIndex.build([f"t{i}" for i in range(len(texts))], texts, folder)
    assert rebuilt.reused == len(texts)
    _same_index(rebuilt, texts)


def test_unchanged_resync_neither_tokenises_nor_reads_chroma(catalog, counted):
    rows = make_rows(40)
    catalog.sync(rows)
    assert counted["tokenize"] == 40
    assert catalog.consistent()
    counted.update(tokenize=0, fingerprints=0)
    again = [dataclasses.replace(r) for r in rows]  # equal rows, new objects, as an ingest makes them
    stats = catalog.sync(again)
    assert (stats.added, stats.deleted, stats.embedded) == (0, 0, 0)
    assert counted == {"tokenize": 0, "fingerprints": 0}
    assert catalog.rows is rows  # nothing was rewritten


def test_one_changed_document_tokenises_only_its_rows(catalog, counted):
    rows = make_rows(40)
    catalog.sync(rows)
    counted.update(tokenize=0, fingerprints=0)
    target = rows[0].file
    changed = [dataclasses.replace(r, text=r.text + "（修订）") if r.file == target else r for r in rows]
    stats = catalog.sync(changed)
    assert stats.added == 5 and stats.deleted == 0
    assert counted == {"tokenize": 5, "fingerprints": 0}
    fps = catalog.vectors.fingerprints()
    assert all(fps[r.id] == r.metadata()["fp"] for r in changed)
    _same_index(catalog.keyword, [f"{r.section}\n{r.text}" for r in changed])
    # What the next process loads is what this one searches.
    catalog.load()
    assert [r.id for r in catalog.rows] == [r.id for r in changed]
    assert [r.fingerprint() for r in catalog.rows] == [r.fingerprint() for r in changed]


def test_fingerprint_is_the_one_chroma_already_holds():
    """Chroma's stored ``fp`` was the hash of ``asdict``: it must not change, or every row re-syncs."""
    for row in make_rows(10):
        old = hashlib.sha1(
            json.dumps(dataclasses.asdict(row), ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()
        assert row.fingerprint() == old == row.metadata()["fp"]


def test_chroma_holding_more_than_the_index_is_read_and_cleaned(catalog, counted):
    """A sync stopped between swapping the index and deleting removed vectors leaves extra vectors."""
    rows = make_rows(20)
    catalog.sync(rows)
    extra = make_rows(21)[20:]
    catalog.vectors.add(
        [extra[0].id], [extra[0].text], [extra[0].metadata()], HashEmbedder().embed_passages(["x"])
    )
    counted.update(tokenize=0, fingerprints=0)
    stats = catalog.sync(rows)
    assert stats.deleted == 1 and counted["fingerprints"] == 1
    assert catalog.consistent()


def test_index_without_saved_fingerprints_gets_them(catalog, counted):
    rows = make_rows(20)
    catalog.sync(rows)
    (catalog.keyword_dir / FINGERPRINTS).unlink()
    counted.update(tokenize=0, fingerprints=0)
    assert catalog.sync(rows).added == 0
    assert counted["fingerprints"] == 1  # read from Chroma once...
    assert json.loads((catalog.keyword_dir / FINGERPRINTS).read_text()) == [r.fingerprint() for r in rows]
    catalog.sync(rows)
    assert counted["fingerprints"] == 1  # ...then from the saved list


def _brute_force(rows: list[Row], filters: Filters) -> list[bool]:
    """The per-row predicate the precomputed columns replace."""
    from index.keyword import normalise_query
    from index.retrieve import _kind_matches

    q = normalise_query(filters.region or "").strip()
    names = {n for r in rows for n in r.region_path}
    regions = {n for n in names if n == q or (len(q) >= 2 and n.startswith(q))} if filters.region else None
    kind = normalise_query(filters.kind) if filters.kind else None
    section = normalise_query(filters.section) if filters.section else None

    def keep(row: Row) -> bool:
        if regions is not None and not (set(row.region_path) & regions):
            return False
        if kind and not _kind_matches(row.kind, kind):
            return False
        if filters.year and row.year != int(filters.year):
            return False
        if filters.file and row.file != filters.file:
            return False
        if section and section not in row.section:
            return False
        return not (filters.cases_only and not row.is_case)

    return [keep(r) for r in rows]


FILTERS = [
    Filters(region="大连"),
    Filters(region="辽宁省"),
    Filters(region="甘井子区", year=2019),
    Filters(region="浙"),
    Filters(region="北京"),
    Filters(kind="经验交流"),
    Filters(kind="经验交流/案例", cases_only=True),
    Filters(kind="讲话"),
    Filters(kind="不存在的类别"),
    Filters(year=2020),
    Filters(year=1999),
    Filters(file="003_doc.txt"),
    Filters(file="missing.txt"),
    Filters(section="机制"),
    Filters(section="總則"),  # traditional characters, normalised like the query
    Filters(cases_only=True),
    Filters(region="辽宁", kind="领导讲话", year=2018, cases_only=True),
]


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_filter_columns_equal_the_row_by_row_filter(filters):
    rows = make_rows(97)
    retriever = HybridRetriever(catalog=None)
    assert retriever._mask(filters, rows).tolist() == _brute_force(rows, filters)


def test_catalog_builds_the_columns_with_its_rows(catalog):
    rows = make_rows(30)
    catalog.sync(rows)
    shown, _ = catalog.snapshot()
    columns = catalog.columns(shown)
    assert columns is catalog.columns(shown) and columns.size == 30
    changed = rows[:25]
    catalog.sync(changed)
    new_rows, _ = catalog.snapshot()
    assert catalog.columns(new_rows).size == 25
    assert catalog.columns(shown).size == 30  # a search still holding the old rows gets their columns
    retriever = HybridRetriever(catalog)
    for filters in FILTERS:
        assert retriever._mask(filters, new_rows).tolist() == _brute_force(new_rows, filters), filters
