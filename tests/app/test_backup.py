"""policykb backup / restore: a restored base answers the same questions with the same citations."""

from __future__ import annotations

import tarfile

import pytest

from app.cli.commands import main
from app.kb import KnowledgeBase
from app.services.ask import ask
from app.services.backup import BackupError, backup, restore
from app.services.ingest import ingest


def _answers(kb: KnowledgeBase, questions: list[str]) -> list[tuple]:
    out = []
    for q in questions:
        a = ask(kb, q, llm_mode="none")
        out.append((a.answer, [(c.file, c.start, c.end, c.quote) for c in a.citations]))
    return out


def _cli(*argv: str) -> int:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    return done.value.code


def test_restored_base_answers_the_same(
    make_settings, corpus_copy, dev_questions, tmp_path, embed_cache_path, monkeypatch, capsys
):
    questions = [q["question"] for q in dev_questions[:6]]
    source = KnowledgeBase(make_settings(data_dir=tmp_path / "source"))
    assert ingest(source, [corpus_copy]).ok
    before = _answers(source, questions)
    assert any(cites for _, cites in before)

    archive = tmp_path / "备份" / "kb.tar.gz"
    # the source app keeps its embedded store open: backup does not need it
    monkeypatch.setenv("POLICYKB_EMBED_CACHE", str(embed_cache_path))
    assert _cli("--data-dir", str(source.data_dir), "backup", str(archive)) == 0
    names = tarfile.open(archive).getnames()
    assert "data/manifest.json" in names and not any(n.startswith("data/chroma") for n in names)
    assert not any(n.endswith("vectors.npy") for n in names)  # the vectors are archived once

    restored_dir = tmp_path / "restored"
    monkeypatch.delenv("POLICYKB_EMBED_CACHE")  # a new machine: only the archive's vectors
    assert _cli("restore", str(archive), "--data-dir", str(restored_dir)) == 0
    assert "新算向量 0" in capsys.readouterr().out  # every vector came from the archive
    restored = KnowledgeBase(make_settings(data_dir=restored_dir))
    assert restored.docstore.names() == source.docstore.names()
    assert restored.catalog.consistent() and len(restored.catalog.rows) == len(source.catalog.rows)
    assert restored.catalog.matrix(restored.catalog.rows) is not None  # rebuilt by the restore
    assert _answers(restored, questions) == before


def test_restore_replaces_a_changed_base_and_refuses_foreign_files(make_settings, corpus_copy, tmp_path):
    kb = KnowledgeBase(make_settings(data_dir=tmp_path / "kb"))
    assert ingest(kb, [corpus_copy]).ok
    archive = tmp_path / "kb.tar.gz"
    backup(kb.settings, archive)
    names = kb.docstore.names()
    (corpus_copy / names[0]).unlink()
    assert ingest(kb, [corpus_copy]).removed == [names[0]]
    restore(kb.settings, archive)
    assert kb.refresh() or kb.docstore.names() == names
    assert kb.docstore.names() == names and kb.catalog.consistent()
    assert any(r.file == names[0] for r in kb.catalog.rows)
    foreign = tmp_path / "other.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        tar.add(corpus_copy / names[1], "x.txt")
    with pytest.raises(BackupError, match="不是 policykb backup"):
        restore(kb.settings, foreign)
