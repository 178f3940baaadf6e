"""The synthetic corpus: real sentences, reassembled into ~300-character chunks of synthetic documents.

Sizes nest: the ``n``-chunk corpus is a prefix of every larger one, and its first ``base``
chunks are the only ones embedded for real. Chunk ``i >= base`` reshuffles the sentences
of chunk ``i % base`` and swaps one of them, so its precomputed vector (``bench.vectors``)
stays close to what the model would say about its text.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.rows import Row
from ingest.load import load_file
from ingest.split import chunk_id, split_sentences

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DEV_QUESTIONS = Path("/work/shared/eval/dev.jsonl")

REGIONS = [
    ["辽宁省", "大连市", "甘井子区"],
    ["辽宁省", "大连市", "沙河口区"],
    ["辽宁省", "沈阳市"],
    ["浙江省", "杭州市", "西湖区"],
    ["浙江省", "宁波市"],
    ["北京市", "朝阳区"],
    ["上海市", "浦东新区"],
    ["广东省", "深圳市", "南山区"],
    ["四川省", "成都市", "武侯区"],
    ["河南省", "许昌市", "魏都区"],
]
KINDS = ["领导讲话", "经验交流/案例", "理论文章/研究"]
YEARS = range(2015, 2025)
CN_NUMBERS = "一二三四五六七八九十"
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass
class SentencePool:
    """Sentences of the corpus (cleaned when ``ingest.clean`` exists) and short lines used as headings."""

    sentences: list[str]
    headings: list[str]
    cleaned: bool

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, path: Path) -> SentencePool:
        return cls(**json.loads(path.read_text("utf-8")))


def sentence_pool(corpus: Path = CORPUS) -> SentencePool:
    """Every sentence of the corpus files; text goes through ``clean_text`` when that module exists."""
    try:
        from ingest.clean import clean_text
    except ImportError:
        clean_text = None
    sentences, headings = [], []
    for path in sorted(corpus.glob("*.txt")):
        text = load_file(path).text
        if clean_text is not None:
            text = clean_text(text).text
        for line in text.splitlines():
            for start, end in split_sentences(line):
                piece = line[start:end]
                letters = len(_PUNCT.sub("", piece))
                if 6 <= len(piece) <= 24 and letters >= 5 and not piece.endswith(("。", ";", "!", "?")):
                    headings.append(_PUNCT.sub("", piece))
                elif letters >= 8:
                    sentences.append(piece)
    if len(headings) < 20:  # a corpus without heading lines: short sentences, stripped, will do
        headings += [_PUNCT.sub("", s)[:20] for s in sentences if len(s) <= 30]
    return SentencePool(sorted(set(sentences)), sorted(set(headings)), clean_text is not None)


def _base_sentences(pool: SentencePool, base: int, seed: int) -> list[list[str]]:
    """Sentence lists of the ``base`` really embedded chunks: random sentences up to ~300 characters."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out = []
    while len(out) < base:
        target, parts = rng.randint(220, 300), []
        while sum(map(len, parts)) < target:
            parts.append(rng.choice(pool.sentences))
        text = "".join(parts)
        if text not in seen:
            seen.add(text)
            out.append(parts)
    return out


def _variant(parts: list[str], pool: SentencePool, seed: int, i: int) -> str:
    """Chunk ``i``: the sentences of its base chunk, shuffled, one swapped for a random sentence."""
    rng = random.Random(seed * 1_000_003 + i)
    parts = list(parts)
    rng.shuffle(parts)
    parts[rng.randrange(len(parts))] = rng.choice(pool.sentences)
    return "".join(parts)


def _layout(seed: int) -> Iterator[dict]:
    """Endless synthetic (document, section) slots: one dict per chunk, in corpus order."""
    rng = random.Random(seed + 1)
    doc = 0
    while True:
        doc += 1
        region = rng.choice(REGIONS)
        year = rng.choice(YEARS)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        doc_kind = rng.choice(KINDS)
        for s_no in range(rng.randint(2, 8)):
            kind = doc_kind if rng.random() < 0.7 else rng.choice(KINDS)
            s_region = region if rng.random() < 0.8 else rng.choice(REGIONS)
            for c_no in range(rng.randint(1, 8)):
                yield {
                    "doc": doc,
                    "year": year,
                    "date": date,
                    "region_path": s_region,
                    "kind": kind,
                    "section_no": s_no,
                    "first": c_no == 0,
                    "pick": rng.random(),
                }


def synthetic_rows(pool: SentencePool, n: int, base: int, seed: int = 7) -> list[Row]:
    """The first ``n`` chunks of the synthetic corpus as index rows."""
    bases = _base_sentences(pool, min(n, base), seed)
    rows: list[Row] = []
    titles: dict[int, str] = {}
    offset = 0
    section = ""
    for i, slot in zip(range(n), _layout(seed), strict=False):
        text = "".join(bases[i]) if i < base else _variant(bases[i % base], pool, seed, i)
        doc = slot["doc"]
        heading = pool.headings[int(slot["pick"] * len(pool.headings))]
        if doc not in titles:
            titles = {doc: f"{heading}的实施意见"}
            offset = 0
        if slot["first"]:
            section = f"{CN_NUMBERS[slot['section_no'] % 10]}、{heading}"
            offset += len(section) + 1
        file = f"syn_{doc:04d}.txt"
        region_path = list(slot["region_path"])
        rows.append(
            Row(
                id=chunk_id(file, text, 0),
                file=file,
                title=titles[doc],
                section=section,
                section_no=slot["section_no"],
                region="".join(region_path),
                region_path=region_path,
                kind=slot["kind"],
                date=slot["date"],
                year=slot["year"],
                is_case=slot["kind"] == "经验交流/案例",
                start=offset,
                end=offset + len(text),
                text=text,
            )
        )
        offset += len(text) + 1
    return rows


def texts_digest(texts: list[str]) -> str:
    """Identifies a list of texts, so vectors computed for it are never reused for another."""
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8") + b"\x00")
    return h.hexdigest()


def bench_queries(pool: SentencePool, n: int, seed: int = 7) -> list[str]:
    """The dev questions, then short phrases cut from corpus sentences, ``n`` in all."""
    out = []
    if DEV_QUESTIONS.exists():
        for line in DEV_QUESTIONS.read_text("utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["question"])
    rng = random.Random(seed + 2)
    while len(out) < n:
        letters = _PUNCT.sub("", rng.choice(pool.sentences))
        size = rng.randint(4, 12)
        if len(letters) > size:
            start = rng.randrange(len(letters) - size)
            out.append(letters[start : start + size])
    return out[:n]
