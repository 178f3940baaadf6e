"""What administrators see of the app's use: questions over time, refusals grouped, unhelpful answers.

Refusals (知识库中没有找到) come first: they are the documents the library is missing. Each
group of near-identical refused questions (app.services.question_groups) is shown once, with how
many times it was asked and the browsing topic closest to it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from app.answer.topics import read_topics
from app.services import feedback as fb
from app.services.question_groups import closest_topics, group_questions
from app.services.sheets import write_table
from app.services.usage_db import now

EXPORT_HEADERS = [
    "类别", "时间", "问题", "按上下文理解为", "原因", "补充说明", "相似提问数", "最接近的专题",
    "回答方式", "回答", "引用", "用户", "IP",
]  # fmt: skip


@dataclass
class RefusalGroup:
    question: str  # the most recent phrasing
    count: int
    phrasings: list[str]
    last_asked: str
    topic: str = ""
    topic_cosine: float = 0.0


@dataclass
class Report:
    since: str | None
    until: str | None
    reason: str | None
    refusals: list[RefusalGroup] = field(default_factory=list)
    unhelpful: list[dict] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)
    per_day: list[tuple[str, int, int, int]] = field(default_factory=list)  # day, asked, refused, 没用


def refusal_groups(kb, refused: list[dict]) -> list[RefusalGroup]:
    """Refused questions (newest first) grouped, biggest group first, each with its closest topic."""
    texts = [q["standalone"] or q["question"] for q in refused]
    groups = []
    for members in group_questions(texts):
        phrasings = list(dict.fromkeys(refused[i]["question"] for i in members))
        groups.append(
            RefusalGroup(texts[members[0]], len(members), phrasings, refused[members[0]]["asked_at"])
        )
    topics = read_topics()
    nearest = closest_topics(kb, [g.question for g in groups], topics)
    for g, (topic, cosine) in zip(groups, nearest, strict=True):
        g.topic, g.topic_cosine = topic, round(cosine, 3)
    return groups


def report(kb, since: str | None = None, until: str | None = None, reason: str | None = None) -> Report:
    since, until, reason = since or None, until or None, reason or None
    asked = fb.questions(kb.data_dir, since, until)
    unhelpful = fb.feedback(kb.data_dir, since, until, reason, useful=False)
    out = Report(since, until, reason, questions=asked, unhelpful=unhelpful)
    out.refusals = refusal_groups(kb, [q for q in asked if not q["found"]])
    days: dict[str, list[int]] = {}
    for q in asked:
        d = days.setdefault(q["asked_at"][:10], [0, 0, 0])
        d[0] += 1
        d[1] += not q["found"]
    for f in unhelpful:
        days.setdefault(f["rated_at"][:10], [0, 0, 0])[2] += 1
    out.per_day = [(day, *counts) for day, counts in sorted(days.items(), reverse=True)]
    return out


def _cites(citations) -> str:
    if isinstance(citations, str):
        citations = json.loads(citations or "[]")
    return "\n".join(
        f"[{c['n']}] 《{c['title']}》{c.get('article') or c.get('section') or ''}（{c['file']} {c['start']}-{c['end']}）"
        for c in citations
    )


def export_rows(rep: Report) -> list[list]:
    """Refusals first (one row per group), then 没用 ratings, then every question asked."""
    rows = [
        ["未找到", g.last_asked, g.question, "", "", "\n".join(g.phrasings[1:]), g.count, g.topic,
         "", "", "", "", ""]
        for g in rep.refusals
    ]  # fmt: skip
    rows += [
        ["没用", f["rated_at"], f["question"], f["standalone"], f["reason"], f["comment"], "", "",
         f["mode"], f["answer"], _cites(f["citations"]), f["user"] or "", f["ip"] or ""]
        for f in rep.unhelpful
    ]  # fmt: skip
    rows += [
        ["提问" if q["found"] else "提问（未找到）", q["asked_at"], q["question"], q["standalone"], "", "", "",
         "", q["mode"], q["answer"], _cites(q["citations"]), q["user"] or "", q["ip"] or ""]
        for q in rep.questions
    ]  # fmt: skip
    return rows


def export_report(kb, folder: Path, since=None, until=None, reason=None) -> tuple[Path, Path]:
    """The report as .xlsx and .csv in ``folder``; returns both paths."""
    rep = report(kb, since, until, reason)
    rows = export_rows(rep)
    stem = "使用记录_" + now().replace(":", "").replace(" ", "_")
    xlsx = write_table(Path(folder) / f"{stem}.xlsx", EXPORT_HEADERS, rows, sheet="使用记录")
    csv = write_table(Path(folder) / f"{stem}.csv", EXPORT_HEADERS, rows)
    return xlsx, csv


def export_feedback(kb, path: Path, since=None, until=None, reason=None) -> Path:
    """``policykb feedback export FILE``: the same table, format by extension."""
    return write_table(
        Path(path), EXPORT_HEADERS, export_rows(report(kb, since, until, reason)), sheet="使用记录"
    )
