"""What the app's events do: call the services, render their results. No layout here (see app.web.ui)."""

from __future__ import annotations

import logging

import gradio as gr

from app.kb import KnowledgeBase
from app.services import library, validity
from app.services import pack as pack_service
from app.services import upload as upload_service
from app.services.doc_list import document_page
from app.services.doc_list import facets as doc_facets
from app.services.facets import region_name
from app.web.render import answer_text, chat_html, source_html, source_placeholder, suspects_by_citation
from app.web.render_library import (
    cards_html,
    case_html,
    case_placeholder,
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
CASES_PER_PAGE = 30


def _facet_choices(pairs, everything: str, selected: str = "") -> list[tuple[str, str]]:
    """Dropdown choices with counts; a chosen value the results no longer hold stays, with （0）."""
    choices = [(everything, ALL)] + [(f"{v}（{n}）", v) for v, n in pairs]
    if selected and selected not in {v for v, _ in pairs}:
        choices.append((f"{selected}（0）", selected))
    return choices


def _result_facets(cards, region: str, kind: str, year: str, curated: int = 0):
    """The case facets' choices for the cards shown, counted over them (curated answers as a kind)."""
    from app.services.faq import FAQ_KIND

    found = library.card_facets(cards)
    if curated:
        found["kinds"] = [*found["kinds"], (FAQ_KIND, curated)]
    return (
        gr.update(choices=_facet_choices(found["regions"], "全部地区", region or "")),
        gr.update(choices=_facet_choices(found["kinds"], "全部类型", kind or "")),
        gr.update(choices=_facet_choices(found["years"], "全部年份", str(year or ""))),
    )


def _case_panel(cards, opened: str | None):
    """(case panel, opened id): the panel clears when the case it shows is not among the new results."""
    if not opened or any(c.id == opened for c in cards):
        return gr.skip(), opened
    return case_placeholder(), None


class Handlers:
    """Event handlers bound to one knowledge base."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    # -- chat ----------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        turns: list[dict],
        kind: str,
        region: str,
        all_versions: bool = False,
        request: gr.Request = None,
    ):
        """Stream one answer: yields (question box, turns, chat html, copy text)."""
        from app.services.ask import ask_stream
        from app.services.feedback import identity_of

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
        filters = Filters(kind=kind or None, region=region_name(region))
        try:
            filters = None if filters.empty() else filters
            for event in ask_stream(
                self.kb,
                question,
                history,
                None,
                filters,
                all_versions=bool(all_versions),
                identity=identity_of(request),
            ):
                if event["type"] == "standalone":
                    turn["standalone"] = event["text"]
                elif event["type"] == "curated":
                    turn["curated"] = event["match"]
                elif event["type"] == "delta":
                    turn["text"] += event["text"]
                elif event["type"] == "done":
                    turn["answer"], turn["log_id"] = event["answer"], event.get("log_id")
                    turn["suspects"] = suspects_by_citation(event["answer"].citations, self._flags)
                    turn["generated_titles"] = self._generated(event["answer"].citations)
                yield gr.skip(), turns, chat_html(turns), gr.skip()
        except PolicykbError as e:
            turn["error"] = f"无法回答：{e}"
        except Exception:
            log.exception("ask failed: %s", question)
            turn["error"] = FAILED
        yield gr.skip(), turns, chat_html(turns), answer_text(turn["answer"])

    def _generated(self, citations) -> set[str]:
        """Files among the citations whose titles ingestion made (the document states none)."""
        docs = {c.file: self.kb.docstore.get(c.file) for c in citations}
        return {f for f, d in docs.items() if d is not None and getattr(d, "title_generated", False)}

    def _flags(self, file: str):
        doc = self.kb.docstore.get(file)
        return doc.flags if doc else ()

    def cite(self, turns: list[dict], evt: gr.EventData) -> str:
        """The source panel for marker n of answer ``turn``."""
        data = getattr(evt, "_data", None) or {}
        try:
            if data.get("curated"):
                from app.services.faq_io import as_citation

                item = turns[int(data["turn"])]["curated"].item
                files = {c["n"]: c["file"] for c in item["citations"]}
                citation = as_citation(
                    item, int(data["n"]), self.kb.docstore.get(files.get(int(data["n"]), ""))
                )
            else:
                answer = turns[int(data["turn"])]["answer"]
                citation = next(c for c in answer.citations if c.n == int(data["n"]))
        except (KeyError, IndexError, TypeError, ValueError, StopIteration, AttributeError):
            return source_placeholder()
        doc = self.kb.docstore.get(citation.file)
        if doc is None:
            return source_html(citation, None)
        return source_html(
            citation, doc.text, flags=doc.flags, title_generated=getattr(doc, "title_generated", False)
        )

    @staticmethod
    def suggestion(evt: gr.EventData) -> str:
        return str((getattr(evt, "_data", None) or {}).get("text", ""))

    @staticmethod
    def clear():
        return [], chat_html([]), source_placeholder(), ""

    # -- case library --------------------------------------------------------------------
    def facet_updates(self):
        """Choices of the case facets (region, kind, year) and of the chat's filters (kind, region)."""
        from app.services.faq import FAQ_KIND, items

        cases, everything = library.facets(self.kb), library.facets(self.kb, cases_only=False)
        curated = sum(not i["review"] for i in items(self.kb, include_retired=False))
        if curated:
            cases["kinds"] = [*cases["kinds"], (FAQ_KIND, curated)]
        return (
            gr.update(choices=_facet_choices(cases["regions"], "全部地区")),
            gr.update(choices=_facet_choices(cases["kinds"], "全部类型")),
            gr.update(choices=_facet_choices(cases["years"], "全部年份")),
            gr.update(choices=_facet_choices(everything["kinds"], "全部类型")),
            gr.update(choices=_facet_choices(everything["regions"], "全部地区")),
        )

    def search_cases(self, query: str, region: str, kind: str, year: str, opened: str | None = None):
        """Cases for a query (every case when empty), first page; see ``_case_page``."""
        return self._case_page({"query": query or ""}, region, kind, year, 1, opened)

    def topic(self, topic: str, region: str, kind: str, year: str, opened: str | None = None):
        """Every case matching a topic chip, first page; see ``_case_page``."""
        return self._case_page({"topic": topic}, region, kind, year, 1, opened)

    def case_turn(self, source: dict | None, region: str, kind: str, year: str, page, opened, step: int):
        """The previous or next page of the last case list."""
        if not source:
            return (gr.skip(),) * 8
        return self._case_page(source, region, kind, year, int(page or 1) + step, opened)

    def _case_page(self, source: dict, region: str, kind: str, year: str, page, opened: str | None):
        """(cards, region/kind/year choices counted over all results, case panel, opened id, source, page)."""
        from app.services.faq import FAQ_KIND

        facets = "、".join(x for x in (region, kind, year) if x)
        where = f"（{facets}）" if facets else ""
        year_no = int(year) if year else None
        curated, n_curated = "", 0
        if "query" in source and (kind == FAQ_KIND or not kind):
            curated, n_curated = self.curated_cards(source["query"], kind == FAQ_KIND)
        if kind == FAQ_KIND:
            return (
                curated or cards_html([], f"{FAQ_KIND}：没有匹配的条目"),
                *_result_facets([], region, kind, year, n_curated),
                *_case_panel([], opened),
                source,
                1,
            )
        try:
            if "topic" in source:
                topic = source["topic"]
                cards = library.topic_cases(self.kb, topic, region or None, kind or None, year_no)
                note = f"专题“{topic}”{where}：共 {len(cards)} 个案例，列出全部匹配的案例"
            else:
                query = source["query"]
                cards = library.search_cases(self.kb, query, region or None, kind or None, year_no).cards
                what = f"“{query.strip()}”" if query.strip() else "全部案例"
                note = f"{what}{where}：{len(cards)} 个案例"
        except PolicykbError as e:
            return (message_html(str(e), ok=False), *(gr.skip(),) * 5, source, 1)
        pages = max(1, -(-len(cards) // CASES_PER_PAGE))
        page = min(max(1, int(page or 1)), pages)
        if pages > 1:
            note += f"，第 {page}/{pages} 页"
        shown = cards[(page - 1) * CASES_PER_PAGE : page * CASES_PER_PAGE]
        return (
            (curated if page == 1 else "") + cards_html(shown, note),
            *_result_facets(cards, region, kind, year, n_curated),
            *_case_panel(cards, opened),
            source,
            page,
        )

    def curated_cards(self, query: str, listing: bool) -> tuple[str, int]:
        """Curated answers (常见问答) matching the query, as their own kind of card, and how many."""
        from app.services.faq import FAQ_KIND
        from app.services.faq_match import search
        from app.web.render_admin import faq_cards_html

        if not (query or "").strip() and not listing:
            return "", 0
        items = [
            i for i in search(self.kb, query or "") if not i["review"]
        ]  # flagged: never shown as checked
        return faq_cards_html(items, f"{FAQ_KIND}：{len(items)} 条（已审核）"), len(items)

    def open_case(self, evt: gr.EventData):
        """(case panel, opened case id) for a card's 查看案例全文."""
        data = getattr(evt, "_data", None) or {}
        found = library.case_text(self.kb, str(data.get("file", "")), int(data.get("section", -1)))
        if not found:
            return message_html("找不到这个案例，可能已被删除。", ok=False), None
        card, text = found
        doc = self.kb.docstore.get(card.file)
        return case_html(card, text, doc.flags if doc else ()), card.id

    # -- documents -------------------------------------------------------------------------
    def documents(self):
        """The first page of the whole library: (table, document choices)."""
        table, choices, _ = self.doc_page("", ALL, ALL, ALL, 1)
        return table, choices

    def doc_page(self, query: str, kind: str, region: str, status: str, page):
        """One page of the filtered library: (table, document choices, page number)."""
        found = document_page(self.kb, query or "", kind or "", region or "", status or "", int(page or 1))
        choices = [(f"{d['title']}（{d['file']}）", d["file"]) for d in found.documents]
        filtered = any(((query or "").strip(), kind, region, status))
        if not found.total and filtered:
            table = message_html("没有符合筛选条件的文档。", ok=False)
        else:
            note = f"共 {found.total} 份文档，第 {found.page}/{found.pages} 页"
            table = f'<div class="pkb-label">{note}</div>' + documents_html(found.documents)
        return table, gr.update(choices=choices, value=None), found.page

    def doc_prev(self, query, kind, region, status, page):
        return self.doc_page(query, kind, region, status, int(page or 1) - 1)

    def doc_next(self, query, kind, region, status, page):
        return self.doc_page(query, kind, region, status, int(page or 1) + 1)

    def doc_facets(self):
        """Choices of the library's filters: kind, region, validity."""
        counts = doc_facets(self.kb)
        return (
            gr.update(choices=_facet_choices(counts["kinds"], "全部类型")),
            gr.update(choices=_facet_choices(counts["regions"], "全部地区")),
            gr.update(choices=_facet_choices(counts["statuses"], "全部")),
        )

    def show_document(self, file: str | None) -> str:
        return document_html(library.get_document(self.kb, file) if file else None)

    def upload(self, files, password: str, progress=PROGRESS):
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
        if not paths:
            return (upload_results_html([]), *self.documents(), None)
        try:
            results = upload_service.upload_files(self.kb, paths, password, lambda x, d: progress(x, desc=d))
        except PolicykbError as e:  # another writer kept the knowledge base too long, or the store is taken
            return (message_html(str(e), ok=False), gr.skip(), gr.skip(), gr.skip())
        return (upload_results_html(results), *self.documents(), None)

    def delete(self, file: str | None, confirmed: bool, password: str):
        if not file:
            return (message_html("请先在上方选择要删除的文档。", ok=False), gr.skip(), gr.skip(), gr.skip())
        if not confirmed:
            return (message_html("请勾选“确认删除”后再删除。", ok=False), gr.skip(), gr.skip(), gr.skip())
        try:
            ok, text = upload_service.delete(self.kb, file, password)
        except PolicykbError as e:
            ok, text = False, str(e)
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
