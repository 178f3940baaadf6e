"""The indexed chunks: one row per kept chunk, mirrored in Chroma and the keyword index.

``sync`` makes both stores hold exactly the given rows: it embeds only what is new or
changed (through the cache), upserts those vectors, swaps in the rebuilt keyword index
and only then deletes the vectors of rows no longer wanted. A killed run leaves the
previous keyword index and a rerun converges.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import rowvectors
from index.columns import RowColumns
from index.docstore import atomic_write
from index.embeddings import Embedder, EmbeddingCache
from index.keyword import KeywordIndex, tokenizer_fingerprint
from index.rows import Row
from index.vectorstore import VectorStore

log = logging.getLogger(__name__)
FINGERPRINTS = "fingerprints.json"


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
    ``vectors.npy`` holds the same rows' vectors in row order, for filtered searches
    (``index/rowvectors.py``).
    """

    def __init__(self, keyword_dir: Path, vectors: VectorStore, embedder: Embedder, cache: EmbeddingCache):
        self.keyword_dir = keyword_dir
        self.vectors = vectors
        self.embedder = embedder
        self.cache = cache
        self._state: tuple[list[Row], KeywordIndex] = ([], KeywordIndex([]))
        self._columns: tuple[list[Row], RowColumns] = ([], RowColumns([]))
        self._matrix: tuple[list[Row], np.ndarray | None] = ([], None)
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

    def matrix(self, rows: list[Row]) -> np.ndarray | None:
        """Every vector of ``rows`` (a list ``snapshot()`` returned) in row order, memory-mapped;
        None when the saved index has none or a sync swapped the rows meanwhile."""
        held_rows, matrix = self._matrix
        return matrix if held_rows is rows else None

    def row_vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        """Chunk id -> vector: read from the row matrix, or asked of Chroma for what it lacks."""
        rows, keyword = self._state
        matrix = self.matrix(rows)
        out: dict[str, np.ndarray] = {}
        if matrix is not None:
            for cid in ids:
                i = keyword.row(cid)
                if i is not None:
                    out[cid] = np.asarray(matrix[i])
        rest = [cid for cid in ids if cid not in out]
        if rest:
            out.update(self.vectors.vectors(rest))
        return out

    @property
    def rows(self) -> list[Row]:
        return self._state[0]

    @property
    def keyword(self) -> KeywordIndex:
        return self._state[1]

    def _swap(self, rows: list[Row], keyword: KeywordIndex) -> None:
        # Columns and vectors first: whoever sees the new rows finds them ready.
        self._columns = (rows, RowColumns(rows))
        self._matrix = (rows, rowvectors.load(keyword.directory, len(rows), self.embedder.dim))
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
            self._write_keyword(rows, fingerprints, {r.id for r in todo})
        else:
            self._complete_saved(rows, fingerprints)
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

    def _complete_saved(self, rows: list[Row], fingerprints: list[str]) -> None:
        """Nothing changed: add what an index saved by an earlier version lacks."""
        if not (self.keyword_dir / FINGERPRINTS).exists():  # Chroma holds exactly these rows
            atomic_write(self.keyword_dir / FINGERPRINTS, json.dumps(fingerprints))
        if rows and self.matrix(self.rows) is None:
            tmp = self.keyword_dir / (rowvectors.FILE + ".tmp")
            self._write_vectors(tmp, rows, set())
            os.replace(tmp, self.keyword_dir / rowvectors.FILE)
            held = self.rows
            self._matrix = (held, rowvectors.load(self.keyword_dir, len(held), self.embedder.dim))

    def _write_vectors(
        self, path: Path, rows: list[Row], changed: set[str], old: tuple[list[Row], Path | None] = ([], None)
    ) -> None:
        """The row matrix of ``rows``: unchanged rows' vectors from the ``old`` matrix file (of its row
        list), the others from the embedding cache (a sync has just filed them there), or from
        Chroma failing that."""

        def fetch(positions: list[int]) -> np.ndarray:
            part = [rows[p] for p in positions]
            found = self.cache.cached(self.embedder.name, [r.embed_text() for r in part])
            lost = [part[j].id for j in range(len(part)) if j not in found]
            stored = self.vectors.vectors(lost) if lost else {}
            return np.stack([found[j] if j in found else stored[r.id] for j, r in enumerate(part)])

        old_rows, old_path = old
        ids, old_ids = [r.id for r in rows], [r.id for r in old_rows]
        rowvectors.write(
            path, ids, self.embedder.dim, old_ids, old_path, lambda cid: cid not in changed, fetch
        )

    def _release_matrix(self) -> tuple[list[Row], Path | None]:
        """Stop searching the current row matrix (filtered searches ask Chroma meanwhile), so its
        pages leave this process's memory before a rebuild; returns its rows and its file."""
        held_rows, held = self._matrix
        self._matrix = (held_rows, None)
        return held_rows, Path(held.filename) if held is not None else None

    def _write_keyword(self, rows: list[Row], fingerprints: list[str], changed: set[str]) -> None:
        # The saved index's tokens are reused: only new or changed texts are tokenised again.
        # ...unless the segmenter changed (a new thesaurus): then every text is tokenised afresh.
        reuse = None if self._tokenizer_changed() else self.keyword_dir
        old_matrix = self._release_matrix()
        try:
            keyword = self._build_keyword(rows, fingerprints, changed, reuse, old_matrix)
        except BaseException:
            self._restore_matrix()  # nothing was swapped in: the saved index and its matrix still stand
            raise
        # Searched from the saved files (memory-mapped) rather than the arrays just built.
        self._swap(rows, KeywordIndex.load(self.keyword_dir) or keyword)
        del keyword
        _release_freed_memory()

    def _build_keyword(
        self,
        rows: list[Row],
        fingerprints: list[str],
        changed: set[str],
        reuse: Path | None,
        old_matrix: tuple[list[Row], Path | None],
    ) -> KeywordIndex:
        keyword = KeywordIndex.build([r.id for r in rows], (f"{r.section}\n{r.text}" for r in rows), reuse)

        def write_rows(path: Path) -> None:
            with path.open("w", encoding="utf-8") as f:  # a line at a time: one string would take ~300 MB
                for i, r in enumerate(rows):
                    f.write(("\n" if i else "") + json.dumps(r.to_dict(), ensure_ascii=False))

        keyword.save(
            self.keyword_dir,
            extra={"tokenizer.txt": tokenizer_fingerprint(), FINGERPRINTS: json.dumps(fingerprints)},
            writers={
                "rows.jsonl": write_rows,
                rowvectors.FILE: lambda p: self._write_vectors(p, rows, changed, old_matrix),
            },
        )
        return keyword

    def _restore_matrix(self) -> None:
        """After a failed rebuild, search the saved index's row matrix again."""
        rows, keyword = self._state
        if self._matrix[1] is None:
            self._matrix = (rows, rowvectors.load(keyword.directory, len(rows), self.embedder.dim))

    def _tokenizer_changed(self) -> bool:
        """A new thesaurus segments text differently: the stored keyword index must be rebuilt."""
        path = self.keyword_dir / "tokenizer.txt"
        return not path.exists() or path.read_text("utf-8").strip() != tokenizer_fingerprint()

    def consistent(self) -> bool:
        """True when Chroma and the keyword index hold the same chunk ids."""
        return set(self.vectors.fingerprints()) == set(self.keyword.ids)
