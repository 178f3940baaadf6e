"""A reader's title for a document that states none: place + subject + what it is.

林芝市巴宜区 report on 党建引领城市基层治理 -> 巴宜区党建引领城市基层治理工作情况. The subject is
the longest phrase of the opening paragraph that the document keeps repeating.
"""

from __future__ import annotations

import re

from ingest.kinds import NEWS, RESEARCH, SPEECH
from ingest.regions import leading_region, resolve_region

_FUNCTION = set("的了和与及是在对为把将从到等中上下也都而并又或其这那之以于被由向就所着过们我你他她它个")
_LEAD_IN = re.compile(
    r"^(近年来|近期|今年以来|去年以来|[\d一二三四五六七八九十]+年(来|以来)|自.{1,12}以来|目前)"
)
_SUFFIX = {SPEECH: "讲话", NEWS: "", RESEARCH: "研究"}


def generated_title(text: str, kind: str, region_path: list[str] | tuple[str, ...] = ()) -> str:
    """Place + subject + 工作情况 (讲话 for a speech); the first sentence when no subject is found.

    ``region_path`` is the place the whole document is about, used when the opening names none.
    """
    first = text.strip().split("\n", 1)[0]
    place = _place(first) or (region_path[-1] if region_path else "")
    subject = _subject(first, text)
    if not subject:
        sentence = re.split(r"[。!?;！？；]", first, maxsplit=1)[0]
        return sentence if len(sentence) <= 30 else sentence[:30] + "…"
    suffix = _SUFFIX.get(kind, "工作情况")
    if subject.endswith("工作") and suffix.startswith("工作"):
        subject = subject[:-2]
    return f"{place}{subject}{suffix}"


def _place(first: str) -> str:
    """The most specific place the opening is about: a district rather than its city."""
    for clause in re.split(r"[，,。；;：:]", first):
        clause = _LEAD_IN.sub("", clause.strip())
        path = leading_region(clause)
        if path:
            return path[-1]
    path = resolve_region(first)
    return path[-1] if path else ""


def _subject(first: str, text: str) -> str:
    """The phrase of the opening that recurs most in the text (weighted by its length)."""
    opening = first[:200]
    best, best_score = "", 0.0
    for i in range(len(opening)):
        for n in range(4, 13):
            phrase = opening[i : i + n]
            if len(phrase) < n or not re.fullmatch(r"[\u4e00-\u9fff]+", phrase):
                break
            if phrase[0] in _FUNCTION or phrase[-1] in _FUNCTION or leading_region(phrase):
                continue
            count = text.count(phrase)
            if count < 2:
                continue
            score = count * n**2
            if score > best_score:
                best, best_score = phrase, score
    return best
