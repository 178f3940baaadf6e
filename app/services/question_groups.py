"""Grouping near-identical questions, and the closest browsing topic of a question.

Two questions are near-identical when their normalised texts share at least
``SAME_QUESTION_JACCARD`` of their character bigrams (Jaccard). Normalising takes NFKC, lower
case, and drops punctuation, spaces, particles (的/了/吗/呢…) and the interrogative and modal
words every question is built from (怎么/如何/哪些/什么/应该/需要/可以…): left in, they are
most of a short Chinese question's bigrams and make "社区食堂怎么建设" look like "社区食堂怎么收费".
After normalising, 0.6 keeps together "社区食堂怎么建设？" / "社区食堂应该如何建设呢" (1.0) and
"如何建设社区食堂" / "社区食堂怎么建设" (0.67), and apart "社区食堂怎么建设" / "社区食堂怎么收费"
(0.43) and "业主委员会怎么成立" / "业主委员会怎么罢免" (0.5); tests/app/test_question_groups.py.
Groups are single-link: a question joins every group it is near-identical to.
"""

from __future__ import annotations

import math
import re
import unicodedata

SAME_QUESTION_JACCARD = 0.6
_NOISE = re.compile(r"[\W_]+")
_FILLER = re.compile(
    r"请问|怎么样|怎么办|怎么|怎样|如何|哪些|哪里|哪儿|什么|多少|是否|能否|可否|有没有|应该|应当|需要|可以|能够"
    r"|[的了吗呢啊呀吧哦嘛]"
)


def normalise_question(text: str) -> str:
    """The words of a question without punctuation, spacing, case or final particles."""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", text or "").lower())
    return _FILLER.sub("", text) or text


def bigrams(text: str) -> set[str]:
    t = normalise_question(text)
    return {t[i : i + 2] for i in range(len(t) - 1)} or ({t} if t else set())


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def group_questions(texts: list[str], threshold: float = SAME_QUESTION_JACCARD) -> list[list[int]]:
    """Indexes of ``texts`` grouped by near-identity, biggest group first (ties: first asked first).

    Questions with the same normalised text are one candidate; candidates are compared only
    when they share a bigram among the rarest ``len - ceil(threshold * len) + 1`` of either
    (prefix filtering: any pair at or above the threshold shares one), so thousands of
    refusals are grouped without comparing every pair.
    """
    keys: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        keys.setdefault(normalise_question(t), []).append(i)
    distinct = list(keys)
    grams = [bigrams(texts[keys[k][0]]) if k else set() for k in distinct]
    df: dict[str, int] = {}
    for g in grams:
        for b in g:
            df[b] = df.get(b, 0) + 1
    parent = list(range(len(distinct)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    postings: dict[str, list[int]] = {}
    for i, g in enumerate(grams):
        ordered = sorted(g, key=lambda b: (df[b], b))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        seen: set[int] = set()
        for b in prefix:
            for j in postings.get(b, ()):
                if j not in seen:
                    seen.add(j)
                    if root(i) != root(j) and jaccard(g, grams[j]) >= threshold:
                        parent[root(i)] = root(j)
            postings.setdefault(b, []).append(i)
    groups: dict[int, list[int]] = {}
    for i, key in enumerate(distinct):
        groups.setdefault(root(i), []).extend(keys[key])
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def closest_topics(kb, questions: list[str], topics: list[str]) -> list[tuple[str, float]]:
    """For each question, the topic with the highest cosine (query embeddings) and that cosine."""
    from app.services.query_vectors import query_vectors

    if not questions or not topics:
        return [("", 0.0) for _ in questions]
    sims = query_vectors(kb, list(questions)) @ query_vectors(kb, list(topics)).T
    best = sims.argmax(axis=1)
    return [(topics[int(b)], float(sims[i, b])) for i, b in enumerate(best)]
