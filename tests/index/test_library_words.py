"""Words the library writes whole that the segmenter cuts in a question (楼组里 read as 楼/组里)."""

from __future__ import annotations

import pytest

from index.question_terms import content_words, library_wording

# How a library writes 楼组 (the households of one building, with a 楼组长): one word each time.
LOUZU = [
    "推行楼组自治，每个楼组推选一名楼组长。",
    "楼组议事会每月召开一次，由楼组长召集。",
    "居民区党组织指导楼组开展睦邻活动。",
]
# The same characters across two words: 大楼|组织, 一楼|组织.
SPLIT = ["大楼组织了一次消防演练。", "一楼组织居民学习，二楼组织志愿服务。"]


OTHERS = [
    "社区党组织领导居民委员会开展工作，居民委员会每届任期五年。",
    "网格员每月入户走访，及时发现和上报问题。",
    "物业服务企业应当公开收费项目和标准。",
    "街道办事处指导社区开展志愿服务活动。",
    "老旧小区改造坚持居民自愿、政府支持。",
]


def _passages(texts):
    return lambda pair: [t for t in texts if pair in t]


def test_a_pair_the_texts_write_as_one_word_is_asked_about_whole():
    asked = library_wording("楼组里的居民怎么议事?", _passages(LOUZU))
    assert asked == "“楼组”里的居民怎么议事?"
    assert content_words(asked)[0] == "楼组"
    assert "组里" not in content_words(asked)


def test_a_pair_the_texts_only_hold_across_two_words_is_left_alone():
    assert library_wording("楼组里的居民怎么议事?", _passages(SPLIT)) == "楼组里的居民怎么议事?"
    assert library_wording("楼组里的居民怎么议事?", _passages([])) == "楼组里的居民怎么议事?"


def test_one_use_says_nothing_about_how_the_library_writes_a_pair():
    assert library_wording("楼组里的居民怎么议事?", _passages(LOUZU[2:])) == "楼组里的居民怎么议事?"


def test_quoted_terms_and_question_words_are_left_as_they_are():
    assert library_wording("“楼组”里的居民怎么议事?", _passages(LOUZU)) == "“楼组”里的居民怎么议事?"
    texts = ["谁来负责，谁来牵头，谁来落实。"] * 3
    assert library_wording("这件事谁来管?", _passages(texts)) == "这件事谁来管?"


@pytest.mark.slow
def test_the_passage_on_the_library_word_comes_first(make_settings, tmp_path):
    from app.kb import KnowledgeBase
    from app.services.ingest import ingest
    from app.services.views import search_json

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "楼组自治.txt").write_text(
        "楼组自治工作指引\n\n"
        + "".join(LOUZU)
        + "楼组议事会由本楼组居民代表组成，议事结果在楼组公示栏公开。\n",
        "utf-8",
    )
    (folder / "课题组调研.txt").write_text(
        "课题组调研报告\n\n课题组里的成员走访了十个社区，组里汇总了居民的议事建议。\n",
        "utf-8",
    )
    (folder / "消防演练.txt").write_text("消防演练通知\n\n" + "".join(SPLIT) + "\n", "utf-8")
    for i, text in enumerate(OTHERS):
        (folder / f"其他{i}.txt").write_text(f"工作要点\n\n{text}\n", "utf-8")
    question = "楼组里的居民怎么议事?"
    results = {}
    for on in (True, False):
        kb = KnowledgeBase(make_settings(data_dir=tmp_path / f"data-{on}", library_words=on))
        assert ingest(kb, [folder]).ok
        results[on] = kb.search(question, 3)
        kb.close()
    assert results[True].asked == "“楼组”里的居民怎么议事?"
    assert search_json(results[True])["asked"] == "“楼组”里的居民怎么议事?"
    assert results[True].hits[0].row.file == "楼组自治.txt"
    assert results[False].hits[0].row.file == "课题组调研.txt"  # read as 楼/组里, 组里 decides


def test_a_pair_the_dictionary_knows_is_left_as_the_segmenter_cut_it():
    # 选出来 is cut 选出/来; 出来 is a word the dictionary knows and chose not to use here
    texts = ["选举结果出来后公布。", "把问题找出来。", "出来的结果"]
    assert (
        library_wording("业委会选出来以后多少天内备案?", _passages(texts)) == "业委会选出来以后多少天内备案?"
    )


def test_words_that_only_ask_are_not_searched_for():
    from index.question_terms import without_asking

    assert without_asking("村委会一般配几个人?").split() == ["村委会", "配", "人?"]
    assert "么设" not in without_asking("楼院里的党组织怎么设置?").replace(" ", "|")
    assert without_asking("业委会多少天内要备案?").split()[0] == "业委会"
