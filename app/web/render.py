"""HTML for the app's chat and source panel; every piece of document text goes through ``esc``.

Markers [n] become ``<a class="pkb-cite" data-turn data-n>`` links; the chat's gr.HTML
turns a click on one into its custom ``cite`` event (see ``CHAT_JS``), whose handler
renders ``source_html`` into the side panel.
"""

from __future__ import annotations

import html
import re

from app.answer.present import present_answer
from app.services.views import understood_text

MARKER = re.compile(r"\[(\d{1,3})\]")
CONTEXT = 300  # characters of surrounding text on each side of a quote
SUSPECT = "suspect_number"  # the ingestion flag of a number damaged in the source (20230%)
SUSPECT_NOTE = "这个数字在原文中疑似有误（例如多了或少了数位），请核对原件"
FLAG_MARK = '<sup class="pkb-flag-note">原文数字疑有误</sup>'
GENERATED_MARK = (
    '<span class="pkb-gen" title="原文没有标题，此标题根据发文单位、地点和主题生成">标题系自动生成</span>'
)

# Delegated handlers, bound once: gr.HTML re-runs nothing on value updates, but guard anyway.
CHAT_JS = """
if (!element.__pkbBound) {
  element.__pkbBound = true;
  element.addEventListener('click', (e) => {
    const cite = e.target.closest('[data-n]');
    if (cite) { e.preventDefault(); trigger('cite', {turn: Number(cite.dataset.turn), n: Number(cite.dataset.n)}); return; }
    const s = e.target.closest('[data-suggest]');
    if (s) { e.preventDefault(); trigger('suggest', {text: s.dataset.suggest}); }
  });
}
"""
CARDS_JS = """
if (!element.__pkbBound) {
  element.__pkbBound = true;
  element.addEventListener('click', (e) => {
    const a = e.target.closest('[data-case]');
    if (a) { e.preventDefault(); trigger('open', {file: a.dataset.file, section: Number(a.dataset.section)}); }
  });
}
"""


