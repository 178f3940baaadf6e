"""Incremental, safe ingestion on the real corpus and a battery of bad inputs."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from app.kb import KnowledgeBase
from app.services.ingest import delete_document, ingest
from tests.conftest import ROOT


def _state(kb: KnowledgeBase) -> dict:
    """Everything a user can observe of a knowledge base, in comparable form."""
    catalog = kb.catalog
    return {
        "manifest": {k: v["sha256"] for k, v in kb.docstore.manifest().items()},
        "rows": sorted((r.id, r.metadata()["fp"]) for r in catalog.rows),
        "chroma": sorted(catalog.vectors.fingerprints().items()),
    }


def test_reingest_is_incremental(make_settings, corpus_copy):
    kb = KnowledgeBase(make_settings())
    first = ingest(kb, [corpus_copy])
    assert first.ok and len(first.processed) == 5
    assert kb.catalog.consistent()
    before = _state(kb)

    again = ingest(kb, [corpus_copy])
    assert again.processed == [] and len(again.unchanged) == 5
    assert again.embedded == 0 and again.added == 0
    assert _state(kb) == before and kb.catalog.consistent()

    # change one file: only it is processed, and only its new chunks are embedded
    path = corpus_copy / "004_1867261157b0bab0.txt"
    path.write_text(path.read_text("utf-8") + "\n新增一段:巴宜区还建立了社区志愿服务积分制度。\n", "utf-8")
    changed = ingest(kb, [corpus_copy])
    assert changed.processed == ["004_1867261157b0bab0.txt"]
    assert 0 < changed.added <= 3 and changed.embedded <= changed.added
    assert kb.catalog.consistent()

    # delete one file: it disappears from every store
    (corpus_copy / "002_f83a94d88cc7dcb8.txt").unlink()
    removed = ingest(kb, [corpus_copy])
    assert removed.removed == ["002_f83a94d88cc7dcb8.txt"]
    assert all(r.file != "002_f83a94d88cc7dcb8.txt" for r in kb.catalog.rows)
    assert kb.catalog.consistent()
    result = kb.search("3456工作法具体指什么?", k=10)
    assert all(h.row.file != "002_f83a94d88cc7dcb8.txt" for h in result.hits)


def test_delete_document_removes_it_everywhere(make_settings, corpus_copy):
    kb = KnowledgeBase(make_settings())
    ingest(kb, [corpus_copy])
    assert delete_document(kb, "004_1867261157b0bab0.txt")
    assert kb.docstore.get("004_1867261157b0bab0.txt") is None
    assert all(r.file != "004_1867261157b0bab0.txt" for r in kb.catalog.rows)
    assert kb.catalog.consistent()
    assert not delete_document(kb, "004_1867261157b0bab0.txt")


def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("社区议事协商制度。居民代表每月召开一次议事会,讨论小区公共事务。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _bad_inputs(folder: Path) -> dict[str, str]:
    """File name -> words its error message must contain."""
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (folder / "truncated.docx").write_bytes(_docx_bytes()[:700])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "not a pdf")
    (folder / "zip.pdf").write_bytes(buf.getvalue())
    with (folder / "huge.txt").open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    (folder / "boilerplate.txt").write_text(
        "首页\n帮助中心 广告联系\n热门关键词: 党建 治理\n责任编辑:网络\n版权所有 某某网 京ICP备12345678号\n",
        "utf-8",
    )
    return {
        "empty.txt": "empty",
        "binary.txt": "binary",
        "truncated.docx": "DOCX",
        "zip.pdf": "not a PDF",
        "huge.txt": "MB",
        "boilerplate.txt": "boilerplate",
    }


def test_bad_inputs_fail_clearly_and_change_nothing(make_settings, corpus_copy):
    kb = KnowledgeBase(make_settings())
    assert ingest(kb, [corpus_copy]).ok
    before = _state(kb)

    expected = _bad_inputs(corpus_copy)
    # good non-UTF-8 files in the same batch are still ingested
    (corpus_copy / "gbk.txt").write_bytes("社区网格员每天走访居民,收集诉求并及时上报处理。".encode("gbk") * 3)
    (corpus_copy / "utf16.txt").write_bytes(
        "小区党支部牵头成立业主委员会,规范物业服务。".encode("utf-16") * 1
    )
    report = ingest(kb, [corpus_copy])
    failed = dict(report.failed)
    assert set(failed) == set(expected)
    for name, words in expected.items():
        assert words.lower() in failed[name].lower(), (name, failed[name])
    assert sorted(report.processed) == ["gbk.txt", "utf16.txt"]
    after = _state(kb)
    assert {k: v for k, v in after["manifest"].items() if k in before["manifest"]} == before["manifest"]
    assert set(before["rows"]) <= set(after["rows"])


def test_failed_new_version_keeps_the_stored_one(make_settings, corpus_copy):
    kb = KnowledgeBase(make_settings())
    ingest(kb, [corpus_copy])
    before = _state(kb)
    (corpus_copy / "001_836e489ea1e73fcd.txt").write_bytes(b"\x00\x01\x02" * 100)
    report = ingest(kb, [corpus_copy])
    assert [f for f, _ in report.failed] == ["001_836e489ea1e73fcd.txt"]
    assert _state(kb) == before


def _cli(data: Path, *args: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, POLICYKB_DATA_DIR=str(data))
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kw,
    )


@pytest.mark.slow
def test_killed_ingest_converges(tmp_path, corpus_copy, make_settings, embed_cache_path):
    """Kill ingest mid-run (several points), rerun: same state as a clean run, no duplicates."""
    clean_dir = tmp_path / "clean"
    clean = KnowledgeBase(make_settings(data_dir=clean_dir))
    ingest(clean, [corpus_copy])
    expected = _state(clean)

    data = tmp_path / "killed"
    env_cache = {"POLICYKB_EMBED_CACHE": str(tmp_path / "own-cache.sqlite")}  # slow path: real embedding
    for delay in (1.0, 4.0, 8.0):
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "ingest", str(corpus_copy), "-q"],
            cwd=ROOT,
            env=dict(os.environ, POLICYKB_DATA_DIR=str(data), **env_cache),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = subprocess.run(
        [sys.executable, "-m", "app", "ingest", str(corpus_copy), "--json", "-q"],
        cwd=ROOT,
        env=dict(os.environ, POLICYKB_DATA_DIR=str(data), **env_cache),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["failed"] == []
    rerun = KnowledgeBase(make_settings(data_dir=data))
    state = _state(rerun)
    assert state == expected
    assert len(state["chroma"]) == len({cid for cid, _ in state["chroma"]})
