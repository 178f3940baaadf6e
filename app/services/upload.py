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
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.kb import KnowledgeBase
from app.services.ingest import delete_document
from app.services.zip_import import unpack
from app.settings import Settings
from index.rows import rows_from_documents
from ingest.errors import LoadError
from ingest.pipeline import SplitOptions, file_sha256, process_file

log = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
UPLOAD_EXTENSIONS = (*ALLOWED_EXTENSIONS, ".zip")  # a .zip brings documents of the types above
UNEXPECTED = "处理时出现意外错误，本文件未入库，其余文件不受影响；请把服务器日志交给维护人员"
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
    ("unpacked", "Word 文档解压后过大或部件过多（可能是压缩炸弹），拒绝处理；如确为长文档请拆分后上传"),
    ("pages, above", "PDF 页数过多，请拆分后上传"),
    ("characters, above", "文件文字过多，请拆分后上传"),
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
    """Check, save and ingest each file (each document of a .zip); one result per file, problems in Chinese.

    A file that fails, for any reason, is reported and the batch goes on; the index is synced
    for whatever was stored, even when something unexpected broke off the batch.
    """
    settings = kb.settings
    refusal = admin_refusal(settings, password)
    if refusal:
        return [UploadResult(Path(str(p)).name, "", False, refusal) for p in paths]
    results: list[UploadResult] = []
    with tempfile.TemporaryDirectory(prefix="policykb-upload-") as unpacked:
        items: list[tuple[str, Path]] = []
        for i, given in enumerate(paths):
            source = Path(str(given))
            if source.suffix.lower() != ".zip":
                items.append((source.name, source))
                continue
            if progress:
                progress(0.0, f"解压 {source.name}")
            found, problems = unpack(
                source,
                Path(unpacked) / str(i),
                settings.max_zip_files,
                settings.max_file_bytes,
                int(settings.max_zip_mb * 1_000_000),
            )
            items.extend(found)
            results.extend(UploadResult(shown, "", False, problem) for shown, problem in problems)

        def waiting(message: str) -> None:
            log.info("upload waits: %s", message)
            if progress:
                progress(0.0, "等待其他写入完成……")

        with kb.writing(waiting) as store:
            stored = 0
            try:
                for i, (original, source) in enumerate(items):
                    if progress:
                        progress(i / max(1, len(items)), f"处理 {original}（{i + 1}/{len(items)}）")
                    try:
                        result, added = _store_one(kb, store, original, source)
                    except Exception as e:  # noqa: BLE001 - one defect must not cost the rest of the batch
                        log.exception("upload %s: unexpected error", original)
                        result, added = (
                            UploadResult(original, "", False, f"{UNEXPECTED}（{type(e).__name__}）"),
                            False,
                        )
                    results.append(result)
                    stored += added
            finally:
                if stored:
                    if progress:
                        progress(0.95, "更新索引")
                    kb.catalog.sync(rows_from_documents(store.all()), None, settings.embed_batch_size)
    if progress:
        progress(1.0, "完成")
    return results


def _free_name(uploads: Path, name: str, manifest: dict) -> str:
    """``name`` or the first ``stem-2.ext``, ``stem-3.ext`` … that neither a file nor a document uses."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 1
    while (uploads / candidate).exists() or f"{UPLOADS}/{candidate}" in manifest:
        n += 1
        candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
    return candidate


def _store_one(kb: KnowledgeBase, store, original: str, source: Path) -> tuple[UploadResult, bool]:
    """One file: (its result, whether a document was stored)."""
    settings = kb.settings
    limit = int(settings.max_upload_mb * 1_000_000)
    name = safe_filename(original)
    if not name.lower().endswith(ALLOWED_EXTENSIONS):
        return UploadResult(
            original, "", False, "不支持的文件类型，只接受 txt、md、html、docx、pdf 及其 zip 压缩包"
        ), False
    size = source.stat().st_size if source.is_file() else -1
    if size < 0:
        return UploadResult(original, "", False, "没有收到文件内容，请重新上传"), False
    if size > limit:
        text = f"文件过大（{size / 1e6:.1f} MB，上限 {settings.max_upload_mb:g} MB）"
        return UploadResult(original, "", False, text), False
    uploads = (settings.corpus_dir / UPLOADS).resolve()
    uploads.mkdir(parents=True, exist_ok=True)
    manifest = store.manifest()
    sha = file_sha256(source)
    note = ""
    if (uploads / name).exists() or f"{UPLOADS}/{name}" in manifest:
        same = next(
            (n for n, e in manifest.items() if n.startswith(f"{UPLOADS}/") and e["sha256"] == sha), None
        )
        if same:
            return UploadResult(original, same, True, f"与已有文档 {same} 内容相同，未重复入库"), False
        free = _free_name(uploads, name, manifest)
        note = f"；已有同名文档 {UPLOADS}/{name}，本文件改名为 {UPLOADS}/{free}"
        name = free
    target = uploads / name
    if target.parent != uploads:  # cannot happen after safe_filename; never write elsewhere
        return UploadResult(original, "", False, "文件名不合法"), False
    kb_name = f"{UPLOADS}/{name}"
    tmp = uploads / f".part-{os.getpid()}-{name}"  # hidden from ingest, same extension
    try:
        shutil.copyfile(source, tmp)
        split = SplitOptions(settings.chunk_size, settings.chunk_overlap, settings.chunk_min)
        try:
            doc = process_file(tmp, kb_name, split, min(limit, settings.max_file_bytes), sha)
        except LoadError as e:
            log.warning("upload %s refused: %s", original, e)
            return UploadResult(original, "", False, chinese_problem(e.problem)), False
        os.replace(tmp, target)
        try:
            store.put(doc, str(settings.corpus_dir.resolve()))
        except BaseException:
            target.unlink(missing_ok=True)  # no file without its document
            raise
    finally:
        tmp.unlink(missing_ok=True)
    text = f"已入库：{len(doc.sections)} 节，{len(doc.chunks)} 块{note}"
    return UploadResult(original, kb_name, True, text), True


def delete(kb: KnowledgeBase, name: str, password: str | None = None) -> tuple[bool, str]:
    """Remove a document from every store (and its file when it was uploaded); (ok, message in Chinese)."""
    refusal = admin_refusal(kb.settings, password)
    if refusal:
        return False, refusal
    with kb.writing() as store:
        entry = store.manifest().get(name)
        if entry is None or not delete_document(kb, name):
            return False, f"知识库中没有文档 {name}"
        uploads = (kb.settings.corpus_dir / UPLOADS).resolve()
        path = (Path(entry.get("root", "")) / name).resolve()
        if path.parent == uploads and path.is_file():
            path.unlink()
    return True, f"已删除 {name}"
