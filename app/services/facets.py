"""Facets of a set of cases or sections: places as a hierarchy (省 › 市 › 县区), kinds, years, with counts.

A region facet value is a place's path joined by `` › `` (辽宁省 › 大连市), the same text the
case cards show, so a reader finds on the cards exactly what the facet lists.
"""

from __future__ import annotations

REGION_SEP = " › "


def region_label(path) -> str:
    """A place as the facets and cards show it: 辽宁省 › 大连市."""
    return REGION_SEP.join(p for p in path if p)


def region_name(region: str | None) -> str | None:
    """The place a region facet value names, for the retriever's filter (辽宁省 › 大连市 -> 大连市)."""
    return region.split(REGION_SEP)[-1].strip() or None if region else None


def count_facets(items) -> dict[str, list[tuple[str, int]]]:
    """(value, count) per facet from (region path, kind, year) items.

    Regions are a hierarchy: every level of a path is a value (辽宁省, 辽宁省 › 大连市), listed
    under its parent, siblings by count; kinds by count; years newest first.
    """
    regions: dict[tuple[str, ...], int] = {}
    kinds: dict[str, int] = {}
    years: dict[str, int] = {}
    for path, kind, year in items:
        for level in range(1, len(path) + 1):
            key = tuple(path[:level])
            regions[key] = regions.get(key, 0) + 1
        if kind:
            kinds[kind] = kinds.get(kind, 0) + 1
        if year:
            years[str(year)] = years.get(str(year), 0) + 1

    def tree_key(path: tuple[str, ...]):
        return [(-regions[path[: i + 1]], path[i]) for i in range(len(path))]

    return {
        "regions": [(region_label(p), regions[p]) for p in sorted(regions, key=tree_key)],
        "kinds": sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
        "years": sorted(years.items(), reverse=True),
    }
