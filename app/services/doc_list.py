"""The document library of thousands: filtered and paginated, from summaries built once per state.

Summaries are built when a new state of the knowledge base is pinned (the first listing after
a change) and kept with that pinned store, so paging and filtering only scan a list of dicts.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass, field

from app.services.views import document_summary
from index.keyword import normalise_query

PER_PAGE = 50
UNKNOWN_STATUS = "未标注"

_summaries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_guard = threading.Lock()


@dataclass
class DocPage:
    documents: list[dict]
    total: int  # documents passing the filters
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # over the whole library


def _entry(doc) -> dict:
    summary = document_summary(doc)
    summary.setdefault("status", getattr(doc, "status", "") or "")
    places = set(doc.regions) | {n for s in doc.sections for n in s.region_path}
    summary["_find"] = normalise_query(f"{doc.file}\n{doc.title or ''}")
    summary["_places"] = sorted(places)
    return summary


def _built(kb) -> tuple[list[dict], dict]:
    store = kb.docstore
    with _guard:
        cached = _summaries.get(store)
    if cached is None:
        entries = [_entry(d) for d in store.all()]
        cached = (entries, _facets(entries))
        with _guard:
            _summaries[store] = cached
    return cached


def summaries(kb) -> list[dict]:
    """Every document's summary (with search helpers), built once per pinned store."""
    return _built(kb)[0]


def facets(kb) -> dict[str, list[tuple[str, int]]]:
    """Kinds, regions (every level) and validities of the whole library, with their counts."""
    return _built(kb)[1]


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _facets(entries: list[dict]) -> dict[str, list[tuple[str, int]]]:
    kinds: dict[str, int] = {}
    regions: dict[str, int] = {}
    statuses: dict[str, int] = {}
    for e in entries:
        if e["kind"]:
            kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
        for place in e["_places"]:
            regions[place] = regions.get(place, 0) + 1
        status = e["status"] or UNKNOWN_STATUS
        statuses[status] = statuses.get(status, 0) + 1
    return {"kinds": _ranked(kinds), "regions": _ranked(regions), "statuses": _ranked(statuses)}


def _region_ok(places: list[str], wanted: str) -> bool:
    """Exact name, a short form (大连 -> 大连市) or part of a display form."""
    return any(p == wanted or p.startswith(wanted) or wanted in p for p in places)


def document_page(
    kb,
    query: str = "",
    kind: str = "",
    region: str = "",
    status: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> DocPage:
    """One page of the documents passing every given filter (text in file name or title, kind,
    region at any level, validity; ``未标注`` selects documents without one)."""
    entries, counts = _built(kb)
    q = normalise_query(query or "").strip()
    region = normalise_query(region or "").strip()
    kept = [
        e
        for e in entries
        if (not q or q in e["_find"])
        and (not kind or e["kind"] == kind)
        and (not region or _region_ok(e["_places"], region))
        and (not status or (e["status"] or UNKNOWN_STATUS) == status)
    ]
    per_page = max(1, int(per_page))
    pages = max(1, math.ceil(len(kept) / per_page))
    page = min(max(1, int(page or 1)), pages)
    shown = [
        {k: v for k, v in e.items() if not k.startswith("_")}
        for e in kept[(page - 1) * per_page : page * per_page]
    ]
    return DocPage(shown, len(kept), page, pages, counts)
