"""Quality on a question set: retrieval per mode (hit@1, hit@5, MRR@10, out-of-scope refused) and the
answers themselves (out-of-scope refused, gold passage cited, right article cited, quotes verbatim).

A question line: ``{"question", "gold": [{"file", "contains": [...], "article"?}], "type"?, "all_versions"?}``;
an empty gold list marks a question the library does not answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from app.kb import KnowledgeBase
from ingest.dedup import normalise


@dataclass
class ModeScore:
    mode: str
    questions: int = 0
    answerable: int = 0
    hit1: float = 0.0
    hit5: float = 0.0
    mrr10: float = 0.0
    out_of_scope: int = 0
    oos_correct: float = 0.0
    misses: list[dict] = field(default_factory=list)
    by_type: dict[str, list[float]] = field(default_factory=dict)  # type -> [questions, hit@5 count]

    def as_dict(self) -> dict:
        return {
            "mode": self.mode,
            "questions": self.questions,
            "hit@1": round(self.hit1, 4),
            "hit@5": round(self.hit5, 4),
            "mrr@10": round(self.mrr10, 4),
            "out_of_scope_accuracy": round(self.oos_correct, 4) if self.out_of_scope else None,
            "hit@5_by_type": {t: round(h / n, 4) for t, (n, h) in self.by_type.items()},
            "misses": self.misses,
        }


def read_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _is_hit(kb: KnowledgeBase, hit, gold: list[dict]) -> bool:
    """A passage from the gold file containing a gold phrase, here or in a collapsed near-duplicate."""
    places = [(hit.row.file, hit.row.text)]
    for other in hit.row.also_in:
        doc = kb.docstore.get(other["file"])
        if doc:
            places.append((other["file"], doc.text[other["start"] : other["end"]]))
    for g in gold:
        needles = [normalise(c) for c in g["contains"]]
        for file, text in places:
            if file == g["file"] and any(n in normalise(text) for n in needles):
                return True
    return False


def evaluate(kb: KnowledgeBase, questions: list[dict], modes: list[str]) -> list[ModeScore]:
    scores = []
    for mode in modes:
        score = ModeScore(mode)
        retrieve_mode = "hybrid" if mode == "hybrid+rerank" else mode
        retriever = kb.retriever
        saved = retriever.reranker
        if mode != "hybrid+rerank":
            retriever.reranker = None
        try:
            for q in questions:
                result = kb.search(
                    q["question"], 10, mode=retrieve_mode, all_versions=bool(q.get("all_versions"))
                )
                score.questions += 1
                if not q["gold"]:
                    score.out_of_scope += 1
                    if not (result.found and result.direct):  # refused, or only related passages
                        score.oos_correct += 1
                    else:
                        score.misses.append({"question": q["question"], "problem": "out of scope but found"})
                    continue
                score.answerable += 1
                rank = next((i for i, h in enumerate(result.hits, 1) if _is_hit(kb, h, q["gold"])), None)
                if rank == 1:
                    score.hit1 += 1
                if rank and rank <= 5:
                    score.hit5 += 1
                if q.get("type"):
                    counts = score.by_type.setdefault(q["type"], [0, 0])
                    counts[0] += 1
                    counts[1] += bool(rank and rank <= 5)
                if rank:
                    score.mrr10 += 1 / rank
                if not rank or rank > 1:
                    top = result.hits[0].row if result.hits else None
                    score.misses.append(
                        {
                            "question": q["question"],
                            "rank": rank,
                            "found": result.found,
                            "direct": result.direct,
                            "top": f"{top.file} {top.text[:40]}" if top else None,
                        }
                    )
        finally:
            retriever.reranker = saved
        n = max(score.answerable, 1)
        score.hit1, score.hit5, score.mrr10 = score.hit1 / n, score.hit5 / n, score.mrr10 / n
        if score.out_of_scope:
            score.oos_correct /= score.out_of_scope
        scores.append(score)
    return scores


def format_table(scores: list[ModeScore]) -> str:
    lines = [
        "| 模式 | hit@1 | hit@5 | MRR@10 | 范围外拒答 |",
        "|---|---|---|---|---|",
    ]
    for s in scores:
        oos = (
            f"{s.oos_correct:.2f} ({int(round(s.oos_correct * s.out_of_scope))}/{s.out_of_scope})"
            if s.out_of_scope
            else "-"
        )
        lines.append(f"| {s.mode} | {s.hit1:.3f} | {s.hit5:.3f} | {s.mrr10:.3f} | {oos} |")
    for s in scores:
        for m in s.misses:
            lines.append(f"[{s.mode}] 未命中第一: {json.dumps(m, ensure_ascii=False)}")
    return "\n".join(lines)


@dataclass
class AnswerScore:
    """Answer-level figures of the extractive answers (hybrid retrieval, the settings' switches)."""

    answerable: int = 0
    answered: int = 0  # found and cited
    gold_cited: int = 0  # a citation inside a passage holding a gold phrase
    rule_questions: int = 0  # answerable questions whose gold names an article
    right_article: int = 0
    out_of_scope: int = 0
    oos_refused: int = 0
    citations: int = 0
    verbatim: int = 0
    misses: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        def share(a: int, b: int):
            return round(a / b, 4) if b else None

        return {
            "answered": share(self.answered, self.answerable),
            "gold_cited": share(self.gold_cited, self.answerable),
            "right_article": share(self.right_article, self.rule_questions),
            "out_of_scope_refused": share(self.oos_refused, self.out_of_scope),
            "quotes_verbatim": share(self.verbatim, self.citations),
            "misses": self.misses,
        }


def _gold_spans(kb: KnowledgeBase, gold: list[dict]) -> list[tuple[str, int, int]]:
    """(file, start, end) of every indexed passage holding a gold phrase."""
    spans = []
    for row in kb.catalog.rows:
        for g in gold:
            if row.file == g["file"] and any(normalise(c) in normalise(row.text) for c in g["contains"]):
                spans.append((row.file, row.start, row.end))
    return spans


def evaluate_answers(kb: KnowledgeBase, questions: list[dict]) -> AnswerScore:
    from app.services.ask import ask

    score = AnswerScore()
    for q in questions:
        answer = ask(kb, q["question"], llm_mode="none", all_versions=bool(q.get("all_versions")))
        for c in answer.citations:
            doc = kb.docstore.get(c.file)
            score.citations += 1
            score.verbatim += bool(doc and doc.text[c.start : c.end] == c.quote)
        if not q["gold"]:
            score.out_of_scope += 1
            score.oos_refused += not answer.found
            if answer.found:
                score.misses.append({"question": q["question"], "problem": "out of scope but answered"})
            continue
        score.answerable += 1
        score.answered += bool(answer.found and answer.citations)
        spans = _gold_spans(kb, q["gold"])
        cited = any(
            c.file == f and c.start < end and start < c.end
            for c in answer.citations
            for f, start, end in spans
        )
        score.gold_cited += cited
        articles = {(g["file"], g["article"]) for g in q["gold"] if g.get("article")}
        right = None
        if articles:
            score.rule_questions += 1
            right = any((c.file, c.article) in articles for c in answer.citations)
            score.right_article += right
        if not cited or right is False:
            score.misses.append(
                {
                    "question": q["question"],
                    "found": answer.found,
                    "gold_cited": cited,
                    "right_article": right,
                    "cited": [f"{c.file} {c.article}".strip() for c in answer.citations[:3]],
                }
            )
    return score


def format_answer_table(score: AnswerScore) -> str:
    d = score.as_dict()

    def cell(key: str) -> str:
        return "-" if d[key] is None else f"{d[key]:.3f}"

    lines = [
        "| 回答 | 有回答 | 引用含标准段落 | 引用正确条款 | 范围外拒答 | 引文逐字一致 |",
        "|---|---|---|---|---|---|",
        f"| 摘录式 | {cell('answered')} | {cell('gold_cited')} | {cell('right_article')} "
        f"| {cell('out_of_scope_refused')} ({score.oos_refused}/{score.out_of_scope}) | {cell('quotes_verbatim')} |",
    ]
    lines += [f"[回答] {json.dumps(m, ensure_ascii=False)}" for m in score.misses]
    return "\n".join(lines)
