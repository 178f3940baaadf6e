"""The indexed chunks: one row per kept chunk, mirrored in Chroma and the keyword index.

``sync`` makes both stores hold exactly the given rows: it embeds only what is new or
changed (through the cache), upserts those vectors, swaps in the rebuilt keyword index
and only then deletes the vectors of rows no longer wanted. A killed run leaves the
previous keyword index and a rerun converges.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
from dataclasses import dataclass, field, fields
from pathlib import Path

from index.columns import RowColumns
from index.docstore import atomic_write
from index.embeddings import Embedder, EmbeddingCache
from index.keyword import KeywordIndex, tokenizer_fingerprint
from index.vectorstore import VectorStore
from ingest.dedup import find_near_duplicates
from ingest.types import Document

log = logging.getLogger(__name__)
FINGERPRINTS = "fingerprints.json"


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

    def to_dict(self) -> dict:
        """The fields by name; what ``dataclasses.asdict`` gives, without its deep copy (the
        values are JSON-ready already), which made it the slowest part of a re-sync."""
        return {name: getattr(self, name) for name in _FIELDS}

    def fingerprint(self) -> str:
        """Changes whenever any field changes: Chroma keeps it as the ``fp`` metadata."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(text.encode()).hexdigest()

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
        meta["fp"] = self.fingerprint()
        return meta


_FIELDS = tuple(f.name for f in fields(Row))


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


def _release_freed_memory() -> None:
    """Give the memory a rebuild freed back to the system: glibc keeps freed blocks below its
    mmap threshold for reuse, which left ~400 MB resident after each sync at 100k chunks."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@dataclass
class SyncStats:
    added: int = 0
    deleted: int = 0
    embedded: int = 0  # vectors computed (not found in the cache)
    total: int = 0


class Catalog:
    """Rows plus their two stores, persisted under ``keyword_dir`` and a Chroma collection.

    Beside the keyword index the folder holds the rows (``rows.jsonl``) and their fingerprints
    (``fingerprints.json``, in the order of ``ids.json``): what Chroma holds once a sync has
    committed, so a sync compares against it instead of reading 100k metadata back from Chroma.
    """

    def __init__(self, keyword_dir: Path, vectors: VectorStore, embedder: Embedder, cache: EmbeddingCache):
        self.keyword_dir = keyword_dir
        self.vectors = vectors
        self.embedder = embedder
        self.cache = cache
        self._state: tuple[list[Row], KeywordIndex] = ([], KeywordIndex([]))
        self._columns: tuple[list[Row], RowColumns] = ([], RowColumns([]))
        self.load()

    # Rows and keyword index are swapped together, so a search running during a sync
    # sees either the old pair or the new one: take ``snapshot()`` once per search.
    def snapshot(self) -> tuple[list[Row], KeywordIndex]:
        return self._state

    def columns(self, rows: list[Row]) -> RowColumns:
        """The filter columns of ``rows`` (a list ``snapshot()`` returned), built when the rows loaded."""
        held_rows, columns = self._columns
        if held_rows is rows:
            return columns
        return RowColumns(rows)  # a sync swapped the rows between the caller's snapshot and now

    @property
    def rows(self) -> list[Row]:
        return self._state[0]

    @property
    def keyword(self) -> KeywordIndex:
        return self._state[1]

    def _swap(self, rows: list[Row], keyword: KeywordIndex) -> None:
        # Columns first: whoever sees the new rows finds their columns ready.
        self._columns = (rows, RowColumns(rows))
        self._state = (rows, keyword)

    def load(self) -> None:
        """Read the committed rows and keyword index (again, after another process changed them)."""
        self.vectors.forget_count()
        keyword = KeywordIndex.load(self.keyword_dir)
        rows_path = keyword.directory / "rows.jsonl" if keyword and keyword.directory else None
        if keyword is None or rows_path is None or not rows_path.exists():
            self._swap([], KeywordIndex([]))
            return
        by_id = {}
        with rows_path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = Row(**json.loads(line))
                    by_id[row.id] = row
        self._swap([by_id[i] for i in keyword.ids], keyword)
        _release_freed_memory()

    def sync(self, rows: list[Row], progress=None, batch_size: int = 32) -> SyncStats:
        """Make Chroma and the keyword index hold exactly ``rows``.

        New and changed vectors are embedded and upserted first, then the keyword index
        (which decides what a search can return) is swapped in, and only then are vectors
        of removed rows deleted: a search during a sync never finds a passage without its vector.
        """
        fingerprints = [r.fingerprint() for r in rows]
        wanted = {r.id for r in rows}
        stored = self._stored_fingerprints()
        removed = [cid for cid in stored if cid not in wanted]
        todo = [r for r, fp in zip(rows, fingerprints, strict=True) if stored.get(r.id) != fp]
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
            self._write_keyword(rows, fingerprints)
        elif not (self.keyword_dir / FINGERPRINTS).exists():
            # An index saved before fingerprints were kept: nothing changed, Chroma holds these.
            atomic_write(self.keyword_dir / FINGERPRINTS, json.dumps(fingerprints))
        self.vectors.delete(removed)
        return stats

    def _stored_fingerprints(self) -> dict[str, str]:
        """Chunk id -> fingerprint of what Chroma holds.

        The committed keyword folder lists them: every one of its rows was upserted before the
        folder was swapped in. Chroma may hold more (a sync stopped before deleting removed rows,
        or after upserting new ones): then its count differs, and Chroma itself is read.
        """
        saved = self._saved_fingerprints()
        self.vectors.forget_count()
        if saved is not None and self.vectors.count() == len(saved):
            return saved
        return self.vectors.fingerprints()

    def _saved_fingerprints(self) -> dict[str, str] | None:
        ids_path, fps_path = self.keyword_dir / "ids.json", self.keyword_dir / FINGERPRINTS
        try:
            ids = json.loads(ids_path.read_text("utf-8"))
            fps = json.loads(fps_path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(ids, list) or not isinstance(fps, list) or len(ids) != len(fps):
            return None
        return dict(zip(ids, fps, strict=True))

    def _write_keyword(self, rows: list[Row], fingerprints: list[str]) -> None:
        # The saved index's tokens are reused: only new or changed texts are tokenised again.
        # ...unless the segmenter changed (a new thesaurus): then every text is tokenised afresh.
        reuse = None if self._tokenizer_changed() else self.keyword_dir
        keyword = KeywordIndex.build([r.id for r in rows], (f"{r.section}\n{r.text}" for r in rows), reuse)

        def write_rows(path: Path) -> None:
            with path.open("w", encoding="utf-8") as f:  # a line at a time: one string would take ~300 MB
                for i, r in enumerate(rows):
                    f.write(("\n" if i else "") + json.dumps(r.to_dict(), ensure_ascii=False))

        keyword.save(
            self.keyword_dir,
            extra={"tokenizer.txt": tokenizer_fingerprint(), FINGERPRINTS: json.dumps(fingerprints)},
            writers={"rows.jsonl": write_rows},
        )
        # Searched from the saved files (memory-mapped) rather than the arrays just built.
        self._swap(rows, KeywordIndex.load(self.keyword_dir) or keyword)
        del keyword
        _release_freed_memory()

    def _tokenizer_changed(self) -> bool:
        """A new thesaurus segments text differently: the stored keyword index must be rebuilt."""
        path = self.keyword_dir / "tokenizer.txt"
        return not path.exists() or path.read_text("utf-8").strip() != tokenizer_fingerprint()

    def consistent(self) -> bool:
        """True when Chroma and the keyword index hold the same chunk ids."""
        return set(self.vectors.fingerprints()) == set(self.keyword.ids)
