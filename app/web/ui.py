"""The Gradio app: four tabs laid out here, their logic in app.web.handlers and the services.

Concurrency: answering (which may wait on a slow LLM) runs in its own queue group
("ask", ``ASK_LIMIT`` at a time); searches, topic chips, document views and source panels
run in group "read" with their own workers, so they never wait behind an answer; uploads
and deletes run one at a time ("admin").
"""

from __future__ import annotations

import logging
import threading
import time

import gradio as gr
from starlette.middleware import Middleware

from app.kb import KnowledgeBase
from app.services.upload import ALLOWED_EXTENSIONS, UPLOAD_EXTENSIONS, admin_refusal
from app.services.validity import VALIDITY_CHOICES
from app.settings import Settings
from app.web.admin_api import make_admin_api
from app.web.admin_ui import build_admin_tab
from app.web.api import make_api
from app.web.api_usage import make_usage_api
from app.web.handlers import Handlers
from app.web.locale import ChineseFirst
from app.web.page_js import page_js
from app.web.render import CARDS_JS, CHAT_JS, CSS, chat_html, source_placeholder
from app.web.render_admin import ADMIN_CSS
from app.web.render_feedback import FEEDBACK_CSS, FEEDBACK_JS
from app.web.render_library import case_placeholder, pack_html

log = logging.getLogger(__name__)

ASK_LIMIT = 2
READ_LIMIT = 8
ASK = {"concurrency_id": "ask", "concurrency_limit": ASK_LIMIT, "api_visibility": "private"}
READ = {"concurrency_id": "read", "concurrency_limit": READ_LIMIT, "api_visibility": "private"}
ADMIN = {"concurrency_id": "admin", "concurrency_limit": 1, "api_visibility": "private"}
TITLE = "党建引领基层治理 · 政策知识库"


