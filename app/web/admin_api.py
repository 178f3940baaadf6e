"""The administrator's gradio_client API: ``upload`` and ``delete``, with the app's admin check.

A file travels as base64 text, not as a gradio file: the server then never opens a path a
client named, and the size is checked before anything is decoded.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from pathlib import Path

import gradio as gr

from app.kb import KnowledgeBase
from app.services import upload as upload_service
from ingest.errors import PolicykbError


def make_admin_api(kb: KnowledgeBase):
    """(upload, delete) bound to ``kb``."""

    def upload(filename: str, content_base64: str, password: str = "") -> dict:
        """上传一个文档或其 zip 压缩包（内容为 base64）并入库；返回每个文件的结果（original, name, ok, message）。"""
        limit = max(kb.settings.max_upload_mb, kb.settings.max_zip_mb) * 1_000_000
        if len(content_base64 or "") > limit * 4 / 3 + 4:
            raise gr.Error(f"文件过大（上限 {limit / 1e6:g} MB）")
        try:
            data = base64.b64decode(content_base64 or "", validate=True)
        except (binascii.Error, ValueError):
            raise gr.Error("content_base64 不是有效的 base64 文本") from None
        name = Path(filename or "upload").name or "upload"
        with tempfile.TemporaryDirectory(prefix="policykb-api-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            try:
                results = upload_service.upload_files(kb, [path], password or None)
            except PolicykbError as e:
                raise gr.Error(str(e)) from None
        return {"results": [r.__dict__ for r in results]}

    def delete(file: str, password: str = "") -> dict:
        """从知识库删除一份文档（上传的文档连同其文件）；返回 ok 与说明。"""
        try:
            ok, message = upload_service.delete(kb, file, password or None)
        except PolicykbError as e:
            raise gr.Error(str(e)) from None
        return {"ok": ok, "message": message}

    return upload, delete
