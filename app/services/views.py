"""Plain dicts of documents and search results: the JSON the CLI prints and the app shows."""

from __future__ import annotations

from app.answer.types import NO_DIRECT_ANSWER
from index.retrieve import SearchResult, is_old
from ingest.types import Document


def document_summary(doc: Document) -> dict:
    return {
        "file": doc.file,
        "title": doc.title,
        "kind": doc.kind,
        "date": doc.date,
        "source": doc.source,
        "regions": doc.regions,
        "sections": [
            {
                "title": s.title,
                "region": s.region,
                "kind": s.kind,
                "is_case": s.is_case,
                "start": s.start,
                "end": s.end,
            }
            for s in doc.sections
        ],
        "chunks": len(doc.chunks),
        "chars": len(doc.text),
        "raw_chars": doc.raw_chars,
        "format": doc.format,
        "title_generated": doc.title_generated,
        "subkind": doc.subkind,
        "issuer": doc.issuer,
        "doc_no": doc.doc_no,
        "dates": doc.dates,
        "level": doc.level,
        "issuer_region": doc.issuer_region,
        "status": doc.status,
        "status_manual": doc.status_manual,
        "version_of": doc.version_of,
        "superseded_by": doc.superseded_by,
    }


def document_full(doc: Document) -> dict:
    out = document_summary(doc)
    out["flags"] = [
        {"kind": f.kind, "text": f.text, "start": f.start, "end": f.end, "note": f.note} for f in doc.flags
    ]
    out["fixes"] = doc.fixes
    out["articles"] = [{"article": a["article"], "start": a["start"], "end": a["end"]} for a in doc.articles]
    out["text"] = doc.text
    return out


def search_json(result: SearchResult) -> dict:
    return {
        "query": result.query,
        "asked": result.asked or result.query,  # as the library words it (“楼院”里的…)
        "found": result.found,
        "mode": result.mode,
        "expansions": [e.to_json() for e in result.expansions],
        "region": result.region,
        "all_versions": result.all_versions,
        "old_versions_only": result.old_versions_only,
        "direct": result.direct,
        "results": [
            {
                "rank": rank,
                "score": round(hit.score, 6),
                "relevance": round(hit.relevance, 4),
                "file": hit.row.file,
                "title": hit.row.title,
                "section": hit.row.section,
                "region": hit.row.region,
                "kind": hit.row.kind,
                "date": hit.row.date or None,
                "text": hit.row.text,
                "start": hit.row.start,
                "end": hit.row.end,
                "also_in": hit.row.also_in,
                "article": hit.row.article,
                "heading": hit.row.heading,
                "status": hit.row.status,
                "superseded_by": hit.row.superseded_by or None,
                "doc_kind": hit.row.doc_kind,
            }
            for rank, hit in enumerate(result.hits, 1)
        ],
    }


def answer_json(answer) -> dict:
    """An answer as the CLI and the API give it: every citation with its date and kind too."""
    out = answer.to_json()
    for c, item in zip(answer.citations, out["citations"], strict=True):
        item.setdefault("date", c.date)
        item.setdefault("kind", c.kind)
    return out


def matches_document(doc: Document, query: str, normalised: str) -> bool:
    """Every word of ``query`` (split at spaces) is in the document's file name, title or text."""
    haystack = f"{doc.file}\n{doc.title}\n{doc.text}"
    words = query.split()
    return (
        all(w in haystack for w in words)
        or bool(normalised)
        and all(w in haystack for w in normalised.split())
    )


def search_notes(result: SearchResult) -> list[str]:
    """What the search understood, for the user: synonyms used, the region it favoured, old versions."""
    notes = []
    if result.expansions:
        pairs = "; ".join(f"{e.term} → {'、'.join(e.alternatives)}" for e in result.expansions)
        notes.append(f"同时检索了同义词/全称: {pairs}")
    if result.region:
        notes.append(
            f"问题中提到的地区: {''.join(result.region[-1:])} (优先显示该地及上级、全国的文件; 不按地区排序用 --no-region)"
        )
    if result.old_versions_only:
        notes.append("现行文件中没有找到, 以下为已被修订或废止的旧版本")
    if result.found and not result.direct:
        notes.append(f"{NO_DIRECT_ANSWER.rstrip('。')}: 以下段落只提到问题中的词, 仅供参考")
    return notes


def status_label(row) -> str:
    """【旧版·已被修订】 for a superseded version, empty otherwise."""
    return f"【旧版·{row.status}】" if is_old(row) else ""


def understood_text(answer) -> str:
    """What the search understood: the synonyms it also searched and the region it favoured."""
    parts = []
    if getattr(answer, "expansions", None):
        parts.append(
            "同时检索: " + "; ".join(f"{e['term']}→{'、'.join(e['alternatives'])}" for e in answer.expansions)
        )
    if getattr(answer, "region", None):
        parts.append(f"优先该地区的文件: {answer.region[-1]}")
    return " · ".join(parts)
