"""HTML for the case library, the document list and the trainer pack; all document text escaped."""

from __future__ import annotations

from types import SimpleNamespace

from app.web.render import SUSPECT, esc, flagged, highlight, title_html


def cards_html(cards, note: str = "") -> str:
    """Case result cards: heading, place, kind, year, highlighted excerpt and a link to the full case."""
    head = f'<div class="pkb-label">{esc(note)}</div>' if note else ""
    if not cards:
        return f'<div class="pkb-cards">{head}<div class="pkb-empty">没有找到符合条件的案例。</div></div>'
    items = []
    for c in cards:
        meta = " · ".join(
            esc(p) for p in (c.place or "未注明地区", c.kind, str(c.year) if c.year else "") if p
        )
        items.append(
            f'<div class="pkb-card" data-id="{esc(c.id)}">'
            f'<div class="pkb-card-title">{esc(c.title)}</div>'
            f'<div class="pkb-meta">{meta} · 《{title_html(c.doc_title, c.title_generated)}》</div>'
            f'<div class="pkb-excerpt">{highlight(c.excerpt, c.terms)}</div>'
            f'<a href="#" class="pkb-open" data-case="1" data-file="{esc(c.file)}" data-section="{c.section_no}">'
            "查看案例全文 →</a></div>"
        )
    return f'<div class="pkb-cards">{head}{"".join(items)}</div>'


def case_html(card, text: str, flags=()) -> str:
    """A whole case with its metadata (the card's link target); suspect numbers marked."""
    meta = [
        ("地区", card.place),
        ("类型", card.kind),
        ("日期", card.date),
        ("出自", card.doc_title),
        ("文件", card.file),
    ]
    rows = "".join(f"<dt>{k}</dt><dd>{esc(v) or '—'}</dd>" for k, v in meta)
    if card.title_generated:
        rows = rows.replace(
            f"<dd>{esc(card.doc_title)}</dd>", f"<dd>{title_html(card.doc_title, True)}</dd>", 1
        )
    return (
        f'<div class="pkb-source pkb-case" data-case="{esc(card.id)}"><div class="pkb-source-title">'
        f'{esc(card.title)}</div><dl class="pkb-dl">{rows}</dl>'
        f'<div class="pkb-fulltext">{flagged(text, card.section_start, flags)}</div></div>'
    )


def case_placeholder() -> str:
    return '<div class="pkb-source pkb-empty">点击案例卡片上的“查看案例全文”，在这里阅读整个案例。</div>'


def documents_html(docs: list[dict]) -> str:
    """Every document with its metadata, sections and chunk count."""
    if not docs:
        return '<div class="pkb-empty">知识库为空：请上传文档或运行 policykb ingest。</div>'
    rows = []
    for d in docs:
        sections = "".join(
            f"<li>{esc(s['title'])}<span class='pkb-meta'> {esc(s['region'])} {esc(s['kind'])}"
            f"{' · 案例' if s['is_case'] else ''}</span></li>"
            for s in d["sections"]
        )
        rows.append(
            f"<tr><td>{title_html(d['title'], d.get('title_generated', False))}"
            f"<div class='pkb-meta'>{esc(d['file'])}</div></td>"
            f"<td>{esc(d['kind'])}{_status_badge(d)}</td><td>{esc(d['date'] or '')}</td>"
            f"<td>{esc('、'.join(d['regions']))}</td>"
            f"<td>{len(d['sections'])}</td><td>{d['chunks']}</td>"
            f"<td><details><summary>{len(d['sections'])} 节</summary><ul>{sections}</ul></details></td></tr>"
        )
    head = "<tr><th>标题 / 文件</th><th>类型</th><th>日期</th><th>地区</th><th>分节</th><th>分块</th><th>章节</th></tr>"
    return f'<div class="pkb-doc"><table class="pkb-table">{head}{"".join(rows)}</table></div>'


