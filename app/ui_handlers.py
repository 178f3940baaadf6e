"""What the app's events do: call the services, render their results. No layout here (see app.ui)."""

from __future__ import annotations

import logging

import gradio as gr

from app import library_service as library
from app import pack_service, upload_service, validity
from app.kb import KnowledgeBase
from app.render import answer_text, chat_html, source_html, source_placeholder
from app.render_library import (
    cards_html,
    case_html,
    document_html,
    documents_html,
    message_html,
    pack_html,
    upload_results_html,
)
from index.retrieve import Filters
from ingest.errors import PolicykbError

log = logging.getLogger(__name__)

ALL = ""  # the "any" value of a facet dropdown
PROGRESS = gr.Progress()  # gradio injects a live tracker where a handler's default is a Progress
FAILED = "出错了，请稍后再试（详细信息见服务器日志）"


def _facet_choices(pairs, everything: str) -> list[tuple[str, str]]:
    return [(everything, ALL)] + [(f"{v}（{n}）", v) for v, n in pairs]


class Handlers:
    """Event handlers bound to one knowledge base."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    # -- chat ----------------------------------------------------------------------------
    def ask(self, question: str, turns: list[dict], kind: str, region: str, all_versions: bool = False):
        """Stream one answer: yields (question box, turns, chat html, copy text)."""
        from app.ask_service import ask_stream

        question = (question or "").strip()
        turns = list(turns or [])
        if not question:
            yield gr.skip(), turns, chat_html(turns), gr.skip()
            return
        history = [
            (role, text)
            for t in turns
            if t.get("answer") is not None
            for role, text in (("user", t["question"]), ("assistant", t["answer"].answer))
        ]
        turn = {"question": question, "standalone": None, "text": "", "answer": None, "error": None}
        turns.append(turn)
        yield "", turns, chat_html(turns), ""
        filters = Filters(kind=kind or None, region=region or None)
        try:
            for event in ask_stream(
                self.kb,
                question,
                history,
                None,
                None if filters.empty() else filters,
                all_versions=bool(all_versions),
            ):
                if event["type"] == "standalone":
                    turn["standalone"] = event["text"]
                elif event["type"] == "delta":
                    turn["text"] += event["text"]
                elif event["type"] == "done":
                    turn["answer"] = event["answer"]
                yield gr.skip(), turns, chat_html(turns), gr.skip()
        except PolicykbError as e:
            turn["error"] = f"无法回答：{e}"
        except Exception:
            log.exception("ask failed: %s", question)
            turn["error"] = FAILED
        yield gr.skip(), turns, chat_html(turns), answer_text(turn["answer"])

    def cite(self, turns: list[dict], evt: gr.EventData) -> str:
        """The source panel for marker n of answer ``turn``."""
        data = getattr(evt, "_data", None) or {}
        try:
            answer = turns[int(data["turn"])]["answer"]
            citation = next(c for c in answer.citations if c.n == int(data["n"]))
        except (KeyError, IndexError, TypeError, ValueError, StopIteration, AttributeError):
            return source_placeholder()
        doc = self.kb.docstore.get(citation.file)
        return source_html(citation, doc.text if doc else None)

    @staticmethod
    def suggestion(evt: gr.EventData) -> str:
        return str((getattr(evt, "_data", None) or {}).get("text", ""))

    @staticmethod
    def clear():
        return [], chat_html([]), source_placeholder(), ""

    # -- case library --------------------------------------------------------------------
    def facet_updates(self):
        """Choices of the case facets (region, kind, year) and of the chat's filters (kind, region)."""
        cases, everything = library.facets(self.kb), library.facets(self.kb, cases_only=False)
        return (
            gr.update(choices=_facet_choices(cases["regions"], "全部地区")),
            gr.update(choices=_facet_choices(cases["kinds"], "全部类型")),
            gr.update(choices=_facet_choices(cases["years"], "全部年份")),
            gr.update(choices=_facet_choices(everything["kinds"], "全部类型")),
            gr.update(choices=_facet_choices(everything["regions"], "全部地区")),
        )

    def search_cases(self, query: str, region: str, kind: str, year: str) -> str:
        result = library.search_cases(
            self.kb, query or "", region or None, kind or None, int(year) if year else None
        )
        what = f"“{query.strip()}”" if (query or "").strip() else "全部案例"
        facets = "、".join(x for x in (region, kind, year) if x)
        note = f"{what}{'（' + facets + '）' if facets else ''}：{len(result.cards)} 个案例"
        return cards_html(result.cards, note)

    def topic(self, topic: str, region: str, kind: str, year: str) -> str:
        cards = library.topic_cases(self.kb, topic, region or None, kind or None, int(year) if year else None)
        facets = "、".join(x for x in (region, kind, year) if x)
        where = f"（{facets}）" if facets else ""
        return cards_html(cards, f"专题“{topic}”{where}：共 {len(cards)} 个案例，列出全部匹配的案例")

    def open_case(self, evt: gr.EventData) -> str:
        data = getattr(evt, "_data", None) or {}
        found = library.case_text(self.kb, str(data.get("file", "")), int(data.get("section", -1)))
        return case_html(*found) if found else message_html("找不到这个案例，可能已被删除。", ok=False)

    # -- documents -------------------------------------------------------------------------
    def documents(self):
        docs = library.list_documents(self.kb)
        choices = [(f"{d['title']}（{d['file']}）", d["file"]) for d in docs]
        return documents_html(docs), gr.update(choices=choices, value=None)

    def show_document(self, file: str | None) -> str:
        return document_html(library.get_document(self.kb, file) if file else None)

    def upload(self, files, password: str, progress=PROGRESS):
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
        if not paths:
            return (upload_results_html([]), *self.documents(), None)
        results = upload_service.upload_files(self.kb, paths, password, lambda x, d: progress(x, desc=d))
        return (upload_results_html(results), *self.documents(), None)

    def delete(self, file: str | None, confirmed: bool, password: str):
        if not file:
            return (message_html("请先在上方选择要删除的文档。", ok=False), gr.skip(), gr.skip(), gr.skip())
        if not confirmed:
            return (message_html("请勾选“确认删除”后再删除。", ok=False), gr.skip(), gr.skip(), gr.skip())
        ok, text = upload_service.delete(self.kb, file, password)
        if not ok:
            return (message_html(text, ok=False), gr.skip(), gr.skip(), gr.skip())
        return (message_html(text), *self.documents(), False)

    def set_validity(self, file: str | None, status: str, password: str):
        if not file:
            return message_html("请先在上方选择文档。", ok=False), gr.skip(), gr.skip()
        refusal = upload_service.admin_refusal(self.kb.settings, password)
        if refusal:
            return message_html(refusal, ok=False), gr.skip(), gr.skip()
        ok, text = validity.set_validity(self.kb, file, status)
        if not ok:
            return message_html(text, ok=False), gr.skip(), gr.skip()
        return message_html(text), self.documents()[0], self.show_document(file)

    # -- trainer pack --------------------------------------------------------------------
    def build_pack(self, topic: str | None):
        topic = (topic or "").strip()
        if not topic:
            return None, pack_html(None), gr.update(choices=[], value=[]), None
        try:
            pack = pack_service.build_pack(self.kb, topic)
        except PolicykbError as e:
            return None, message_html(f"无法生成：{e}", ok=False), gr.update(choices=[], value=[]), None
        return pack, pack_html(pack), gr.update(choices=pack.labels(), value=pack.item_ids()), None

    def export_pack(self, pack, keep: list[str]):
        if pack is None:
            return None, message_html("请先生成备课素材。", ok=False)
        exclude = set(pack.item_ids()) - set(keep or [])
        docx_path, md_path = pack_service.export_pack(pack, self.kb.settings.data_dir / "exports", exclude)
        kept = len(pack.item_ids()) - len(exclude)
        return [str(docx_path), str(md_path)], message_html(
            f"已导出 {kept} 项：{docx_path.name} 与 {md_path.name}"
        )
