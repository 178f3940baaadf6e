"""The lines around a document's body that describe it: stated title, 发文机关标志, 文号, author,
affiliation, classification codes, table of contents, figure captions, references.

They are found on cleaned text (one paragraph per line) and removed from it, kept as ``Removed``
items so the metadata stage can read them. What stays: the 通过/修正 line of a statute, 主送机关,
落款 and 成文日期 (they are part of the document as published).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUM = "一二三四五六七八九十百千零〇两"
DOC_SUFFIX = re.compile(
    r"(法|条例|规定|办法|细则|规则|准则|规程|章程|意见|通知|通报|决定|决议|方案|规划|纲要|计划|批复|公告|通告"
    r"|讲话|致辞|发言|报告|总结|汇报|材料|情况|做法|经验|纪要|指引|指南|标准|守则|公约)"
    r"(（[^（）]{1,20}）)?$"
)
DOC_NO = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［(（]\s*(\d{4})\s*[〕\]］)）]\s*第?\s*\d{1,5}\s*号$")
DECREE_NO = re.compile(rf"^第\s*[\d{NUM}]{{1,5}}\s*号$")
_ISSUER_MARK = re.compile(r"^[\u4e00-\u9fff（）、\s]{2,40}?(文件|令|通报|简报)$")
_SIGNER = re.compile(r"^(签发人|签发|密级|紧急程度|份号)[:：]")
# A government site's table of the document's facts: | 索引号： | … | 发文字号： | … |
DOC_META_KEYS = re.compile(
    r"索引号|发文机关|发文字号|成文日期|发布日期|主题分类|公文种类|主题词|生效日期|有效性|文号"
)
_HEADING = re.compile(rf"^([{NUM}]{{1,3}}、|[（(][{NUM}]{{1,3}}[)）]|第[{NUM}\d]{{1,5}}[编章节条])")
_NAME = r"[\u4e00-\u9fff·]{2,5}"
_AUTHOR = re.compile(
    rf"^(?:(作者|文|撰文|执笔)\s*[:：/／]\s*|□\s*)?{_NAME}(?:\s*[，、,\s]\s*{_NAME}){{0,5}}$"
)
_AFFILIATION = re.compile(
    r"^[（(][^（）()]{0,60}(大学|学院|研究院|研究所|党校|研究中心|科学院|社科院|研究会)[^（）()]{0,60}[)）]$"
    r"|^(作者单位|单位)[:：]"
)
_DATE_LINE = re.compile(r"^[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[)）]?$")
_ANYWHERE = (
    ("classification", re.compile(r"^(中图分类号|分类号|文献标识码|文章编号|DOI|doi)\s*[:：]")),
    ("keywords", re.compile(r"^(关键词|关键字|Key\s*words)\s*[:：]", re.I)),
    (
        "caption",
        re.compile(r"^(图|表|Figure|Fig\.|Table)\s*\d{1,2}(?:[-—.．]\d{1,2})?(?:\s+|$)[^。！？；]{0,40}$"),
    ),
)
_TOC = re.compile(r"^目\s*录$")
_REFERENCES = re.compile(r"^(参考文献|注释)\s*[:：]?$")
_REFERENCE_ITEM = re.compile(r"^[［\[]\s*\d{1,3}\s*[］\]]|^\d{1,3}[.．、]\s*\S")
SENTENCE_END = re.compile("[。！？；!?;]")


@dataclass
class FrontMatter:
    spans: list[tuple[int, int, str]]  # (start, end, kind) in the text given, whole lines with their newline
    title: str | None


def _lines(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().strip()) for m in re.finditer(r"[^\n]+", text)]


def _is_body(line: str) -> bool:
    return bool(_HEADING.match(line)) or (len(line) >= 30 and bool(SENTENCE_END.search(line)))


def looks_like_title(line: str) -> bool:
    return (
        4 <= len(line) <= 80
        and not SENTENCE_END.search(line)
        and not line.endswith(("：", ":"))
        and not line.startswith(("（", "("))
        and not _HEADING.match(line)
    )


def find_front_matter(text: str, stated_title: str | None = None, have_title: bool = False) -> FrontMatter:
    """Front and back matter of a cleaned text; ``stated_title`` is a title the markup gave (`# …`)."""
    lines = _lines(text)
    kinds: dict[int, str] = {}
    head = next((i for i, (_, _, t) in enumerate(lines) if _is_body(t)), len(lines))
    head = min(head, 12)
    title_at = None
    for i in range(head):
        t = lines[i][2]
        nxt = lines[i + 1][2] if i + 1 < len(lines) else ""
        if DOC_NO.match(t) or DECREE_NO.match(t):
            kinds[i] = "doc_no"
        elif _ISSUER_MARK.match(t) and (DOC_NO.match(nxt) or DECREE_NO.match(nxt)):
            kinds[i] = "issuer_mark"
        elif _SIGNER.match(t):
            kinds[i] = "meta"
        elif len(set(DOC_META_KEYS.findall(t))) >= 2:
            kinds[i] = "doc_meta"
    if not have_title:
        title_at = _title_line(lines, head, kinds, stated_title)
        if title_at is not None:
            kinds[title_at] = "title"
    after_title = title_at if title_at is not None else -1
    for i in range(after_title + 1, min(head + 1, len(lines))):
        if i in kinds:
            continue
        t = lines[i][2]
        nxt = lines[i + 1][2] if i + 1 < len(lines) else ""
        if _AFFILIATION.match(t):
            kinds[i] = "affiliation"
        elif _DATE_LINE.match(t) and (after_title >= 0 or i < 3):
            kinds[i] = "date_line"
        elif i - after_title <= 2 and _is_author(t, nxt):
            kinds[i] = "author"
    _mark_anywhere(lines, kinds)
    spans = []
    for i, kind in sorted(kinds.items()):
        start, end, _ = lines[i]
        spans.append((start, end + 1 if end < len(text) else end, kind))
    title = lines[title_at][2] if title_at is not None else None
    return FrontMatter(spans, title)


def _title_line(lines, head: int, kinds: dict[int, str], stated: str | None) -> int | None:
    if stated and not _HEADING.match(stated):  # a Markdown file may open on 第一章, not on its title
        for i in range(min(max(head + 1, 15), len(lines))):
            if lines[i][2].replace(" ", "") == stated.replace(" ", ""):
                return i
    candidates = [i for i in range(min(head + 1, len(lines))) if i not in kinds][:3]
    for i in candidates:
        t = lines[i][2]
        if not looks_like_title(t):
            continue
        nxt = lines[i + 1][2] if i + 1 < len(lines) else ""
        if DOC_SUFFIX.search(t) or _ENACTMENT.search(nxt) or _is_author(nxt, "") or _DATE_LINE.match(nxt):
            return i
        if any(kinds.get(j) in ("doc_no", "issuer_mark") for j in range(i)):
            return i  # the line after the 文号 is the title in an official document
    return None


_ENACTMENT = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.{0,80}?(通过|批准|修正|修订|公布|发布|施行)"
)


def _is_author(line: str, nxt: str) -> bool:
    m = _AUTHOR.match(line)
    if not m or DOC_SUFFIX.search(line):
        return False
    if m.group(1) or line.startswith("□"):
        return True
    # Bare names: a list of names, or one name followed by a date line or an affiliation.
    return bool(re.search(r"[，、,]", line)) or bool(_DATE_LINE.match(nxt) or _AFFILIATION.match(nxt))


def _mark_anywhere(lines, kinds: dict[int, str]) -> None:
    i = 0
    while i < len(lines):
        t = lines[i][2]
        if i in kinds:
            i += 1
            continue
        for kind, pattern in _ANYWHERE:
            if pattern.match(t):
                kinds[i] = kind
                break
        else:
            if _TOC.match(t):
                i = _mark_toc(lines, i, kinds)
                continue
            if _REFERENCES.match(t):
                kinds[i] = "references"
                j = i + 1
                while j < len(lines) and _REFERENCE_ITEM.match(lines[j][2]):
                    kinds[j] = "references"
                    j += 1
                i = j
                continue
        i += 1


def _mark_toc(lines, i: int, kinds: dict[int, str]) -> int:
    """The 目录 line and the headings listed under it, up to where the first of them appears again."""
    kinds[i] = "toc"
    j = i + 1
    first = lines[j][2] if j < len(lines) else ""
    while j < len(lines):
        t = lines[j][2]
        if (j > i + 1 and t == first) or SENTENCE_END.search(t) or len(t) > 40:
            break
        kinds[j] = "toc"
        j += 1
    return j
