"""Cleaned documents on disk (one JSON each) and the manifest of source file hashes.

Every write goes to a temporary file that is then renamed over the old one, so a
killed process leaves either the old or the new version, never half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

from ingest.types import Document


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _doc_filename(name: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", name)[-80:]
    return f"{stem}.{hashlib.sha1(name.encode()).hexdigest()[:10]}.json"


class DocStore:
    """Documents by name (as cited, e.g. 000_x.txt) plus ``manifest.json``: name -> {sha256, root}.

    A *pinned* store reads the manifest once and keeps answering from it: readers get one
    consistent list of documents until they pin a new store after the next committed change.
    """

    def __init__(self, data_dir: Path, pinned: bool = False):
        self.dir = data_dir / "docs"
        self.manifest_path = data_dir / "manifest.json"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._cache: dict[str, Document] = {}
        self._entries: dict[str, dict] = {}  # the manifest entry each cached document was read under
        self._pinned: dict[str, dict] | None = self._read_manifest() if pinned else None

    def _read_manifest(self) -> dict[str, dict]:
        if not self.manifest_path.exists():
            return {}
        return json.loads(self.manifest_path.read_text("utf-8"))

    def manifest(self) -> dict[str, dict]:
        if self._pinned is not None:
            return dict(self._pinned)
        return self._read_manifest()

    def adopt(self, other: DocStore) -> None:
        """Reuse ``other``'s loaded documents that this manifest still lists unchanged."""
        manifest = self.manifest()
        for name, doc in list(other._cache.items()):
            entry = other._entries.get(name)
            if entry is not None and manifest.get(name) == entry:  # same write, not only the same source
                self._cache.setdefault(name, doc)
                self._entries.setdefault(name, entry)

    def _write_manifest(self, manifest: dict[str, dict]) -> None:
        atomic_write(self.manifest_path, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))

    def put(self, doc: Document, root: str) -> None:
        """Store the document, then record it in the manifest (in that order)."""
        assert self._pinned is None, "a pinned store is read-only"
        atomic_write(self.dir / _doc_filename(doc.file), json.dumps(doc.to_dict(), ensure_ascii=False))
        manifest = self.manifest()
        # ``written`` tells a re-processed document (same source, new settings) from the one cached.
        entry = {"sha256": doc.sha256, "root": root, "chunks": len(doc.chunks), "written": time.time_ns()}
        manifest[doc.file] = entry
        self._write_manifest(manifest)
        self._cache[doc.file] = doc
        self._entries[doc.file] = entry

    def remove(self, name: str) -> None:
        """Forget a document: manifest first, so a crash leaves at worst an orphan file."""
        assert self._pinned is None, "a pinned store is read-only"
        manifest = self.manifest()
        if name in manifest:
            del manifest[name]
            self._write_manifest(manifest)
        (self.dir / _doc_filename(name)).unlink(missing_ok=True)
        self._cache.pop(name, None)
        self._entries.pop(name, None)

    def get(self, name: str) -> Document | None:
        if name in self._cache:
            return self._cache[name]
        path = self.dir / _doc_filename(name)
        listed = self._pinned if self._pinned is not None else self._read_manifest()
        if not path.exists() or name not in listed:
            return None
        doc = Document.from_dict(json.loads(path.read_text("utf-8")))
        self._cache[name] = doc
        self._entries[name] = listed[name]
        return doc

    def names(self) -> list[str]:
        return sorted(self.manifest())

    def all(self) -> list[Document]:
        """Every document in the manifest, by name; orphaned files are ignored."""
        return [d for d in (self.get(n) for n in self.names()) if d is not None]

    def prune_orphans(self) -> None:
        """Delete document files the manifest does not list (left by a crash)."""
        keep = {_doc_filename(n) for n in self.manifest()}
        for path in self.dir.glob("*.json"):
            if path.name not in keep:
                path.unlink(missing_ok=True)
        for path in self.dir.glob(".*.tmp"):
            path.unlink(missing_ok=True)
