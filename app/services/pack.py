"""Trainer packs: key points with citations and the relevant cases for a topic or question, exported.

Key points are the lines of the cited answer (``app.services.ask.ask``) that carry [n] markers;
cases are every case of a browsing topic (``app.services.library.topic_cases``) or, for a free
question, the best cases found for it. Each item has an id (P1.., C1..) the trainer can
leave out; exports (.docx and .md, under ``<data_dir>/exports``) end with the sources
actually used, numbered as the markers in the text.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app.answer.present import clean_point
from app.kb import KnowledgeBase
from ingest.dedup import normalise

MARKER = re.compile(r"\[(\d{1,3})\]")
_ENUM = re.compile(r"^\s*(?:\d{1,2}[.、)]|[-*•·])\s*")
MAX_SEARCH_CASES = 8
MAX_POINTS = 6
POINT_CANDIDATES = 12  # sentences drawn for a pack, before headings and points inside its cases are dropped
MIN_TEACHING = 12  # normalised characters of the shortest point that can teach anything
LONG_SENTENCE = 40  # a point this long says something even without a full stop (a list, a clause chain)
_SENTENCE_END = "。！？…!?"  # not ；: a clause cut from a list


@dataclass(frozen=True)
class PackSource:
    file: str
    title: str
    section: str
    date: str
    region: str = ""


@dataclass
class PackPoint:
    id: str
    text: str  # the point without its markers
    sources: list[PackSource] = field(default_factory=list)
    spans: list[tuple[str, int, int]] = field(default_factory=list)  # (file, start, end) of its quotes


@dataclass
class PackCase:
    id: str
    title: str
    doc_title: str
    region: str
    kind: str
    date: str
    excerpt: str
    text: str  # the whole case
    source: PackSource
    span: tuple[int, int] = (0, 0)  # the case's section in its document's cleaned text


@dataclass
class Pack:
    topic: str
    question: str
    points: list[PackPoint] = field(default_factory=list)
    cases: list[PackCase] = field(default_factory=list)
    notice: str | None = None

    def item_ids(self) -> list[str]:
        return [p.id for p in self.points] + [c.id for c in self.cases]

    def labels(self) -> list[tuple[str, str]]:
        """(label, id) per item, for a checklist."""
        out = [(f"{p.id} 要点：{_short(p.text)}", p.id) for p in self.points]
        return out + [(f"{c.id} 案例：{c.title}（{c.region or '未注明地区'}）", c.id) for c in self.cases]


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "…"


def question_for(topic: str, topics: list[str]) -> str:
    """A browsing topic becomes a question about its practices; anything else is asked as written."""
    topic = topic.strip()
    return f"{topic}有哪些经验做法？" if topic in topics else topic


def points_from_answer(answer) -> list[PackPoint]:
    """One point per answer line that carries citations; enumeration, markers and the source's numbering
    and dangling connectives stripped (``clean_point``)."""
    by_n = {c.n: c for c in answer.citations}
    points = []
    for line in answer.answer.splitlines():
        numbers = [int(n) for n in MARKER.findall(line) if int(n) in by_n]
        text = clean_point(_ENUM.sub("", MARKER.sub("", line)).strip())
        if not numbers or not text:
            continue
        sources, spans = [], []
        for n in dict.fromkeys(numbers):
            c = by_n[n]
            spans.append((c.file, c.start, c.end))
            src = PackSource(c.file, c.title, c.section, c.date, c.region)
            if src not in sources:
                sources.append(src)
        points.append(PackPoint(f"P{len(points) + 1}", text, sources, spans))
    return points


def teaches(text: str) -> bool:
    """A point teaches when it is a sentence: a bare heading (聚焦精细治理，构建高效网格管理) does not."""
    n = len(normalise(text))
    return n >= LONG_SENTENCE or (n >= MIN_TEACHING and text.rstrip()[-1:] in _SENTENCE_END)


def _in_cases(point: PackPoint, cases: list[PackCase]) -> bool:
    return any(
        file == c.source.file and start < c.span[1] and c.span[0] < end
        for file, start, end in point.spans
        for c in cases
    )


def keep_points(
    candidates: list[PackPoint], cases: list[PackCase], limit: int = MAX_POINTS
) -> list[PackPoint]:
    """Points that teach, are not already told by one of the pack's cases, and say something new; renumbered."""
    kept: list[PackPoint] = []
    for p in candidates:
        key = normalise(p.text)
        if not teaches(p.text) or _in_cases(p, cases):
            continue
        if any(key in normalise(k.text) or normalise(k.text) in key for k in kept):
            continue
        kept.append(PackPoint(f"P{len(kept) + 1}", p.text, p.sources, p.spans))
        if len(kept) == limit:
            break
    return kept


def _more_points(kb: KnowledgeBase, question: str) -> list[PackPoint]:
    """A deeper extractive pass than an answer's: more passages and points to choose the pack's from."""
    from app.answer.extractive import Encoder, extractive_answer
    from app.answer.types import Answer

    result = kb.search(question, 2 * kb.settings.top_k)
    if not result.found:
        return []
    texts = {}
    for hit in result.hits:
        doc = kb.docstore.get(hit.row.file)
        if doc is not None:
            texts[hit.row.file] = doc.text
    encoder = Encoder(kb.embedder, kb.catalog.cache)
    text, citations = extractive_answer(question, result.hits, texts, encoder, POINT_CANDIDATES)
    return points_from_answer(Answer(question, question, bool(citations), "extractive", text, citations))


