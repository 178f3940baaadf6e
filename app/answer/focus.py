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
from index.keyword import KeywordIndex, normalise_query
from index.query_region import without_region
from index.question_terms import asked_procedure, known, rarest_thing, subject
from index.retrieve import Hit
from index.thesaurus import Expansion, default_thesaurus
from ingest.dedup import normalise

FOCUS_PASSAGES = 3  # the best passages examined
PAIR_SHARE = 0.75  # a long word counts as present when this share of its character pairs is
THING_PAIR_SHARE = 0.5  # the same for the question's rarest noun (社区减负 in 为社区减负)
# A passage holding this share of the focus answers even when it calls the thing otherwise
# (开会写材料 for 社区减负); below it, the rarest noun must be named (see missing_thing).
MOSTLY_HELD = 0.6
NO_ANSWER_TYPE = 0.3  # share kept by a passage without the kind of value the question asks for


def _presence(word: str, text: str, alternatives, pair_share: float = PAIR_SHARE) -> float:
    """1 when the word (or an alternative name) is in the text; for a long word the share of its
    character pairs that are, when ``pair_share`` of them are (社区党支部 in 社区（村）党支部书记), else 0."""
    if word in text or any(normalise(a) in text for a in alternatives):
        return 1.0
    if len(word) < 3:
        return 0.0
    pairs = [word[i : i + 2] for i in range(len(word) - 1)]
    share = sum(p in text for p in pairs) / len(pairs)
    return share if share >= pair_share else 0.0


def asked_names(question: str, expansions: list[Expansion], region=()) -> dict[str, list[str]]:
    """The question's content words with every other name the thesaurus knows for them (also one the
    index never uses as a word: a short law name, 信访条例, is found in the title, 信访工作条例)."""
    expansions = [*expansions, *default_thesaurus().expand(normalise_query(question))]
    return subject(without_region(question, tuple(region)) if region else question, expansions)


def _passages(hits: list[Hit]) -> list[tuple[Hit, str]]:
    """The best passages, each with its title, section and text normalised for the checks."""
    return [(h, normalise(f"{h.row.title}{h.row.section}{h.row.text}")) for h in hits[:FOCUS_PASSAGES]]


def _held(
    question, passages, alternatives: dict[str, list[str]], keyword: KeywordIndex
) -> list[tuple[float, bool]]:
    """Each passage's IDF-weighted share of the focus (1.0 when the question has no known word), and
    whether it holds more than one of the focus words (or the only one)."""
    terms = known(alternatives, keyword, question)
    if not terms:
        return [(1.0, True)] * len(passages)
    wanted = wanted_types(question)
    weights = {w: keyword.idf(w) for w in terms}
    total = sum(weights.values()) or 1.0
    out = []
    for hit, text in passages:
        present = {w: _presence(w, text, alternatives.get(w, ())) for w in weights}
        share = sum(weights[w] * p for w, p in present.items()) / total
        if wanted and not any(p.search(hit.row.text) for p in wanted):
            share *= NO_ANSWER_TYPE
        out.append((share, sum(1 for p in present.values() if p) >= min(2, len(present))))
    return out


def _shares(question, passages, alternatives: dict[str, list[str]], keyword: KeywordIndex) -> list[float]:
    return [share for share, _ in _held(question, passages, alternatives, keyword)]


def _share(question, passages, alternatives: dict[str, list[str]], keyword: KeywordIndex) -> float:
    return max(_shares(question, passages, alternatives, keyword), default=1.0)


def focus_share(
    question: str,
    hits: list[Hit],
    keyword: KeywordIndex,
    expansions: list[Expansion],
    region: tuple[str, ...] | list[str] = (),
) -> float:
    """Highest IDF-weighted share of the question's content words that one of the best passages holds.

    A region named in the question is not part of its focus: it ranked the passages already."""
    return _share(question, _passages(hits), asked_names(question, expansions, region), keyword)


def _names(thing: str, text: str, alternatives: dict[str, list[str]]) -> bool:
    return bool(_presence(thing, text, alternatives.get(thing, ()), THING_PAIR_SHARE))


def _missing(question, passages, alternatives: dict[str, list[str]], keyword: KeywordIndex) -> str:
    rarest = rarest_thing(question, alternatives, keyword)
    if not rarest or not passages:
        return ""
    return "" if any(_names(rarest, text, alternatives) for _, text in passages) else rarest


def missing_thing(
    question: str,
    hits: list[Hit],
    keyword: KeywordIndex,
    expansions: list[Expansion],
    region: tuple[str, ...] | list[str] = (),
) -> str:
    """The most specific thing the question asks about (its rarest noun, 公租房 in 如何申请公租房?) when
    none of the best passages names it under any name, else ''.

    Statutes name 申请, 材料, 补助 and 社区 everywhere; a passage that names all of those but not
    公租房 or 失业保险 answers a different question. Only nouns count: what is done (领取, 申请) and
    colloquial idioms (跑不动) are said in other words by the texts that answer.
    """
    return _missing(question, _passages(hits), asked_names(question, expansions, region), keyword)


def answers_directly(
    question: str,
    hits: list[Hit],
    keyword: KeywordIndex,
    expansions: list[Expansion],
    region: tuple[str, ...] | list[str],
    focus_min: float,
) -> bool:
    """Whether one of the best passages answers the question rather than only mention its words: it
    holds ``focus_min`` of its focus and, unless it holds ``MOSTLY_HELD`` of it, names its rarest thing
    itself (a passage on fines in general and another that names 垃圾分类 do not answer 垃圾分类罚多少);
    asked how to go through a procedure (怎么申请), it names that procedure."""
    passages, alternatives = _passages(hits), asked_names(question, expansions, region)
    if not passages:
        return True
    procedure = asked_procedure(question)
    if procedure:  # 怎么申请: only a passage that names the 申请 can say how it goes
        passages = [
            (h, text) for h, text in passages if _presence(procedure, text, alternatives.get(procedure, ()))
        ]
        if not passages:
            return False
    held = _held(question, passages, alternatives, keyword)
    shares = [share for share, _ in held]
    # Mostly held is more than one word of the focus held: 每平方米 alone, the rarer of 物业费 and
    # 每平方米, is most of the weight and says nothing of 物业费.
    if any(share >= max(MOSTLY_HELD, focus_min) and several for share, several in held):
        return True
    rarest = rarest_thing(question, alternatives, keyword)
    return any(
        share >= focus_min and (not rarest or _names(rarest, text, alternatives))
        for share, (_, text) in zip(shares, passages, strict=True)
    )
