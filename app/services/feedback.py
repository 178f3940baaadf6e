"""The question log and the users' ratings of answers, stored in the usage database.

What is stored (see README, "使用记录与反馈"): the question, the question as understood in
context, whether it was answered, the answer, its citations (file, title, section, article,
quote, offsets), the answer mode and the time. A user name and IP address only when
``Settings.feedback_identity`` is on.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from app.services.usage_db import connect, now

log = logging.getLogger(__name__)

REASONS = ("没找到", "引用不对", "答非所问", "过时")


@dataclass
class Identity:
    """Who asked: empty unless the administrator turned the identity setting on."""

    user: str | None = None
    ip: str | None = None


def citations_json(citations) -> str:
    """Citations as stored: enough to find each quote again (file, offsets) and to show it."""
    return json.dumps(
        [
            {
                "n": c.n,
                "file": c.file,
                "title": c.title,
                "section": c.section,
                "article": getattr(c, "article", "") or "",
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
            }
            for c in citations
        ],
        ensure_ascii=False,
    )


def log_question(data_dir, answer, identity: Identity | None = None, curated_id: int | None = None) -> int:
    """Record one asked question with its answer; returns its log id."""
    who = identity or Identity()
    with connect(data_dir) as con:
        cur = con.execute(
            "INSERT INTO questions (asked_at, question, standalone, found, mode, answer, citations,"
            " curated_id, user, ip) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                now(),
                answer.question,
                answer.standalone_question or "",
                int(bool(answer.found)),
                answer.mode or "",
                answer.answer or "",
                citations_json(answer.citations),
                curated_id,
                who.user,
                who.ip,
            ),
        )
        return int(cur.lastrowid)


def record_feedback(
    data_dir,
    question_id: int | None,
    useful: bool,
    reason: str = "",
    comment: str = "",
    identity: Identity | None = None,
    answer=None,
) -> int:
    """Store one rating; the answer's fields are copied from the log (or from ``answer`` when given)."""
    reason = (reason or "").strip()
    if useful:
        reason = ""
    elif reason and reason not in REASONS:
        raise ValueError(f"未知的原因“{reason}”，可选：{'、'.join(REASONS)}")
    who = identity or Identity()
    with connect(data_dir) as con:
        row = None
        if question_id is not None:
            row = con.execute("SELECT * FROM questions WHERE id = ?", (int(question_id),)).fetchone()
        if row is not None:
            fields = (row["question"], row["standalone"], row["answer"], row["citations"], row["mode"])
        elif answer is not None:
            fields = (
                answer.question,
                answer.standalone_question or "",
                answer.answer,
                citations_json(answer.citations),
                answer.mode,
            )
        else:
            raise ValueError(f"没有编号为 {question_id} 的提问记录")
        cur = con.execute(
            "INSERT INTO feedback (question_id, rated_at, useful, reason, comment, question, standalone,"
            " answer, citations, mode, user, ip) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                row["id"] if row is not None else None,
                now(),
                int(bool(useful)),
                reason,
                (comment or "").strip()[:2000],
                *fields,
                who.user,
                who.ip,
            ),
        )
        return int(cur.lastrowid)


def _period(column: str, since: str | None, until: str | None) -> tuple[str, list]:
    """SQL condition for a date range given as YYYY-MM-DD (both ends inclusive)."""
    clauses, args = [], []
    if since:
        clauses.append(f"{column} >= ?")
        args.append(since.strip()[:10])
    if until:
        clauses.append(f"{column} < ?")
        args.append(until.strip()[:10] + " 99")  # after every time of that day
    return (" AND ".join(clauses) or "1"), args


def questions(data_dir, since: str | None = None, until: str | None = None, refused_only: bool = False):
    """Logged questions, newest first, as dicts (citations decoded)."""
    where, args = _period("asked_at", since, until)
    if refused_only:
        where += " AND found = 0"
    with connect(data_dir) as con:
        rows = con.execute(f"SELECT * FROM questions WHERE {where} ORDER BY id DESC", args).fetchall()
    return [_decoded(r) for r in rows]


def question(data_dir, question_id: int) -> dict | None:
    with connect(data_dir) as con:
        row = con.execute("SELECT * FROM questions WHERE id = ?", (int(question_id),)).fetchone()
    return _decoded(row) if row is not None else None


def feedback(
    data_dir,
    since: str | None = None,
    until: str | None = None,
    reason: str | None = None,
    useful: bool | None = None,
):
    """Ratings, newest first, as dicts; ``reason`` filters 没用 ratings by their reason."""
    where, args = _period("rated_at", since, until)
    if useful is not None:
        where += " AND useful = ?"
        args.append(int(useful))
    if reason:
        where += " AND reason = ?"
        args.append(reason)
    with connect(data_dir) as con:
        rows = con.execute(f"SELECT * FROM feedback WHERE {where} ORDER BY id DESC", args).fetchall()
    return [_decoded(r) for r in rows]


def _decoded(row) -> dict:
    out = dict(row)
    try:
        out["citations"] = json.loads(out.get("citations") or "[]")
    except json.JSONDecodeError:
        out["citations"] = []
    return out


def identity_of(request) -> Identity:
    """The user name and IP of a gradio request (the ask service drops them unless identity is on)."""
    if request is None:
        return Identity()
    client = getattr(request, "client", None)
    return Identity(getattr(request, "username", None), getattr(client, "host", None))
