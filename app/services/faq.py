"""Curated answers (常见问答): saved by an administrator, verified, matched to later questions.

A curated answer keeps, for each citation, the quote, its offsets in the document's cleaned
text and the document's sha256 at the time it was saved. It is *flagged for review* (and
never served as an answer) when a cited document is gone, has changed (another sha256),
or its ``status`` became 已被修订 or 已废止.

Matching later questions to curated ones: app.services.faq_match.
"""

from __future__ import annotations

import json
import re

from app.services.usage_db import connect, now

FAQ_KIND = "常见问答"
OUTDATED = ("已被修订", "已废止")
_LINE = re.compile(r"^\s*\[?(\d{1,3})\]?\s+(.+?)\s+(\d+)\s*[-–—]\s*(\d+)\s*(?:[|｜]\s*(.*))?$")
_SPACE = re.compile(r"\s+")
_MARKER = re.compile(r"\[(\d{1,3})\]")


class FaqError(ValueError):
    """A curated answer that cannot be saved; the message (Chinese) names the problem."""


# -- citations -------------------------------------------------------------------------
def citation_lines(citations: list[dict]) -> str:
    """The editable form: ``[n] file start-end ｜ quote`` per line."""
    return "\n".join(
        f"[{c['n']}] {c['file']} {c['start']}-{c['end']} ｜ {_flat(c.get('quote', ''))}" for c in citations
    )


def _flat(text: str) -> str:
    """A quote on one line: its line breaks (and runs of spaces) as one space."""
    return _SPACE.sub(" ", text or "").strip()


def parse_citation_lines(text: str) -> list[dict]:
    out = []
    for i, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            raise FaqError(
                f"引用第 {i} 行格式不对，应为“[序号] 文件名 起始-结束 ｜ 引文”：{line.strip()[:60]}"
            )
        n, file, start, end, quote = m.groups()
        out.append({"n": int(n), "file": file, "start": int(start), "end": int(end), "quote": quote})
    return out


def verify_citations(kb, citations: list[dict]) -> list[dict]:
    """Each citation checked verbatim against its document at its offsets, completed with title,
    section, article and the document's sha256; raises FaqError naming the first bad one."""
    manifest = kb.docstore.manifest()
    out, seen = [], set()
    for c in citations:
        n, file, start, end = int(c["n"]), str(c["file"]), int(c["start"]), int(c["end"])
        if n in seen:
            raise FaqError(f"引用序号 [{n}] 重复")
        seen.add(n)
        doc = kb.docstore.get(file)
        if doc is None or file not in manifest:
            raise FaqError(f"引用 [{n}]：知识库中没有文档 {file}")
        if not 0 <= start < end <= len(doc.text):
            raise FaqError(
                f"引用 [{n}]：位置 {start}-{end} 超出《{doc.title}》的范围（全文 {len(doc.text)} 字）"
            )
        quote = (c.get("quote") or "").strip()
        actual = doc.text[start:end]
        if quote and _flat(quote) != _flat(actual):
            raise FaqError(
                f"引用 [{n}]：引文与《{doc.title}》第 {start}-{end} 字的原文不一致：原文为“{actual[:80]}”"
            )
        section = next((s for s in doc.sections if s.start <= start < s.end), None)
        chunk = next((ch for ch in doc.chunks if ch.start <= start < ch.end), None)
        out.append(
            {
                "n": n,
                "file": file,
                "title": doc.title,
                "section": section.title if section else "",
                "article": getattr(chunk, "article", "") or "",
                "quote": actual,
                "start": start,
                "end": end,
                "sha256": manifest[file].get("sha256", ""),
            }
        )
    return sorted(out, key=lambda c: c["n"])


