"""A region named in the question (北京的, 在杭州, 我们浙江) and how near each passage is to it.

The region ranks, it never filters: a cadre in 杭州 wants 杭州's rule first, then the
province's, then the national law, and still sees the rest.
"""

from __future__ import annotations

from index.catalog import Row
from ingest.regions import find_places, resolve_region

NATIONAL = "全国"
# How much a passage's nearness adds, as a share of the best fused score.
TIER_LOCAL, TIER_ENCLOSING, TIER_NATIONAL, TIER_UNKNOWN = 1.0, 0.6, 0.5, 0.3


def question_region(question: str) -> tuple[str, ...]:
    """The region path the question is about, () when it names none with confidence."""
    if not find_places(question):
        return ()
    return resolve_region(question)


def _within(path: list[str] | tuple[str, ...], region: tuple[str, ...]) -> bool:
    return len(path) >= len(region) and tuple(path[: len(region)]) == region


def nearness(row: Row, region: tuple[str, ...]) -> float:
    """1 for a passage issued by or about ``region`` (or a place inside it), less for the enclosing
    province's and for national documents, 0 for other regions'."""
    issuer = [p for p in row.issuer_region if p]
    if (issuer and issuer != [NATIONAL] and _within(issuer, region)) or (
        row.region_path and _within(row.region_path, region)
    ):
        return TIER_LOCAL
    if issuer and issuer != [NATIONAL] and _within(region, tuple(issuer)):
        return TIER_ENCLOSING
    if issuer == [NATIONAL]:
        return TIER_NATIONAL
    if not issuer and not row.region_path:
        return TIER_UNKNOWN
    return 0.0
