"""What the reader sees, without a browser: cleaned answer points, marked numbers, generated titles,
hierarchical facets, pack points that teach, CLI help."""

from __future__ import annotations

from app.answer.present import clean_point, full_width, present_answer
from app.answer.types import Answer, Citation
from app.services.facets import count_facets, region_label, region_name
from app.services.pack import PackCase, PackPoint, PackSource, keep_points, points_from_answer, teaches
from app.web.render import answer_text, flagged, source_html, title_html, turn_html
from app.web.render_library import document_html
from ingest.types import Flag


def test_points_lose_the_sources_numbering_and_dangling_connectives():
    assert clean_point("3.组建流程：先成立筹备组。") == "组建流程：先成立筹备组。"
    assert clean_point("（一）同时，加强网格员培训。") == "加强网格员培训。"
    assert clean_point("2、此外,推行积分管理。") == "推行积分管理。"
    assert clean_point("第二，另外，建立台账。") == "建立台账。"
    assert clean_point("一是建立完善社区党组织体系。") == "建立完善社区党组织体系。"
    assert clean_point("2.5万户居民参与议事。") == "2.5万户居民参与议事。"  # a number, not numbering
    assert clean_point("第一书记驻村帮扶。") == "第一书记驻村帮扶。"


def test_ascii_punctuation_in_chinese_becomes_full_width_but_numbers_stay():
    assert full_width("相关做法:") == "相关做法："
    assert full_width("成立筹备组,再开会(一次);完成了吗?好!") == "成立筹备组，再开会（一次）；完成了吗？好！"
    assert full_width("10:30 开会,共1,000人.") == "10:30 开会，共1,000人。"
    assert full_width("见 report.docx") == "见 report.docx"


def test_present_answer_cleans_points_and_keeps_markers():
    text = "共找到 1 份材料中的相关做法:\n\n《甲》\n1. 2.同时，组建筹备组,召开会议。[1]\n2. （二）此外，公示名单。[2]"
    shown = present_answer(text)
    assert shown.splitlines() == [
        "共找到 1 份材料中的相关做法：",
        "",
        "《甲》",
        "1. 组建筹备组，召开会议。[1]",
        "2. 公示名单。[2]",
    ]


def _citation(n=1, quote="2.同时，组建筹备组,召开会议。", start=10):
    return Citation(
        n, "a.txt", "甲", "一", "辽宁省", "2023-01-01", "经验交流/案例", quote, start, start + len(quote)
    )


def test_chat_and_copy_show_cleaned_points_while_the_quote_stays_verbatim():
    c = _citation()
    answer = Answer(
        "q", "q", True, "extractive", f"共找到 1 份材料中的相关做法:\n\n《甲》\n1. {c.quote}[1]", [c]
    )
    html = turn_html(0, {"question": "q", "answer": answer})
    assert "1. 组建筹备组，召开会议。" in html and "同时" not in html.split("pkb-srccards")[0]
    copied = answer_text(answer)
    assert "1. 组建筹备组，召开会议。[1]" in copied and f"“{c.quote}”" in copied


def test_suspect_numbers_are_marked_in_citations_answers_and_full_text():
    text = "社区书记、主任“一肩挑”达到20230%。二是健全经费保障。"
    flag = Flag("suspect_number", "20230%", text.index("20230%"), text.index("20230%") + 6, "")
    marked = flagged(text, 0, [flag])
    assert '<span class="pkb-flag"' in marked and "原文数字疑有误" in marked and "20230%</span>" in marked
    assert flagged(text[5:], 5, [flag]).count("原文数字疑有误") == 1  # offsets are the document's
    quote = text[: text.index("。") + 1]
    c = Citation(1, "a.txt", "甲", "一", "", "", "", quote, 0, len(quote))
    panel = source_html(c, text, flags=[flag])
    assert "原文数字疑有误" in panel and "<mark>" in panel
    answer = Answer(
        "q", "q", True, "extractive", f"共找到 1 份材料中的相关内容:\n\n《甲》\n1. {quote}[1]", [c]
    )
    html = turn_html(0, {"question": "q", "answer": answer, "suspects": {1: ["20230%"]}})
    assert html.split('class="pkb-a"')[1].count("原文数字疑有误") == 1
    full = {"file": "a.txt", "title": "甲", "kind": "", "date": "", "source": "", "regions": [], "chars": 1,
            "raw_chars": 1, "chunks": 1, "text": text, "flags": [vars(flag)]}  # fmt: skip
    page = document_html(full)
    assert page.count("原文数字疑有误") == 2  # the notice and the mark


def test_generated_titles_carry_a_mark():
    assert "标题系自动生成" in title_html("巴宜区党建引领城市基层治理工作情况", True)
    assert title_html("<b>甲</b>", False) == "&lt;b&gt;甲&lt;/b&gt;"
    c = _citation()
    assert "标题系自动生成" in source_html(c, None, title_generated=True)
    assert "标题系自动生成" not in source_html(c, None)
    answer = Answer("q", "q", True, "extractive", f"《甲》\n1. {c.quote}[1]", [c])
    cards = turn_html(0, {"question": "q", "answer": answer, "generated_titles": {"a.txt"}}).split(
        "pkb-srccards"
    )[1]
    assert "标题系自动生成" in cards


