"""The document kinds users filter by, and the older names still accepted as filters."""

from __future__ import annotations

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
