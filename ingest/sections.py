"""Split a cleaned document into sections; in a compilation, one section per case.

Web captures of compilations lose their case headings, so a case start is found from
what the text still shows: a paragraph whose opening names a new place (顺义区..., 许昌市...),
a change of parallel lead sentences (each report of 003 opens its paragraphs with its own
pattern: "...实现新突破。", "以...为...点,..."), a run of "——" points, or explicit heading lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.regions import find_places

LEAD_MAX = 45  # a paragraph whose first sentence is this short opens with a lead sentence
HEADING_MAX = 40
_SENTENCE_END = "。!?;！？；"
_PLACE_WINDOW = 150
# 【本期领学人】, 【基层观察】: a column label in brackets introduces a passage, it does not head a section.
# 同志们：, 各县（区）人民政府：: who is addressed, not a heading.
_SALUTATION = re.compile(r"[：:]$")
# ——2022年10月16日，某某在…上的报告: the source of a quotation.
_ATTRIBUTION = re.compile(r"^——.*\d{4}年\d{1,2}月")
_LABEL = re.compile(r"【[^】]{1,16}】|\[[^\]]{1,16}\]")


@dataclass
class Paragraph:
    start: int
    end: int
    text: str
    lead: str | None = None
    heading: bool = False
    dash: bool = False
    label: bool = False  # 【本期领学人】: opens a new part, but its words are not the part's title
    places: set[tuple[str, ...]] = field(default_factory=set)  # city-level paths named in the opening


@dataclass
class Block:
    start: int
    end: int
    paragraphs: list[Paragraph]
    heading: str | None = None  # an explicit heading line


def is_label(line: str) -> bool:
    return bool(_LABEL.fullmatch(line))


def _not_heading(line: str) -> bool:
    return is_label(line) or bool(_SALUTATION.search(line) or _ATTRIBUTION.match(line))


def paragraphs_of(text: str, learned: dict[str, str]) -> list[Paragraph]:
    """Non-empty lines of ``text`` with the features the segmentation looks at."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        body = m.group().strip()
        if not body:
            continue
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        para = Paragraph(start, start + len(body), body)
        first = re.match(rf"[^{_SENTENCE_END}]*[{_SENTENCE_END}]", body)
        if first is None and len(body) <= HEADING_MAX and not _not_heading(body):
            para.heading = True
        elif first and len(first.group()) <= LEAD_MAX and len(first.group()) < len(body):
            para.lead = first.group()[:-1]
        para.dash = body.startswith(("——", "—", "--"))
        para.label = is_label(body)
        para.places = _subject_places(body[:_PLACE_WINDOW], learned)
        out.append(para)
    return out


def _subject_places(opening: str, learned: dict[str, str]) -> set[tuple[str, ...]]:
    """City-level places an opening is about; a sentence naming several cities is a list, not a subject."""
    places: set[tuple[str, ...]] = set()
    for sentence in re.split(rf"[{_SENTENCE_END}]", opening):
        found = {_city_level(m.place.path) for m in find_places(sentence, learned) if m.weight >= 0.5}
        if len(found) == 1:
            places |= found
    return places


def _city_level(path: tuple[str, ...]) -> tuple[str, ...]:
    return path[:1] if path[0] in ("北京市", "天津市", "上海市", "重庆市") else path[:2]


def _related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


_SKELETON_CHARS = set(",，、的以为在上把从到“”")


def _skeleton(lead: str) -> str:
    """The function words and punctuation of a lead: parallel items share it (以…为…点,…)."""
    return "".join(c for c in lead if c in _SKELETON_CHARS).replace("，", ",")


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1) if not set(s[i : i + 2]) & set(",，、“”。")}


def _lead_similarity(a: Paragraph, b: Paragraph, common: set[str]) -> float:
    """How much two lead sentences look like items of one parallel list.

    Shared wording counts, but wording common all over the document (城市基层党建 in a
    document on urban party building) counts a quarter: it does not mark a list.
    """
    if a.dash and b.dash:
        return 10.0
    x, y = a.lead or "", b.lead or ""
    shared = _bigrams(x) & _bigrams(y)
    sim = sum(0.25 if g in common else 1.0 for g in shared)
    sx, sy = _skeleton(x), _skeleton(y)
    if sx == sy:
        sim += 3.0 if len(sx) >= 2 else 1.0
    elif len(sx) >= 2 and sx[:2] == sy[:2]:
        sim += 2.0
    if x[:2] == y[:2]:
        sim += 2.0  # 强化…/强化…, 聚焦…/聚焦…
    cx, cy = re.split("[,，]", x)[0], re.split("[,，]", y)[0]
    if cx != x and cy != y and len(cx) == len(cy):
        sim += 1.0
    return sim


