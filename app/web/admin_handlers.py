"""Events of the chat's rating bar and of the 管理 tab; every admin event checks the admin rule first."""

from __future__ import annotations

import logging
import re

import gradio as gr

from app.kb import KnowledgeBase
from app.services import admin as admin_service
from app.services import faq as faq_service
from app.services import faq_io
from app.services import feedback as fb
from app.services.upload import admin_refusal
from app.web.render import chat_html
from app.web.render_admin import faq_list_html, report_html
from app.web.render_library import message_html
from ingest.errors import PolicykbError

log = logging.getLogger(__name__)

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bad_day(*days: str) -> str | None:
    for day in days:
        if day and not _DAY.match(day.strip()):
            return f"日期“{day}”格式不对，应为 YYYY-MM-DD，例如 2026-03-01"
    return None


class AdminHandlers:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    # -- chat: rating an answer --------------------------------------------------------
    def feedback(self, turns: list[dict], evt: gr.EventData, request: gr.Request = None):
        data = getattr(evt, "_data", None) or {}
        try:
            turn = turns[int(data["turn"])]
            answer = turn["answer"]
        except (KeyError, IndexError, TypeError, ValueError):
            return gr.skip(), gr.skip()
        if answer is None or turn.get("feedback"):
            return gr.skip(), gr.skip()
        useful, reason = bool(data.get("useful")), str(data.get("reason") or "")
        identity = fb.identity_of(request) if self.kb.settings.feedback_identity else None
        try:
            fb.record_feedback(self.kb.data_dir, turn.get("log_id"), useful, reason, str(data.get("comment") or ""),
                               identity, answer)  # fmt: skip
        except ValueError as e:
            log.warning("feedback refused: %s", e)
            return gr.skip(), gr.skip()
        turn["feedback"] = {"useful": useful, "reason": "" if useful else reason}
        return turns, chat_html(turns)

    # -- 管理: the report --------------------------------------------------------------
    def _refused(self, password: str) -> str | None:
        return admin_refusal(self.kb.settings, password)

    def refresh(self, password: str, since: str, until: str, reason: str):
        """(report, log-entry choices, curated choices, curated list)."""
        refusal = self._refused(password) or _bad_day(since, until)
        if refusal:
            return message_html(refusal, ok=False), gr.skip(), gr.skip(), gr.skip()
        rep = admin_service.report(self.kb, since.strip(), until.strip(), reason)
        answered = [q for q in rep.questions if q["found"]]
        sources = [(f"{q['id']} · {q['question'][:40]}", q["id"]) for q in answered[:200]]
        return report_html(rep), gr.update(choices=sources, value=None), *self._faq_views()

    def _faq_views(self):
        items = faq_service.items(self.kb)
        choices = [(f"{i['id']} · {i['question'][:40]}", i["id"]) for i in items]
        return gr.update(choices=choices, value=None), faq_list_html(items)

    def export(self, password: str, since: str, until: str, reason: str):
        refusal = self._refused(password) or _bad_day(since, until)
        if refusal:
            return None, message_html(refusal, ok=False)
        xlsx, csv = admin_service.export_report(
            self.kb, self._exports(), since.strip(), until.strip(), reason
        )
        return [str(xlsx), str(csv)], message_html(f"已导出 {xlsx.name} 与 {csv.name}")

    def _exports(self):
        return self.kb.settings.data_dir / "exports"

    # -- 管理: curated answers ---------------------------------------------------------
    def from_log(self, password: str, question_id):
        """Fill the editor with a logged answer: (id, question, variants, answer, citations, message)."""
        refusal = self._refused(password)
        if refusal or question_id in (None, ""):
            return (gr.skip(),) * 5 + (message_html(refusal, ok=False) if refusal else gr.skip(),)
        q = fb.question(self.kb.data_dir, int(question_id))
        if q is None:
            return (gr.skip(),) * 5 + (message_html("找不到这条提问记录", ok=False),)
        note = f"已载入提问 {q['id']} 的回答：修改答案和引用后点“保存常见问答”"
        return (None, q["standalone"] or q["question"], "" if not q["standalone"] or q["standalone"] == q["question"]
                else q["question"], q["answer"], faq_service.citation_lines(q["citations"]), message_html(note))  # fmt: skip

    def pick(self, password: str, item_id):
        refusal = self._refused(password)
        if refusal or item_id in (None, ""):
            return (gr.skip(),) * 6 + (message_html(refusal, ok=False) if refusal else gr.skip(),)
        item = faq_service.get(self.kb, int(item_id))
        if item is None:
            return (gr.skip(),) * 6 + (message_html("找不到这条常见问答", ok=False),)
        note = f"正在编辑常见问答 {item['id']}" + (
            f"（待复核：{'；'.join(item['review'])}）" if item["review"] else ""
        )
        return (item["id"], item["question"], "\n".join(item["variants"]), item["answer"],
                faq_service.citation_lines(item["citations"]), item["reviewed_by"], message_html(note))  # fmt: skip

    def save(
        self, password: str, item_id, question: str, variants: str, answer: str, citations: str, reviewer: str
    ):
        """(id, message, curated choices, curated list)."""
        refusal = self._refused(password)
        if refusal:
            return gr.skip(), message_html(refusal, ok=False), gr.skip(), gr.skip()
        try:
            saved = faq_service.save(
                self.kb, question, answer, citations, reviewer, variants, item_id or None
            )
        except faq_service.FaqError as e:
            return gr.skip(), message_html(f"未保存：{e}", ok=False), gr.skip(), gr.skip()
        return saved, message_html(f"已保存常见问答 {saved}（引用已逐条与原文核对）"), *self._faq_views()

    def retire(self, password: str, item_id):
        refusal = self._refused(password) or (None if item_id else "请先选择要停用的常见问答")
        if refusal:
            return message_html(refusal, ok=False), gr.skip(), gr.skip()
        faq_service.set_active(self.kb, int(item_id), False)
        return message_html(f"已停用常见问答 {item_id}"), *self._faq_views()

    def new(self):
        return None, "", "", "", "", message_html("新建常见问答：填写问题、答案、引用和审核人")

    def export_faq(self, password: str):
        refusal = self._refused(password)
        if refusal:
            return None, message_html(refusal, ok=False)
        path = faq_io.export_faq(self.kb, self._exports() / "常见问答.xlsx")
        return [str(path)], message_html(f"已导出 {path.name}")

    def import_faq(self, password: str, file):
        refusal = self._refused(password)
        if refusal or not file:
            return message_html(refusal or "请先选择要导入的 .xlsx 文件", ok=False), gr.skip(), gr.skip()
        path = file if isinstance(file, str) else getattr(file, "name", str(file))
        try:
            created, updated, problems = faq_io.import_faq(self.kb, path)
        except PolicykbError as e:
            return message_html(str(e), ok=False), gr.skip(), gr.skip()
        text = f"导入完成：新增 {created} 条，更新 {updated} 条" + (
            "；" + "；".join(problems) if problems else ""
        )
        return message_html(text, ok=not problems), *self._faq_views()
