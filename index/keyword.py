"""Chinese keyword index: BM25 (bm25s) over jieba tokens (thesaurus terms as dictionary) without stopwords."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import shutil
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.answer_shape import value_tokens
from index.rowvectors import read_rows
from index.thesaurus import Expansion, default_thesaurus

_DATA = Path(__file__).parent / "data"
TERM_FREQ = 30000  # high enough that jieba keeps a thesaurus term whole (业主委员会, 网格员)
EXPANSION_WEIGHT = 0.8  # an alternative name counts a little less than the user's own word


# How spoken questions ask, kept whole so the segmenter does not make a word across them: 多少人才能开
# is 多少人/才能/开, not 多少/人才/能/开; 物业费能不能 is 物业费/能不能, not 物业/费能/不能.
ASKING_PHRASES = """多少人 多少户 多少名 多少位 多少个 几个人 能不能 可不可以 要不要 会不会 行不行 算不算 够不够
    该不该""".split()


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    for term in default_thesaurus().terms:
        tok.add_word(term, TERM_FREQ, "n")
    for phrase in ASKING_PHRASES:
        tok.add_word(phrase, TERM_FREQ, "r")
    return tok


TOKENIZER_VERSION = 4  # raised whenever ``tokenize`` changes what it makes of a text


def tokenizer_fingerprint() -> str:
    """Changes whenever the segmenter or its dictionary changes, so stored keyword indexes get rebuilt."""
    return f"{TOKENIZER_VERSION}-{default_thesaurus().fingerprint}"


def _bm25s():
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on itself when imported
    return bm25s


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(
        w.strip() for w in (_DATA / "stopwords.txt").read_text("utf-8").splitlines() if w.strip()
    )


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalise_query(text: str) -> str:
    """Full-width -> half-width and traditional -> simplified, so any input finds simplified text."""
    return _t2s().convert(unicodedata.normalize("NFKC", text))


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def words(text: str) -> list[str]:
    """jieba words (domain dictionary loaded) without stopwords and punctuation; latin lower-cased."""
    out = []
    for token in _tokenizer().cut(text):
        token = token.strip().lower()
        if token and token not in _stopwords() and any(c.isalnum() for c in token):
            out.append(token)
    return out


def spans(text: str) -> list[tuple[str, int, int]]:
    """jieba's words of ``text`` (stopwords and punctuation included), each with where it starts and ends."""
    return list(_tokenizer().tokenize(text))


@lru_cache(maxsize=1)
def _tagger():
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_tokenizer())


