"""Several writers and readers on one data directory: locks, reloads, the embedded store."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.kb import KnowledgeBase
from app.locks import read_generation
from app.services.ingest import ingest
from tests.conftest import ROOT

HOLD = """
import sys, time
from pathlib import Path
from app.locks import writer_lock, hold_store
what, data, seconds = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
if what == "store":
    hold_store(data)
    print("holding", flush=True)
    time.sleep(seconds)
else:
    import select
    with writer_lock(data, 5):
        print("holding", flush=True)
        select.select([sys.stdin], [], [], seconds)  # until told to let go, or the time is up
"""


def _holder(what: str, data: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, what, str(data), str(seconds)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "holding"
    return proc


def _cli(data: Path, *args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data), *args],
        cwd=ROOT,
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _note(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text * 3, "utf-8")
    return folder


@pytest.mark.slow
def test_second_writer_waits_then_fails_clearly(tmp_path, embed_cache_path):
    data = tmp_path / "data"
    docs = _note(tmp_path / "docs", "a.txt", "金桂社区推行“红色物业”,物业公司党支部与社区党委联席议事。")
    env = {"POLICYKB_EMBED_CACHE": str(embed_cache_path)}
    holder = _holder("writer", data, 120)
    try:
        waiting = subprocess.Popen(
            [sys.executable, "-m", "app", "--data-dir", str(data), "ingest", str(docs), "-q"],
            cwd=ROOT, env=dict(os.environ, **env), stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        first = waiting.stderr.readline()  # the second writer says it waits …
        holder.stdin.write("go\n")  # … and goes on once the first lets go
        holder.stdin.flush()
        rest = waiting.communicate(timeout=300)[1]
    finally:
        holder.kill()
        holder.wait(10)
    assert waiting.returncode == 0, first + rest
    assert "正在写入知识库，等待其完成" in first
    holder = _holder("writer", data, 20)
    try:
        failed = _cli(data, "ingest", str(docs), "-q", POLICYKB_WRITER_TIMEOUT="1", **env)
    finally:
        holder.kill()
        holder.wait(10)
    assert failed.returncode == 2
    assert "等待 1 秒仍未完成" in failed.stderr and f"进程 {holder.pid}" in failed.stderr
    assert len(KnowledgeBase_names(data, embed_cache_path)) == 1  # nothing lost, nothing doubled


def KnowledgeBase_names(data: Path, cache: Path) -> list[str]:
    from app.settings import Settings

    return KnowledgeBase(Settings(data_dir=data, embed_cache=cache)).docstore.names()


@pytest.mark.slow
def test_embedded_store_is_never_open_in_two_processes(tmp_path, embed_cache_path):
    data = tmp_path / "data"
    docs = _note(tmp_path / "docs", "b.txt", "银杏社区设立“板凳议事会”,居民在楼下就能商量小区的事。")
    env = {"POLICYKB_EMBED_CACHE": str(embed_cache_path)}
    holder = _holder("store", data, 60)
    try:
        refused = _cli(data, "ingest", str(docs), "-q", **env)
        searched = _cli(data, "search", "板凳议事会", **env)
        listed = _cli(data, "docs", **env)  # reads no vectors: allowed
    finally:
        holder.kill()
        holder.wait(10)
    assert refused.returncode == 2 and "POLICYKB_CHROMA_URL" in refused.stderr, refused.stderr
    assert "停止该应用" in refused.stderr and "文档库" in refused.stderr
    assert searched.returncode == 2 and "嵌入式向量库" in searched.stderr
    assert listed.returncode == 0
    done = _cli(data, "ingest", str(docs), **env)  # the holder is gone: the lock went with it
    assert done.returncode == 0, done.stderr
    # stderr is a pipe, not a terminal: plain progress lines instead of a bar
    assert "文件 1/1（100%）" in done.stderr and "分块 " in done.stderr


def test_a_reader_sees_a_commit_whole_and_within_seconds(make_settings, corpus_copy, tmp_path):
    writer = KnowledgeBase(make_settings())
    assert ingest(writer, [corpus_copy]).ok
    reader = KnowledgeBase(make_settings())
    assert reader.search("社区网格员的职责", k=1).found
    reader.watch(0.2)
    new = _note(
        tmp_path / "more",
        "新规.txt",
        "琥珀社区试行“夜间议事厅”,每周四晚上由社区书记主持,居民下班后也能参与。",
    )
    seen_during: list[tuple[bool, bool]] = []
    embed = writer.catalog.cache.embed

    def look(*args, **kwargs):  # in the middle of the write: the reader still has the old state
        seen_during.append(("新规.txt" in reader.docstore.names(), reader.refresh()))
        return embed(*args, **kwargs)

    writer.catalog.cache.embed = look
    before = read_generation(writer.data_dir)
    try:
        assert ingest(writer, [new]).ok
    finally:
        writer.catalog.cache.embed = embed
    assert read_generation(writer.data_dir) == before + 1
    assert seen_during and not any(listed or swapped for listed, swapped in seen_during)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "新规.txt" not in reader.docstore.names():
        time.sleep(0.1)
    assert "新规.txt" in reader.docstore.names()
    hits = reader.search("夜间议事厅由谁主持?", k=3).hits
    assert hits and hits[0].row.file == "新规.txt"


def test_query_length_is_bounded_in_the_cli(tmp_path, capsys):
    from app.cli.commands import main

    for command in ("search", "ask"):
        with pytest.raises(SystemExit) as done:
            main(["--data-dir", str(tmp_path / "data"), command, "社区" * 300])
        assert done.value.code == 2
        assert "过长（600 字，上限 500 字）" in capsys.readouterr().err


def test_a_run_that_changes_nothing_makes_no_app_reload(make_settings, corpus_copy):
    kb = KnowledgeBase(make_settings())
    assert ingest(kb, [corpus_copy]).ok
    generation = read_generation(kb.data_dir)
    again = ingest(kb, [corpus_copy])
    assert again.processed == [] and read_generation(kb.data_dir) == generation