def build_app(kb: KnowledgeBase) -> gr.Blocks:
    from app.services.library import topics

    h = Handlers(kb)
    settings = kb.settings
    with gr.Blocks(title=TITLE) as app:
        # The API first: it claims the names ask/search/docs before any (private) UI event could.
        api_ask, api_search, api_docs = make_api(kb)
        gr.api(api_ask, api_name="ask", concurrency_id="ask", concurrency_limit=ASK_LIMIT)
        gr.api(api_search, api_name="search", concurrency_id="read", concurrency_limit=READ_LIMIT)
        gr.api(api_docs, api_name="docs", concurrency_id="read", concurrency_limit=READ_LIMIT)
        api_feedback, api_faq = make_usage_api(kb)
        gr.api(api_feedback, api_name="feedback", concurrency_id="read", concurrency_limit=READ_LIMIT)
        gr.api(api_faq, api_name="faq", concurrency_id="read", concurrency_limit=READ_LIMIT)
        api_upload, api_delete = make_admin_api(kb)
        gr.api(api_upload, api_name="upload", concurrency_id="admin", concurrency_limit=1)
        gr.api(api_delete, api_name="delete", concurrency_id="admin", concurrency_limit=1)
        gr.Markdown(f"## {TITLE}\n面向社区干部与培训讲师：问答有出处，案例可检索，素材能导出。")
        with gr.Tabs():
            with gr.Tab("智能问答", id="chat"):
                turns = gr.State([])
                with gr.Row():
                    with gr.Column(scale=3):
                        chat = gr.HTML(
                            chat_html([]), js_on_load=CHAT_JS + FEEDBACK_JS, elem_id="pkb-chat", padding=True
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                label="问题",
                                placeholder="例如：网格员需要提升哪些能力？",
                                scale=5,
                                elem_id="pkb-question",
                            )
                            send = gr.Button("提问", variant="primary", scale=1, elem_id="pkb-send")
                        with gr.Row():
                            ask_kind = gr.Dropdown([("全部类型", "")], value="", label="限定类型", scale=1)
                            ask_region = gr.Dropdown([("全部地区", "")], value="", label="限定地区", scale=1)
                            ask_old = gr.Checkbox(
                                label="包含旧版本", value=False, scale=0, elem_id="pkb-all-versions"
                            )
                            clear = gr.Button("新对话", scale=0)
                        with gr.Accordion("复制答案（含引用）", open=False):
                            copy = gr.Textbox(label="答案与出处（点右上角按钮复制）", lines=8, interactive=False,
                                              buttons=["copy"], elem_id="pkb-copy")  # fmt: skip
                    with gr.Column(scale=2, elem_id="pkb-source-col", elem_classes=["pkb-side"]):
                        gr.Markdown("#### 原文出处")
                        source = gr.HTML(source_placeholder(), elem_id="pkb-source", padding=True)

            with gr.Tab("案例检索", id="cases"):
                opened = gr.State(None)  # the case shown in the side panel (file#section)
                with gr.Row():
                    query = gr.Textbox(label="关键词或问题", placeholder="例如：业委会、志愿服务积分", scale=4,
                                       elem_id="pkb-case-query")  # fmt: skip
                    search = gr.Button("检索案例", variant="primary", scale=1, elem_id="pkb-case-search")
                with gr.Row():
                    region = gr.Dropdown(
                        [("全部地区", "")], value="", label="地区", elem_id="pkb-facet-region"
                    )
                    kind = gr.Dropdown([("全部类型", "")], value="", label="类型", elem_id="pkb-facet-kind")
                    year = gr.Dropdown([("全部年份", "")], value="", label="年份", elem_id="pkb-facet-year")
                gr.Markdown("**按专题浏览**（列出每个专题的全部匹配案例）")
                with gr.Row(elem_id="pkb-topics"):
                    chips = [gr.Button(t, size="sm", variant="secondary", min_width=80) for t in topics()]
                with gr.Row():
                    with gr.Column(scale=3):
                        cards = gr.HTML("", js_on_load=CARDS_JS, elem_id="pkb-cards", padding=True)
                        case_source = gr.State(None)
                        with gr.Row():
                            case_prev = gr.Button("上一页", size="sm", scale=0, elem_id="pkb-case-prev")
                            case_page = gr.Number(1, label="页码", precision=0, minimum=1, scale=0,
                                                  interactive=False, elem_id="pkb-case-page")  # fmt: skip
                            case_next = gr.Button("下一页", size="sm", scale=0, elem_id="pkb-case-next")
                    with gr.Column(scale=2, elem_id="pkb-case-col", elem_classes=["pkb-side"]):
                        case = gr.HTML(case_placeholder(), elem_id="pkb-case", padding=True)

            with gr.Tab("文档库", id="docs"):
                with gr.Row():
                    doc_query = gr.Textbox(
                        label="标题或文件名", placeholder="回车筛选", scale=3, elem_id="pkb-doc-query"
                    )
                    doc_kind = gr.Dropdown([("全部类型", "")], value="", label="类型", elem_id="pkb-doc-kind")
                    doc_region = gr.Dropdown([("全部地区", "")], value="", label="地区", allow_custom_value=True,
                                             elem_id="pkb-doc-region")  # fmt: skip
                    doc_status = gr.Dropdown([("全部", "")], value="", label="效力", elem_id="pkb-doc-status")
                with gr.Row():
                    doc_prev = gr.Button("上一页", size="sm", scale=0, elem_id="pkb-doc-prev")
                    doc_page = gr.Number(
                        1, label="页码", precision=0, minimum=1, scale=0, elem_id="pkb-doc-page"
                    )
                    doc_next = gr.Button("下一页", size="sm", scale=0, elem_id="pkb-doc-next")
                table = gr.HTML("", elem_id="pkb-doc-table")
                doc = gr.Dropdown([], label="选择文档查看全文", elem_id="pkb-doc-select")
                doc_view = gr.HTML("", elem_id="pkb-doc-view", padding=True)
                refusal = admin_refusal(settings, None) if not settings.admin_password else None
                with gr.Accordion("上传与删除（管理员）", open=True):
                    gr.Markdown(
                        refusal
                        or f"支持 {'、'.join(e.lstrip('.') for e in ALLOWED_EXTENSIONS)}，单个文件不超过 "
                        f"{settings.max_upload_mb:g} MB；也可上传这些文件的 zip 压缩包（不超过 "
                        f"{settings.max_zip_mb:g} MB、{settings.max_zip_files} 个文件）批量导入。"
                        "上传后自动清洗、切分并入库，逐个文件报告结果。"
                    )
                    password = gr.Textbox(label="管理员密码", type="password", visible=bool(settings.admin_password),
                                          elem_id="pkb-password")  # fmt: skip
                    files = gr.File(label="选择文件", file_count="multiple", file_types=list(UPLOAD_EXTENSIONS),
                                    interactive=refusal is None, elem_id="pkb-upload")  # fmt: skip
                    upload = gr.Button("上传并入库", variant="primary", interactive=refusal is None,
                                       elem_id="pkb-upload-btn")  # fmt: skip
                    upload_result = gr.HTML("", elem_id="pkb-upload-result")
                    with gr.Row():
                        confirm = gr.Checkbox(label="确认删除所选文档", value=False, elem_id="pkb-confirm")
                        remove = gr.Button("删除所选文档", variant="stop", interactive=refusal is None,
                                           elem_id="pkb-delete")  # fmt: skip
                    delete_result = gr.HTML("", elem_id="pkb-delete-result")
                    with gr.Row():
                        validity = gr.Dropdown(list(VALIDITY_CHOICES), value=VALIDITY_CHOICES[0], label="所选文档的效力",
                                               interactive=refusal is None, elem_id="pkb-validity")  # fmt: skip
                        set_validity = gr.Button(
                            "设定效力", interactive=refusal is None, elem_id="pkb-validity-btn"
                        )
                    validity_result = gr.HTML("", elem_id="pkb-validity-result")

            with gr.Tab("备课素材", id="pack"):
                pack = gr.State(None)
                with gr.Row():
                    pack_topic = gr.Dropdown(topics(), value=None, allow_custom_value=True, label="专题或问题",
                                             scale=4, elem_id="pkb-pack-topic")  # fmt: skip
                    build = gr.Button("生成备课素材", variant="primary", scale=1, elem_id="pkb-pack-build")
                items = gr.CheckboxGroup([], label="保留的条目（取消勾选即不导出）", elem_id="pkb-pack-items")
                export = gr.Button("导出 Word 和 Markdown", elem_id="pkb-pack-export")
                export_note = gr.HTML("", elem_id="pkb-pack-note")
                downloads = gr.File(
                    label="下载", file_count="multiple", interactive=False, elem_id="pkb-pack-files"
                )
                preview = gr.HTML(pack_html(None), elem_id="pkb-pack-preview", padding=True)

            curated_changes = build_admin_tab(kb, chat, turns)

        # chat
        ask_io = dict(
            inputs=[question, turns, ask_kind, ask_region, ask_old], outputs=[question, turns, chat, copy]
        )
        send.click(h.ask, **ask_io, **ASK)
        question.submit(h.ask, **ask_io, **ASK)
        chat.cite(h.cite, inputs=[turns], outputs=[source], **READ)
        chat.suggest(h.suggestion, None, question, **READ).then(h.ask, **ask_io, **ASK)
        clear.click(h.clear, None, [turns, chat, source, copy], **READ)
        # cases
        # facets counted over the shown results; the case panel clears when its case leaves them
        results = [cards, region, kind, year, case, opened, case_source, case_page]
        case_io = dict(inputs=[query, region, kind, year, opened], outputs=results)
        search.click(h.search_cases, **case_io, **READ)
        query.submit(h.search_cases, **case_io, **READ)
        for facet in (region, kind, year):
            facet.input(h.search_cases, **case_io, **READ)
        for chip in chips:
            chip.click(h.topic, [chip, region, kind, year, opened], results, **READ)
        turn_inputs = [case_source, region, kind, year, case_page, opened]
        case_prev.click(lambda *a: h.case_turn(*a, -1), turn_inputs, results, **READ)
        case_next.click(lambda *a: h.case_turn(*a, 1), turn_inputs, results, **READ)
        cards.open(h.open_case, None, [case, opened], **READ)
        # documents
        doc.change(h.show_document, doc, doc_view, **READ)
        doc_filters = [doc_query, doc_kind, doc_region, doc_status]
        page_io = dict(inputs=[*doc_filters, doc_page], outputs=[table, doc, doc_page])
        first_page = dict(inputs=[*doc_filters, gr.State(1)], outputs=[table, doc, doc_page])
        doc_query.submit(h.doc_page, **first_page, **READ)
        for facet in (doc_kind, doc_region, doc_status):
            facet.input(h.doc_page, **first_page, **READ)
        doc_page.submit(h.doc_page, **page_io, **READ)
        doc_prev.click(h.doc_prev, **page_io, **READ)
        doc_next.click(h.doc_next, **page_io, **READ)
        facet_outputs = [region, kind, year, ask_kind, ask_region]
        upload.click(h.upload, [files, password], [upload_result, table, doc, files], **ADMIN).then(
            h.facet_updates, None, facet_outputs, **READ
        )
        remove.click(h.delete, [doc, confirm, password], [delete_result, table, doc, confirm], **ADMIN).then(
            h.facet_updates, None, facet_outputs, **READ
        )
        set_validity.click(
            h.set_validity, [doc, validity, password], [validity_result, table, doc_view], **ADMIN
        )
        for change in curated_changes:
            change.then(h.facet_updates, None, facet_outputs, **READ)
        # trainer pack
        build.click(h.build_pack, pack_topic, [pack, preview, items, downloads], **ASK)
        export.click(h.export_pack, [pack, items], [downloads, export_note], **READ)
        # page load: current facets and documents
        app.load(h.facet_updates, None, facet_outputs, **READ)
        app.load(h.documents, None, [table, doc], **READ)
        app.load(h.doc_facets, None, [doc_kind, doc_region, doc_status], **READ)

    return app


