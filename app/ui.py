"""The Gradio app: four tabs laid out here, their logic in app.ui_handlers and the services.

Concurrency: answering (which may wait on a slow LLM) runs in its own queue group
("ask", ``ASK_LIMIT`` at a time); searches, topic chips, document views and source panels
run in group "read" with their own workers, so they never wait behind an answer; uploads
and deletes run one at a time ("admin").
"""

from __future__ import annotations

import logging
import threading

import gradio as gr

from app.api import make_api
from app.kb import KnowledgeBase
from app.render import CARDS_JS, CHAT_JS, CSS, chat_html, source_placeholder
from app.render_library import case_placeholder, pack_html
from app.settings import Settings
from app.ui_handlers import Handlers
from app.upload_service import ALLOWED_EXTENSIONS, admin_refusal
from app.validity import VALIDITY_CHOICES

log = logging.getLogger(__name__)

ASK_LIMIT = 2
READ_LIMIT = 8
ASK = {"concurrency_id": "ask", "concurrency_limit": ASK_LIMIT, "api_visibility": "private"}
READ = {"concurrency_id": "read", "concurrency_limit": READ_LIMIT, "api_visibility": "private"}
ADMIN = {"concurrency_id": "admin", "concurrency_limit": 1, "api_visibility": "private"}
TITLE = "党建引领基层治理 · 政策知识库"


def build_app(kb: KnowledgeBase) -> gr.Blocks:
    from app.library_service import topics

    h = Handlers(kb)
    settings = kb.settings
    with gr.Blocks(title=TITLE) as app:
        # The API first: it claims the names ask/search/docs before any (private) UI event could.
        api_ask, api_search, api_docs = make_api(kb)
        gr.api(api_ask, api_name="ask", concurrency_id="ask", concurrency_limit=ASK_LIMIT)
        gr.api(api_search, api_name="search", concurrency_id="read", concurrency_limit=READ_LIMIT)
        gr.api(api_docs, api_name="docs", concurrency_id="read", concurrency_limit=READ_LIMIT)
        gr.Markdown(f"## {TITLE}\n面向社区干部与培训讲师：问答有出处，案例可检索，素材能导出。")
        with gr.Tabs():
            with gr.Tab("智能问答", id="chat"):
                turns = gr.State([])
                with gr.Row():
                    with gr.Column(scale=3):
                        chat = gr.HTML(chat_html([]), js_on_load=CHAT_JS, elem_id="pkb-chat", padding=True)
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
                    with gr.Column(scale=2):
                        gr.Markdown("#### 原文出处")
                        source = gr.HTML(source_placeholder(), elem_id="pkb-source", padding=True)

            with gr.Tab("案例检索", id="cases"):
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
                    with gr.Column(scale=2):
                        case = gr.HTML(case_placeholder(), elem_id="pkb-case", padding=True)

            with gr.Tab("文档库", id="docs"):
                table = gr.HTML("", elem_id="pkb-doc-table")
                doc = gr.Dropdown([], label="选择文档查看全文", elem_id="pkb-doc-select")
                doc_view = gr.HTML("", elem_id="pkb-doc-view", padding=True)
                refusal = admin_refusal(settings, None) if not settings.admin_password else None
                with gr.Accordion("上传与删除（管理员）", open=True):
                    gr.Markdown(
                        refusal
                        or f"支持 {'、'.join(e.lstrip('.') for e in ALLOWED_EXTENSIONS)}，单个文件不超过 "
                        f"{settings.max_upload_mb:g} MB；上传后自动清洗、切分并入库。"
                    )
                    password = gr.Textbox(label="管理员密码", type="password", visible=bool(settings.admin_password),
                                          elem_id="pkb-password")  # fmt: skip
                    files = gr.File(label="选择文件", file_count="multiple", file_types=list(ALLOWED_EXTENSIONS),
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
        case_io = dict(inputs=[query, region, kind, year], outputs=[cards])
        search.click(h.search_cases, **case_io, **READ)
        query.submit(h.search_cases, **case_io, **READ)
        for facet in (region, kind, year):
            facet.input(h.search_cases, **case_io, **READ)
        for chip in chips:
            chip.click(h.topic, [chip, region, kind, year], cards, **READ)
        cards.open(h.open_case, None, case, **READ)
        # documents
        doc.change(h.show_document, doc, doc_view, **READ)
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
        # trainer pack
        build.click(h.build_pack, pack_topic, [pack, preview, items, downloads], **ASK)
        export.click(h.export_pack, [pack, items], [downloads, export_note], **READ)
        # page load: current facets and documents
        app.load(h.facet_updates, None, facet_outputs, **READ)
        app.load(h.documents, None, [table, doc], **READ)

    return app


def launch(app: gr.Blocks, settings: Settings, block: bool = True):
    """Queue and serve on settings.host:settings.port; returns (fastapi app, local url)."""
    exports = (settings.data_dir / "exports").resolve()
    exports.mkdir(parents=True, exist_ok=True)
    app.queue(default_concurrency_limit=READ_LIMIT)
    server, url, _ = app.launch(
        server_name=settings.host,
        server_port=settings.port,
        prevent_thread_lock=not block,
        allowed_paths=[str(exports)],
        max_file_size=int(settings.max_upload_mb * 2_000_000),  # the service gives the exact limit in Chinese
        footer_links=["api"],
        show_error=False,
        quiet=not block,
        css=CSS,
        theme=gr.themes.Soft(primary_hue="red"),
    )
    return server, url


def _warm_up(kb: KnowledgeBase) -> None:
    """Load the indexes and models in the background so the first question is not the slow one."""
    try:
        kb.search("党建引领基层治理", 1)
        from app.library_service import topic_terms

        topic_terms("网格化管理")
    except Exception:  # the first real request reports any problem properly
        log.exception("warm-up failed")


def serve(settings: Settings) -> None:
    """``policykb serve``: the app on settings.host:settings.port (127.0.0.1:7860 by default)."""
    kb = KnowledgeBase(settings)
    threading.Thread(target=_warm_up, args=(kb,), daemon=True).start()
    launch(build_app(kb), settings, block=True)
