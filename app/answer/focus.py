"""Does a passage answer the question, or only mention its words?

The focus of a question is its content words (question words removed), each weighted by its
IDF in the index, so 退休 or 补贴 weigh more than 社区 or 党员. A passage covers the focus by
the weighted share of those words it contains (a thesaurus alternative counts). Retrieval
finds passages on the topic (居家养老, 组织关系); when none of the best passages also holds
what the question asks about, the honest answer is that the base does not answer it.
"""

from __future__ import annotations

from index.keyword import KeywordIndex, normalise_query, words
from index.retrieve import Hit
from index.thesaurus import Expansion
from ingest.dedup import normalise

# Words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset(
    """怎么 怎样 如何 什么 什么样 哪些 哪个 哪里 哪儿 哪一级 多少 几 几人 几年 多久 多长 是否 能否 可以 能 会 要 需要 应当 应该
    吗 呢 啊 具体 指 意思 是 有 有没有 没有 谁 为什么 干什么 做什么 办 怎么办 时候 一般 主要 方面 情况 工作 问题
    规定 要求 标准 条件 程序 流程 步骤 方法 办法 做法 措施 怎么样 其 该 这个 那个 咱们 我们 我 你 当地 这里""".split()
)
FOCUS_PASSAGES = 3  # the best passages examined


def content_words(question: str) -> list[str]:
    return [
        w for w in dict.fromkeys(words(normalise_query(question))) if w not in QUESTION_WORDS and len(w) >= 2
    ]


def focus_share(question: str, hits: list[Hit], keyword: KeywordIndex, expansions: list[Expansion]) -> float:
    """Highest IDF-weighted share of the question's content words that one of the best passages holds."""
    terms = content_words(question)
    if not terms or not hits:
        return 1.0
    alternatives = {}
    for e in expansions:
        for w in terms:
            if w in e.term or e.term in w:
                alternatives.setdefault(w, []).extend(e.alternatives)
    weights = {w: keyword.idf(w) for w in terms}
    total = sum(weights.values()) or 1.0
    best = 0.0
    for hit in hits[:FOCUS_PASSAGES]:
        text = normalise(f"{hit.row.title}{hit.row.section}{hit.row.text}")
        held = sum(
            weight
            for w, weight in weights.items()
            if w in text or any(normalise(a) in text for a in alternatives.get(w, ()))
        )
        best = max(best, held / total)
    return best
