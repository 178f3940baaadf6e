"""Two `policykb serve` processes sharing one real `chroma run` and one data directory."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.kb import KnowledgeBase
from app.services.ingest import ingest
from tests.conftest import ROOT
from tests.index.test_backends import free_port, wait_http

NOTE = "翡翠社区首创“晚霞议事角”:每月十五日傍晚,退休党员在小区凉亭听取居民意见,当场记录并在一周内答复。"


def _serve(port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=dict(os.environ, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _cited(client, question: str) -> set[str]:
    answer = client.predict(question, api_name="/ask")
    return {c["file"] for c in answer["citations"]}


def _listed(client) -> set[str]:
    return {d["file"] for d in client.predict("", api_name="/docs")["documents"]}


def _until(check, seconds: float) -> float:
    """Seconds until ``check()`` held, or AssertionError after ``seconds``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not seen within {seconds} s")
        time.sleep(0.3)
    return time.monotonic() - started


@pytest.mark.slow
def test_two_apps_share_one_chroma_server(tmp_path, corpus_copy, embed_cache_path):
    from gradio_client import Client

    chroma_port, ports = free_port(), (free_port(), free_port())
    chroma = subprocess.Popen(
        [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(tmp_path / "chroma"),
         "--host", "127.0.0.1", "--port", str(chroma_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    apps: list[subprocess.Popen] = []
    try:
        wait_http(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat")
        env = {
            "POLICYKB_DATA_DIR": str(tmp_path / "data"),
            "POLICYKB_CORPUS_DIR": str(corpus_copy),
            "POLICYKB_CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
            "POLICYKB_EMBED_CACHE": str(embed_cache_path),
            "POLICYKB_WATCH_SECONDS": "0.5",
        }
        from app.settings import Settings

        kb = KnowledgeBase(Settings(data_dir=tmp_path / "data", corpus_dir=corpus_copy,
                                    chroma_url=env["POLICYKB_CHROMA_URL"], embed_cache=embed_cache_path))  # fmt: skip
        assert ingest(kb, [corpus_copy]).ok
        apps = [_serve(port, env) for port in ports]
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/", timeout=180)
        one, two = (Client(f"http://127.0.0.1:{port}/", verbose=False) for port in ports)
        question = "晚霞议事角什么时候举办?"
        assert "uploads/晚霞议事角.txt" not in _cited(two, question)

        payload = base64.b64encode((NOTE * 2).encode()).decode()
        result = one.predict("晚霞议事角.txt", payload, "", api_name="/upload")["results"]
        assert [r["ok"] for r in result] == [True], result
        name = result[0]["name"]
        assert name in _cited(one, question)
        seen = _until(lambda: name in _listed(two) and name in _cited(two, question), 10)
        print(f"upload through app 1 seen by app 2 after {seen:.1f} s")

        gone = two.predict(name, "", api_name="/delete")
        assert gone["ok"], gone
        assert name not in _listed(two) and name not in _cited(two, question)
        seen = _until(lambda: name not in _listed(one) and name not in _cited(one, question), 10)
        print(f"delete through app 2 seen by app 1 after {seen:.1f} s")
        assert kb.refresh() and kb.catalog.consistent()
    finally:
        for proc in [*apps, chroma]:
            proc.terminate()
        for proc in [*apps, chroma]:
            proc.wait(20)
