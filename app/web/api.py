"""The app's gradio_client API: ``ask``, ``search`` and ``docs``, each with one required argument.

Registered with ``gr.api`` inside the Blocks (see app.web.ui); they return plain JSON-able dicts.
"""

from __future__ import annotations

import gradio as gr

from app.kb import KnowledgeBase
from app.services import library
from app.services.doc_list import PER_PAGE, document_page, summaries
from app.services.views import answer_json, matches_document
from app.web.api_usage import curated_json
from app.web.render import answer_text
from index.keyword import normalise_query
from index.retrieve import Filters
from ingest.errors import PolicykbError


def make_api(kb: KnowledgeBase):
    """(ask, search, docs) bound to ``kb``; their type hints and defaults define the API."""

    def ask(question: str, kind: str = "", region: str = "", llm: str = "") -> dict:
        """回答一个问题，附带可核实的引用（answer, citations[n, file, title, section, region, date, kind, quote, start, end]）."""
        from app.services.ask import ask as ask_question

        filters = Filters(kind=kind or None, region=region or None)
        done: dict = {}
        try:
            answer = ask_question(
                kb, question, None, llm or None, None if filters.empty() else filters, done=done
            )
        except PolicykbError as e:
            raise gr.Error(str(e)) from None
        out = answer_json(answer)
        out["question_id"] = done.get("log_id")  # for the feedback endpoint
        out["curated"] = curated_json(done.get("curated"))
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
        """列出文档：query 为检索词（多个词用空格分开），只列出文件名、标题或正文含全部检索词的文档；可按 kind、region、status 筛选；page≥1 时分页，每页 50 份；给出 file 时返回该文档清洗后的全文。"""
        try:
            kb.check_query(query or "", "检索词")
        except PolicykbError as e:
            raise gr.Error(str(e)) from None
        if file:
            full = library.get_document(kb, file)
            if full is None:
                raise gr.Error(f"知识库中没有文档 {file}")
            return {"document": full}
        query = (query or "").strip()
        normalised = normalise_query(query).strip()
        listed = document_page(kb, "", kind, region, status, 1, max(1, len(summaries(kb)))).documents
        if query:
            listed = [d for d in listed if matches_document(kb.docstore.get(d["file"]), query, normalised)]
        if not page:
            return {"documents": listed}
        pages = max(1, -(-len(listed) // PER_PAGE))
        page = min(max(1, int(page)), pages)
        return {
            "documents": listed[(page - 1) * PER_PAGE : page * PER_PAGE],
            "total": len(listed),
            "page": page,
            "pages": pages,
        }

    return ask, search, docs
