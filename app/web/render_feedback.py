"""HTML in the chat for curated answers (已审核) and the rating bar under every answer.

The chat's gr.HTML gets ``FEEDBACK_JS`` besides its own script: a click on 有用 or on 提交
triggers the custom ``feedback`` event; a marker of a curated answer (``data-cn``) triggers
``cite`` with ``curated: 1``.
"""

from __future__ import annotations

import re

from app.services.feedback import REASONS
from app.web.render import esc

_MARKER = re.compile(r"\[(\d{1,3})\]")

FEEDBACK_JS = """
if (!element.__pkbFeedback) {
  element.__pkbFeedback = true;
  element.addEventListener('click', (e) => {
    const b = e.target.closest('[data-fb]');
    if (b) {
      e.preventDefault();
      const bar = b.closest('.pkb-fb');
      const turn = Number(bar.dataset.turn);
      if (b.dataset.fb === 'up') { trigger('feedback', {turn: turn, useful: true}); }
      else if (b.dataset.fb === 'down') { bar.querySelector('.pkb-fb-form').hidden = false; }
      else if (b.dataset.fb === 'send') {
        const r = bar.querySelector('input[type=radio]:checked');
        trigger('feedback', {turn: turn, useful: false, reason: r ? r.value : '',
                             comment: bar.querySelector('.pkb-fb-comment').value});
      }
      return;
    }
    const c = e.target.closest('[data-cn]');
    if (c) { e.preventDefault(); trigger('cite', {turn: Number(c.dataset.turn), n: Number(c.dataset.cn), curated: 1}); }
  });
}
"""


def curated_html(i: int, turn: dict) -> str:
    """The curated answer shown before the retrieved one, or a notice when it waits for review."""
    match = turn.get("curated")
    if match is None:
        return ""
    item = match.item
    if match.review:
        return (
            '<div class="pkb-curated-held">有一条相近的常见问答正在等待管理员复核'
            f"（{esc('；'.join(match.review))}），暂不提供，以下为检索结果。</div>"
        )
    numbers = {c["n"] for c in item["citations"]}

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in numbers:
            return m.group()
        return f'<a href="#" class="pkb-cite" data-turn="{i}" data-cn="{n}" title="查看出处 {n}">[{n}]</a>'

    cards = "".join(
        f'<button class="pkb-srccard" data-turn="{i}" data-cn="{c["n"]}"><b>[{c["n"]}]</b> 《{esc(c["title"])}》'
        f'<span class="pkb-meta">{esc(c.get("article") or c.get("section") or "")}</span>'
        f'<div class="pkb-quote">“{esc(c["quote"][:60])}{"…" if len(c["quote"]) > 60 else ""}”</div></button>'
        for c in item["citations"]
    )
    return (
        f'<div class="pkb-curated" data-faq="{item["id"]}">'
        f'<div class="pkb-curated-badge">已审核 · {esc(item["reviewed_by"])} · {esc(item["reviewed_at"][:16])}</div>'
        f'<div class="pkb-label">常见问答：{esc(item["question"])}</div>'
        f'<div class="pkb-a">{_MARKER.sub(link, esc(item["answer"]))}</div>'
        f'<div class="pkb-srccards">{cards}</div>'
        '<div class="pkb-label pkb-curated-below">以下为检索到的相关内容</div></div>'
    )


def feedback_html(i: int, turn: dict) -> str:
    """有用 / 没用 under a finished answer; once rated, what was recorded."""
    if turn.get("answer") is None or turn.get("error"):
        return ""
    given = turn.get("feedback")
    if given:
        what = (
            "有用" if given["useful"] else "没用" + (f"（{given['reason']}）" if given.get("reason") else "")
        )
        return f'<div class="pkb-fb pkb-fb-done" data-turn="{i}">已记录您的评价：{esc(what)}，谢谢！</div>'
    reasons = "".join(
        f'<label><input type="radio" name="pkb-fb-{i}" value="{esc(r)}"> {esc(r)}</label>' for r in REASONS
    )
    return (
        f'<div class="pkb-fb" data-turn="{i}"><span class="pkb-label">这个回答有用吗？</span>'
        '<button class="pkb-fb-btn" data-fb="up">有用</button>'
        '<button class="pkb-fb-btn" data-fb="down">没用</button>'
        f'<div class="pkb-fb-form" hidden><span class="pkb-label">原因：</span>{reasons}'
        '<input class="pkb-fb-comment" type="text" maxlength="500" placeholder="补充说明（可选）">'
        '<button class="pkb-fb-btn" data-fb="send">提交</button></div></div>'
    )


FEEDBACK_CSS = """
.pkb-curated { border: 1px solid #16a34a; background: #f0fdf4; border-radius: 8px; padding: 8px 10px; margin: 6px 0; }
.pkb-curated-held { background: #fff7ed; border-left: 3px solid #f97316; padding: 6px 10px; margin: 6px 0; }
.pkb-curated-badge { display: inline-block; background: #15803d; color: #fff; border-radius: 4px; padding: 0 8px; font-size: 13px; }
.pkb-curated-below { margin-top: 8px; }
.pkb-fb { margin-top: 8px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; font-size: 13px; }
.pkb-fb-btn { border: 1px solid #d1d5db; border-radius: 14px; padding: 1px 10px; background: #fff; cursor: pointer; }
.pkb-fb-btn:hover { border-color: #b91c1c; }
.pkb-fb-form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; width: 100%; }
.pkb-fb-form[hidden] { display: none; }
.pkb-fb-comment { flex: 1; min-width: 160px; border: 1px solid #d1d5db; border-radius: 4px; padding: 2px 6px; }
.pkb-fb-done { color: #15803d; }
"""