def build_pack(kb: KnowledgeBase, topic: str, llm_mode: str | None = None) -> Pack:
    """Gather key points (with citations) and cases for ``topic`` (a browsing topic or any question)."""
    from app.services.ask import ask
    from app.services.library import case_text, search_cases, topic_cases, topics

    known = topics()
    question = question_for(topic, known)
    answer = ask(kb, question, llm_mode=llm_mode)
    pack = Pack(topic.strip(), question, notice=answer.notice)
    cards = (
        topic_cases(kb, topic)
        if topic.strip() in known
        else search_cases(kb, question).cards[:MAX_SEARCH_CASES]
    )
    for card in cards:
        full = case_text(kb, card.file, card.section_no)
        text = full[1] if full else card.excerpt
        src = PackSource(card.file, card.doc_title, card.title, card.date, card.region)
        pack.cases.append(
            PackCase(f"C{len(pack.cases) + 1}", card.title, card.doc_title, card.region, card.kind, card.date,
                     card.excerpt, text, src, (card.section_start, card.section_end))
        )  # fmt: skip
    if answer.found:
        candidates = points_from_answer(answer)
        if answer.mode == "extractive":
            candidates += _more_points(kb, answer.standalone_question)
        pack.points = keep_points(candidates, pack.cases)
    return pack


def _selected(pack: Pack, exclude) -> tuple[list[PackPoint], list[PackCase], list[PackSource]]:
    """Kept points and cases, and the sources they use in order of first use."""
    exclude = set(exclude or ())
    points = [p for p in pack.points if p.id not in exclude]
    cases = [c for c in pack.cases if c.id not in exclude]
    sources: list[PackSource] = []
    for src in [s for p in points for s in p.sources] + [c.source for c in cases]:
        if src not in sources:
            sources.append(src)
    return points, cases, sources


def _refs(sources: list[PackSource], used: list[PackSource]) -> str:
    return "".join(f"[{used.index(s) + 1}]" for s in sources)


def source_line(i: int, s: PackSource) -> str:
    parts = [f"《{s.title}》", s.section, s.date or "日期不详", s.file]
    return f"[{i}] " + " · ".join(p for p in parts if p)


def pack_markdown(pack: Pack, exclude=()) -> str:
    points, cases, sources = _selected(pack, exclude)
    lines = [f"# 备课素材：{_md(pack.topic)}", "", f"> 检索问题：{_md(pack.question)}", ""]
    lines += ["## 一、要点", ""]
    lines += [f"{i}. {_md(p.text)}{_refs(p.sources, sources)}" for i, p in enumerate(points, 1)] or ["（无）"]
    lines += ["", "## 二、案例", ""]
    for i, c in enumerate(cases, 1):
        meta = " · ".join(x for x in (c.region, c.kind, c.date) if x)
        lines += [
            f"### {i}. {_md(c.title)}",
            "",
            f"*{_md(meta)}* {_refs([c.source], sources)}",
            "",
            _md(c.text),
            "",
        ]
    if not cases:
        lines += ["（无）", ""]
    lines += ["## 资料来源", ""]
    lines += [f"- {_md(source_line(i, s))}" for i, s in enumerate(sources, 1)]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Document text as Markdown text: no raw HTML, no accidental headings or links."""
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"^(\s*)([#>])", r"\1\\\2", text, flags=re.M)


def pack_docx(pack: Pack, path: Path, exclude=()) -> Path:
    import docx

    points, cases, sources = _selected(pack, exclude)
    d = docx.Document()
    d.add_heading(f"备课素材：{pack.topic}", level=0)
    d.add_paragraph(f"检索问题：{pack.question}")
    d.add_heading("一、要点", level=1)
    for p in points:
        d.add_paragraph(f"{p.text}{_refs(p.sources, sources)}", style="List Number")
    if not points:
        d.add_paragraph("（无）")
    d.add_heading("二、案例", level=1)
    for i, c in enumerate(cases, 1):
        d.add_heading(f"{i}. {c.title}", level=2)
        meta = " · ".join(x for x in (c.region, c.kind, c.date) if x)
        d.add_paragraph().add_run(f"{meta} {_refs([c.source], sources)}").italic = True
        for para in c.text.split("\n"):
            if para.strip():
                d.add_paragraph(para.strip())
    if not cases:
        d.add_paragraph("（无）")
    d.add_heading("资料来源", level=1)
    for i, s in enumerate(sources, 1):
        d.add_paragraph(source_line(i, s))
    d.save(str(path))
    return path


def export_pack(pack: Pack, out_dir: Path, exclude=()) -> tuple[Path, Path]:
    """Write ``<out_dir>/备课素材_<topic>_<time>.docx`` and ``.md``; returns both paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^\w-]+", "_", pack.topic).strip("_")[:40] or "pack"
    stem = f"备课素材_{slug}_{time.strftime('%Y%m%d-%H%M%S')}_{uuid.uuid4().hex[:4]}"
    docx_path = pack_docx(pack, out_dir / f"{stem}.docx", exclude)
    md_path = out_dir / f"{stem}.md"
    md_path.write_text(pack_markdown(pack, exclude), "utf-8")
    return docx_path, md_path
