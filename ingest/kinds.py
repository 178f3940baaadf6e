"""The document kinds users filter by, and the older names still accepted as filters."""

from __future__ import annotations

import re

LAW = "法律法规"  # 法律、行政法规、地方性法规、规章
PARTY_RULE = "党内法规"
NORMATIVE = "规范性文件"  # 意见、通知、办法、方案、决定…
SPEECH = "领导讲话"
CASE = "经验交流/案例"
RESEARCH = "理论文章/研究"
NEWS = "新闻报道"

KINDS = (LAW, PARTY_RULE, NORMATIVE, SPEECH, CASE, RESEARCH, NEWS)
SUBKINDS = ("法律", "行政法规", "地方性法规", "规章")

# Names of the first taxonomy, kept so saved filters and links still work.
ALIASES = {
    "政策/讲话": (SPEECH, NORMATIVE, PARTY_RULE, LAW),
    "政策": (NORMATIVE, PARTY_RULE, LAW),
    "讲话": (SPEECH,),
    "理论文章": (RESEARCH,),
    "法规": (LAW, PARTY_RULE),
    "案例": (CASE,),
    "新闻": (NEWS,),
    "研究": (RESEARCH,),
}


def kinds_for_filter(wanted: str) -> tuple[str, ...]:
    """The kinds a filter value selects: itself, an alias, or every kind containing it (经验交流 -> 经验交流/案例)."""
    wanted = wanted.strip()
    if wanted in KINDS:
        return (wanted,)
    if wanted in ALIASES:
        return ALIASES[wanted]
    return tuple(k for k in KINDS if any(part and part in k for part in wanted.split("/")))


_LAW_SUFFIX = re.compile(r"(法|法典)(（[^（）]*）)?$")
_RULE_SUFFIX = re.compile(r"(条例|规定|办法|细则|规则|准则|规程|实施办法|章程)(（[^（）]*）)?$")
_NORMATIVE_TITLE = re.compile(
    r"关于.{2,80}的(意见|通知|通报|决定|决议|方案|规划|批复|函|公告|通告|指导意见|实施意见|若干措施)"
    r"|(意见|通知|通报|决定|方案|规划|纲要|公告|通告|若干措施)(（[^（）]*）)?$"
)
_PARTY_ISSUER = re.compile(r"^(中共|中国共产党)|党委|党组|纪委|工委|组织部|宣传部|统战部|政法委")
_SPEECH_TITLE = re.compile(
    r"(讲话|致辞|发言|讲稿|报告会上|会议上|座谈会上)(（[^（）]*）)?$|^在.{2,40}(上|时)的"
)
_SPEECH_TEXT = re.compile(
    r"^同志们[：:，,！!]|谢谢大家|我的发言完毕|我就讲这些|下面，?我讲|我讲(几|三|两|四)点", re.M
)
_RESEARCH = ("author", "affiliation", "classification", "references")
_NEWS_TEXT = re.compile(r"记者|通讯员|据了解|日前|近日|本报讯|讯（|电（|消息")


def classify_document(
    title: str, text: str, removed_kinds: set[str], issuer: str | None, articles: int, regional: bool
) -> tuple[str, str]:
    """(kind, subkind) from the title's type word, article structure, 文号, scholarly and news apparatus.

    ``regional``: the issuing authority is below the national level. Returns ("", "") when no rule
    applies; the sections' own kinds decide then.
    """
    party = bool(_PARTY_ISSUER.search(issuer or "")) or title.startswith(("中国共产党", "中共"))
    rule = _RULE_SUFFIX.search(title)
    if articles >= 3 or (articles and (_LAW_SUFFIX.search(title) or rule)):
        if party and rule:
            return PARTY_RULE, ""
        if _LAW_SUFFIX.search(title) and not regional:
            return LAW, "法律"
        if "decree" in removed_kinds:
            return LAW, "规章"  # published by a 政府令 or 部令
        if rule and re.search(r"(规定|办法|细则)", rule.group(1)):
            # with a 文号 it is a government document setting rules, not a 规章
            return (NORMATIVE, "") if "doc_no" in removed_kinds else (LAW, "规章")
        return LAW, ("地方性法规" if regional else "行政法规")
    if "doc_no" in removed_kinds or "doc_meta" in removed_kinds or _NORMATIVE_TITLE.search(title):
        if party and _RULE_SUFFIX.search(title):
            return PARTY_RULE, ""
        return NORMATIVE, ""
    if _SPEECH_TITLE.search(title) or len(_SPEECH_TEXT.findall(text)) >= 2:
        return SPEECH, ""
    if "classification" in removed_kinds or len(removed_kinds & set(_RESEARCH)) >= 2:
        return RESEARCH, ""
    if "editor" in removed_kinds and len(text) < 5000 and _NEWS_TEXT.search(text):
        return NEWS, ""
    return "", ""
