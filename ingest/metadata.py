"""Document and section metadata: title, date, source, kind and regions, as far as the text states them."""

from __future__ import annotations

import re

from ingest.kinds import CASE, RESEARCH, SPEECH
from ingest.policy_meta import strip_site_suffix
from ingest.types import Removed

# The kinds a section of running text can be told apart as, by its wording alone.
SECTION_KINDS = (SPEECH, CASE, RESEARCH)

_DATE = re.compile(r"(20\d\d|19\d\d)\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_FILE_EXT = re.compile(r"\.(docx?|pdf|txt|html?|wps)$", re.I)
_SOURCE_PATTERNS = (
    re.compile(r"来源[:：]\s*([^\s:：]{2,30}?)(?:\s|$|作者|编辑)"),
    re.compile(r"([\u4e00-\u9fffA-Za-z]{2,20}?(?:网|报|台|社|中心|杂志))(?:版权所有|出品|主办)"),
    re.compile(r"([\u4e00-\u9fffA-Za-z]{2,20}?网)负责整理"),
)

# Words that mark each kind; counted per 1,000 characters.
_KIND_MARKERS = {
    SPEECH: re.compile(
        r"同志们|各级党组织要|全省各级|全市各级|我讲|必须坚持|要坚持|二十大报告|意见|通知|部署要求"
    ),
    CASE: re.compile(
        r"经验|做法|近年来|以来|我[区县市旗镇街]|全[区县旗]|累计|目前|成立了|建立了|\d+(?:个|名|户|家|件|项|次|支|场)"
    ),
    RESEARCH: re.compile(r"作者|教授|研究员|学院|理论|着力点|关键在|根本保证|本质|规律|意义"),
}
_SPEECH_MODAL = re.compile(r"要")


def mine_title(removed: list[Removed], title_hint: str | None, text: str) -> str:
    """The document's own title; "" when it states none."""
    for item in removed:
        if item.kind == "title" and item.text.strip():
            return _FILE_EXT.sub("", item.text.strip())
    if title_hint and title_hint.strip():
        return strip_site_suffix(_FILE_EXT.sub("", title_hint.strip()))
    return ""


def mine_date(removed: list[Removed]) -> str | None:
    """The publication date from meta lines (发布时间, a bare timestamp), as YYYY-MM-DD."""
    for item in removed:
        if item.kind in ("meta", "download", "title"):
            m = _DATE.search(item.text)
            if m:
                y, mo, d = m.groups()
                return f"{y}-{int(mo):02d}-{int(d):02d}"
    return None


def mine_source(removed: list[Removed]) -> str | None:
    """The publishing site or outlet named by meta lines and footers."""
    for pattern in _SOURCE_PATTERNS:
        for item in removed:
            m = pattern.search(item.text)
            if m and m.group(1).strip():
                return m.group(1).strip()
    for item in removed:
        name = item.text.strip()
        if item.kind == "nav" and re.fullmatch(r"[\u4e00-\u9fff]{2,12}网", name):
            return name
    return None


def classify_kind(text: str) -> str:
    """领导讲话, 经验交流/案例 or 理论文章/研究 for a passage of running text, by marker density."""
    size = max(len(text), 1) / 1000
    scores = {kind: len(p.findall(text)) / size for kind, p in _KIND_MARKERS.items()}
    scores[SPEECH] += max(0.0, len(_SPEECH_MODAL.findall(text)) / size - 8) * 0.5
    return max(SECTION_KINDS, key=lambda k: scores[k])
