"""Incremental ingestion: changed files are re-processed, deleted ones removed, the indexes synced."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.kb import KnowledgeBase
from app.services.validity import relink
from index.rows import rows_from_documents
from ingest.errors import LoadError
from ingest.load import SUPPORTED
from ingest.pipeline import SplitOptions, file_sha256, process_file

log = logging.getLogger(__name__)

SKIP_NAMES = {"README.md", "readme.md", "README.txt"}  # the corpus folder documents itself


@dataclass
class IngestReport:
    files: int = 0  # documents in the knowledge base after the run
    processed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not a supported document type
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    sections: int = 0
    chunks: int = 0
    indexed: int = 0
    added: int = 0  # chunks written to the stores by this run
    embedded: int = 0  # vectors computed by this run (not found in the cache)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def discover(paths: list[Path]) -> tuple[list[tuple[str, Path, str]], list[str], set[str]]:
    """(name, path, root) of each candidate file, names skipped, and the roots scanned as folders.

    A file's name is its path relative to the folder given (how it is cited); a file
    given directly is named by its base name.
    """
    found, skipped, roots = [], [], set()
    for given in paths:
        if given.is_dir():
            root = str(given.resolve())
            roots.add(root)
            for path in sorted(p for p in given.rglob("*") if p.is_file()):
                name = path.relative_to(given).as_posix()
                if any(part.startswith(".") for part in path.relative_to(given).parts) or name in SKIP_NAMES:
                    continue
                if path.suffix.lower() not in SUPPORTED:
                    skipped.append(name)
                    continue
                found.append((name, path, root))
        else:
            found.append((given.name, given, str(given.resolve().parent)))
    return found, skipped, roots


def ingest(
    kb: KnowledgeBase, paths: list[Path], rebuild: bool = False, progress=None, on_wait=None
) -> IngestReport:
    """Bring the knowledge base in line with ``paths``; a failed file leaves its stored version as it was.

    ``on_wait(message)`` is told when another writer holds the knowledge base and this run waits.
    """
    started = time.perf_counter()
    report = IngestReport()
    s = kb.settings
    split = SplitOptions(s.chunk_size, s.chunk_overlap, s.chunk_min)
    with kb.writing(on_wait) as store:
        store.prune_orphans()
        manifest = store.manifest()
        files, report.skipped, roots = discover(paths)
        seen = {name for name, _, _ in files}
        bar = progress("文件", len(files)) if progress else None
        for name, path, root in files:
            try:
                old = manifest.get(name)
                try:
                    sha = file_sha256(path)
                except OSError as e:
                    raise LoadError(name, f"cannot read: {e.strerror or e}") from e
                if not rebuild and old and old["sha256"] == sha and store.get(name):
                    report.unchanged.append(name)
                else:
                    doc = process_file(path, name, split, s.max_file_bytes, sha)
                    store.put(doc, root)
                    report.processed.append(name)
            except LoadError as e:
                report.failed.append((name, e.problem))
                log.warning("%s", e)
            except Exception as e:  # noqa: BLE001 - a defect on one file must not stop the batch
                log.exception("%s: unexpected error", name)
                report.failed.append((name, f"unexpected error ({type(e).__name__}: {e}); please report it"))
            if bar:
                bar(1)
        for name, entry in manifest.items():
            if entry.get("root") in roots and name not in seen:
                store.remove(name)
                report.removed.append(name)
        docs = relink(kb, store)  # a new or removed version changes which one is in force
        rows = rows_from_documents(docs)
        chunk_bar = progress("分块", len(rows)) if progress else None
        stats = kb.catalog.sync(rows, chunk_bar, s.embed_batch_size)
    report.files = len(docs)
    report.sections = sum(len(d.sections) for d in docs)
    report.chunks = sum(len(d.chunks) for d in docs)
    report.indexed = stats.total
    report.added = stats.added
    report.embedded = stats.embedded
    report.seconds = time.perf_counter() - started
    return report


def delete_document(kb: KnowledgeBase, name: str, on_wait=None) -> bool:
    """Remove a document from every store; False when there was no such document."""
    with kb.writing(on_wait) as store:
        if store.get(name) is None:
            return False
        store.remove(name)
        kb.catalog.sync(rows_from_documents(relink(kb, store)))
        return True
