"""HTML of the 管理 tab (question log, refusals, unhelpful answers, curated answers) and of
curated answers as cards in 案例检索. Every stored text goes through ``esc``."""

from __future__ import annotations

from app.web.render import esc

MODES = {"extractive": "摘录式", "llm": "大模型"}


def _table(headers: list[str], rows: list[list[str]], elem_class: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<table class="pkb-table {elem_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def _clip(text: str, n: int = 120) -> str:
    text = text or ""
    return esc(text if len(text) <= n else text[:n] + "…")


def report_html(rep) -> str:
    """Refusals first, then 没用 answers, then questions per day and the latest questions."""
    period = "、".join(x for x in (rep.since and f"自 {rep.since}", rep.until and f"至 {rep.until}") if x)
    parts = [
        f'<div class="pkb-label">{esc(period or "全部时间")}：提问 {len(rep.questions)} 次，'
        f"未找到 {sum(g.count for g in rep.refusals)} 次，没用 {len(rep.unhelpful)} 条</div>"
    ]
    parts.append("<h4>未找到答案的问题（知识库可能缺少的文档）</h4>")
    if rep.refusals:
        rows = [
            [
                _clip(g.question),
                str(g.count),
                esc(g.topic),
                _clip("；".join(g.phrasings[1:]) or "—"),
                esc(g.last_asked),
            ]
            for g in rep.refusals
        ]
        parts.append(
            _table(["问题", "相似提问数", "最接近的专题", "其他问法", "最近一次"], rows, "pkb-refusals")
        )
    else:
        parts.append('<div class="pkb-empty">这段时间没有未找到答案的问题。</div>')
    reason = f"（原因：{rep.reason}）" if rep.reason else ""
    parts.append(f"<h4>被评为“没用”的回答{esc(reason)}</h4>")
    if rep.unhelpful:
        rows = [
            [esc(f["rated_at"]), _clip(f["question"]), esc(f["reason"] or "—"), _clip(f["comment"] or "—"),
             _clip(f["answer"], 160), str(f["question_id"] or "")]
            for f in rep.unhelpful
        ]  # fmt: skip
        parts.append(_table(["时间", "问题", "原因", "补充说明", "回答", "提问编号"], rows, "pkb-unhelpful"))
    else:
        parts.append('<div class="pkb-empty">没有被评为“没用”的回答。</div>')
    parts.append("<h4>每日提问</h4>")
    rows = [[esc(d), str(a), str(r), str(u)] for d, a, r, u in rep.per_day]
    parts.append(
        _table(["日期", "提问", "未找到", "没用"], rows)
        if rows
        else '<div class="pkb-empty">暂无提问。</div>'
    )
    parts.append("<h4>最近的提问</h4>")
    rows = [
        [str(q["id"]), esc(q["asked_at"]), _clip(q["question"]), "已回答" if q["found"] else "未找到",
         "常见问答" if q["curated_id"] else MODES.get(q["mode"], esc(q["mode"]))]
        for q in rep.questions[:50]
    ]  # fmt: skip
    parts.append(_table(["编号", "时间", "问题", "结果", "回答方式"], rows) if rows else "")
    return f'<div class="pkb-admin">{"".join(parts)}</div>'


def faq_list_html(items: list[dict]) -> str:
    if not items:
        return '<div class="pkb-empty">还没有常见问答：在上方选一条提问记录，编辑后保存。</div>'
    rows = []
    for item in items:
        if not item["active"]:
            state = '<span class="pkb-meta">已停用</span>'
        elif item["review"]:
            state = f'<span class="pkb-err pkb-faq-flag">待复核：{esc("；".join(item["review"]))}</span>'
        else:
            state = '<span class="pkb-ok">启用</span>'
        rows.append(
            [str(item["id"]), _clip(item["question"], 60), _clip(item["answer"], 100), state,
             esc(f"{item['reviewed_by']} {item['reviewed_at'][:16]}")]
        )  # fmt: skip
    return _table(["编号", "问题", "答案", "状态", "审核"], rows, "pkb-faq-list")


def faq_cards_html(items: list[dict], note: str = "") -> str:
    """Curated answers as 案例检索 cards of the kind 常见问答."""
    if not items:
        return ""
    cards = []
    for item in items:
        sources = "；".join(
            f"《{c['title']}》{c.get('article') or c.get('section') or ''}" for c in item["citations"]
        )
        cards.append(
            f'<div class="pkb-card pkb-faq-card" data-faq="{item["id"]}">'
            f'<div class="pkb-card-title">{esc(item["question"])}</div>'
            f'<div class="pkb-meta">常见问答 · 已审核 · {esc(item["reviewed_by"])} {esc(item["reviewed_at"][:10])}</div>'
            f'<div class="pkb-excerpt">{_clip(item["answer"], 240)}</div>'
            f'<div class="pkb-meta">出处：{esc(sources)}</div></div>'
        )
    head = f'<div class="pkb-label">{esc(note)}</div>' if note else ""
    return f'<div class="pkb-cards pkb-faq-cards">{head}{"".join(cards)}</div>'


ADMIN_CSS = """
.pkb-admin h4 { margin: 14px 0 6px; }
.pkb-faq-card { border-color: #16a34a; background: #f0fdf4; }
"""
