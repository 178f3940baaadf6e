"""Retrieval quality on a question set: hit@1, hit@5, MRR@10 and out-of-scope accuracy per mode."""

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

    def as_dict(self) -> dict:
        return {
            "mode": self.mode,
            "questions": self.questions,
            "hit@1": round(self.hit1, 4),
            "hit@5": round(self.hit5, 4),
            "mrr@10": round(self.mrr10, 4),
            "out_of_scope_accuracy": round(self.oos_correct, 4) if self.out_of_scope else None,
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
                result = retriever.retrieve(q["question"], 10, mode=retrieve_mode)
                score.questions += 1
                if not q["gold"]:
                    score.out_of_scope += 1
                    if not result.found:
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
                if rank:
                    score.mrr10 += 1 / rank
                if not rank or rank > 1:
                    top = result.hits[0].row if result.hits else None
                    score.misses.append(
                        {
                            "question": q["question"],
                            "rank": rank,
                            "found": result.found,
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
