"""Extractive answers: the retrieved passages' most relevant, non-repeating sentences, verbatim, with citations.

A sentence's score mixes its dense similarity to the question (min-max scaled over the
candidates), the IDF-weighted share of the question's keywords it contains and the rank
of its passage. Points are then picked by maximal marginal relevance so that five points
do not say one thing five times; near-identical sentences (same normalised text, or one
inside the other) are never both kept.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.answer.qtype import DEFINING, defines_part
from app.answer.types import Citation
from index.embeddings import Embedder, EmbeddingCache
from index.keyword import normalise_query, tokenize
from index.question_terms import content_words, without_asking
from index.retrieve import Hit
from index.rows import Row
from ingest.dedup import normalise
from ingest.split import split_sentences

log = logging.getLogger(__name__)

MIN_SENTENCE = 8  # normalised characters; shorter pieces are headings, bylines or slogans
DENSE_WEIGHT, KEYWORD_WEIGHT, RANK_WEIGHT = 0.45, 0.45, 0.10
MMR_LAMBDA = 0.7
SHORT_POINT = 20  # normalised characters below which a point is a lead-in and takes the next sentences
LONG_POINT = 200  # a lead-in is not extended past this many characters
KEEP_SHARE = 0.65  # a point must score at least this share of the best sentence's score
DEFINING_BONUS = 0.3  # lifts a defining sentence above the ones that only mention the term
_HOW = ("怎么", "怎样", "如何", "哪些", "措施", "做法", "办法", "步骤", "途径")


class Encoder:
    """Query and passage vectors; passages go through the knowledge base's embedding cache when given."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache | None = None):
        self.embedder = embedder
        self.cache = cache

    def query(self, text: str) -> np.ndarray:
        return self.embedder.embed_query(text)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self.embedder.embed_batch(texts, query=True) if texts else np.zeros((0, self.embedder.dim))

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        if self.cache is not None:
            return self.cache.embed(self.embedder, texts, batch_size=32)
        return self.embedder.embed_passages(texts, batch_size=32)


