"""Text under edit that remembers, for every character, where it came from in the raw text."""

from __future__ import annotations

from collections.abc import Iterable


class MappedText:
    """A string plus a parallel list of raw offsets; edits carry the offsets along.

    A character kept or replaced one-for-one keeps its raw offset; the characters of a
    replacement of a different length all take the raw offset where the replaced text began.
    """

    def __init__(self, raw: str):
        self.raw_text = raw
        self.chars = list(raw)
        self.raw = list(range(len(raw)))
        self._text: str | None = raw

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self.chars)
        return self._text

    def __len__(self) -> int:
        return len(self.chars)

    def raw_start(self, i: int) -> int:
        """Raw offset of the character at ``i`` (the raw end for ``i == len``)."""
        if i < len(self.raw):
            return self.raw[i]
        return self.raw[-1] + 1 if self.raw else 0

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``[start, end)`` covered by the characters ``start..end-1``."""
        if start >= end:
            r = self.raw_start(start)
            return r, r
        return self.raw[start], self.raw[end - 1] + 1

    def replace_all(self, new_text: str) -> None:
        """Swap in a text of the same length, character for character."""
        if len(new_text) != len(self.chars):
            raise ValueError("replace_all needs a text of the same length")
        self.chars = list(new_text)
        self._text = new_text

    def edit(self, edits: Iterable[tuple[int, int, str]]) -> None:
        """Apply non-overlapping ``(start, end, replacement)`` edits given in current offsets."""
        ordered = sorted(edits, key=lambda e: (e[0], e[1]))
        if not ordered:
            return
        chars: list[str] = []
        raw: list[int] = []
        pos = 0
        for start, end, new in ordered:
            if start < pos:
                raise ValueError(f"overlapping edits at {start}")
            chars.extend(self.chars[pos:start])
            raw.extend(self.raw[pos:start])
            if len(new) == end - start:
                raw.extend(self.raw[start:end])
            else:
                raw.extend([self.raw_start(start)] * len(new))
            chars.extend(new)
            pos = end
        chars.extend(self.chars[pos:])
        raw.extend(self.raw[pos:])
        self.chars, self.raw, self._text = chars, raw, None

    def spans(self) -> list[list[int]]:
        """``[clean_start, raw_start, length]`` runs of consecutive raw offsets."""
        runs: list[list[int]] = []
        for i, r in enumerate(self.raw):
            if runs and r == runs[-1][1] + runs[-1][2] and i == runs[-1][0] + runs[-1][2]:
                runs[-1][2] += 1
            else:
                runs.append([i, r, 1])
        return runs
