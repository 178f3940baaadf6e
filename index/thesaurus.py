"""The domain thesaurus (index/data/thesaurus.tsv): abbreviations, full names and synonyms of the field.

A question says 居委会, the law says 居民委员会; a cadre says 物业公司, the regulation says
物业服务企业. Keyword search expands each thesaurus term found in the question with the
other terms of its group (both ways; an umbrella term such as 两委 only downwards), and the
result shows the user which expansions were used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

THESAURUS = Path(__file__).parent / "data" / "thesaurus.tsv"
SYMMETRIC = ("简称", "同义", "旧称", "法规")
UMBRELLA = "统称"


@dataclass(frozen=True)
class Expansion:
    """``term`` (as written in the question) also searched as ``alternatives``."""

    term: str
    kind: str
    alternatives: tuple[str, ...]

    def to_json(self) -> dict:
        return {"term": self.term, "kind": self.kind, "alternatives": list(self.alternatives)}


@dataclass(frozen=True)
class Thesaurus:
    groups: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, terms), first term canonical

    @classmethod
    def read(cls, path: Path = THESAURUS) -> Thesaurus:
        groups = []
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            kind, _, terms = line.partition("\t")
            names = tuple(dict.fromkeys(t.strip() for t in terms.split("|") if t.strip()))
            if kind not in SYMMETRIC + (UMBRELLA,) or len(names) < 2:
                raise ValueError(f"{path.name} 第 {number} 行格式不对: {line!r}")
            groups.append((kind, names))
        return cls(tuple(groups))

    @property
    def terms(self) -> list[str]:
        """Every term once, for the word segmenter's dictionary."""
        return list(dict.fromkeys(t for _, names in self.groups for t in names))

    @property
    def fingerprint(self) -> str:
        return hashlib.sha1("\n".join(self.terms).encode()).hexdigest()[:12]

    def _alternatives(self) -> dict[str, dict[str, str]]:
        """term -> {alternative: kind}."""
        out: dict[str, dict[str, str]] = {}
        for kind, names in self.groups:
            sources = names[:1] if kind == UMBRELLA else names
            for term in sources:
                alts = out.setdefault(term, {})
                for other in names:
                    if other != term:
                        alts.setdefault(other, kind)
        return out

    def expand(self, text: str) -> list[Expansion]:
        """Expansions of the thesaurus terms in ``text``, in order of appearance.

        A term inside a longer matched term is skipped when the longer term's group already
        lists it (业委会委员 covers 业委会 委员's own group); otherwise both expand.
        """
        table = _table(self)
        found = []
        for term in table:
            start = text.find(term)
            if start >= 0:
                found.append((start, term))
        out = []
        for _start, term in sorted(found, key=lambda st: (st[0], -len(st[1]))):
            covered = any(
                other != term
                and term in other
                and other in text
                and (term in table[other] or set(table[term]) <= set(table[other]) | {other})
                for _start, other in found
            )
            if covered:
                continue
            alts = tuple(a for a in table[term] if a not in text)
            if alts:
                kind = next(iter(table[term].values()))
                out.append(Expansion(term, kind, alts))
        return out


@lru_cache(maxsize=4)
def _table(thesaurus: Thesaurus) -> dict[str, dict[str, str]]:
    return thesaurus._alternatives()


@lru_cache(maxsize=1)
def default_thesaurus() -> Thesaurus:
    return Thesaurus.read()
