"""Markup and front matter on small made-up texts: what leaves the text and what stays."""

from __future__ import annotations

from ingest.clean import clean_text
from ingest.statute import chinese_number, is_statute, statute_structure


def _removed(clean) -> dict[str, str]:
    return {r.text: r.kind for r in clean.removed}


def test_markdown_headings_lose_their_hashes_and_comments_go():
    clean = clean_text(
        "# 某某市养老服务条例\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了**规范**养老服务，制定本条例。\n",
        "md",
    )
    assert clean.text == "第一章 总则\n第一条 为了规范养老服务，制定本条例。"
    assert _removed(clean)["某某市养老服务条例"] == "title"
    assert "<!-- INFO END -->" in _removed(clean)


def test_a_markdown_file_opening_on_a_chapter_keeps_it():
    clean = clean_text("# 第一章 总则\n\n第一条 为了规范某事，制定本规定。\n", "md")
    assert clean.text.startswith("第一章 总则\n")


def test_hashes_in_a_txt_file_are_text():
    assert clean_text("#1号楼的居民提出，希望增设电梯扶手。\n").text.startswith("#1号楼")


def test_official_document_head_is_metadata():
    clean = clean_text(
        "某某县民政局文件\n某民发〔2024〕3号\n某某县民政局关于做好社区换届工作的通知\n各乡镇人民政府：\n"
        "为做好社区换届工作，现将有关事项通知如下。\n一、总体要求\n坚持党的领导，依法依规开展换届。\n"
    )
    kinds = _removed(clean)
    assert kinds["某某县民政局文件"] == "issuer_mark"
    assert kinds["某民发〔2024〕3号"] == "doc_no"
    assert kinds["某某县民政局关于做好社区换届工作的通知"] == "title"
    assert clean.text.startswith("各乡镇人民政府：\n")


def test_research_apparatus_leaves_the_text_but_the_body_stays():
    clean = clean_text(
        "社区协商的实践困境与出路\n王一，李二\n（某某大学政治学院，某某 100000）\n"
        "摘要：本文讨论社区协商的实践困境，并提出完善议事规则等建议。\n关键词：社区协商；议事规则\n"
        "中图分类号：D669 文献标识码：A\n一、引言\n社区协商是基层民主的重要形式，近年来各地普遍建立了居民议事会和村民议事会等协商平台。\n"
        "图1 议事会的组织结构\n表彰先进社区是常见的激励办法，各地每年评选一次，评选结果向全体居民公开并接受监督。\n参考文献：\n[1] 张三.社区治理[M].北京：某出版社，2020.\n"
    )
    kinds = _removed(clean)
    assert kinds["王一，李二"] == "author"
    assert kinds["（某某大学政治学院，某某 100000）"] == "affiliation"
    assert kinds["图1 议事会的组织结构"] == "caption"
    assert kinds["中图分类号：D669 文献标识码：A"] == "classification"
    assert kinds["[1] 张三.社区治理[M].北京：某出版社，2020."] == "references"
    assert "表彰先进社区是常见的激励办法" in clean.text  # 表 opening a sentence is not a caption
    assert clean.text.split("\n")[0].startswith("摘要：")


def test_statute_numbers_and_structure():
    assert [chinese_number(s) for s in ("一", "十", "十九", "三十九", "一百", "一百零二", "二百一十")] == [
        1, 10, 19, 39, 100, 102, 210,
    ]  # fmt: skip
    text = "第一编 总则\n第一章 一般规定\n第一条 甲。\n第二条 乙。\n第二章 其他\n第三条 丙。\n第四条 丁。"
    assert is_statute(text)
    sections, articles = statute_structure(text, "某法")
    assert [s.title for s in sections] == ["第一编 总则", "第一章 一般规定", "第二章 其他"]
    assert [a["path"] for a in articles][2] == ["第一编 总则", "第二章 其他"]
    # numbered 条 quoted in running text are not a statute
    assert not is_statute("依照第三条规定。\n第五条 甲。\n第九条 乙。\n第二十条 丙。")
