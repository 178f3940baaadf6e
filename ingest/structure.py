"""Turn cleaned text into a structured Document: metadata, sections (cases) with region and kind."""

from __future__ import annotations

import re

from ingest.kinds import CASE, SPEECH
from ingest.metadata import classify_kind, mine_date, mine_source, mine_title
from ingest.regions import display, learn_districts, resolve_region
from ingest.sections import Block, is_label, split_into_blocks
from ingest.types import CleanText, RawDocument, Section

TITLE_MAX = 40
_SPEECH = re.compile(r"同志们|我讲|各级党组织要|全省各级|全市各级|全区各级|我们要")


def build_sections(text: str) -> list[Section]:
    """Sections of a cleaned text, each with a heading, region and kind."""
    learned = learn_districts(text)
    blocks = split_into_blocks(text, learned)
    whole = resolve_region(text, learned)
    prior = whole[:1]
    sections = []
    for block in blocks:
        body = text[block.start : block.end]
        path = resolve_region(body, learned, prior)
        kind = classify_kind(body)
        if path and kind == SPEECH and len(_SPEECH.findall(body)) < 2:
            kind = CASE  # a place telling what it did is a case, however many 要 it says
        sections.append(
            Section(
                title="",
                start=block.start,
                end=block.end,
                region=display(path) if path else "",
                region_path=list(path),
                kind=kind,
                is_case=kind == CASE,
                level=1 if block.heading else 0,
            )
        )
    _fill_missing_regions(sections)
    for section, block in zip(sections, blocks, strict=True):
        section.title = _section_title(block, section)
    return sections


def _fill_missing_regions(sections: list[Section]) -> None:
    """A section that names no place inherits what all located sections share (e.g. their province)."""
    paths = [s.region_path for s in sections if s.region_path]
    if not paths:
        return
    common: list[str] = []
    for level in zip(*paths, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    if not common:
        return
    for s in sections:
        if not s.region_path:
            s.region_path = list(common)
            s.region = display(common)


def _opening_only(line: str) -> bool:
    """A column label (【本期领学人】) or who is addressed (同志们：, 各县（区）…：) says nothing of the section."""
    return is_label(line) or (len(line) <= 60 and line.endswith(("：", ":")))


_ABSTRACT = re.compile(r"(摘要|内容摘要|内容提要|提要)[:：]")
_LEAD_IN = re.compile(r"(以来|近年来|年来|指出|强调|表示|认为|提出|要求)$")


def _section_title(block: Block, section: Section) -> str:
    """The heading line; else the opening sentence that names the section's place, trimmed to its gist."""
    if block.heading:
        return block.heading
    if _ABSTRACT.match(block.paragraphs[0].text):
        return "摘要"
    names = [
        re.sub(r"(省|市|区|县|旗|自治区)$", "", p) for p in section.region_path[1:] or section.region_path
    ]
    first = next((p for p in block.paragraphs if not _opening_only(p.text)), block.paragraphs[0])
    lead = first.lead
    if lead:
        named = not section.region or any(n and n in lead for n in names)
        return lead if named else f"{section.region}：{lead}"
    sentences = [s for s in re.split(r"(?<=[。!?;！？；])", first.text) if s.strip()][:4]
    naming = [s for s in sentences if any(n and n in s for n in names)]
    sentence = (naming or sentences or [""])[0].rstrip("。!?;！？；")
    clauses = [c for c in re.split(r"[,，:：]", sentence) if c.strip()]
    while len(clauses) > 1 and _LEAD_IN.search(clauses[0]):
        clauses.pop(0)  # 自2021年以来, 习近平总书记指出: framing, not the subject
    title = ""
    for clause in clauses:
        if title and len(title) + len(clause) + 1 > TITLE_MAX:
            break
        title = f"{title}，{clause}" if title else clause
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX] + "…"
    if section.region and not any(n and n in title for n in names):
        title = f"{section.region}：{title}"
    return title


def describe(raw: RawDocument, clean: CleanText) -> dict:
    """Title, date, source, kind and regions of a cleaned document."""
    return {
        "title": mine_title(clean.removed, raw.title_hint, clean.text),
        "date": mine_date(clean.removed),
        "source": mine_source(clean.removed),
    }


def document_kind(sections: list[Section]) -> str:
    """The kind covering most of the text."""
    weight: dict[str, int] = {}
    for s in sections:
        weight[s.kind] = weight.get(s.kind, 0) + (s.end - s.start)
    return max(weight, key=weight.get) if weight else CASE


def document_regions(sections: list[Section]) -> list[str]:
    """Distinct section regions, in order of appearance."""
    seen: list[str] = []
    for s in sections:
        if s.region and s.region not in seen:
            seen.append(s.region)
    return seen
