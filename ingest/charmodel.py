"""How plausible a character is at a place in a document: frequency, context bigrams, script.

Used to pick a character that damage destroyed, from the candidates its surviving bytes allow.
Counts come from ``data/char_freq.tsv`` and ``data/common_words.txt`` (both from jieba's dictionary)
and from the document itself.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cache
from pathlib import Path

import opencc

LOST = "□"  # stands for a character that cannot be recovered
RARE = 300  # a character rarer than this (count in char_freq.tsv) looks like noise
_DATA = Path(__file__).with_name("data")
_FREQ_MARGIN = 0.6  # log10: an unattested candidate must be 4x as frequent as the next one
# Full-width punctuation (as escapes: editors fold these to ASCII) and rough counts on the char_freq scale.
PUNCT_COUNT = {
    "\uff0c": 8_000_000,
    "\u3002": 5_000_000,
    "\u3001": 2_000_000,
    "\u201c": 2_000_000,
    "\u201d": 2_000_000,
    "\uff1a": 500_000,
    "\uff1b": 400_000,
    "\uff01": 200_000,
    "\uff1f": 200_000,
    "\u300a": 300_000,
    "\u300b": 300_000,
    "\uff08": 300_000,
    "\uff09": 300_000,
}
# Folds full-width punctuation to the ASCII the captures use, to look bigrams up in either form.
_TO_ASCII = str.maketrans(
    {"\uff0c": ",", "\uff01": "!", "\uff1a": ":", "\uff1b": ";", "\uff1f": "?", "\uff08": "(", "\uff09": ")"}
)


@cache
def _char_counts() -> dict[str, int]:
    counts = {}
    for line in (_DATA / "char_freq.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            char, count = line.split("\t")
            counts[char] = int(count)
    return counts | PUNCT_COUNT


@cache
def _words() -> frozenset[str]:
    lines = (_DATA / "common_words.txt").read_text("utf-8").splitlines()
    return frozenset(w for w in lines if w and not w.startswith("#"))


@cache
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def is_punct(c: str) -> bool:
    return not c.isalnum() and not c.isspace()


class CharModel:
    """Scores candidate characters in one document: its bigrams, its script, general frequency."""

    def __init__(self, text: str):
        folded = text.translate(_TO_ASCII)
        self.bigrams = Counter(folded[i : i + 2] for i in range(len(folded) - 1))
        t2s = converter("t2s").convert(text)
        s2t = converter("s2t").convert(text)
        trad = sum(a != b for a, b in zip(text, t2s, strict=False))
        simp = sum(a != b for a, b in zip(text, s2t, strict=False))
        self.traditional = trad > simp
        self._simple: dict[str, str] = dict(zip(text, t2s, strict=True)) if len(t2s) == len(text) else {}

    def simple(self, c: str) -> str:
        if c not in self._simple:
            s = converter("t2s").convert(c)
            self._simple[c] = s if len(s) == 1 else c
        return self._simple[c]

    def count(self, c: str) -> int:
        counts = _char_counts()
        return max(counts.get(c, 0), counts.get(self.simple(c), 0))

    def fits_script(self, c: str) -> bool:
        if self.traditional:
            return converter("s2t").convert(c) == c
        return self.simple(c) == c

    def common(self, c: str) -> bool:
        return self.count(c) >= RARE and self.fits_script(c)

    def supported(self, a: str | None, b: str | None) -> bool:
        """Whether ``a`` then ``b`` is attested: in the document or as a common word."""
        if not a or not b:
            return False
        pair = (a + b).translate(_TO_ASCII)
        return self.bigrams[pair] > 0 or self.simple(a) + self.simple(b) in _words()

    def blocked(self, a: str | None, b: str | None) -> bool:
        """Two punctuation marks side by side that the document never puts together (“。)."""
        if not a or not b or not (is_punct(a) and is_punct(b)):
            return False
        return self.bigrams[(a + b).translate(_TO_ASCII)] == 0

    def score(self, c: str, left: str | None, right: str | None) -> tuple[int, float]:
        """(how many neighbours attest ``c``, a score mixing that with frequency and script)."""
        if self.blocked(left, c) or self.blocked(c, right):
            return 0, -99.0
        support = self.supported(left, c) + self.supported(c, right)
        penalty = 0 if self.fits_script(c) else 5
        return support, 3 * support + math.log10(self.count(c) + 10) - penalty

    def choose(self, cands: tuple[str, ...] | list[str], left: str | None, right: str | None) -> str:
        """The candidate that clearly fits best between ``left`` and ``right``, or LOST."""
        scored = sorted((self.score(c, left, right) + (c,) for c in cands), key=lambda s: -s[1])
        if not scored:
            return LOST
        margin = scored[0][1] - scored[1][1] if len(scored) > 1 else 9.0
        # Attested in context and ahead of the rest, or unattested but far more frequent than any rival.
        if margin >= (0.5 if scored[0][0] else _FREQ_MARGIN):
            return scored[0][2]
        return LOST
