"""Does a passage answer the question, or only mention its words?

The focus of a question is its content words (question words removed), each weighted by its
IDF in the index, so 退休 or 补贴 weigh more than 社区 or 党员. A passage covers the focus by
the weighted share of those words it contains (a thesaurus alternative counts). Retrieval
finds passages on the topic (居家养老, 组织关系); when none of the best passages also holds
what the question asks about, the honest answer is that the base does not answer it. A rule
question asks for a kind of value (an amount, a duration, a count): a passage without one
holds less than a third of its share.
"""

from __future__ import annotations

import re

from index.answer_shape import wanted_types
from index.keyword import KeywordIndex, normalise_query, words
from index.query_region import without_region
from index.retrieve import Hit
from index.thesaurus import Expansion
from ingest.dedup import normalise

# Words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset(
    """怎么 怎样 如何 什么 什么样 哪些 有哪些 哪个 哪里 哪儿 哪一级 多少 几 几人 几年 多久 多长 是否 能否 可以 能 会 要 需要 应当 应该
    吗 呢 啊 几个 具体 指 意思 是 有 有没有 没有 谁 为什么 干什么 做什么 办 怎么办 时候 一般 主要 方面 情况 工作 问题
    规定 要求 标准 条件 程序 流程 步骤 方法 办法 做法 措施 怎么样 其 该 这个 那个 咱们 我们 我 你 当地 这里""".split()
)
FOCUS_PASSAGES = 3  # the best passages examined
PAIR_SHARE = 0.75  # a long word counts as present when this share of its character pairs is
NO_ANSWER_TYPE = 0.3  # share kept by a passage without the kind of value the question asks for


# jieba keeps 几名, 多少钱, 哪一级, 什么样 whole: a word that starts with a question word asks, it is not asked about.
QUESTION_START = re.compile(r"^(几|多少|多大|多长|多久|哪|什么|怎么|怎样|如何|是否|能否|可否|为何|为什么)")


# A numeral or 每 with a measure word (一届, 每次, 两年, 一名) says how much, not what about.
QUANTITY = re.compile(r"^[一二两三四五六七八九十百千万每几]+[届次年月日天周个名位人户项条款期批轮]$")


def content_words(question: str) -> list[str]:
    return [
        w
        for w in dict.fromkeys(words(normalise_query(question)))
        if w not in QUESTION_WORDS and len(w) >= 2 and not QUESTION_START.match(w) and not QUANTITY.match(w)
    ]


def _presence(word: str, text: str, alternatives) -> float:
    """1 when the word (or an alternative name) is in the text; for a long word the share of its
    character pairs that are, when most are (社区党支部 in 社区（村）党支部书记), else 0."""
    if word in text or any(normalise(a) in text for a in alternatives):
        return 1.0
    if len(word) < 3:
        return 0.0
    pairs = [word[i : i + 2] for i in range(len(word) - 1)]
    share = sum(p in text for p in pairs) / len(pairs)
    return share if share >= PAIR_SHARE else 0.0


def focus_share(
    question: str,
    hits: list[Hit],
    keyword: KeywordIndex,
    expansions: list[Expansion],
    region: tuple[str, ...] | list[str] = (),
) -> float:
    """Highest IDF-weighted share of the question's content words that one of the best passages holds.

    A region named in the question is not part of its focus: it ranked the passages already."""
    terms = content_words(without_region(question, tuple(region)) if region else question)
    if not terms or not hits:
        return 1.0
    alternatives = {}
    for e in expansions:
        for w in terms:
            if w in e.term or e.term in w:
                alternatives.setdefault(w, []).extend(e.alternatives)
    wanted = wanted_types(question)
    weights = {w: keyword.idf(w) for w in terms}
    total = sum(weights.values()) or 1.0
    best = 0.0
    for hit in hits[:FOCUS_PASSAGES]:
        text = normalise(f"{hit.row.title}{hit.row.section}{hit.row.text}")
        held = sum(weight * _presence(w, text, alternatives.get(w, ())) for w, weight in weights.items())
        share = held / total
        if wanted and not any(p.search(hit.row.text) for p in wanted):
            share *= NO_ANSWER_TYPE
        best = max(best, share)
    return best
