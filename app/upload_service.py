"""Adding and removing documents from the app: admin check, safe upload into corpus/uploads, delete.

An uploaded file is saved as ``<corpus_dir>/uploads/<sanitised name>`` and ingested under
the name ``uploads/<sanitised name>`` with the corpus folder as its root, exactly as
``policykb ingest`` of the corpus folder names it later, so the two never disagree.
Only the uploaded file is processed: a corpus document deleted in the app stays deleted
until the next full ingest.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.ingest_service import delete_document
from app.kb import KnowledgeBase
from app.settings import Settings
from index.catalog import rows_from_documents
from ingest.errors import LoadError
from ingest.pipeline import SplitOptions, process_file

log = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
UPLOADS = "uploads"
_UNSAFE = re.compile(r"[^\w.\-()（）\u4e00-\u9fff]+")

# English problems of ingest.load / ingest.pipeline -> what a cadre reads.
_PROBLEMS = [
    ("unsupported file type", "不支持的文件类型"),
    ("empty docx", "Word 文档中没有文字（可能只有图片）"),
    ("empty file", "文件是空的"),
    ("nothing left after removing", "清洗后没有正文（只有网页导航、页脚等）"),
    ("no text in the html", "网页中没有正文（只有菜单、脚本或图片）"),
    ("corrupt docx", "Word 文档已损坏，请重新保存后再上传"),
    ("encrypted pdf", "PDF 有密码保护，请另存为无密码的副本"),
    ("no text layer", "PDF 没有文字层（可能是扫描件），请先做文字识别"),
    ("corrupt pdf", "PDF 已损坏，请重新导出"),
    ("not a ", "文件内容与扩展名不符，请检查文件格式"),
    ("limit", "文件过大"),
]


@dataclass
class UploadResult:
    """The outcome for one uploaded file; ``name`` is its name in the knowledge base when ``ok``."""

    original: str
    name: str
    ok: bool
    message: str


def admin_refusal(settings: Settings, password: str | None) -> str | None:
    """Why an upload or delete is refused, in Chinese; None when it is allowed."""
    if settings.admin_password:
        if password and hmac.compare_digest(password.encode(), settings.admin_password.encode()):
            return None
        return "管理员密码不正确" if password else "请输入管理员密码"
    if settings.host.strip("[]") in LOCAL_HOSTS:
        return None
    return "未设置管理员密码（POLICYKB_ADMIN_PASSWORD），应用对外开放时不能上传或删除文档"


def safe_filename(name: str) -> str:
    """A base name that cannot leave its folder: no path, no leading dot, only word characters."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", name or ""))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = _UNSAFE.sub("_", stem).strip("._ ")[:80] or "upload"
    ext = _UNSAFE.sub("", ext).lower()[:10]
    return f"{stem}.{ext}" if ext else stem


def chinese_problem(problem: str) -> str:
    low = problem.lower()
    for needle, text in _PROBLEMS:
        if needle in low:
            return text
    return f"无法读取该文件（{problem}）"


def upload_files(
    kb: KnowledgeBase,
    paths: list[str | Path],
    password: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> list[UploadResult]:
    """Check, save and ingest each file; one result per file, problems in Chinese."""
    settings = kb.settings
    refusal = admin_refusal(settings, password)
    if refusal:
        return [UploadResult(Path(str(p)).name, "", False, refusal) for p in paths]
    uploads = (settings.corpus_dir / UPLOADS).resolve()
    uploads.mkdir(parents=True, exist_ok=True)
    root = str(settings.corpus_dir.resolve())
    split = SplitOptions(settings.chunk_size, settings.chunk_overlap, settings.chunk_min)
    limit = int(settings.max_upload_mb * 1_000_000)
    results: list[UploadResult] = []
    stored = 0
    with kb.lock:
        for i, given in enumerate(paths):
            source = Path(str(given))
            original = source.name
            if progress:
                progress(i / max(1, len(paths)), f"处理 {original}")
            name = safe_filename(original)
            if not name.lower().endswith(ALLOWED_EXTENSIONS):
                results.append(
                    UploadResult(original, "", False, "不支持的文件类型，只接受 txt、md、html、docx、pdf")
                )
                continue
            size = source.stat().st_size if source.is_file() else -1
            if size < 0:
                results.append(UploadResult(original, "", False, "没有收到文件内容，请重新上传"))
                continue
            if size > limit:
                results.append(
                    UploadResult(
                        original,
                        "",
                        False,
                        f"文件过大（{size / 1e6:.1f} MB，上限 {settings.max_upload_mb:g} MB）",
                    )
                )
                continue
            target = uploads / name
            if target.parent != uploads:  # cannot happen after safe_filename; never write elsewhere
                results.append(UploadResult(original, "", False, "文件名不合法"))
                continue
            kb_name = f"{UPLOADS}/{name}"
            tmp = uploads / f".part-{os.getpid()}-{name}"  # hidden from ingest, same extension
            shutil.copyfile(source, tmp)
            try:
                doc = process_file(tmp, kb_name, split, min(limit, settings.max_file_bytes))
            except LoadError as e:
                tmp.unlink(missing_ok=True)
                log.warning("upload %s refused: %s", original, e)
                results.append(UploadResult(original, "", False, chinese_problem(e.problem)))
                continue
            os.replace(tmp, target)
            kb.docstore.put(doc, root)
            stored += 1
            results.append(
                UploadResult(original, kb_name, True, f"已入库：{len(doc.sections)} 节，{len(doc.chunks)} 块")
            )
        if stored:
            if progress:
                progress(0.9, "更新索引")
            kb.catalog.sync(rows_from_documents(kb.docstore.all()), None, settings.embed_batch_size)
    if progress:
        progress(1.0, "完成")
    return results


def delete(kb: KnowledgeBase, name: str, password: str | None = None) -> tuple[bool, str]:
    """Remove a document from every store (and its file when it was uploaded); (ok, message in Chinese)."""
    refusal = admin_refusal(kb.settings, password)
    if refusal:
        return False, refusal
    with kb.lock:
        entry = kb.docstore.manifest().get(name)
        if entry is None or not delete_document(kb, name):
            return False, f"知识库中没有文档 {name}"
        uploads = (kb.settings.corpus_dir / UPLOADS).resolve()
        path = (Path(entry.get("root", "")) / name).resolve()
        if path.parent == uploads and path.is_file():
            path.unlink()
    return True, f"已删除 {name}"
