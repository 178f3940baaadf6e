"""Pinned document stores: one consistent list for readers, never a stale copy after a rewrite."""

from __future__ import annotations

from index.docstore import DocStore
from ingest.types import Document


def _doc(title: str) -> Document:
    text = "正文。"
    return Document(file="a.txt", sha256="0" * 64, format="txt", title=title, kind="", date=None, source=None,
                    regions=[], text=text, sections=[], chunks=[])  # fmt: skip


def test_pinned_store_keeps_its_list_and_a_new_pin_sees_a_rewrite(tmp_path):
    writer = DocStore(tmp_path)
    writer.put(_doc("第一版"), "/corpus")
    reader = DocStore(tmp_path, pinned=True)
    assert reader.get("a.txt").title == "第一版"
    # the same source processed again (e.g. --rebuild with new settings): same sha256, new document
    writer = DocStore(tmp_path)
    writer.adopt(reader)
    writer.put(_doc("第二版"), "/corpus")
    writer.put(Document.from_dict({**_doc("另一份").to_dict(), "file": "b.txt"}), "/corpus")
    assert reader.names() == ["a.txt"] and reader.get("a.txt").title == "第一版"  # still the old state
    fresh = DocStore(tmp_path, pinned=True)
    fresh.adopt(reader)
    assert fresh.names() == ["a.txt", "b.txt"]
    assert fresh.get("a.txt").title == "第二版"
