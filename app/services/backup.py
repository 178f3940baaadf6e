"""``policykb backup`` and ``restore``: a knowledge base in one .tar.gz, taken while the app serves.

The archive holds what cannot be recomputed cheaply: the cleaned documents, the manifest,
the rows and keyword index, any other state of the data directory, and the vectors of every
indexed passage (taken from the embedding cache). It does not copy Chroma's files, which a
running app may hold half-flushed; a restore writes the vectors back into Chroma (embedded or
a server) from the archived ones, so nothing is embedded again.

Backup holds the writer lock (no change can interleave) but never opens Chroma, so it runs
beside an app that has the embedded store open.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
import time
from pathlib import Path

from app.kb import KnowledgeBase
from app.locks import GENERATION, writer_lock
from app.settings import Settings
from index import rowvectors
from index.docstore import DocStore
from index.embeddings import EmbeddingCache
from index.rows import Row, rows_from_documents
from ingest.errors import PolicykbError

FORMAT = 1
INFO = "policykb-backup.json"
VECTORS = "vectors.sqlite"
# Rebuilt, process-bound or shared things the archive leaves out.
SKIP_TOP = {"chroma", "exports", ".restore-old", ".restore-new"}
SKIP_SUFFIXES = (".lock", ".lock.info", ".tmp")
SKIP_NAMES = {rowvectors.FILE}  # the row matrix: the restore's sync writes it from the archived vectors


class BackupError(PolicykbError):
    pass


def _kept(rel: Path, cache_name: str) -> bool:
    if rel.parts[0] in SKIP_TOP or rel.name.startswith(cache_name) or rel.name in SKIP_NAMES:
        return False
    return not rel.name.endswith(SKIP_SUFFIXES) and not any(p.endswith((".tmp", ".old")) for p in rel.parts)


def _indexed_rows(data_dir: Path) -> list[Row]:
    rows = []
    for path in sorted((data_dir / "keyword").glob("*/rows.jsonl")):
        rows += [Row(**json.loads(line)) for line in path.read_text("utf-8").splitlines() if line]
    return rows


def _export_vectors(cache_path: Path, rows: list[Row], target: Path) -> int:
    """Every cached vector (any model) of the indexed passages, into a new SQLite file."""
    keys = sorted({EmbeddingCache.key(r.embed_text()) for r in rows})
    out = sqlite3.connect(str(target))
    out.execute("CREATE TABLE vectors (model TEXT, sha TEXT, vector BLOB, PRIMARY KEY (model, sha))")
    copied = 0
    if cache_path.exists() and keys:
        src = sqlite3.connect(f"file:{cache_path}?mode=ro", uri=True)
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            found = src.execute(
                f"SELECT model, sha, vector FROM vectors WHERE sha IN ({','.join('?' * len(part))})", part
            ).fetchall()
            out.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", found)
            copied += len(found)
        src.close()
    out.commit()
    out.close()
    return copied


def _cache_path(settings: Settings) -> Path:
    return settings.embed_cache or settings.data_dir / "embed_cache.sqlite"


def backup(settings: Settings, target: Path, on_wait=None) -> dict:
    """Write the archive to ``target`` (atomically); returns what it holds."""
    data = settings.data_dir
    if not (data / "manifest.json").exists():
        raise BackupError(f"{data} 中没有知识库（没有 manifest.json），无可备份")
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    cache_name = _cache_path(settings).name
    with writer_lock(data, settings.writer_timeout, on_wait), tempfile.TemporaryDirectory() as tmp:
        rows = _indexed_rows(data)
        vectors = _export_vectors(_cache_path(settings), rows, Path(tmp) / VECTORS)
        manifest = json.loads((data / "manifest.json").read_text("utf-8"))
        info = {
            "format": FORMAT,
            "created": time.strftime("%Y-%m-%d %H:%M:%S"),
            "documents": len(manifest),
            "chunks": len(rows),
            "vectors": vectors,
            "embed_mode": settings.embed_mode,
        }
        (Path(tmp) / INFO).write_text(json.dumps(info, ensure_ascii=False, indent=1), "utf-8")
        partial = target.with_name(f".{target.name}.part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / INFO, INFO)
            tar.add(Path(tmp) / VECTORS, VECTORS)
            for path in sorted(data.rglob("*")):
                rel = path.relative_to(data)
                if path.is_file() and _kept(rel, cache_name):
                    tar.add(path, f"data/{rel.as_posix()}")
        partial.replace(target)
    return info


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    names = {m.name for m in members}
    if INFO not in names or "data/manifest.json" not in names:
        raise BackupError("这不是 policykb backup 生成的备份文件（缺少说明或文档清单）")
    for m in members:
        parts = Path(m.name).parts
        if m.name.startswith("/") or ".." in parts or not (m.isfile() or m.isdir()):
            raise BackupError(f"备份文件中有不安全的条目 {m.name}，拒绝恢复")
    return members


def restore(settings: Settings, archive: Path, on_wait=None) -> dict:
    """Replace the knowledge base in ``settings.data_dir`` by the archive's; returns its info."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as e:
        raise BackupError(f"无法读取备份文件 {archive}：{e}") from None
    data = settings.data_dir
    data.mkdir(parents=True, exist_ok=True)
    kb = KnowledgeBase(settings)
    with tar, kb.writing(on_wait):
        members = _safe_members(tar)
        info = json.loads(tar.extractfile(INFO).read().decode("utf-8"))
        if info.get("format") != FORMAT:
            raise BackupError(f"备份格式 {info.get('format')} 不受支持（本版本为 {FORMAT}）")
        new, old = data / ".restore-new", data / ".restore-old"
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        new.mkdir()
        tar.extractall(new, members=members, filter="data")
        # The archive's vectors go into this base's cache: the sync below finds them there.
        cache = EmbeddingCache(_cache_path(settings))
        cache.close()
        with sqlite3.connect(str(_cache_path(settings))) as db:
            db.execute("ATTACH DATABASE ? AS archived", (str(new / VECTORS),))
            db.execute("INSERT OR IGNORE INTO vectors SELECT model, sha, vector FROM archived.vectors")
        db.close()
        # Swap the documents and the index state; the old ones stay aside until the sync is done.
        old.mkdir()
        restored = new / "data"
        cache_name = _cache_path(settings).name
        for path in list(data.iterdir()):
            if path.name in SKIP_TOP or path.name == GENERATION or path.name.startswith(cache_name):
                continue
            if not path.name.endswith(SKIP_SUFFIXES):
                shutil.move(str(path), old / path.name)
        for path in restored.iterdir():
            if path.name != GENERATION:
                shutil.move(str(path), data / path.name)
        kb.catalog.load()
        stats = kb.catalog.sync(rows_from_documents(DocStore(data).all()), None, settings.embed_batch_size)
        info["embedded"] = stats.embedded
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    kb.close()
    return info
