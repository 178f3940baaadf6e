"""A region named in the question (北京的, 在杭州, 我们浙江) and how near each passage is to it.

The region ranks, it never filters: a cadre in 杭州 wants 杭州's rule first, then the
province's, then the national law, and still sees the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.regions import find_places, resolve_region

if TYPE_CHECKING:
    from index.rows import Row

NATIONAL = "全国"
# How much a passage's nearness adds, as a share of the best fused score.
TIER_LOCAL, TIER_ENCLOSING, TIER_NATIONAL, TIER_UNKNOWN = 1.0, 0.6, 0.5, 0.3


_SUFFIXES = ("特别行政区", "自治区", "自治州", "省", "市", "区", "县", "旗", "盟", "州")


def question_region(
    question: str, rows: list[Row] | None = None, places: dict[str, tuple[str, ...]] | None = None
) -> tuple[str, ...]:
    """The region path the question is about, () when it names none with confidence.

    The national gazetteer first; then the places the library's own documents are issued by or
    about, so a region the gazetteer does not list (a new district, a renamed city) is known too.
    ``places`` is ``library_places(rows)`` computed beforehand (``RowColumns.places``).
    """
    if find_places(question):
        region = resolve_region(question)
        if region:
            return region
    if places is None and rows:
        places = library_places(rows)
    if places:
        found = [(len(surface), path) for surface, path in places.items() if surface in question]
        if found:
            return max(found)[1]
    return ()


def library_places(rows: list[Row]) -> dict[str, tuple[str, ...]]:
    """Surface form (青禾市, 青禾) -> the longest region path naming it, over the library's rows."""
    places: dict[str, tuple[str, ...]] = {}
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        for path in (row.issuer_region, row.region_path):
            key = tuple(path)
            if key in seen:  # 100k rows share a few hundred paths
                continue
            seen.add(key)
            for depth, name in enumerate(path):
                if not name or name == NATIONAL:
                    continue
                full = key[: depth + 1]
                for surface in {name, _short(name)} - {""}:
                    if len(full) > len(places.get(surface, ())):
                        places[surface] = full
    return places


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


def nearness(row: Row, region: tuple[str, ...]) -> float:
    """1 for a passage issued by or about ``region`` (or a place inside it), less for the enclosing
    province's and for national documents, 0 for other regions'.

    Compared by name, since a document may state only its city (青禾市) and not the province."""
    issuer = [p for p in row.issuer_region if p]
    place = region[-1]
    if place in issuer or place in row.region_path:
        return TIER_LOCAL
    if issuer and issuer != [NATIONAL] and issuer[-1] in region:
        return TIER_ENCLOSING
    if issuer == [NATIONAL]:
        return TIER_NATIONAL
    if not issuer and not row.region_path:
        return TIER_UNKNOWN
    return 0.0


def without_region(question: str, region: tuple[str, ...]) -> str:
    """The question with the region's names taken out, for keyword search: the region ranks through
    ``nearness``, and its name in the question would favour any text that merely mentions the place."""
    for name in sorted(
        {n for p in region for n in (p, _short(p)) if n and n != NATIONAL}, key=len, reverse=True
    ):
        question = question.replace(name, " ")
    return question
