"""Windows of one paragraph shown as one: a long paragraph or article is cut into overlapping windows,
and two of them among the results would repeat each other while each lacks the other half."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from index.rows import Row

if TYPE_CHECKING:
    from index.retrieve import Hit


def _neighbours(a: Row, b: Row) -> bool:
    """Two windows of one paragraph or article that overlap or meet (a long paragraph is cut into
    windows that repeat a sentence): shown apart, they repeat each other and each lacks the other half."""
    return (
        a.file == b.file
        and a.section_no == b.section_no
        and a.article == b.article
        and a.start <= b.end
        and b.start <= a.end
    )


def _union(a: Row, b: Row) -> Row:
    """One row spanning both windows; its text is the document's text from the first start to the last end."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    text = first.text + second.text[first.end - second.start :] if second.end > first.end else first.text
    return replace(first, id=a.id, end=max(a.end, b.end), text=text)


def join_neighbours(hits: list[Hit], k: int) -> list[Hit]:
    """The best ``k`` hits, a window that overlaps a better one of the same paragraph joined to it
    (at its rank, with the better of the two relevances) so that the place it took goes to another passage."""
    kept: list[Hit] = []
    for h in hits:
        near = next((g for g in kept if _neighbours(g.row, h.row)), None)
        if near is None:
            if len(kept) == k:
                break
            kept.append(h)
            continue
        _absorb(near, h)
        # The joined span may now reach a kept window it did not touch before (the middle one came
        # last): all three are one, at the best rank of them.
        group = [g for g in kept if g is near or _neighbours(g.row, near.row)]
        for other in group[1:]:
            _absorb(group[0], other)
            kept.remove(other)
    return kept


def _absorb(into: Hit, other: Hit) -> None:
    into.row = _union(into.row, other.row)
    if other.relevance == other.relevance:  # not NaN: NaN is a keyword-only hit, filled in later
        mine = into.relevance
        into.relevance = max(mine, other.relevance) if mine == mine else other.relevance
    into.keyword = max(into.keyword, other.keyword)
