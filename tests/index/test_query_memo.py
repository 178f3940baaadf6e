"""QueryMemo: a question is embedded once however many parts of an answer ask for its vector."""

from __future__ import annotations

import numpy as np
import pytest

from index.embeddings import QueryMemo
from tests.index.conftest import HashEmbedder


class Counting(HashEmbedder):
    def __init__(self):
        self.calls: list[tuple[list[str], bool]] = []

    def embed_batch(self, texts, *, query):
        self.calls.append((list(texts), query))
        return super().embed_batch(texts, query=query)


def test_same_question_is_embedded_once_and_shared_read_only():
    inner = Counting()
    memo = QueryMemo(inner, size=2)
    first = memo.embed_query("网格员要培训哪些能力")
    again = memo.embed_query("网格员要培训哪些能力")
    assert again is first and len(inner.calls) == 1
    np.testing.assert_array_equal(first, inner.embed_query("网格员要培训哪些能力"))
    with pytest.raises(ValueError):
        first[0] = 1.0  # every caller gets the same array: nobody may change it
    assert (memo.name, memo.dim) == (inner.name, inner.dim)


def test_memo_keeps_only_the_latest_questions():
    inner = Counting()
    memo = QueryMemo(inner, size=2)
    for q in ["甲", "乙", "甲", "丙"]:  # 乙 is the least recently used when 丙 comes
        memo.embed_query(q)
    asked = len(inner.calls)
    memo.embed_query("甲")
    assert len(inner.calls) == asked
    memo.embed_query("乙")
    assert len(inner.calls) == asked + 1


def test_passages_are_never_memoised():
    inner = Counting()
    memo = QueryMemo(inner)
    memo.embed_passages(["一段", "二段"])
    memo.embed_passages(["一段", "二段"])
    assert [query for _, query in inner.calls] == [False, False]
