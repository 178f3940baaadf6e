"""The 管理 tab (administrators only: the same rule as uploads) and the chat's rating event."""

from __future__ import annotations

import gradio as gr

from app.kb import KnowledgeBase
from app.services.feedback import REASONS
from app.services.upload import admin_refusal
from app.web.admin_handlers import AdminHandlers

READ = {"concurrency_id": "read", "api_visibility": "private"}
ADMIN = {"concurrency_id": "admin", "concurrency_limit": 1, "api_visibility": "private"}


def build_admin_tab(kb: KnowledgeBase, chat: gr.HTML, turns: gr.State) -> list:
    """Lay out the tab inside the app's gr.Tabs and wire its events and the chat's ``feedback``;
    returns the events that change the curated answers (the case facets list them as a kind)."""
    h = AdminHandlers(kb)
    settings = kb.settings
    chat.feedback(h.feedback, inputs=[turns], outputs=[turns, chat], **READ)
    refusal = admin_refusal(settings, None) if not settings.admin_password else None
    with gr.Tab("管理", id="admin") as tab:
        gr.Markdown(refusal or "提问记录、未找到答案的问题、被评为“没用”的回答，以及常见问答的维护。")
        password = gr.Textbox(label="管理员密码", type="password", visible=bool(settings.admin_password),
                              elem_id="pkb-admin-password")  # fmt: skip
        with gr.Row():
            since = gr.Textbox(label="起始日期", placeholder="YYYY-MM-DD", elem_id="pkb-admin-since")
            until = gr.Textbox(label="截止日期", placeholder="YYYY-MM-DD", elem_id="pkb-admin-until")
            reason = gr.Dropdown([("全部原因", "")] + [(r, r) for r in REASONS], value="", label="“没用”的原因",
                                 elem_id="pkb-admin-reason")  # fmt: skip
        with gr.Row():
            refresh = gr.Button("刷新", variant="primary", elem_id="pkb-admin-refresh")
            export = gr.Button("导出 Excel 和 CSV", elem_id="pkb-admin-export")
        export_note = gr.HTML("", elem_id="pkb-admin-note")
        files = gr.File(
            label="下载", file_count="multiple", interactive=False, height=90, elem_id="pkb-admin-files"
        )
        report = gr.HTML("", elem_id="pkb-admin-report", padding=True)

        gr.Markdown("### 常见问答（已审核的回答）")
        with gr.Row():
            source = gr.Dropdown([], label="从提问记录中选一条回答来制作", elem_id="pkb-faq-source")
            pick = gr.Dropdown([], label="或编辑已有的常见问答", elem_id="pkb-faq-pick")
            new = gr.Button("新建", scale=0)
        item_id = gr.State(None)
        question = gr.Textbox(label="问题", elem_id="pkb-faq-question")
        variants = gr.Textbox(label="相似问法（每行一个，可不填）", lines=2, elem_id="pkb-faq-variants")
        answer = gr.Textbox(label="答案（[n] 对应下方的引用）", lines=5, elem_id="pkb-faq-answer")
        citations = gr.Textbox(
            label="引用（每行：[序号] 文件名 起始-结束 ｜ 引文；保存时逐条与原文核对）", lines=4,
            elem_id="pkb-faq-citations",
        )  # fmt: skip
        reviewer = gr.Textbox(label="审核人", elem_id="pkb-faq-reviewer")
        with gr.Row():
            save = gr.Button("保存常见问答", variant="primary", elem_id="pkb-faq-save")
            retire = gr.Button("停用", variant="stop", elem_id="pkb-faq-retire")
        faq_note = gr.HTML("", elem_id="pkb-faq-note")
        faq_list = gr.HTML("", elem_id="pkb-faq-list")
        with gr.Row():
            faq_export = gr.Button("导出常见问答 (.xlsx)", elem_id="pkb-faq-export")
            faq_file = gr.File(
                label="导入常见问答 (.xlsx)", file_types=[".xlsx", ".csv"], elem_id="pkb-faq-file"
            )
            faq_import = gr.Button("导入", elem_id="pkb-faq-import")
        faq_files = gr.File(
            label="下载", file_count="multiple", interactive=False, height=90, elem_id="pkb-faq-files"
        )

    filters = [password, since, until, reason]
    views = [report, source, pick, faq_list]
    tab.select(h.refresh, filters, views, **READ)
    refresh.click(h.refresh, filters, views, **READ)
    export.click(h.export, filters, [files, export_note], **READ)
    editor = [item_id, question, variants, answer, citations]
    source.input(h.from_log, [password, source], editor + [faq_note], **READ)
    pick.input(h.pick, [password, pick], editor + [reviewer, faq_note], **READ)
    new.click(h.new, None, editor + [faq_note], **READ)
    faq_export.click(h.export_faq, password, [faq_files, faq_note], **READ)
    return [
        save.click(h.save, [password, *editor, reviewer], [item_id, faq_note, pick, faq_list], **ADMIN),
        retire.click(h.retire, [password, item_id], [faq_note, pick, faq_list], **ADMIN),
        faq_import.click(h.import_faq, [password, faq_file], [faq_note, pick, faq_list], **ADMIN),
    ]