def tagged(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) as jieba tags them, with the same dictionary as ``words``."""
    return [(p.word, p.flag) for p in _tagger().cut(text)]


def known_word(word: str) -> bool:
    """A word of the segmenter's dictionary (or the thesaurus), not one its HMM made up from the
    characters around it (人算 in 什么样的人算信访人, 要花 in 要花多少钱)."""
    tok = _tokenizer()
    tok.check_initialized()
    return bool(tok.FREQ.get(word))


def tokenize(text: str, values: bool = False) -> list[str]:
    """Index terms: jieba words, the thesaurus terms inside them, and the character bigrams
    of every Chinese run.

    Bigrams make a match independent of how jieba happened to segment a phrase
    ("3456工作法" in a question, "“3456”工作法" in the text). On the dev set they lift
    keyword hit@5 from 0.96 to 1.00 (README, "检索"). A compound the dictionary keeps whole
    (居民委员会主任) still counts as its shorter term (居民委员会). A text that states a number of a
    kind a rule question asks for (五人, 三十日内) also has, when ``values``, that kind's word (see
    index.answer_shape): the index is built so; a query asks for a kind by ``KeywordIndex.scores``'s
    ``wanted``, not by the numbers it states itself.
    """
    found = words(text)
    inner = [t for w in found if len(w) > 2 for t in _inner_terms(w)]
    bigrams = [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]
    return found + inner + bigrams + (value_tokens(text) if values else [])


@lru_cache(maxsize=1)
def _term_set() -> frozenset[str]:
    return frozenset(normalise_query(t) for t in default_thesaurus().terms)


@lru_cache(maxsize=65536)
def _inner_terms(word: str) -> tuple[str, ...]:
    """Thesaurus terms strictly inside ``word`` (居民委员会 in 居民委员会主任)."""
    terms = _term_set()
    n = len(word)
    return tuple(
        dict.fromkeys(
            word[i : i + k] for k in range(2, n) for i in range(n - k + 1) if word[i : i + k] in terms
        )
    )


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


class _Tokens:
    """Per indexed text, its distinct term ids and how often each occurs, saved beside the index.

    ``terms.npy`` and ``term_counts.npy`` hold them for every text, ``term_offsets.npy`` where each
    text's part starts, ``token_keys.json`` the texts' hashes, ``vocab.json`` the terms by id.
    Tokenising is most of the cost of a rebuild (jieba over 100k chunks takes minutes), and
    these counts are all BM25 needs: a rebuild after a small change reads them back for every
    text it has seen before and computes the scores with numpy (``_bm25_scores``).
    """

    FILES = ("terms.npy", "term_counts.npy", "term_offsets.npy", "token_keys.json", "vocab.json")
    # Before counts were kept: every token of every text (read back, counted per text).
    LEGACY = ("tokens.npy", "token_offsets.npy", "token_keys.json", "vocab.json")

    def __init__(self, terms, counts, offsets, keys: list[str], vocab: list[str], legacy: bool = False):
        self.terms, self.counts, self.offsets = terms, counts, offsets
        self.keys, self.vocab, self.legacy = keys, vocab, legacy

    @classmethod
    def load(cls, directory: Path | None) -> _Tokens | None:
        if directory is None:
            return None
        try:
            keys = json.loads((directory / "token_keys.json").read_text("utf-8"))
            vocab = json.loads((directory / "vocab.json").read_text("utf-8"))
            if all((directory / f).exists() for f in cls.FILES):
                return cls(
                    np.load(directory / "terms.npy", mmap_mode="r"),
                    np.load(directory / "term_counts.npy", mmap_mode="r"),
                    np.load(directory / "term_offsets.npy"),
                    keys,
                    vocab,
                )
            if all((directory / f).exists() for f in cls.LEGACY):
                tokens = np.load(directory / "tokens.npy", mmap_mode="r")
                return cls(tokens, None, np.load(directory / "token_offsets.npy"), keys, vocab, legacy=True)
        except (OSError, ValueError):
            return None
        return None

    def read(self, a: int, z: int, terms: np.ndarray, counts: np.ndarray) -> None:
        """Entries ``a:z`` into ``terms`` and ``counts``, read from the files: reading through the
        mapping would keep those pages resident (in this process's RSS) for as long as it lives."""
        for source, out in ((self.terms, terms), (self.counts, counts)):
            if source.dtype != out.dtype or not isinstance(source, np.memmap):
                out[:] = source[a:z]
            else:
                read_rows(source, a, out)

    def counted(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Distinct term ids of text ``j`` and their counts (only asked of a legacy index)."""
        terms, counts = np.unique(
            np.asarray(self.terms[self.offsets[j] : self.offsets[j + 1]]), return_counts=True
        )
        return terms.astype(np.int32), counts.astype(np.int32)


def _counted(terms: list[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in terms), np.int32, len(terms))
    distinct, counts = np.unique(ids, return_counts=True)
    return distinct.astype(np.int32), counts.astype(np.int32)


def _bm25_scores(
    terms: np.ndarray, counts: np.ndarray, offsets: np.ndarray, n_vocab: int, k1: float, b: float
) -> dict:
    """The score matrix ``bm25s.BM25.index`` builds (method "lucene"), bit for bit, from term counts.

    bm25s counts every text's tokens in Python (half a minute at 100k chunks, and ~1 GB of
    temporary arrays); here the counts are given, the scores are computed a block of texts
    at a time and placed straight into their column of the CSC matrix (terms as columns,
    rows in ascending order within a column, as bm25s sorts them).
    """
    n_docs = len(offsets) - 1
    lengths = np.diff(offsets)  # distinct terms per text
    doc_len = np.add.reduceat(counts, offsets[:-1], dtype=np.int64) if n_docs else np.zeros(0, np.int64)
    avg_doc_len = doc_len.mean()
    df = np.bincount(terms, minlength=n_vocab)
    # math.log as bm25s does (numpy's log may differ in the last bit)
    idf = np.array(
        [math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) if d else 0.0 for d in df.tolist()], dtype=np.float32
    )
    norm = k1 * ((1 - b) + b * doc_len.astype(np.float64) / avg_doc_len)  # bm25s' per-text denominator
    indptr = np.zeros(n_vocab + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    heads = indptr[:-1].copy()  # next free place in each column
    block = 1 << 19  # term entries per block: temporaries stay at a few tens of MB
    bounds = np.searchsorted(offsets, np.arange(0, int(offsets[-1]), block), side="right") - 1
    starts = sorted(set(bounds.tolist()) | {0})
    for r0, r1 in zip(starts, [*starts[1:], n_docs], strict=True):
        a, z = int(offsets[r0]), int(offsets[r1])
        if a == z:
            continue
        t = np.asarray(terms[a:z])
        doc = np.repeat(np.arange(r0, r1, dtype=np.int32), lengths[r0:r1])
        tf = np.asarray(counts[a:z]).astype(np.float32)
        scores = (idf[t] * (tf / (norm[doc] + tf))).astype(np.float32)
        order = np.argsort(t, kind="stable")  # by term, rows ascending within a term
        t = t[order]
        per_term = np.bincount(t, minlength=n_vocab)
        first = np.cumsum(per_term) - per_term  # where each term's run starts in ``t``
        at = heads[t] + (np.arange(len(t)) - first[t])
        data[at] = scores[order]
        indices[at] = doc[order]
        heads += per_term
    return {"data": data, "indices": indices, "indptr": indptr, "num_docs": n_docs}


def _without_term_bigrams(tokens: list[str], expansions: list[Expansion]) -> list[str]:
    """The query's tokens less the character pairs inside an abbreviation the thesaurus gives longer
    names for: the word and its full names are searched whole, and its pairs only match other
    abbreviations that share them (委会 of 居委会 is in every 业委会 and 村委会)."""
    short = [e.term for e in expansions if e.alternatives and len(e.term) < min(map(len, e.alternatives))]
    inside = Counter(t[i : i + 2] for t in short for i in range(len(t) - 1))
    terms = {e.term for e in expansions}
    out = []
    for t in reversed(tokens):  # the bigrams come last: the word itself stays
        if len(t) == 2 and inside[t] > 0 and t not in terms:
            inside[t] -= 1
            continue
        out.append(t)
    return out[::-1]


class KeywordIndex:
    """BM25 over chunk texts; ``ids[i]`` is the chunk id of row i."""

    K1, B = 1.2, 0.75

    def __init__(self, ids: list[str], model=None):
        self.ids = ids
        self._model = model
        self._row = {cid: i for i, cid in enumerate(ids)}
        self._lock = threading.Lock()
        self.directory: Path | None = None  # where it was loaded from
        self._pending: _Tokens | None = None  # term counts until saved
        self.reused = 0  # texts whose tokens came from the previous index

    @classmethod
    def build(cls, ids: list[str], texts: Iterable[str], previous: Path | None = None) -> KeywordIndex:
        """BM25 over ``texts`` (one per id, read once: a generator spares holding them all);
        term counts of texts already in the index saved at ``previous`` are reused."""
        keys: list[str] = []
        reused = 0
        vocab: dict[str, int] = {"": 0}
        terms = counts = np.zeros(0, dtype=np.int32)
        offsets = np.zeros(1, dtype=np.int64)
        model = None
        if ids:
            old = _Tokens.load(previous)
            at: dict[str, int] = {}
            if old is not None:
                vocab = {t: i for i, t in enumerate(old.vocab)}
                at = {k: i for i, k in enumerate(old.keys)}
            # Per text in order: a (start, end) range of the old entries (consecutive old texts
            # make one range) or the new text's (terms, counts).
            plan: list[tuple] = []
            lengths = np.empty(len(ids), dtype=np.int64)
            run = [0, 0]  # old texts [start, end) that follow each other

            def flush() -> None:
                if run[1] > run[0]:
                    plan.append((int(old.offsets[run[0]]), int(old.offsets[run[1]])))
                run[0] = run[1] = 0

            for i, text in enumerate(texts):
                key = text_key(text)
                keys.append(key)
                j = at.get(key)
                if j is not None and not old.legacy:
                    if run[1] != j or run[1] == run[0]:
                        flush()
                        run[0] = j
                    run[1] = j + 1
                    lengths[i] = old.offsets[j + 1] - old.offsets[j]
                    reused += 1
                    continue
                flush()
                if j is not None:
                    part = old.counted(j)
                    reused += 1
                else:
                    part = _counted(tokenize(text, values=True) or [""], vocab)
                plan.append(part)
                lengths[i] = len(part[0])
            flush()
            if len(keys) != len(ids):
                raise ValueError(f"{len(ids)} ids but {len(keys)} texts")
            # Counts above 65535 in one chunk are not expected; int32 if one occurs.
            wide = any(isinstance(p[1], np.ndarray) and len(p[1]) and int(p[1].max()) > 65535 for p in plan)
            if old is not None and not old.legacy and old.counts.dtype != np.uint16:
                wide = True
            terms = np.empty(int(lengths.sum()), dtype=np.int32)
            counts = np.empty(len(terms), dtype=np.int32 if wide else np.uint16)
            at_ = 0
            for p in plan:  # each piece straight into place: no list of copies to concatenate
                if isinstance(p[0], int):
                    old.read(p[0], p[1], terms[at_ : at_ + p[1] - p[0]], counts[at_ : at_ + p[1] - p[0]])
                    at_ += p[1] - p[0]
                else:
                    terms[at_ : at_ + len(p[0])] = p[0]
                    counts[at_ : at_ + len(p[0])] = p[1]
                    at_ += len(p[0])
            del plan, old
            offsets = np.zeros(len(ids) + 1, dtype=np.int64)
            np.cumsum(lengths, out=offsets[1:])
            # Drop terms no text uses any more (they came from removed texts): coverage asks the vocabulary.
            used = np.bincount(terms, minlength=len(vocab)) > 0
            used[0] = True
            words_by_id = sorted(vocab, key=vocab.get)
            if not used.all():
                mapping = (np.cumsum(used, dtype=np.int64) - 1).astype(np.int32)
                for i in range(0, len(terms), 1 << 20):  # in place, a block at a time
                    terms[i : i + (1 << 20)] = mapping[terms[i : i + (1 << 20)]]
                words_by_id = [w for w, keep in zip(words_by_id, used.tolist(), strict=True) if keep]
                vocab = {w: i for i, w in enumerate(words_by_id)}
            model = _bm25s().BM25(k1=cls.K1, b=cls.B)
            model.scores = _bm25_scores(terms, counts, offsets, len(vocab), cls.K1, cls.B)
            model.vocab_dict = vocab
            model.unique_token_ids_set = set(vocab.values())
            model.nonoccurrence_array = None
        else:
            words_by_id = [""]
            keys = [text_key(t) for t in texts]
        index = cls(list(ids), model)
        index._pending = _Tokens(terms, counts, offsets, keys, words_by_id)
        index.reused = reused
        return index

    def scores(
        self, query: str, expansions: list[Expansion] | None = None, wanted: list[str] | None = None
    ) -> np.ndarray:
        """BM25 score of every row for ``query`` plus, weighted, for the alternatives of ``expansions``;
        ``wanted`` are the words of the kinds of number the question asks for (``wanted_tokens``)."""
        tokens = tokenize(normalise_query(query)) + [t for t in wanted or [] if self.used(t)]
        if self._model is None or not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        extra = [t for t in self.expansion_tokens(expansions or []) if t not in tokens]
        if extra:
            tokens = _without_term_bigrams(tokens, expansions or [])
        with self._lock:  # bm25s keeps scratch state per call
            scores = np.asarray(self._model.get_scores(tokens), dtype=np.float32)
            if extra:
                scores = scores + EXPANSION_WEIGHT * np.asarray(self._model.get_scores(extra), np.float32)
        return scores

    def expansion_tokens(self, expansions: list[Expansion]) -> list[str]:
        """Index words of the alternatives that occur in the index (whole words: their bigrams would
        match every 委员会)."""
        vocab = self._model.vocab_dict if self._model is not None else {}
        out = []
        for e in expansions:
            for alt in e.alternatives:
                for w in words(alt):
                    if w in vocab and w not in out:
                        out.append(w)
        return out

    def matched(self, expansions: list[Expansion]) -> list[Expansion]:
        """The expansions restricted to alternatives the indexed text uses: what the user is shown."""
        vocab = self._model.vocab_dict if self._model is not None else {}
        out = []
        for e in expansions:
            alts = tuple(a for a in e.alternatives if any(w in vocab for w in words(a)) and words(a) == [a])
            if alts:
                out.append(Expansion(e.term, e.kind, alts))
        return out

    def coverage(self, query: str, expansions: list[Expansion] | None = None) -> float:
        """Share of the query's wording (by characters) that occurs in the indexed text at all.

        A question about 护照 or 个人所得税 has words the corpus never uses; that, more than
        any similarity score, tells an out-of-scope question. A word the text uses under
        another name (居委会 for 居民委员会) counts as used.
        """
        tokens = words(normalise_query(query))
        if self._model is None or not tokens:
            return 0.0
        vocab = self._model.vocab_dict
        known = {e.term for e in self.matched(expansions or [])}
        total = sum(len(t) for t in tokens)
        return sum(len(t) for t in tokens if t in vocab or t in known) / total

    def used(self, token: str) -> bool:
        """Whether some indexed text holds the token."""
        return self._model is not None and token in self._model.vocab_dict

    def rows_with(self, token: str, limit: int) -> list[int]:
        """Up to ``limit`` rows whose text holds the token (in row order)."""
        tid = self._model.vocab_dict.get(token) if self._model is not None else None
        if tid is None:
            return []
        indptr = self._model.scores["indptr"]
        start = int(indptr[tid])
        return sorted(
            int(i) for i in self._model.scores["indices"][start : min(int(indptr[tid + 1]), start + limit)]
        )

    def idf(self, token: str) -> float:
        """log(1 + N / (1 + df)); a word the index never saw gets the highest value."""
        n = len(self.ids)
        df = 0
        if self._model is not None:
            tid = self._model.vocab_dict.get(token)
            if tid is not None:
                indptr = self._model.scores["indptr"]
                df = int(indptr[tid + 1] - indptr[tid])
        return math.log(1 + n / (1 + df))

    def row(self, chunk_id: str) -> int | None:
        return self._row.get(chunk_id)

    def save(
        self,
        directory: Path,
        extra: dict[str, str] | None = None,
        writers: dict[str, Callable[[Path], None]] | None = None,
    ) -> None:
        """Write to a sibling folder, then swap it in, so a crash never leaves half an index.

        ``extra`` files (name -> text) are written into the same folder and swapped with it,
        and so are the files ``writers`` (name -> function writing that path) write.
        """
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._model is not None:
            self._model.save(str(tmp), show_progress=False)
        for name, text in (extra or {}).items():
            (tmp / name).write_text(text, "utf-8")
        for name, write in (writers or {}).items():
            write(tmp / name)
        if self._pending is not None:
            self._save_tokens(tmp)
        (tmp / "ids.json").write_text(json.dumps(self.ids), "utf-8")
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            os.replace(directory, old)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)

    def _save_tokens(self, directory: Path) -> None:
        """Write the pending term counts, then let them go: searches never need them."""
        tokens = self._pending
        np.save(directory / "terms.npy", tokens.terms)
        np.save(directory / "term_counts.npy", tokens.counts)
        np.save(directory / "term_offsets.npy", tokens.offsets)
        (directory / "token_keys.json").write_text(json.dumps(tokens.keys), "utf-8")
        (directory / "vocab.json").write_text(json.dumps(tokens.vocab, ensure_ascii=False), "utf-8")
        self._pending = None

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        """The saved index, or None when there is none (or a crash left only the backup).

        The score matrix is memory-mapped: a search reads only its words' columns, so the rest
        need not be resident, and the next sync builds its matrix without this one in memory.
        """
        if not (directory / "ids.json").exists():
            old = directory.with_name(directory.name + ".old")
            if (old / "ids.json").exists():
                directory = old
            else:
                return None
        ids = json.loads((directory / "ids.json").read_text("utf-8"))
        model = _bm25s().BM25.load(str(directory), mmap=True, show_progress=False) if ids else None
        index = cls(ids, model)
        index.directory = directory
        return index
