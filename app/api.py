"""The app's gradio_client API: ``ask``, ``search`` and ``docs``, each with one required argument.

Registered with ``gr.api`` inside the Blocks (see app.ui); they return plain JSON-able dicts.
"""

from __future__ import annotations

import gradio as gr

from app import library_service as library
from app.doc_list import document_page
from app.kb import KnowledgeBase
from app.render import answer_text
from index.retrieve import Filters
from ingest.errors import PolicykbError


def make_api(kb: KnowledgeBase):
    """(ask, search, docs) bound to ``kb``; their type hints and defaults define the API."""

    def ask(question: str, kind: str = "", region: str = "", llm: str = "") -> dict:
        """回答一个问题，附带可核实的引用（answer, citations[n, file, title, section, region, date, kind, quote, start, end]）."""
        from app.ask_service import ask as ask_question

        filters = Filters(kind=kind or None, region=region or None)
        try:
            answer = ask_question(kb, question, None, llm or None, None if filters.empty() else filters)
        except PolicykbError as e:
            raise gr.Error(str(e)) from None
        out = answer.to_json()
        for c, item in zip(answer.citations, out["citations"], strict=True):
            item.setdefault("date", c.date)
            item.setdefault("kind", c.kind)
        out["text"] = answer_text(answer)
        return out

    def search(
        query: str, region: str = "", kind: str = "", year: int = 0, topic: str = "", k: int = 10
    ) -> dict:
        """检索案例（按关键词或问题；给出 topic 时列出该专题的全部案例），结果为案例卡片及其在原文中的位置。"""
        try:
            kb.check_query(query or "", "检索词")
            kb.check_query(topic or "", "专题")
        except PolicykbError as e:
            raise gr.Error(str(e)) from None
        if topic:
            cards = library.topic_cases(kb, topic, region or None, kind or None, year or None)
            found = bool(cards)
        else:
            result = library.search_cases(kb, query, region or None, kind or None, year or None, k)
            cards, found = result.cards, result.found
        return {
            "query": query,
            "topic": topic or None,
            "found": found,
            "results": [c.to_json() for c in cards],
        }

    def docs(
        query: str = "", file: str = "", kind: str = "", region: str = "", status: str = "", page: int = 0
    ) -> dict:
        """列出文档（query 按文件名或标题筛选，可按 kind、region、status 筛选；page≥1 时分页，每页 50 份）；给出 file 时返回该文档清洗后的全文。"""
        try:
            kb.check_query(query or "", "筛选词")
        except PolicykbError as e:
            raise gr.Error(str(e)) from None
        if file:
            full = library.get_document(kb, file)
            if full is None:
                raise gr.Error(f"知识库中没有文档 {file}")
            return {"document": full}
        if page or kind or region or status:
            found = document_page(kb, query, kind, region, status, page or 1)
            return {
                "documents": found.documents,
                "total": found.total,
                "page": found.page,
                "pages": found.pages,
            }
        return {"documents": library.list_documents(kb, query)}

    return ask, search, docs