def esc(text) -> str:
    """Inert HTML text: tags, attributes and template syntax (${ }, {{ }}, backticks) all escaped."""
    out = html.escape("" if text is None else str(text), quote=True)
    return out.replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;").replace("`", "&#96;")


def highlight(text: str, terms: list[str]) -> str:
    """``text`` escaped, with every occurrence of ``terms`` (longest first) in <mark>."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return esc(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms))
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(esc(text[pos : m.start()]))
        out.append(f"<mark>{esc(m.group())}</mark>")
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def _meta_line(*parts) -> str:
    return " · ".join(esc(p) for p in parts if p)


# -- chat ------------------------------------------------------------------------------
def _linked(text: str, turn: int, numbers: set[int]) -> str:
    """Escaped answer text whose valid [n] markers are links to their source."""

    def link(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in numbers:
            return m.group()
        return f'<a href="#" class="pkb-cite" data-turn="{turn}" data-n="{n}" title="查看出处 {n}">[{n}]</a>'

    return MARKER.sub(link, esc(text))


def _mark_suspects(html_text: str, suspects: dict) -> str:
    """Answer HTML whose lines citing [n] mark that source's suspect numbers (``suspects``: n -> texts)."""
    if not suspects:
        return html_text
    lines = []
    for line in html_text.split("\n"):
        texts = {t for n, ts in suspects.items() if f'data-n="{n}"' in line for t in ts}
        if texts:
            pattern = re.compile("|".join(re.escape(esc(t)) for t in sorted(texts, key=len, reverse=True)))
            line = pattern.sub(
                lambda m: f'<span class="pkb-flag" title="{SUSPECT_NOTE}">{m.group()}</span>{FLAG_MARK}', line
            )
        lines.append(line)
    return "\n".join(lines)


def suspects_by_citation(citations, flags_of) -> dict[int, list[str]]:
    """n -> the suspect numbers inside citation n's quote; ``flags_of(file)`` gives a document's flags."""
    out = {}
    for c in citations:
        texts = [
            f.text
            for f in flags_of(c.file) or ()
            if getattr(f, "kind", None) == SUSPECT and c.start <= f.start and f.end <= c.end
        ]
        if texts:
            out[c.n] = texts
    return out


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _source_cards(turn: int, citations, generated=()) -> str:
    items = []
    for c in citations:
        meta = _meta_line(c.section, c.region, c.date)
        items.append(
            f'<button class="pkb-srccard" data-turn="{turn}" data-n="{c.n}">'
            f"<b>[{c.n}]</b> 《{title_html(c.title, c.file in generated)}》{esc(c.article)}"
            f'<span class="pkb-meta">{meta}</span>'
            f'<div class="pkb-quote">“{esc(_clip(c.quote, 60))}”</div></button>'
        )
    return (
        f'<div class="pkb-srccards"><div class="pkb-label">来源</div>{"".join(items)}</div>' if items else ""
    )


def _not_found(answer) -> str:
    chips = "".join(
        f'<button class="pkb-chip" data-suggest="{esc(t)}">{esc(t)}</button>'
        for t in answer.suggestions or []
    )
    hint = (
        f'<div class="pkb-label">可以试试这些主题：</div><div class="pkb-chips">{chips}</div>'
        if chips
        else ""
    )
    return f'<div class="pkb-notfound"><b>没有找到</b>：{esc(answer.answer)}{hint}</div>'


def turn_html(i: int, turn: dict) -> str:
    """One question and its (possibly still streaming) answer."""
    parts = [f'<div class="pkb-q"><span class="pkb-who">问</span>{esc(turn["question"])}</div>']
    standalone = turn.get("standalone")
    if standalone and standalone != turn["question"]:
        parts.append(f'<div class="pkb-standalone">按上下文理解为：{esc(standalone)}</div>')
    from app.web.render_feedback import curated_html, feedback_html

    parts.append(curated_html(i, turn))
    answer = turn.get("answer")
    if turn.get("error"):
        parts.append(f'<div class="pkb-notice">{esc(turn["error"])}</div>')
    elif answer is None:
        text = turn.get("text") or "正在检索并组织回答…"
        parts.append(f'<div class="pkb-a pkb-streaming">{esc(text)}</div>')
    else:
        if answer.notice:
            parts.append(f'<div class="pkb-notice">{esc(answer.notice)}</div>')
        understood = understood_text(answer)
        if understood:
            parts.append(f'<div class="pkb-meta">{esc(understood)}</div>')
        if not answer.found:
            parts.append(_not_found(answer))
        else:
            mode = "大模型回答" if answer.mode == "llm" else "摘录式回答（原文摘句）"
            numbers = {c.n for c in answer.citations}
            parts.append(f'<div class="pkb-mode">{mode}</div>')
            text = _mark_suspects(_linked(present_answer(answer.answer), i, numbers), turn.get("suspects"))
            parts.append(f'<div class="pkb-a">{text}</div>')
            parts.append(_source_cards(i, answer.citations, turn.get("generated_titles") or ()))
    parts.append(feedback_html(i, turn))
    return f'<div class="pkb-turn" data-turn="{i}">{"".join(parts)}</div>'


def chat_html(turns: list[dict]) -> str:
    if not turns:
        return (
            '<div class="pkb-chat pkb-empty">输入问题，例如“网格员需要提升哪些能力？”。'
            "回答中的 [n] 可以点击，在右侧查看原文出处。</div>"
        )
    return '<div class="pkb-chat">' + "".join(turn_html(i, t) for i, t in enumerate(turns)) + "</div>"


def flagged(text: str, offset: int = 0, flags=()) -> str:
    """``text`` (at ``offset`` in its document) escaped, each suspect number in it visibly marked."""
    spans = sorted(
        (max(f.start, offset) - offset, min(f.end, offset + len(text)) - offset)
        for f in flags or ()
        if getattr(f, "kind", None) == SUSPECT and f.start < offset + len(text) and offset < f.end
    )
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(esc(text[pos:start]))
        out.append(f'<span class="pkb-flag" title="{SUSPECT_NOTE}">{esc(text[start:end])}</span>{FLAG_MARK}')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def title_html(title: str, generated: bool) -> str:
    """A document title, with a small mark when ingestion made it (the document states none)."""
    return esc(title) + (GENERATED_MARK if generated else "")


def source_html(
    citation, doc_text: str | None, window: int = CONTEXT, flags=(), title_generated=False
) -> str:
    """The cited passage inside its surrounding text, the quote marked, with the source's metadata."""
    c = citation
    meta = [("章节", c.section), ("地区", c.region), ("日期", c.date), ("类型", c.kind), ("文件", c.file)]
    rows = "".join(f"<dt>{k}</dt><dd>{esc(v) or '—'}</dd>" for k, v in meta)
    if doc_text is not None and doc_text[c.start : c.end] == c.quote:
        a, b = max(0, c.start - window), min(len(doc_text), c.end + window)
        body = (
            ("…" if a > 0 else "")
            + flagged(doc_text[a : c.start], a, flags)
            + f"<mark>{flagged(c.quote, c.start, flags)}</mark>"
            + flagged(doc_text[c.end : b], c.end, flags)
            + ("…" if b < len(doc_text) else "")
        )
    else:
        body = f"<mark>{esc(c.quote)}</mark>"
    return (
        f'<div class="pkb-source" data-n="{c.n}"><div class="pkb-source-title">[{c.n}] '
        f"《{title_html(c.title, title_generated)}》{esc(c.article)}</div>"
        f'<dl class="pkb-dl">{rows}</dl><div class="pkb-context">{body}</div></div>'
    )


def source_placeholder() -> str:
    return '<div class="pkb-source pkb-empty">点击回答中的 [n] 或下方的来源卡片，在这里查看原文出处。</div>'


def answer_text(answer) -> str:
    """The answer with its citations as plain text, for copying."""
    if answer is None:
        return ""
    lines = [present_answer(answer.answer)]
    if answer.citations:
        lines += ["", "来源："]
        for c in answer.citations:
            meta = " · ".join(p for p in (c.section, c.region, c.date) if p)
            lines.append(f"[{c.n}] {c.label} {meta}（{c.file}）")
            lines.append(f"    “{c.quote}”")
    return "\n".join(lines)


CSS = """
.pkb-chat, .pkb-source, .pkb-cards, .pkb-doc, .pkb-pack { font-size: 15px; line-height: 1.7; }
.pkb-empty { color: #666; padding: 12px; }
.pkb-turn { border-bottom: 1px solid #e5e7eb; padding: 10px 4px 14px; }
.pkb-q { font-weight: 600; margin-bottom: 6px; }
.pkb-who { display: inline-block; background: #b91c1c; color: #fff; border-radius: 4px; padding: 0 6px; margin-right: 8px; }
.pkb-standalone, .pkb-mode, .pkb-meta, .pkb-label { color: #6b7280; font-size: 13px; }
.pkb-notice { background: #fff7ed; border-left: 3px solid #f97316; padding: 6px 10px; margin: 6px 0; }
.pkb-a { white-space: pre-wrap; }
.pkb-cite { color: #b91c1c; font-weight: 700; text-decoration: none; cursor: pointer; padding: 0 1px; }
.pkb-cite:hover { text-decoration: underline; }
.pkb-srccards { margin-top: 8px; display: flex; flex-direction: column; gap: 4px; }
.pkb-srccard { text-align: left; border: 1px solid #e5e7eb; border-radius: 6px; padding: 4px 8px; background: #fafafa; cursor: pointer; }
.pkb-srccard .pkb-meta { margin-left: 8px; }
.pkb-quote { color: #374151; font-size: 13px; font-weight: 400; }
.gradio-container { overflow: visible !important; overflow-x: clip !important; }  /* hidden kills sticky */
#pkb-chat { max-height: max(300px, calc(100vh - 420px)); overflow-y: auto !important; }  /* gradio sets overflow inline */
.pkb-side { position: sticky; top: 8px; align-self: flex-start; max-height: calc(100vh - 16px); overflow-y: auto; flex-wrap: nowrap !important; }
.pkb-side > * { flex-shrink: 0; }
.pkb-sheet-close { display: none; }
@media (max-width: 768px) {
  .pkb-side.pkb-sheet { position: fixed; left: 0; right: 0; bottom: 0; top: auto; max-height: 65vh; z-index: 1000;
    background: var(--background-fill-primary, #fff); box-shadow: 0 -4px 16px rgba(0,0,0,.25); border-radius: 10px 10px 0 0; padding: 8px; }
  .pkb-side.pkb-sheet > .pkb-sheet-close { display: block; align-self: flex-end; width: auto !important; position: sticky; top: 0; z-index: 1; border: 1px solid #d1d5db; border-radius: 6px; padding: 2px 12px; background: #fff; }
}
.pkb-flag { text-decoration: underline wavy #dc2626; }
.pkb-flag-note { color: #dc2626; font-size: 11px; margin: 0 2px; white-space: nowrap; }
.pkb-gen { display: inline-block; font-size: 11px; font-weight: 400; color: #6b7280; border: 1px solid #d1d5db; border-radius: 4px; padding: 0 4px; margin-left: 6px; vertical-align: middle; }
.pkb-notfound { background: #f3f4f6; border-radius: 6px; padding: 10px; }
.pkb-chips { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.pkb-chip { border: 1px solid #b91c1c; color: #b91c1c; border-radius: 14px; padding: 2px 10px; background: #fff; cursor: pointer; }
.pkb-source-title { font-weight: 700; font-size: 16px; margin-bottom: 6px; }
.pkb-dl { display: grid; grid-template-columns: 3em 1fr; gap: 2px 8px; margin: 0 0 8px; font-size: 13px; }
.pkb-dl dt { color: #6b7280; } .pkb-dl dd { margin: 0; }
.pkb-context, .pkb-fulltext { white-space: pre-wrap; background: #fafafa; border: 1px solid #e5e7eb; border-radius: 6px; padding: 10px; }
.pkb-fulltext { max-height: 560px; overflow-y: auto; }
mark { background: #fde68a; color: inherit; padding: 0 1px; }
.pkb-card { border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px 12px; margin-bottom: 10px; }
.pkb-card-title { font-weight: 700; }
.pkb-excerpt { margin: 6px 0; }
.pkb-open { color: #b91c1c; cursor: pointer; }
.pkb-table { border-collapse: collapse; width: 100%; font-size: 14px; }
.pkb-table th, .pkb-table td { border-bottom: 1px solid #e5e7eb; padding: 4px 6px; text-align: left; vertical-align: top; }
.pkb-ok { color: #15803d; } .pkb-err { color: #b91c1c; }
"""
