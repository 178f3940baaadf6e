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
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.thesaurus import Expansion, default_thesaurus

_DATA = Path(__file__).parent / "data"
TERM_FREQ = 30000  # high enough that jieba keeps a thesaurus term whole (业主委员会, 网格员)
EXPANSION_WEIGHT = 0.8  # an alternative name counts a little less than the user's own word


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    for term in default_thesaurus().terms:
        tok.add_word(term, TERM_FREQ, "n")
    return tok


def _compact(corpus: list[np.ndarray], vocab: dict[str, int]) -> tuple[list[np.ndarray], dict[str, int]]:
    """Drop terms no text uses any more (they came from removed texts): coverage asks the vocabulary."""
    used = np.zeros(len(vocab), dtype=bool)
    used[0] = True
    for arr in corpus:
        used[arr] = True
    if used.all():
        return corpus, vocab
    mapping = np.cumsum(used, dtype=np.int64).astype(np.int32) - 1
    terms = sorted(vocab, key=vocab.get)
    kept = {t: int(mapping[i]) for i, t in enumerate(terms) if used[i]}
    return [mapping[arr] for arr in corpus], kept


def tokenizer_fingerprint() -> str:
    """Changes whenever the segmenter's dictionary changes, so stored keyword indexes get rebuilt."""
    return default_thesaurus().fingerprint


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


def tokenize(text: str) -> list[str]:
    """Index terms: jieba words plus the character bigrams of every Chinese run.

    Bigrams make a match independent of how jieba happened to segment a phrase
    ("3456工作法" in a question, "“3456”工作法" in the text). On the dev set they lift
    keyword hit@5 from 0.96 to 1.00 (README, "检索").
    """
    bigrams = [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]
    return words(text) + bigrams


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


class _Tokens:
    """The token ids of every indexed text, saved beside the index (``tokens.npy`` and friends).

    Tokenising is most of the cost of a rebuild (jieba over 100k chunks takes minutes), so a
    rebuild after a small change reads back the ids of every text it has seen before.
    """

    FILES = ("tokens.npy", "token_offsets.npy", "token_keys.json", "vocab.json")

    def __init__(self, flat: np.ndarray, offsets: np.ndarray, keys: list[str], vocab: list[str]):
        self.flat, self.offsets, self.keys, self.vocab = flat, offsets, keys, vocab

    @classmethod
    def load(cls, directory: Path | None) -> _Tokens | None:
        if directory is None or not all((directory / f).exists() for f in cls.FILES):
            return None
        try:
            return cls(
                np.load(directory / "tokens.npy", mmap_mode="r"),
                np.load(directory / "token_offsets.npy"),
                json.loads((directory / "token_keys.json").read_text("utf-8")),
                json.loads((directory / "vocab.json").read_text("utf-8")),
            )
        except (OSError, ValueError):
            return None


class KeywordIndex:
    """BM25 over chunk texts; ``ids[i]`` is the chunk id of row i."""

    def __init__(self, ids: list[str], model=None):
        self.ids = ids
        self._model = model
        self._row = {cid: i for i, cid in enumerate(ids)}
        self._lock = threading.Lock()
        self.directory: Path | None = None  # where it was loaded from
        self._pending: tuple[list[np.ndarray], list[str], list[str]] | None = None  # tokens until saved
        self.reused = 0  # texts whose tokens came from the previous index

    @classmethod
    def build(cls, ids: list[str], texts: list[str], previous: Path | None = None) -> KeywordIndex:
        """BM25 over ``texts``; tokens of texts already in the index saved at ``previous`` are reused."""
        model = None
        corpus: list[np.ndarray] = []
        keys = [text_key(t) for t in texts]
        reused = 0
        vocab: dict[str, int] = {"": 0}
        if ids:
            # Token ids, not token strings: 100k chunks hold ~45M terms, which as Python
            # strings take gigabytes; as small int arrays they take a few hundred MB.
            old = _Tokens.load(previous)
            at: dict[str, int] = {}
            if old is not None:
                vocab = {t: i for i, t in enumerate(old.vocab)}
                at = {k: i for i, k in enumerate(old.keys)}
            for text, key in zip(texts, keys, strict=True):
                j = at.get(key)
                if j is not None:
                    corpus.append(np.array(old.flat[old.offsets[j] : old.offsets[j + 1]], dtype=np.int32))
                    reused += 1
                    continue
                terms = tokenize(text) or [""]
                corpus.append(
                    np.fromiter((vocab.setdefault(t, len(vocab)) for t in terms), np.int32, len(terms))
                )
            corpus, vocab = _compact(corpus, vocab)
            model = _bm25s().BM25(k1=1.2, b=0.75)
            model.index((corpus, vocab), create_empty_token=False, show_progress=False)
        index = cls(list(ids), model)
        index._pending = (corpus, keys, sorted(vocab, key=vocab.get))
        index.reused = reused
        return index

    def scores(self, query: str, expansions: list[Expansion] | None = None) -> np.ndarray:
        """BM25 score of every row for ``query`` plus, weighted, for the alternatives of ``expansions``."""
        tokens = tokenize(normalise_query(query))
        if self._model is None or not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        extra = [t for t in self.expansion_tokens(expansions or []) if t not in tokens]
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

    def save(self, directory: Path, extra: dict[str, str] | None = None) -> None:
        """Write to a sibling folder, then swap it in, so a crash never leaves half an index.

        ``extra`` files (name -> text) are written into the same folder and swapped with it.
        """
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._model is not None:
            self._model.save(str(tmp), show_progress=False)
        for name, text in (extra or {}).items():
            (tmp / name).write_text(text, "utf-8")
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
        """Stream the pending token ids to disk, then let them go: searches never need them."""
        corpus, keys, vocab = self._pending
        offsets = np.zeros(len(corpus) + 1, dtype=np.int64)
        np.cumsum([len(a) for a in corpus], out=offsets[1:])
        with (directory / "tokens.npy").open("wb") as f:
            header = np.lib.format.header_data_from_array_1_0(np.zeros(0, dtype=np.int32))
            header["shape"] = (int(offsets[-1]),)
            np.lib.format.write_array_header_1_0(f, header)
            for arr in corpus:
                f.write(np.ascontiguousarray(arr, dtype="<i4").tobytes())
        np.save(directory / "token_offsets.npy", offsets)
        (directory / "token_keys.json").write_text(json.dumps(keys), "utf-8")
        (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
        self._pending = None

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        """The saved index, or None when there is none (or a crash left only the backup)."""
        if not (directory / "ids.json").exists():
            old = directory.with_name(directory.name + ".old")
            if (old / "ids.json").exists():
                directory = old
            else:
                return None
        ids = json.loads((directory / "ids.json").read_text("utf-8"))
        model = _bm25s().BM25.load(str(directory), show_progress=False) if ids else None
        index = cls(ids, model)
        index.directory = directory
        return index