def launch(app: gr.Blocks, settings: Settings, block: bool = True):
    """Queue and serve on settings.host:settings.port; returns (fastapi app, local url).

    Gradio's own start-up lines are English, so it runs quiet and the address is printed here.
    """
    exports = (settings.data_dir / "exports").resolve()
    exports.mkdir(parents=True, exist_ok=True)
    app.queue(default_concurrency_limit=READ_LIMIT)
    server, url, _ = app.launch(
        server_name=settings.host,
        server_port=settings.port,
        prevent_thread_lock=True,
        allowed_paths=[str(exports)],
        # the service gives the exact limit in Chinese
        max_file_size=int(max(settings.max_upload_mb * 2, settings.max_zip_mb) * 1_000_000),
        footer_links=["api"],
        show_error=False,
        quiet=True,
        css=CSS + FEEDBACK_CSS + ADMIN_CSS,
        js=page_js(),
        theme=gr.themes.Soft(primary_hue="red"),
        app_kwargs={"middleware": [Middleware(ChineseFirst)]},
    )
    if block:
        print(f"政策知识库网页应用已启动：{url}（按 Ctrl+C 停止）", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            app.close(verbose=False)
            print("网页应用已停止。", flush=True)
    return server, url


def _warm_up(kb: KnowledgeBase) -> None:
    """Load the indexes and models in the background so the first question is not the slow one."""
    try:
        kb.search("党建引领基层治理", 1)
        from app.services.library import topic_terms

        topic_terms("网格化管理")
    except Exception:  # the first real request reports any problem properly
        log.exception("warm-up failed")


def serve(settings: Settings) -> None:
    """``policykb serve``: the app on settings.host:settings.port (127.0.0.1:7860 by default)."""
    kb = KnowledgeBase(settings)
    kb.watch(settings.watch_seconds)  # changes committed by other processes show without a restart
    threading.Thread(target=_warm_up, args=(kb,), daemon=True).start()
    launch(build_app(kb), settings, block=True)
