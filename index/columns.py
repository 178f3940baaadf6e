"""The rows' filter fields as small integer columns, built once whenever a row list loads.

A filter is then a few numpy comparisons over 100k rows (well under a millisecond each)
instead of a Python predicate per row (100-500 ms, paid on every facet's first use).
A ``RowColumns`` never changes once built, so the app's threads share it without a lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

from index.query_region import library_places

if TYPE_CHECKING:
    from index.rows import Row


def _codes(values: Iterable[str], n: int) -> tuple[list[str], np.ndarray]:
    """Distinct values (in order of first appearance) and each row's position among them."""
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), np.int32, n)
    return list(index), codes


class RowColumns:
    """Per row: kind, file, section and region path as codes, year and is_case as arrays."""

    def __init__(self, rows: list[Row]):
        n = len(rows)
        self.size = n
        self.kinds, self.kind = _codes((r.kind for r in rows), n)
        self.files, self.file = _codes((r.file for r in rows), n)
        self.sections, self.section = _codes((r.section for r in rows), n)
        self.year = np.fromiter((r.year for r in rows), np.int64, n)
        self.is_case = np.fromiter((bool(r.is_case) for r in rows), bool, n)
        # Region paths: one column per level, -1 below a path's end.
        depth = max((len(r.region_path) for r in rows), default=0)
        names: dict[str, int] = {}
        self.region = np.full((n, depth), -1, dtype=np.int32)
        for i, r in enumerate(rows):
            for level, name in enumerate(r.region_path):
                self.region[i, level] = names.setdefault(name, len(names))
        self.region_names = list(names)
        self.region_levels = [np.ascontiguousarray(self.region[:, level]) for level in range(depth)]
        # Surface form -> region path, for regions named in a question (index.query_region).
        self.places = library_places(rows)

    def _matching(self, values: list[str], codes: np.ndarray, test: Callable[[str], bool]) -> np.ndarray:
        """Rows whose value passes ``test``, asked once per distinct value."""
        # One flag per distinct value, and a last False one for the -1 padding of region paths.
        passes = np.array([test(v) for v in values] + [False], dtype=bool)
        return passes[codes]

    def region_mask(self, names: set[str]) -> np.ndarray:
        """Rows with any of ``names`` at any level of their region path."""
        passes = np.array([v in names for v in self.region_names] + [False], dtype=bool)
        mask = np.zeros(self.size, dtype=bool)
        for level in self.region_levels:  # OR of the levels: faster than any(axis=1) over narrow rows
            mask |= passes[level]
        return mask

    def kind_mask(self, test: Callable[[str], bool]) -> np.ndarray:
        return self._matching(self.kinds, self.kind, test)

    def section_mask(self, test: Callable[[str], bool]) -> np.ndarray:
        return self._matching(self.sections, self.section, test)

    def file_mask(self, file: str) -> np.ndarray:
        return self._matching(self.files, self.file, lambda f: f == file)