def _common_bigrams(paras: list[Paragraph]) -> set[str]:
    """Bigrams found in more than a fifth of the paragraphs."""
    counts: dict[str, int] = {}
    for p in paras:
        for g in _bigrams(p.text):
            counts[g] = counts.get(g, 0) + 1
    limit = max(2, len(paras) / 5)
    return {g for g, n in counts.items() if n > limit}


_PAIR_COST = 3.0  # similarity a pair must exceed to attract
_SIZE_BONUS = 3.0  # reports usually have several parallel paragraphs


def _group_leads(run: list[Paragraph], common: set[str]) -> list[list[Paragraph]]:
    """Best split of consecutive lead paragraphs into contiguous parallel groups (exact DP)."""
    n = len(run)
    sim = [[_lead_similarity(run[i], run[j], common) - _PAIR_COST for j in range(n)] for i in range(n)]
    best = [0.0] + [float("-inf")] * n
    cut = [0] * (n + 1)
    for end in range(1, n + 1):
        inner = 0.0
        for start in range(end - 1, -1, -1):
            inner += sum(sim[start][k] for k in range(start + 1, end))
            score = best[start] + inner + _SIZE_BONUS * (end - start - 1)
            if score > best[end]:
                best[end], cut[end] = score, start
    groups, end = [], n
    while end > 0:
        groups.append(run[cut[end] : end])
        end = cut[end]
    return groups[::-1]


def _cohesive(group: list[Paragraph], common: set[str]) -> bool:
    """A real parallel list: at least two items that look alike on average, not just neighbours."""
    if len(group) < 2:
        return False
    pairs = [(a, b) for k, a in enumerate(group) for b in group[k + 1 :]]
    return sum(_lead_similarity(a, b, common) for a, b in pairs) / len(pairs) >= _PAIR_COST


def split_into_blocks(text: str, learned: dict[str, str]) -> list[Block]:
    """Contiguous blocks of paragraphs, each a section of the document."""
    paras = paragraphs_of(text, learned)
    if not paras:
        return []
    starts = _case_starts(paras)
    blocks = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(paras)
        chunk = paras[s:e]
        heading = chunk[0].text if chunk[0].heading else None
        blocks.append(Block(chunk[0].start, chunk[-1].end, chunk, heading))
    return blocks


def _case_starts(paras: list[Paragraph]) -> list[int]:
    index = {id(p): i for i, p in enumerate(paras)}
    starts = {0}
    # Explicit headings open sections, unless they are a single title-like first line.
    for i, p in enumerate(paras):
        if (p.heading or p.label) and i + 1 < len(paras) and not paras[i + 1].heading:
            starts.add(i)
    # Runs of parallel lead sentences.
    common = _common_bigrams(paras)
    i = 0
    while i < len(paras):
        if paras[i].lead is None and not paras[i].dash:
            i += 1
            continue
        j = i
        while j < len(paras) and (paras[j].lead is not None or paras[j].dash):
            j += 1
        groups = _group_leads(paras[i:j], common)
        for prev, nxt in zip(groups, groups[1:], strict=False):
            if len(prev) >= 2 and len(nxt) >= 2 and (_cohesive(prev, common) or _cohesive(nxt, common)):
                starts.add(index[id(nxt[0])])
        if _cohesive(groups[-1], common) and j < len(paras) and not paras[j].heading:
            starts.add(j)  # a parallel run has ended: what follows is another piece
        i = j
    # A paragraph that opens on a new place starts a new case.
    # So does one that names the first place after two or more paragraphs that named none.
    current: tuple[str, ...] = ()
    section_start = 0
    for i, p in enumerate(paras):
        if i in starts:
            current, section_start = (), i
        if len(p.places) != 1 or _inside_dash_run(i, paras):
            continue
        (place,) = p.places
        if (current and not _related(place, current)) or (not current and i - section_start >= 2):
            starts.add(i)
            section_start = i
        if not current or not _related(place, current):
            current = place
    return sorted(starts)


def _inside_dash_run(i: int, paras: list[Paragraph]) -> bool:
    return paras[i].dash and i > 0 and paras[i - 1].dash
