"""Near-duplicate passages across documents (two reports quoting the same paragraph)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from ingest.split import split_sentences
from ingest.types import Document

MIN_SENTENCE = 12  # shorter sentences (slogans, headings) repeat by chance
DUPLICATE_SHARE = 0.6  # a chunk whose text is mostly found elsewhere is not indexed twice
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, without whitespace and punctuation: the form in which passages are compared."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


@dataclass
class Duplicates:
    """Which chunks are dropped as copies, and where each kept chunk's text also appears."""

    primary_of: dict[str, str] = field(default_factory=dict)  # dropped chunk id -> kept chunk id
    also_in: dict[str, list[dict]] = field(default_factory=dict)  # kept chunk id -> other places


def find_near_duplicates(documents: list[Document]) -> Duplicates:
    """Compare chunks of different files sentence by sentence; order by file name decides ties."""
    docs = sorted(documents, key=lambda d: d.file)
    where: dict[str, list[tuple[str, str]]] = defaultdict(list)  # sentence -> [(file, chunk id)]
    sentences_of: dict[str, list[str]] = {}
    size_of: dict[str, int] = {}
    place: dict[str, dict] = {}
    for doc in docs:
        for chunk in doc.chunks:
            keys = []
            for s, e in split_sentences(chunk.text):
                key = normalise(chunk.text[s:e])
                if len(key) >= MIN_SENTENCE:
                    keys.append(key)
                    where[key].append((doc.file, chunk.id))
            sentences_of[chunk.id] = keys
            size_of[chunk.id] = max(len(normalise(chunk.text)), 1)
            section = doc.sections[chunk.section] if doc.sections else None
            place[chunk.id] = {
                "file": doc.file,
                "title": doc.title,
                "section": section.title if section else "",
                "start": chunk.start,
                "end": chunk.end,
            }
    shared: dict[tuple[str, str], int] = defaultdict(int)  # (chunk, other chunk) -> shared chars
    file_of = {cid: p["file"] for cid, p in place.items()}
    # Versions of one policy repeat each other's articles; each version is a source in its own right.
    version = {d.file: d.version_of for d in docs}
    for key, hits in where.items():
        for _, a in hits:
            for _, b in hits:
                fa, fb = file_of[a], file_of[b]
                if fa != fb and not (version[fa] and version[fa] == version[fb]):
                    shared[(a, b)] += len(key)
    result = Duplicates()
    share = {pair: n / size_of[pair[0]] for pair, n in shared.items()}
    for (a, b), s_ab in sorted(share.items(), key=lambda kv: (-kv[1], kv[0])):
        s_ba = share[(b, a)]
        a_is_copy = s_ab > s_ba or (s_ab == s_ba and file_of[a] > file_of[b])
        if (
            s_ab >= DUPLICATE_SHARE
            and a_is_copy
            and a not in result.primary_of
            and b not in result.primary_of
        ):
            result.primary_of[a] = b
    for a, b in sorted(share):
        if a in result.primary_of:
            continue
        # a is kept: it lists b's passage (b dropped or kept) as another source of the same text.
        entry = place[b]
        others = result.also_in.setdefault(a, [])
        if entry not in others:
            others.append(entry)
    return result
