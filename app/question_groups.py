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

import re
import unicodedata

import numpy as np

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
    """Indexes of ``texts`` grouped by near-identity, biggest group first (ties: first asked first)."""
    grams = [bigrams(t) for t in texts]
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(texts)):
        for j in range(i):
            if root(i) != root(j) and jaccard(grams[i], grams[j]) >= threshold:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def closest_topics(embedder, questions: list[str], topics: list[str]) -> list[tuple[str, float]]:
    """For each question, the topic with the highest cosine (query embeddings) and that cosine."""
    if not questions or not topics:
        return [("", 0.0) for _ in questions]
    q = embedder.embed_batch(list(questions), query=True)
    t = embedder.embed_batch(list(topics), query=True)
    sims = np.asarray(q) @ np.asarray(t).T
    best = sims.argmax(axis=1)
    return [(topics[int(b)], float(sims[i, b])) for i, b in enumerate(best)]
