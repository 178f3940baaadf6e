"""Shared fixtures: the real corpus ingested once per session with the real bundled model and Chroma."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DEV_SET = SHARED / "eval" / "dev.jsonl"
OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def embed_cache_path() -> Path:
    """One embedding cache for every knowledge base a test builds: each text is embedded once per run."""
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT / "embed_cache.sqlite"


@pytest.fixture
def make_settings(tmp_path, embed_cache_path):
    """Settings for a fresh knowledge base in a temp folder (the environment is not consulted)."""
    from app.settings import Settings

    def make(**overrides):
        values = {"data_dir": tmp_path / "data", "corpus_dir": CORPUS, "embed_cache": embed_cache_path}
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture(scope="session")
def corpus_kb(tmp_path_factory, embed_cache_path):
    """The five real files ingested once; tests must not change this knowledge base."""
    from app.kb import KnowledgeBase
    from app.services.ingest import ingest
    from app.settings import Settings

    data = tmp_path_factory.mktemp("corpus-kb")
    kb = KnowledgeBase(Settings(data_dir=data, corpus_dir=CORPUS, embed_cache=embed_cache_path))
    report = ingest(kb, [CORPUS])
    assert report.ok, report.failed
    return kb


@pytest.fixture(scope="session")
def dev_questions() -> list[dict]:
    import json

    if not DEV_SET.exists():
        pytest.skip(f"{DEV_SET} is not here")
    return [json.loads(line) for line in DEV_SET.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the corpus folder (without its README)."""
    target = tmp_path / "corpus"
    target.mkdir()
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, target / path.name)
    return target


def pytest_configure(config):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="module")
def writable_kb(tmp_path_factory, embed_cache_path):
    """The real corpus copied to a temp folder and ingested for one test module, which may change it.

    ``kb.settings.corpus_dir`` is the copy (uploads land in its ``uploads/``); ``data_dir`` is beside it.
    """
    from app.kb import KnowledgeBase
    from app.services.ingest import ingest
    from app.settings import Settings

    root = tmp_path_factory.mktemp("writable-kb")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, corpus / path.name)
    kb = KnowledgeBase(Settings(data_dir=root / "data", corpus_dir=corpus, embed_cache=embed_cache_path))
    report = ingest(kb, [corpus])
    assert report.ok, report.failed
    return kb


LIBRARY = ROOT / "tests" / "fixtures" / "library"
LIBRARY_SET = ROOT / "tests" / "data" / "library_questions.jsonl"
DEV2_SET = SHARED / "eval" / "dev2.jsonl"


@pytest.fixture(scope="session")
def library_kb(tmp_path_factory, embed_cache_path):
    """The fixture library of statutes and official documents plus the five seeds, ingested once."""
    from app.kb import KnowledgeBase
    from app.services.ingest import ingest
    from app.settings import Settings

    root = tmp_path_factory.mktemp("library-kb")
    folder = root / "library"
    folder.mkdir()
    for path in [*CORPUS.glob("*.txt"), *LIBRARY.iterdir()]:
        shutil.copy(path, folder / path.name)
    kb = KnowledgeBase(Settings(data_dir=root / "data", corpus_dir=folder, embed_cache=embed_cache_path))
    report = ingest(kb, [folder])
    assert report.ok, report.failed
    return kb
