"""Trainer packs: key points with citations, cases, exclusion, and the .docx/.md exports' source list."""

from __future__ import annotations

import re

import pytest

from app.answer.types import Answer, Citation
from app.services import library
from app.services import pack as packs


def _citation(n: int, file: str, section: str) -> Citation:
    return Citation(n, file, f"标题{file}", section, "大连市", "2023-04-18", "经验交流/案例", "引文", 0, 2)


def test_points_are_the_cited_lines_of_the_answer():
    answer = Answer(
        "q",
        "q",
        True,
        "extractive",
        "共找到 2 份材料中的相关做法:\n\n《甲》\n1. 建立网格员培训制度。[1]\n2. 推行积分管理。[2][1]\n《乙》\n- 没有出处的话",
        [_citation(1, "a.txt", "一"), _citation(2, "b.txt", "二")],
    )
    points = packs.points_from_answer(answer)
    assert [p.text for p in points] == ["建立网格员培训制度。", "推行积分管理。"]
    assert [p.id for p in points] == ["P1", "P2"]
    assert [s.file for s in points[1].sources] == ["b.txt", "a.txt"]


def test_topic_question_wording():
    assert packs.question_for("网格化管理", ["网格化管理"]) == "网格化管理有哪些经验做法？"
    assert packs.question_for("网格员需要提升哪些能力?", ["网格化管理"]) == "网格员需要提升哪些能力?"


@pytest.fixture(scope="module")
def grid_pack(corpus_kb):
    return packs.build_pack(corpus_kb, "网格化管理")


@pytest.mark.slow
def test_pack_gathers_cited_points_and_every_topic_case(corpus_kb, grid_pack):
    assert grid_pack.points, "the corpus covers 网格化管理"
    for point in grid_pack.points:
        assert point.sources and all(corpus_kb.docstore.get(s.file) for s in point.sources)
    topic = library.topic_cases(corpus_kb, "网格化管理")
    assert [c.title for c in grid_pack.cases] == [c.title for c in topic]
    for case in grid_pack.cases:
        doc = corpus_kb.docstore.get(case.source.file)
        assert case.text in doc.text and len(case.text) >= len(case.excerpt)
    assert len(set(grid_pack.item_ids())) == len(grid_pack.points) + len(grid_pack.cases)


@pytest.mark.slow
def test_export_docx_and_md_end_with_the_sources_used(grid_pack, tmp_path):
    import docx

    dropped_point, dropped_case = grid_pack.points[0], grid_pack.cases[0]
    docx_path, md_path = packs.export_pack(
        grid_pack, tmp_path / "exports", {dropped_point.id, dropped_case.id}
    )
    assert docx_path.parent == md_path.parent == tmp_path / "exports"
    assert docx_path.suffix == ".docx" and md_path.suffix == ".md"

    paragraphs = [p.text for p in docx.Document(str(docx_path)).paragraphs]
    points = paragraphs[paragraphs.index("一、要点") + 1 : paragraphs.index("二、案例")]
    assert len(points) == len(grid_pack.points) - 1
    assert not any(p.startswith(dropped_point.text + "[") for p in points)
    headings = [p for p in paragraphs if re.match(r"^\d+\. ", p)]
    assert headings == [f"{i}. {c.title}" for i, c in enumerate(grid_pack.cases[1:], 1)]
    start = paragraphs.index("资料来源")
    sources = paragraphs[start + 1 :]
    kept_sources = {s for p in grid_pack.points[1:] for s in p.sources} | {
        c.source for c in grid_pack.cases[1:]
    }
    assert len(sources) == len(kept_sources)
    for i, line in enumerate(sources, 1):
        assert line.startswith(f"[{i}] 《")
    for s in kept_sources:
        assert any(
            s.title in line and s.section in line and s.file in line and (s.date or "日期不详") in line
            for line in sources
        )
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", "\n".join(paragraphs[:start]))}
    assert cited == set(range(1, len(sources) + 1))

    md = md_path.read_text("utf-8")
    tail = md.split("## 资料来源", 1)[1]
    assert len(re.findall(r"^- \[\d+\] 《", tail, flags=re.M)) == len(sources)
    assert f"1. {grid_pack.points[1].text}[" in md


def test_markdown_keeps_document_text_inert():
    src = packs.PackSource("x.txt", "标题", "一", "")
    pack = packs.Pack("t", "t", [packs.PackPoint("P1", "<script>alert(1)</script>\n# 不是标题", [src])])
    md = packs.pack_markdown(pack)
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\n\\# 不是标题" in md
    assert "[1] 《标题》 · 一 · 日期不详 · x.txt" in md