def test_region_facets_are_a_hierarchy_counted_over_the_items():
    items = [
        (["辽宁省", "大连市", "甘井子区"], "经验交流/案例", 2023),
        (["辽宁省", "大连市"], "经验交流/案例", 2023),
        (["辽宁省", "沈阳市"], "经验交流/案例", 2022),
        (["北京市", "顺义区"], "规范性文件", 2023),
    ]
    facets = count_facets(items)
    assert facets["regions"] == [
        ("辽宁省", 3),
        ("辽宁省 › 大连市", 2),
        ("辽宁省 › 大连市 › 甘井子区", 1),
        ("辽宁省 › 沈阳市", 1),
        ("北京市", 1),
        ("北京市 › 顺义区", 1),
    ]
    assert facets["kinds"] == [("经验交流/案例", 3), ("规范性文件", 1)]
    assert facets["years"] == [("2023", 3), ("2022", 1)]
    assert region_label(["辽宁省", "大连市"]) == "辽宁省 › 大连市"
    assert (
        region_name("辽宁省 › 大连市") == "大连市"
        and region_name("大连") == "大连"
        and region_name("") is None
    )


def test_pack_points_teach_and_leave_what_its_cases_tell():
    src = PackSource("a.txt", "甲", "一", "")
    heading = PackPoint("P1", "聚焦精细治理，构建高效网格管理", [src], [("a.txt", 0, 15)])
    in_case = PackPoint(
        "P2", "细分专属网格395个、综合网格134个，每个网格配齐网格员。", [src], [("a.txt", 100, 130)]
    )
    lesson = PackPoint("P3", "建立网格员培训制度，每季度集中轮训一次。", [src], [("b.txt", 5, 25)])
    repeat = PackPoint("P4", "建立网格员培训制度，每季度集中轮训一次。", [src], [("c.txt", 5, 25)])
    case = PackCase("C1", "聚焦精细治理", "甲", "", "", "", "", "……", src, (90, 400))
    assert not teaches(heading.text) and teaches(lesson.text)
    kept = keep_points([heading, in_case, lesson, repeat], [case])
    assert [(p.id, p.text) for p in kept] == [("P1", lesson.text)]


def test_pack_points_are_cleaned_sentences():
    c = _citation(quote="（一）同时，建立培训制度,每季度轮训一次。")
    answer = Answer("q", "q", True, "extractive", f"《甲》\n1. {c.quote}[1]", [c])
    [point] = points_from_answer(answer)
    assert point.text == "建立培训制度，每季度轮训一次。" and point.spans == [("a.txt", c.start, c.end)]


def test_every_cli_option_has_help():
    import argparse

    from app.cli.commands import build_parser

    parser = build_parser()
    parsers = [parser] + [
        p for a in parser._actions if isinstance(a, argparse._SubParsersAction) for p in a.choices.values()
    ]
    missing = [
        f"{p.prog} {a.dest}"
        for p in parsers
        for a in p._actions
        if not isinstance(a, argparse._SubParsersAction) and not a.help
    ]
    assert not missing, missing


def test_page_script_finds_gradios_core_module():
    """The Chinese interface depends on it: a Gradio upgrade that renames the module must fail here."""
    from app.web.page_js import _core_module, page_js

    assert _core_module().startswith("./assets/core-") and _core_module() in page_js()


def test_the_term_a_definition_question_asks_about_and_sentences_that_define_it():
    from app.answer.qtype import defined_term, defines

    assert defined_term("社区议事会是什么性质的组织?") == "社区议事会"
    assert defined_term("什么是网格化管理?") == "网格化管理"
    assert defined_term("两委一肩挑是什么意思?") == "两委一肩挑"
    assert defined_term("怎样组建议事会?") == ""
    assert defines("第二条 社区议事会是居民协商议事的组织。", "社区议事会")
    assert defines("本办法所称公共收益，是指利用共用部位经营所得的收入。", "公共收益")
    assert not defines("社区议事会每届任期三年。", "社区议事会")
    # an item of a glossary article (本条例下列用语的含义：…) defines by what it includes
    assert defines("（三）议事代表，包括居民代表和驻区单位代表。", "议事代表")
    assert not defines("社区议事会的成员包括议事代表。", "议事代表")
    # a statute names what it has just described; a quoted term is the one asked about
    assert defines("采用前款规定形式提出投诉请求的公民、法人或者其他组织，称信访人。", "信访人")
    assert defined_term("信访条例里说的“信访人”指什么?") == "信访人"


def test_a_numbered_method_is_defined_part_by_part():
    from app.answer.qtype import defines_part

    assert defines_part("“1”即一个党群服务中心，统筹各方资源。", ["135工作法"])
    assert defines_part("“四议”就是党支部会提议、两委会商议。", ["四议两公开"])
    assert defines_part("“3”，即三项清单。", ["3", "135"])
    assert not defines_part("“2”即两个平台。", ["135工作法"])  # not a part of the term
    assert not defines_part("居民就是社区的主人。", ["居民委员会"])  # no numbered part
    assert not defines_part("一年来，社区即完成改造。", ["135工作法"])


def test_a_definition_question_may_ask_what_a_quoted_term_refers_to():
    from app.answer.qtype import DEFINITION, question_type

    assert question_type("条例里说的“信访人”指什么?") == DEFINITION
    assert question_type("条例里讲的“物业使用人”是指哪些人?") == DEFINITION
    assert question_type("网格员要培训哪些能力?") != DEFINITION