# -- storage ---------------------------------------------------------------------------
def save(
    kb, question: str, answer: str, citations, reviewer: str, variants=(), item_id: int | None = None
) -> int:
    """Create (or update ``item_id``) a curated answer after verifying it; returns its id."""
    question, answer, reviewer = (question or "").strip(), (answer or "").strip(), (reviewer or "").strip()
    if not question:
        raise FaqError("请填写问题")
    if not answer:
        raise FaqError("请填写答案")
    if not reviewer:
        raise FaqError("请填写审核人")
    if isinstance(citations, str):
        citations = parse_citation_lines(citations)
    checked = verify_citations(kb, citations)
    numbers = {c["n"] for c in checked}
    missing = sorted({int(n) for n in _MARKER.findall(answer)} - numbers)
    if missing:
        raise FaqError(f"答案中的 {'、'.join(f'[{n}]' for n in missing)} 没有对应的引用")
    if isinstance(variants, str):
        variants = variants.splitlines()
    variants = [v.strip() for v in variants if v and v.strip() and v.strip() != question]
    row = (
        question,
        json.dumps(variants, ensure_ascii=False),
        answer,
        json.dumps(checked, ensure_ascii=False),
    )
    stamp = now()
    with connect(kb.data_dir) as con:
        if item_id:
            cur = con.execute(
                "UPDATE faq SET question=?, variants=?, answer=?, citations=?, reviewed_by=?, reviewed_at=?"
                " WHERE id=?",
                (*row, reviewer, stamp, int(item_id)),
            )
            if cur.rowcount == 0:
                raise FaqError(f"没有编号为 {item_id} 的常见问答")
            return int(item_id)
        cur = con.execute(
            "INSERT INTO faq (question, variants, answer, citations, active, created_at, reviewed_by,"
            " reviewed_at) VALUES (?,?,?,?,1,?,?,?)",
            (*row, stamp, reviewer, stamp),
        )
        return int(cur.lastrowid)


def set_active(kb, item_id: int, active: bool) -> bool:
    """Retire (or bring back) a curated answer; False when there is no such id."""
    with connect(kb.data_dir) as con:
        return con.execute("UPDATE faq SET active=? WHERE id=?", (int(active), int(item_id))).rowcount > 0


def get(kb, item_id: int) -> dict | None:
    with connect(kb.data_dir) as con:
        row = con.execute("SELECT * FROM faq WHERE id=?", (int(item_id),)).fetchone()
    return _with_review(kb, _decoded(row), kb.docstore.manifest()) if row is not None else None


def items(kb, include_retired: bool = True) -> list[dict]:
    """Curated answers, newest first, each with ``review``: why it must be checked ([] when fine)."""
    with connect(kb.data_dir) as con:
        rows = con.execute(
            "SELECT * FROM faq" + ("" if include_retired else " WHERE active=1") + " ORDER BY id DESC"
        ).fetchall()
    manifest = kb.docstore.manifest()  # read once, not once per curated answer
    return [_with_review(kb, _decoded(r), manifest) for r in rows]


def _decoded(row) -> dict:
    out = dict(row)
    out["variants"] = json.loads(out["variants"] or "[]")
    out["citations"] = json.loads(out["citations"] or "[]")
    out["active"] = bool(out["active"])
    return out


# -- review flags ----------------------------------------------------------------------
def review_reasons(kb, item: dict, manifest: dict | None = None) -> list[str]:
    """Why a curated answer may no longer be right: its cited documents deleted, changed or outdated."""
    manifest = kb.docstore.manifest() if manifest is None else manifest
    reasons = []
    for c in item["citations"]:
        entry, doc = manifest.get(c["file"]), kb.docstore.get(c["file"])
        if entry is None or doc is None:
            reasons.append(f"引用 [{c['n']}] 的文档 {c['file']} 已被删除")
        elif c.get("sha256") and entry.get("sha256") != c["sha256"]:
            reasons.append(f"引用 [{c['n']}] 的文档《{doc.title}》已更新，需核对引文")
        elif (getattr(doc, "status", "") or "") in OUTDATED:
            reasons.append(f"引用 [{c['n']}] 的文档《{doc.title}》{doc.status}")
        elif doc.text[c["start"] : c["end"]] != c["quote"]:
            reasons.append(f"引用 [{c['n']}] 的引文在《{doc.title}》中已找不到")
    return reasons


def _with_review(kb, item: dict, manifest: dict) -> dict:
    item["review"] = review_reasons(kb, item, manifest)
    return item
