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

from index.answer_shape import wanted_types
from index.keyword import KeywordIndex, known_word, normalise_query
from index.query_region import without_region
from index.question_terms import subject
from index.retrieve import Hit
from index.thesaurus import Expansion, default_thesaurus
from ingest.dedup import normalise

FOCUS_PASSAGES = 3  # the best passages examined
PAIR_SHARE = 0.75  # a long word counts as present when this share of its character pairs is
NO_ANSWER_TYPE = 0.3  # share kept by a passage without the kind of value the question asks for


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
    # Every name the thesaurus knows counts, also one the index never uses as a word: a short law name
    # (信访条例) is found in the title (信访工作条例), which the index does not hold.
    expansions = [*expansions, *default_thesaurus().expand(normalise_query(question))]
    alternatives = subject(without_region(question, tuple(region)) if region else question, expansions)
    # A word neither the library nor the dictionary knows is the segmenter's guess at the question's
    # wording (人算, 要花), not what it asks about; a known word the library never uses (起诉) stays.
    terms = [w for w in alternatives if keyword.used(w) or known_word(w)]
    if not terms or not hits:
        return 1.0
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
