"""What kind of answer a question wants: a rule (a number, a term, a level, a condition), a
definition, a way of doing something, or anything else.

Rule questions are answered from the article that states the rule, definition questions
from the sentence that defines the term; how-to questions get practices grouped by source.
"""

from __future__ import annotations

import re

from index.question_terms import quoted_terms

RULE, DEFINITION, HOWTO, OTHER = "rule", "definition", "howto", "other"

_RULE = re.compile(
    r"多少|几[人名个天年次日位届]|几年|多久|多长时间|多长|哪一级|哪级|哪个部门|哪个单位|由谁|什么条件|哪些条件|"
    r"条件是什么|期限|任期|多大|不少于|不超过|是否需要|能否|能不能|(能|可以).{0,6}吗|什么时候|何时"
)
_DEFINITION = re.compile(
    r"^什么是|是什么[?？]?$|是什么(意思|性质|含义|概念)|指什么|指的是什么|指哪些|什么意思|含义|"
    r"是做什么的|是干什么(用)?的"
)
_HOWTO = re.compile(r"怎么|怎样|如何|哪些|措施|做法|办法|步骤|途径")
# Sentences that define: “3”即“三会三活”, 本办法所称维修资金，是指…, X就是…
# An item of a statute's glossary article (本条例下列用语的含义：…（三）物业服务人，包括…) defines too.
_GLOSSARY_ITEM = r"[（(][一二三四五六七八九十]+[)）]\s*[“\"]?{term}[”\"]?[，,：:]\s*(?:包括|指)"
# A statute also names what it has just described: ……的公民、法人或者其他组织，称信访人.
_NAMED_AFTER = r"[，,](?:以下)?(?:简称|统称|称){term}"
DEFINING = re.compile(
    r"即|是指|就是|指的是|所称|是.{0,20}的简称|简称|"
    + _GLOSSARY_ITEM.format(term=r"[^，,：:（(]{1,20}")
    + "|"
    + _NAMED_AFTER.format(term=r"[^，,。；;]{2,20}[。；;]")
)


# A numbered method is defined part by part: 3456工作法 by “3”即“三会三活”, “4”即…; 四议两公开 by “四议”就是….
_NUMERAL = re.compile(r"[0-9一二两三四五六七八九十]")
_PART_DEFINED = re.compile(r"^[“\"]?(?P<part>[^“”\"，,：:。；;]{1,4})[”\"]?[，,]?\s*(?:即|就是|是指|指的是)")


def defines_part(sentence: str, terms: list[str]) -> bool:
    """The sentence opens by saying what a numbered part of one of ``terms`` is (“3”即… for 3456工作法)."""
    m = _PART_DEFINED.match(sentence.strip())
    if not m or not _NUMERAL.search(m["part"]):
        return False
    return any(m["part"] in t and m["part"] != t for t in terms if _NUMERAL.search(t))


def question_type(question: str) -> str:
    q = question.strip()
    if _DEFINITION.search(q):
        return DEFINITION
    if _RULE.search(q):
        return RULE
    if _HOWTO.search(q):
        return HOWTO
    return OTHER


_TERM = re.compile(
    r"^(?:什么(?:是|叫)(?P<a>.+?)[?？]?$|(?P<b>.+?)(?:具体)?(?:是|指|叫)(?:什么|指什么|做什么的|干什么的)|(?P<c>.+?)什么意思)"
)


def defined_term(question: str) -> str:
    """The term a definition question asks about (居民委员会 in 居民委员会是什么性质的组织?; the quoted
    信访人 in 信访条例里说的“信访人”指什么?), or ''."""
    quoted = quoted_terms(question)
    if quoted and _TERM.search(question.strip().rstrip("?？")):
        return quoted[-1]
    m = _TERM.search(question.strip().rstrip("?？"))
    term = next((g for g in m.groups() if g), "") if m else ""
    return re.sub(r"^(请问|所谓|这个|那个)|的$", "", term.strip(" ,，“”\"'"))


def defines(text: str, term: str) -> bool:
    """The passage says what ``term`` is: 居民委员会是…, X是指…, X即…, 本条例所称X，是指…"""
    if not term:
        return False
    at = re.escape(term) + r"[”\"]?(?:，|,)?\s*(?:是指|是|即|就是|指的是|系)"
    return (
        re.search(at, text) is not None
        or re.search(r"所称" + re.escape(term), text) is not None
        or re.search(_GLOSSARY_ITEM.format(term=re.escape(term)), text) is not None
        or re.search(_NAMED_AFTER.format(term=r"[“\"]?" + re.escape(term)), text) is not None
    )
