"""The indexed chunks: one row per kept chunk, mirrored in Chroma and the keyword index.

``sync`` makes both stores hold exactly the given rows: it embeds only what is new or
changed (through the cache), upserts those vectors, swaps in the rebuilt keyword index
and only then deletes the vectors of rows no longer wanted. A killed run leaves the
previous keyword index and a rerun converges.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.embeddings import Embedder, EmbeddingCache
from index.keyword import KeywordIndex, tokenizer_fingerprint
from index.vectorstore import VectorStore
from ingest.dedup import find_near_duplicates
from ingest.types import Document

log = logging.getLogger(__name__)


@dataclass
class Row:
    """A chunk as indexed, with everything a search result shows."""

    id: str
    file: str
    title: str
    section: str
    section_no: int
    region: str
    region_path: list[str]
    kind: str
    date: str
    year: int
    is_case: bool
    start: int
    end: int
    text: str
    also_in: list[dict] = field(default_factory=list)
    article: str = ""  # 第三十九条
    heading: str = ""  # heading path joined by " › "
    status: str = ""  # the document's validity
    superseded_by: str = ""
    version_of: str = ""
    issuer_region: list[str] = field(default_factory=list)
    level: str = ""
    doc_kind: str = ""  # the document's kind; ``kind`` stays the section's
    doc_no: str = ""

    def embed_text(self) -> str:
        """What the model sees: the section heading gives a short passage its context."""
        return f"{self.section}\n{self.text}" if self.section and self.section not in self.text else self.text

    def metadata(self) -> dict:
        """Flat Chroma metadata (scalars only); ``fp`` changes whenever any shown field changes."""
        meta = {
            "file": self.file,
            "title": self.title,
            "section": self.section,
            "section_no": self.section_no,
            "region": self.region,
            "kind": self.kind,
            "date": self.date,
            "year": self.year,
            "is_case": self.is_case,
            "start": self.start,
            "end": self.end,
            "also_in": json.dumps(self.also_in, ensure_ascii=False),
            "article": self.article,
            "status": self.status,
            "doc_kind": self.doc_kind,
            "level": self.level,
        }
        for level in range(3):
            meta[f"region_l{level + 1}"] = self.region_path[level] if level < len(self.region_path) else ""
        meta["fp"] = hashlib.sha1(
            json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode()
        ).hexdigest()
        return meta


def rows_from_documents(documents: list[Document]) -> list[Row]:
    """Rows for every chunk that is not a near-duplicate of a chunk in another document."""
    dups = find_near_duplicates(documents)
    rows = []
    for doc in sorted(documents, key=lambda d: d.file):
        year = int(doc.date[:4]) if doc.date else 0
        for chunk in doc.chunks:
            if chunk.id in dups.primary_of:
                continue
            section = doc.sections[chunk.section]
            rows.append(
                Row(
                    id=chunk.id,
                    file=doc.file,
                    title=doc.title,
                    section=section.title,
                    section_no=chunk.section,
                    region=section.region,
                    region_path=list(section.region_path),
                    kind=section.kind,
                    date=doc.date or "",
                    year=year,
                    is_case=section.is_case,
                    start=chunk.start,
                    end=chunk.end,
                    text=chunk.text,
                    also_in=dups.also_in.get(chunk.id, []),
                    article=chunk.article,
                    heading=" › ".join(chunk.heading_path),
                    status=doc.status,
                    superseded_by=doc.superseded_by or "",
                    version_of=doc.version_of or "",
                    issuer_region=list(doc.issuer_region),
                    level=doc.level,
                    doc_kind=doc.kind,
                    doc_no=doc.doc_no or "",
                )
            )
    return rows


@dataclass
class SyncStats:
    added: int = 0
    deleted: int = 0
    embedded: int = 0  # vectors computed (not found in the cache)
    total: int = 0


class Catalog:
    """Rows plus their two stores, persisted under ``keyword_dir`` and a Chroma collection."""

    def __init__(self, keyword_dir: Path, vectors: VectorStore, embedder: Embedder, cache: EmbeddingCache):
        self.keyword_dir = keyword_dir
        self.vectors = vectors
        self.embedder = embedder
        self.cache = cache
        self._state: tuple[list[Row], KeywordIndex] = ([], KeywordIndex([]))
        self.load()

    # Rows and keyword index are swapped together, so a search running during a sync
    # sees either the old pair or the new one: take ``snapshot()`` once per search.
    def snapshot(self) -> tuple[list[Row], KeywordIndex]:
        return self._state

    @property
    def rows(self) -> list[Row]:
        return self._state[0]

    @property
    def keyword(self) -> KeywordIndex:
        return self._state[1]

    def load(self) -> None:
        """Read the committed rows and keyword index (again, after another process changed them)."""
        self.vectors.forget_count()
        keyword = KeywordIndex.load(self.keyword_dir)
        rows_path = keyword.directory / "rows.jsonl" if keyword and keyword.directory else None
        if keyword is None or rows_path is None or not rows_path.exists():
            self._state = ([], KeywordIndex([]))
            return
        rows = [Row(**json.loads(line)) for line in rows_path.read_text("utf-8").splitlines() if line]
        by_id = {r.id: r for r in rows}
        self._state = ([by_id[i] for i in keyword.ids], keyword)

    def sync(self, rows: list[Row], progress=None, batch_size: int = 32) -> SyncStats:
        """Make Chroma and the keyword index hold exactly ``rows``.

        New and changed vectors are embedded and upserted first, then the keyword index
        (which decides what a search can return) is swapped in, and only then are vectors
        of removed rows deleted: a search during a sync never finds a passage without its vector.
        """
        wanted = {r.id for r in rows}
        stored = self.vectors.fingerprints()
        removed = [cid for cid in stored if cid not in wanted]
        # Only fingerprints are kept for every row: full metadata of 100k rows costs ~150 MB.
        todo = [r for r in rows if stored.get(r.id) != r.metadata()["fp"]]
        del stored
        stats = SyncStats(deleted=len(removed), added=len(todo), total=len(rows))
        for i in range(0, len(todo), 512):
            part = todo[i : i + 512]
            vectors = self.cache.embed(self.embedder, [r.embed_text() for r in part], batch_size, progress)
            stats.embedded += self.cache.computed
            self.vectors.add(
                [r.id for r in part], [r.text for r in part], [r.metadata() for r in part], vectors
            )
        current = [r.id for r in self.rows]
        if (
            removed
            or todo
            or current != [r.id for r in rows]
            or not (self.keyword_dir / "ids.json").exists()
            or self._tokenizer_changed()
        ):
            self._write_keyword(rows)
        self.vectors.delete(removed)
        return stats

    def _write_keyword(self, rows: list[Row]) -> None:
        # The saved index's tokens are reused: only new or changed texts are tokenised again.
        # ...unless the segmenter changed (a new thesaurus): then every text is tokenised afresh.
        reuse = None if self._tokenizer_changed() else self.keyword_dir
        keyword = KeywordIndex.build([r.id for r in rows], [f"{r.section}\n{r.text}" for r in rows], reuse)
        lines = "\n".join(json.dumps(asdict(r), ensure_ascii=False) for r in rows)
        keyword.save(self.keyword_dir, extra={"rows.jsonl": lines, "tokenizer.txt": tokenizer_fingerprint()})
        self._state = (rows, keyword)

    def _tokenizer_changed(self) -> bool:
        """A new thesaurus segments text differently: the stored keyword index must be rebuilt."""
        path = self.keyword_dir / "tokenizer.txt"
        return not path.exists() or path.read_text("utf-8").strip() != tokenizer_fingerprint()

    def consistent(self) -> bool:
        """True when Chroma and the keyword index hold the same chunk ids."""
        return set(self.vectors.fingerprints()) == set(self.keyword.ids)