_ENUMERATOR = re.compile(
    r"[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of ``text`` (ASCII or full-width ending punctuation), so list items are points."""
    return split_sentences(text)


@dataclass
class Sentence:
    """A sentence of a retrieved passage at its offsets in the document's cleaned text."""

    row: Row
    source: int  # index of the hit it came from
    start: int
    end: int
    text: str


def passage_sentences(row: Row, source: int, doc_text: str | None) -> list[Sentence]:
    """The passage's sentences whose text is verbatim in the document at their offsets (others dropped)."""
    out = []
    for s, e in sentence_spans(row.text):
        quote = row.text[s:e]
        start = row.start + s
        if doc_text is None:
            continue
        if doc_text[start : start + len(quote)] != quote:
            found = doc_text.find(quote, max(0, row.start - 500))
            start = found if found >= 0 else doc_text.find(quote)
            if start < 0:
                log.warning("%s: sentence not found in the document text, not quoted: %.30s", row.file, quote)
                continue
        out.append(Sentence(row, source, start, start + len(quote), quote))
    return out


def candidate_sentences(hits: list[Hit], texts: dict[str, str]) -> list[Sentence]:
    """Content sentences of all hits, each place once (passages overlap), best-ranked passage first."""
    seen: set[tuple[str, int]] = set()
    out = []
    for i, hit in enumerate(hits):
        for sent in passage_sentences(hit.row, i, texts.get(hit.row.file)):
            key = (sent.row.file, sent.start)
            if key in seen or len(normalise(sent.text)) < MIN_SENTENCE:
                continue
            seen.add(key)
            out.append(sent)
    return out


def keyword_share(
    question_tokens: set[str], texts: list[str], synonyms: dict[str, str] | None = None
) -> np.ndarray:
    """IDF-weighted share of the question's tokens in each text (IDF over ``texts``).

    ``synonyms`` maps a name the text uses to the question's own word (业主委员会 -> 业委会)."""
    if synonyms:
        texts = [_as_question_words(t, synonyms) for t in texts]
    token_sets = [_terms(t) for t in texts]
    n = len(texts)
    idf = {t: math.log(1 + (n + 1) / (1 + sum(t in s for s in token_sets))) for t in question_tokens}
    total = sum(idf.values()) or 1.0
    return np.array([sum(idf[t] for t in question_tokens & s) / total for s in token_sets], dtype=np.float32)


@lru_cache(maxsize=8192)
def _terms(text: str) -> frozenset[str]:
    """A sentence's index terms: the same sentences come back question after question."""
    return frozenset(tokenize(normalise_query(text)))


def _as_question_words(text: str, synonyms: dict[str, str]) -> str:
    for alternative in sorted(synonyms, key=len, reverse=True):
        text = text.replace(alternative, synonyms[alternative])
    return text


def synonym_map(expansions) -> dict[str, str]:
    """Alternative -> the question's term, from a search result's thesaurus expansions."""
    return {alt: e.term for e in expansions for alt in e.alternatives}


def _scaled(values: np.ndarray) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    return (values - lo) / (hi - lo) if hi - lo > 1e-6 else np.ones_like(values)


def score_sentences(
    question: str,
    sentences: list[Sentence],
    encoder: Encoder,
    defining: bool = False,
    synonyms: dict[str, str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(score of each sentence for the question, their passage vectors).

    ``defining``: a definition question, whose answer is the sentence that defines the term
    (“3”即“三会三活”, 本办法所称…是指…), not one that only mentions it.
    """
    vectors = encoder.passages([s.text for s in sentences])
    dense = vectors @ encoder.query(question)
    keywords = keyword_share(set(tokenize(without_asking(question))), [s.text for s in sentences], synonyms)
    rank = np.array([1.0 / (1 + s.source) for s in sentences], dtype=np.float32)
    scores = DENSE_WEIGHT * _scaled(dense) + KEYWORD_WEIGHT * keywords + RANK_WEIGHT * rank
    if defining:
        terms = content_words(question)
        bonus = np.array(
            [DEFINING_BONUS if _defines(s.text, terms) else 0.0 for s in sentences], dtype=np.float32
        )
        scores = scores + bonus
    return scores, vectors


def _defines(sentence: str, terms: list[str]) -> bool:
    """The sentence names one of the question's terms and says what it is (即, 是指, 就是…)."""
    text = normalise_query(sentence)
    return (any(t in text for t in terms) and bool(DEFINING.search(text))) or defines_part(text, terms)


def _same_point(a: Sentence, b: Sentence) -> bool:
    x, y = normalise(a.text), normalise(b.text)
    return x == y or x in y or y in x


def select_points(
    sentences: list[Sentence], scores: np.ndarray, vectors: np.ndarray, points: int
) -> list[int]:
    """Indexes of up to ``points`` sentences chosen by maximal marginal relevance.

    The best sentence of the best-ranked passage is always among them, so the answer
    never leaves out what retrieval ranked first.
    """
    if not sentences:
        return []
    best = float(scores.max())
    chosen = [int(np.argmax(scores))]
    top_passage = [i for i, s in enumerate(sentences) if s.source == sentences[0].source]
    top = max(top_passage, key=lambda i: scores[i])
    if top not in chosen and points > 1 and not _same_point(sentences[top], sentences[chosen[0]]):
        chosen.append(top)
    while len(chosen) < points:
        pick, pick_value = None, -math.inf
        for i, sent in enumerate(sentences):
            if (
                i in chosen
                or scores[i] < KEEP_SHARE * best
                or any(_same_point(sent, sentences[j]) for j in chosen)
            ):
                continue
            # Cosines of e5 sentences sit in about 0.75..1; only the top of that range means "same point".
            redundancy = max(
                (max(0.0, (float(vectors[i] @ vectors[j]) - 0.8) / 0.2) for j in chosen), default=0.0
            )
            value = MMR_LAMBDA * float(scores[i]) - (1 - MMR_LAMBDA) * redundancy
            if value > pick_value:
                pick, pick_value = i, value
        if pick is None:
            break
        chosen.append(pick)
    return chosen


def make_citation(n: int, row: Row, start: int, end: int, quote: str) -> Citation:
    article = row.article
    return Citation(
        n,
        row.file,
        row.title,
        row.section,
        row.region,
        row.date,
        row.kind,
        quote,
        start,
        end,
        article,
        row.status,
    )


def _expand(sent: Sentence, doc_text: str) -> tuple[int, int]:
    """A short sentence ("一是街道实行大部制改革。") takes what follows it in its paragraph; a longer one
    takes a short lead-in before it ("一是实行首问负责制。"), so that a point names the practice and says it."""
    start, end = sent.start, sent.end
    if len(normalise(sent.text)) >= SHORT_POINT:
        para_start = doc_text.rfind("\n", 0, start) + 1
        before = sentence_spans(doc_text[para_start:start])
        if before:
            lead = doc_text[para_start + before[-1][0] : start]
            opens = len(before) == 1 or _ENUMERATOR.match(lead)  # a lead-in opens its paragraph or an item
            if opens and len(normalise(lead)) < SHORT_POINT:
                start = para_start + before[-1][0]
        return start, end
    stop = doc_text.find("\n", end)
    stop = len(doc_text) if stop < 0 else stop
    for _, e in sentence_spans(doc_text[sent.end : stop])[:2]:
        if sent.end + e - start > LONG_POINT:
            break
        end = sent.end + e
        if len(normalise(doc_text[start:end])) >= 2 * SHORT_POINT:
            break
    return start, end


def _point_spans(group: list[Sentence], doc_text: str) -> list[tuple[Sentence, int, int]]:
    """(first sentence, start, end) per point, best first; overlapping spans are joined."""
    points: list[tuple[Sentence, int, int]] = []
    for sent in group:
        s_start, s_end = _expand(sent, doc_text)
        for i, (first, start, end) in enumerate(points):
            if s_start < end and start < s_end:
                points[i] = (first, min(start, s_start), max(end, s_end))
                break
        else:
            points.append((sent, s_start, s_end))
    return points


def extractive_answer(
    question: str,
    hits: list[Hit],
    texts: dict[str, str],
    encoder: Encoder,
    points: int = 5,
    defining: bool = False,
    synonyms: dict[str, str] | None = None,
) -> tuple[str, list[Citation]]:
    """Lead line plus numbered key points grouped by source (best first), each ending with its [n]; quotes verbatim."""
    sentences = candidate_sentences(hits, texts)
    if not sentences:
        return "", []
    scores, vectors = score_sentences(question, sentences, encoder, defining, synonyms)
    chosen = [sentences[i] for i in select_points(sentences, scores, vectors, points)]
    if defining:  # what the term is comes before what is said about it
        terms = content_words(question)
        chosen.sort(key=lambda s: not _defines(s.text, terms))
    files: list[str] = []
    for sent in chosen:  # sources in the order of their best point
        if sent.row.file not in files:
            files.append(sent.row.file)
    found = "做法" if any(w in question for w in _HOW) else "内容"
    lines = [f"共找到 {len(files)} 份材料中的相关{found}:"]
    citations: list[Citation] = []
    for file in files:
        group = [s for s in chosen if s.row.file == file]
        lines += ["", f"《{group[0].row.title or file}》"]
        for first, start, end in _point_spans(group, texts[file]):
            n = len(citations) + 1
            quote = texts[file][start:end]
            citations.append(make_citation(n, first.row, start, end, quote))
            lines.append(f"{n}. {quote}[{n}]")
    return "\n".join(lines), citations
