"""Chroma through llama-index's ChromaVectorStore: embedded PersistentClient or a Chroma server."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from ingest.errors import BackendError

log = logging.getLogger(__name__)


def collection_name(model_name: str, dim: int) -> str:
    """One collection per embedding model, so vectors of different models never mix."""
    slug = re.sub(r"[^a-zA-Z0-9_-]+", "-", model_name).strip("-_")[:40] or "model"
    return f"policykb-{slug}-{dim}"


def make_client(data_dir: Path, url: str | None = None):
    """A Chroma client: embedded under ``data_dir/chroma`` or the server at ``url``; telemetry off."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except Exception as e:  # noqa: BLE001
            raise BackendError(f"cannot reach the Chroma server at {url} (POLICYKB_CHROMA_URL): {e}") from e
    path = data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class VectorStore:
    """Chunk vectors with their metadata; ids are chunk ids."""

    def __init__(self, client, name: str):
        from llama_index.vector_stores.chroma import ChromaVectorStore

        # embedding_function=None: we always pass our own vectors; Chroma's default would download a model.
        self.collection = client.get_or_create_collection(
            name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        self.store = ChromaVectorStore(chroma_collection=self.collection)
        self.name = name
        self._count: int | None = None

    def fingerprints(self) -> dict[str, str]:
        """Chunk id -> metadata fingerprint of everything stored."""
        out: dict[str, str] = {}
        offset, page = 0, 5000
        while True:
            got = self.collection.get(include=["metadatas"], limit=page, offset=offset)
            for cid, meta in zip(got["ids"], got["metadatas"], strict=True):
                out[cid] = (meta or {}).get("fp", "")
            if len(got["ids"]) < page:
                return out
            offset += page

    def add(self, ids: list[str], texts: list[str], metadatas: list[dict], vectors: np.ndarray) -> None:
        """Insert or replace: a changed chunk keeps its old vector until the new one is written."""
        from llama_index.core.schema import TextNode
        from llama_index.core.vector_stores.utils import node_to_metadata_dict

        self._count = None
        for i in range(0, len(ids), 2000):
            part = slice(i, i + 2000)
            nodes = [
                TextNode(id_=cid, text=text, metadata=meta)
                for cid, text, meta in zip(ids[part], texts[part], metadatas[part], strict=True)
            ]
            # The metadata layout ChromaVectorStore.add writes, through upsert instead of add.
            metas = [
                {k: ("" if v is None else v) for k, v in node_to_metadata_dict(n, remove_text=True).items()}
                for n in nodes
            ]
            self.collection.upsert(
                ids=ids[part],
                embeddings=[v.tolist() for v in vectors[part]],
                metadatas=metas,
                documents=texts[part],
            )

    def delete(self, ids: list[str]) -> None:
        self._count = None
        for i in range(0, len(ids), 2000):
            self.store.delete_nodes(node_ids=ids[i : i + 2000])

    def forget_count(self) -> None:
        self._count = None

    def count(self) -> int:
        """Number of stored chunks; remembered between writes, since every query needs it."""
        if self._count is None:
            self._count = self.collection.count()
        return self._count

    def query(self, vector: np.ndarray, k: int, ids: list[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest chunks, among ``ids`` when given.

        Queries the collection for distances only: going through ChromaVectorStore.query
        builds a node per result (text and metadata) that retrieval would throw away,
        which made dense search 3x slower at 100k chunks (make bench).
        """
        k = min(k, len(ids) if ids is not None else self.count())
        if k <= 0:
            return []
        extra = {"ids": ids} if ids is not None else {}
        got = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=k, include=["distances"], **extra
        )
        # cosine space: distance = 1 - cos
        return [(cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], got["distances"][0], strict=True)]

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["embeddings"])
        return {
            cid: np.asarray(v, dtype=np.float32) for cid, v in zip(got["ids"], got["embeddings"], strict=True)
        }