def _status_badge(d: dict) -> str:
    """效力 under the kind: 旧版 marks a version that is no longer in force."""
    status = d.get("status") or ""
    if not status:
        return ""
    old = status != "现行有效"
    manual = "（人工）" if d.get("status_manual") else ""
    return f"<div class='pkb-meta'>{'旧版 · ' if old else ''}{esc(status)}{manual}</div>"


def document_html(full: dict | None) -> str:
    """One document's metadata and cleaned full text, as inert text."""
    if full is None:
        return '<div class="pkb-empty">选择一份文档查看清洗后的全文。</div>'
    meta = [
        ("文件", full["file"]),
        ("类型", full["kind"]),
        ("日期", full["date"]),
        ("来源", full["source"]),
        ("发文机关", full.get("issuer")),
        ("文号", full.get("doc_no")),
        ("效力", full.get("status")),
        ("被替代为", full.get("superseded_by")),
        ("地区", "、".join(full["regions"])),
        ("字数", f"{full['chars']}（原文 {full['raw_chars']}）"),
        ("分块", full["chunks"]),
    ]
    rows = "".join(f"<dt>{k}</dt><dd>{esc(v) if v not in (None, '') else '—'}</dd>" for k, v in meta)
    flags = [SimpleNamespace(**f) for f in full.get("flags", [])]
    suspect = sum(f.kind == SUSPECT for f in flags)
    note = (
        f'<div class="pkb-notice">原文中有 {suspect} 处数字疑有误（已在正文中标出“原文数字疑有误”），引用前请核对原件。</div>'
        if suspect
        else ""
    )
    return (
        f'<div class="pkb-doc"><div class="pkb-source-title">'
        f"{title_html(full['title'], full.get('title_generated', False))}</div>"
        f'<dl class="pkb-dl">{rows}</dl>{note}<div class="pkb-fulltext">{flagged(full["text"], 0, flags)}</div></div>'
    )


def upload_results_html(results) -> str:
    if not results:
        return '<div class="pkb-empty">请先选择文件。</div>'
    items = "".join(
        f'<li class="{"pkb-ok" if r.ok else "pkb-err"}">{"✔" if r.ok else "✘"} {esc(r.original)}：{esc(r.message)}'
        f"{'（' + esc(r.name) + '）' if r.ok else ''}</li>"
        for r in results
    )
    return f'<ul class="pkb-doc">{items}</ul>'


def message_html(text: str, ok: bool = True) -> str:
    return f'<div class="{"pkb-ok" if ok else "pkb-err"}">{esc(text)}</div>'


def pack_html(pack) -> str:
    """Preview of a trainer pack: key points with their sources, then the cases."""
    if pack is None:
        return '<div class="pkb-empty">选择专题或输入问题，生成备课素材。</div>'
    parts = [f'<div class="pkb-source-title">备课素材：{esc(pack.topic)}</div>']
    if pack.notice:
        parts.append(f'<div class="pkb-notice">{esc(pack.notice)}</div>')
    parts.append("<h4>要点</h4>")
    if not pack.points:
        parts.append('<div class="pkb-empty">知识库中没有找到相关要点。</div>')
    for p in pack.points:
        src = "; ".join(f"《{esc(s.title)}》{esc(s.section)}" for s in p.sources)
        parts.append(
            f'<div class="pkb-card"><b>{esc(p.id)}</b> {esc(p.text)}<div class="pkb-meta">{src}</div></div>'
        )
    parts.append("<h4>案例</h4>")
    if not pack.cases:
        parts.append('<div class="pkb-empty">没有找到相关案例。</div>')
    for c in pack.cases:
        meta = " · ".join(esc(x) for x in (c.region, c.kind, c.date) if x)
        parts.append(
            f'<div class="pkb-card"><b>{esc(c.id)}</b> <span class="pkb-card-title">{esc(c.title)}</span>'
            f'<div class="pkb-meta">{meta} · 《{esc(c.doc_title)}》</div><div class="pkb-excerpt">{esc(c.excerpt)}</div></div>'
        )
    return f'<div class="pkb-pack">{"".join(parts)}</div>'
