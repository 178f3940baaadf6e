"""The CLI contract that later issues and checks rely on."""

from __future__ import annotations

import io
import json
import sys

import pytest

from app.cli.commands import main
from tests.conftest import CORPUS


def run(capsys, monkeypatch, data_dir, *argv, stdin: str | None = None) -> tuple[int, str, str]:
    monkeypatch.setenv("POLICYKB_DATA_DIR", str(data_dir))
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_docs_json(capsys, monkeypatch, corpus_kb):
    code, out, _ = run(capsys, monkeypatch, corpus_kb.data_dir, "docs", "--json")
    assert code == 0
    docs = json.loads(out)
    assert [d["file"] for d in docs] == sorted(p.name for p in CORPUS.glob("*.txt"))
    for d in docs:
        assert {"file", "title", "kind", "date", "regions", "sections", "chunks"} <= set(d)
        assert d["chunks"] > 0 and d["sections"]
        for s in d["sections"]:
            assert {"title", "region", "kind"} <= set(s)
    assert "\\u" not in out  # Chinese unescaped


def test_show_json_matches_search_offsets(capsys, monkeypatch, corpus_kb):
    code, out, _ = run(
        capsys, monkeypatch, corpus_kb.data_dir, "search", "网格员需要提升哪些能力", "--json", "-k", "3"
    )
    assert code == 0
    result = json.loads(out)
    assert result["found"] and result["query"] == "网格员需要提升哪些能力"
    texts = {}
    for r in result["results"]:
        assert {
            "rank",
            "score",
            "file",
            "title",
            "section",
            "region",
            "kind",
            "date",
            "text",
            "start",
            "end",
            "also_in",
        } <= set(r)
        if r["file"] not in texts:
            code, shown, _ = run(capsys, monkeypatch, corpus_kb.data_dir, "show", r["file"], "--json")
            assert code == 0
            texts[r["file"]] = json.loads(shown)["text"]
        assert texts[r["file"]][r["start"] : r["end"]] == r["text"]


def test_search_reads_queries_from_stdin(capsys, monkeypatch, corpus_kb):
    stdin = "什么是五社联动?\n如何办理出入境护照?\n"
    code, out, _ = run(capsys, monkeypatch, corpus_kb.data_dir, "search", "--json", stdin=stdin)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["query"] for line in lines] == ["什么是五社联动?", "如何办理出入境护照?"]
    assert lines[0]["found"] and not lines[1]["found"] and lines[1]["results"] == []


def test_search_filters_on_the_command_line(capsys, monkeypatch, corpus_kb):
    code, out, _ = run(
        capsys,
        monkeypatch,
        corpus_kb.data_dir,
        "search",
        "党建",
        "--region",
        "大连",
        "--cases",
        "--json",
        "-k",
        "5",
    )
    assert code == 0
    results = json.loads(out)["results"]
    assert results and all("大连" in r["region"] for r in results)


def test_show_unknown_file_is_a_clear_error(capsys, monkeypatch, corpus_kb):
    code, _, err = run(capsys, monkeypatch, corpus_kb.data_dir, "show", "nope.txt")
    assert code == 2 and "nope.txt" in err


def test_eval_prints_every_mode(capsys, monkeypatch, corpus_kb):
    from tests.conftest import DEV_SET

    code, out, _ = run(capsys, monkeypatch, corpus_kb.data_dir, "eval", str(DEV_SET), "--json")
    assert code == 0
    data = json.loads(out)
    table = {m["mode"]: m for m in data["retrieval"]}
    assert set(table) == {"keyword", "dense", "hybrid"}
    assert table["hybrid"]["hit@5"] >= 0.96 and table["hybrid"]["mrr@10"] >= 0.90
    assert table["hybrid"]["out_of_scope_accuracy"] == 1.0
    answers = data["answers"]
    assert answers["out_of_scope_refused"] == 1.0 and answers["quotes_verbatim"] == 1.0
    assert answers["gold_cited"] >= 0.9


def test_ingest_exit_code_and_summary(capsys, monkeypatch, tmp_path, embed_cache_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("社区网格员每天走访居民,收集诉求并及时上报处理。" * 3, "utf-8")
    (folder / "bad.pdf").write_bytes(b"PK\x03\x04 not really")
    monkeypatch.setenv("POLICYKB_EMBED_CACHE", str(embed_cache_path))
    code, out, err = run(capsys, monkeypatch, tmp_path / "data", "ingest", str(folder), "--json", "-q")
    assert code == 1
    summary = json.loads(out)
    assert summary["processed"] == ["ok.txt"]
    assert summary["failed"][0]["file"] == "bad.pdf" and "not a PDF" in summary["failed"][0]["reason"]


def test_ask_json_citations_carry_the_apis_fields(capsys, monkeypatch, corpus_kb):
    code, out, _ = run(
        capsys, monkeypatch, corpus_kb.data_dir, "ask", "网格员需要提升哪些能力?", "--json", "--llm", "none"
    )
    assert code == 0
    citations = json.loads(out)["citations"]
    assert citations
    for c in citations:
        assert {"n", "file", "title", "section", "region", "date", "kind", "quote", "start", "end"} <= set(c)
