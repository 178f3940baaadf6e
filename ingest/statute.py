"""The structure of a statute or rule: 编/章/节 headings as sections, every 条 an article.

An article runs from its 第X条 line to the next article or heading; its 款 (paragraphs) and
项 (（一）items) stay inside it. A text is a statute when it has at least three article lines
whose numbers mostly rise one by one.
"""

from __future__ import annotations

import re

from ingest.types import Section

NUM = "一二三四五六七八九十百千零〇两"
_ARTICLE = re.compile(rf"^第([{NUM}\d]{{1,6}})条(?:之([{NUM}]{{1,3}}))?(?=[\s　]|$|[^款项])", re.M)
_HEADING = re.compile(
    rf"^第([{NUM}\d]{{1,6}})(编|分编|章|节)(?:[ \t　]+(\S.{{0,40}}))?$|^第([{NUM}\d]{{1,6}})(编|分编|章|节)(\S.{{0,40}})$",
    re.M,
)
_LEVEL = {"编": 1, "分编": 2, "章": 3, "节": 4}
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def chinese_number(s: str) -> int:
    """一百二十三 -> 123; 39 -> 39."""
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for c in s:
        if c in _DIGITS:
            current = _DIGITS[c]
        elif c in "十百千":
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            total += (current or 1) * unit
            current = 0
    return total + current


def find_articles(text: str) -> list[tuple[int, int, str]]:
    """(line start, end of the number, 第X条) of every article line."""
    out = []
    for m in _ARTICLE.finditer(text):
        label = text[m.start() : m.end()].strip()
        out.append((m.start(), m.end(), label))
    return out


def is_statute(text: str) -> bool:
    numbers = [chinese_number(m.group(1)) for m in _ARTICLE.finditer(text)]
    if len(numbers) < 3:
        return False
    rising = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b == a + 1)
    return rising >= 0.6 * (len(numbers) - 1) and numbers[0] <= 2


def statute_structure(text: str, title: str) -> tuple[list[Section], list[dict]]:
    """Sections (one per lowest heading, or the whole body) and articles [{article, start, end, path}]."""
    headings = []
    for m in _HEADING.finditer(text):
        if m.group(2):
            number, unit, name = m.group(1), m.group(2), (m.group(3) or "").strip()
        else:
            number, unit, name = m.group(4), m.group(5), m.group(6).strip()
        if re.search("[。；，]", name):
            continue  # 第二章规定的… is a sentence, not a heading
        label = f"第{number}{unit}" + (f" {name}" if name else "")
        headings.append((m.start(), m.end(), _LEVEL[unit], label))
    articles_at = find_articles(text)
    if not articles_at:
        return [], []
    body_start = min([articles_at[0][0]] + [h[0] for h in headings])
    breaks = sorted([(h[0], "h", h) for h in headings] + [(a[0], "a", a) for a in articles_at])
    sections: list[Section] = []
    articles: list[dict] = []
    path: list[tuple[int, str]] = []  # (level, label)
    for i, (pos, what, item) in enumerate(breaks):
        end = breaks[i + 1][0] if i + 1 < len(breaks) else len(text)
        end = len(text[:end].rstrip())
        if what == "h":
            _, h_end, level, label = item
            path = [p for p in path if p[0] < level] + [(level, label)]
            sections.append(Section(label, pos, end, level=level))
        else:
            articles.append({"article": item[2], "start": pos, "end": end, "path": [p[1] for p in path]})
    # A heading's section runs to the next heading; one without headings is the whole body.
    if not sections:
        sections = [Section(title, body_start, len(text.rstrip()), level=1)]
    else:
        for a, b in zip(sections, sections[1:], strict=False):
            a.end = len(text[: b.start].rstrip())
        sections[-1].end = len(text.rstrip())
        if articles[0]["start"] < sections[0].start:
            sections.insert(0, Section(title, articles[0]["start"], sections[0].start - 1, level=1))
    return sections, articles
