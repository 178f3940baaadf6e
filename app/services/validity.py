"""Validity of documents across versions: computed from the texts, overridable by an administrator.

Overrides live in ``<data_dir>/validity.json`` (file -> status), apart from the documents, so a
re-ingest that rebuilds a document keeps the status set by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.kb import KnowledgeBase
from index.docstore import DocStore, atomic_write
from index.rows import rows_from_documents
from ingest.types import Document
from ingest.versions import STATUSES, link_versions

OVERRIDES = "validity.json"
AUTO = "自动"  # forget the status set by hand: the texts decide again
VALIDITY_CHOICES = (*STATUSES, AUTO)


def read_overrides(data_dir: Path) -> dict[str, str]:
    path = Path(data_dir) / OVERRIDES
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items() if v in STATUSES} if isinstance(data, dict) else {}


def relink(kb: KnowledgeBase, store: DocStore) -> list[Document]:
    """Recompute version chains over the whole library and store the documents whose status changed.

    ``store`` is the writer's (``kb.writing()``); the caller syncs the rows afterwards. Returns every document.
    """
    docs = store.all()
    changed = link_versions(docs, read_overrides(kb.data_dir))
    manifest = store.manifest()
    for doc in changed:
        if doc.file in manifest:
            store.put(doc, manifest[doc.file].get("root", ""))
    return docs


def set_validity(kb: KnowledgeBase, file: str, status: str) -> tuple[bool, str]:
    """Set (or with 自动 clear) a document's validity by hand; (ok, message in Chinese).

    The caller checks who may: the app asks for the administrator password, the CLI runs as the owner.
    """
    status = (status or "").strip()
    if status not in (*STATUSES, AUTO):
        return False, f"无效的效力状态“{status}”，可选：{'、'.join((*STATUSES, AUTO))}"
    with kb.writing() as store:
        if store.get(file) is None:
            return False, f"知识库中没有文档 {file}"
        overrides = read_overrides(kb.data_dir)
        if status == AUTO:
            overrides.pop(file, None)
        else:
            overrides[file] = status
        atomic_write(
            kb.data_dir / OVERRIDES, json.dumps(overrides, ensure_ascii=False, indent=1, sort_keys=True)
        )
        docs = relink(kb, store)
        kb.catalog.sync(rows_from_documents(docs))
        doc = next(d for d in docs if d.file == file)
    shown = doc.status or "未标注"
    return True, f"{file} 的效力已设为“{shown}”" + (
        "（按文本自动判断）" if status == AUTO else "（人工设定）"
    )
