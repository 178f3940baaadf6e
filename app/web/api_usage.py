"""The API of the learning loop: ``feedback`` (rate an answer by its question_id) and ``faq`` (list)."""

from __future__ import annotations

import gradio as gr

from app.kb import KnowledgeBase
from app.services import faq as faq_service
from app.services import faq_match
from app.services import feedback as fb


def curated_json(match) -> dict | None:
    """A curated answer as the ask API returns it; a flagged one only says why it is held back."""
    if match is None:
        return None
    item = match.item
    if match.review:
        return {"id": item["id"], "held_for_review": match.review}
    return {
        "id": item["id"],
        "question": item["question"],
        "answer": item["answer"],
        "citations": item["citations"],
        "reviewed_by": item["reviewed_by"],
        "reviewed_at": item["reviewed_at"],
        "cosine": match.cosine,
    }


def make_usage_api(kb: KnowledgeBase):
    """(feedback, faq) bound to ``kb``."""

    def feedback(question_id: int, useful: bool = True, reason: str = "", comment: str = "") -> dict:
        """评价一个回答：question_id 为 ask 返回的编号；没用时 reason 取 没找到、引用不对、答非所问、过时 之一。"""
        try:
            rating = fb.record_feedback(kb.data_dir, int(question_id), bool(useful), reason, comment)
        except ValueError as e:
            raise gr.Error(str(e)) from None
        return {"id": rating, "question_id": int(question_id), "useful": bool(useful)}

    def faq(query: str = "") -> dict:
        """列出启用的常见问答（query 按文字筛选），每条带引用与待复核原因（review 非空时不会作为回答提供）。"""
        found = faq_match.search(kb, query) if query.strip() else faq_service.items(kb, include_retired=False)
        keys = ("id", "question", "variants", "answer", "citations", "reviewed_by", "reviewed_at", "review")
        return {"query": query, "items": [{k: item[k] for k in keys} for item in found]}

    return feedback, faq
