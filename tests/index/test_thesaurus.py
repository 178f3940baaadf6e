"""The domain thesaurus: each kind of expansion, both directions, and its use in keyword search."""

from __future__ import annotations

from index.keyword import KeywordIndex, tokenize, words
from index.thesaurus import THESAURUS, Thesaurus, default_thesaurus


def _alts(text: str) -> dict[str, set[str]]:
    return {e.term: set(e.alternatives) for e in default_thesaurus().expand(text)}


def test_file_states_its_sources_and_has_several_hundred_entries():
    head = THESAURUS.read_text("utf-8")[:600]
    assert "知识来源" in head and "不依据任何评测问题" in head
    assert len(default_thesaurus().groups) >= 300


def test_abbreviation_expands_to_full_name_and_back():
    assert "居民委员会" in _alts("居委会怎么选举")["居委会"]
    assert "居委会" in _alts("居民委员会的任期")["居民委员会"]
    assert "最低生活保障" in _alts("低保怎么申请")["低保"]
    assert "业主委员会" in _alts("业委会有几名委员")["业委会"]
    assert "村民委员会" in _alts("村委会换届")["村委会"]
    assert "村民委员会主任" in _alts("村主任怎么罢免")["村主任"]
    assert "社区党组织书记" in _alts("社区书记任期")["社区书记"]


def test_synonym_and_colloquial_name():
    assert "物业服务企业" in _alts("物业公司不管了")["物业公司"]
    assert "物业公司" in _alts("物业服务企业的义务")["物业服务企业"]
    assert "书记主任一肩挑" in _alts("一肩挑的比例")["一肩挑"]


def test_everyday_words_meet_the_wording_of_statutes():
    assert "出席" in _alts("业委会开会要多少人到场")["到场"]
    assert "交付使用" in _alts("小区交房以后多久")["交房"]
    assert "提起诉讼" in _alts("不交费可以起诉吗")["起诉"]
    assert "每届" in _alts("居委会一届干几年")["一届"]
    assert "物业管理区域" in _alts("一个小区成立几个业主大会")["小区"]
    assert "出售" in _alts("没卖出去的房子谁交物业费")["卖出去"]
    assert "房屋" in _alts("没卖出去的房子谁交物业费")["房子"]
    assert "决定" in _alts("撤掉居委会由谁拍板")["拍板"]
    assert "缴纳" in _alts("物业费交纳期限")["交纳"]  # both spellings of statutes
    assert "办结" in _alts("投诉多久能办完")["办完"]
    assert "逾期" in _alts("超期不答复怎么办")["超期"]
    assert "保证金" in _alts("装修押金最多收多少")["押金"]
    assert "近亲属" in _alts("干部的亲戚能当监委吗")["亲戚"]


def test_umbrella_term_expands_only_downwards():
    assert {"村民委员会", "居民委员会"} <= _alts("两委班子怎么配")["两委"]
    assert "两委" not in _alts("村民委员会怎么选举").get("村民委员会", set())


def test_law_short_name_and_official_name():
    assert "中华人民共和国城市居民委员会组织法" in _alts("居委会组织法第几条")["居委会组织法"]
    assert "居委会组织法" in _alts("中华人民共和国城市居民委员会组织法")["中华人民共和国城市居民委员会组织法"]


def test_nested_term_covered_by_its_longer_term_is_not_expanded_twice():
    terms = [e.term for e in default_thesaurus().expand("换届选举怎么组织")]
    assert "换届" not in terms  # 换届选举 (in the text) lists 换届 in its own group
    both = [e.term for e in default_thesaurus().expand("业委会委员怎么产生")]
    assert "业委会委员" in both and "业委会" in both  # 业委会 also means 业主委员会 on its own


def test_every_line_is_well_formed(tmp_path):
    bad = tmp_path / "t.tsv"
    bad.write_text("简称\t只有一个词\n", "utf-8")
    try:
        Thesaurus.read(bad)
    except ValueError as e:
        assert "第 1 行" in str(e)
    else:
        raise AssertionError("a group of one term must be refused")


def test_segmenter_keeps_thesaurus_terms_whole():
    assert "业主委员会" in words("小区业主委员会换届")
    assert "网格员" in words("每名网格员入户走访")


def test_a_compound_kept_whole_still_counts_as_the_term_inside_it():
    assert "居民委员会主任" in words("居民委员会主任由居民选举")  # one word for jieba
    assert "居民委员会" in tokenize("居民委员会主任由居民选举")  # and still 居民委员会 for the index
    assert {"村党支部", "党支部书记"} <= set(tokenize("村党支部书记"))


def test_keyword_search_finds_the_full_name_for_an_abbreviation():
    texts = ["居民委员会每届任期五年。", "业主大会选举产生委员。", "社区开展志愿服务活动。"]
    index = KeywordIndex.build(["a", "b", "c"], texts)
    plain = index.scores("居委会任期")
    expansions = index.matched(default_thesaurus().expand("居委会任期"))
    by_term = {e.term: e.alternatives for e in expansions}
    assert "居民委员会" in by_term["居委会"]
    expanded = index.scores("居委会任期", expansions)
    assert expanded[0] > plain[0] and expanded.argmax() == 0
    assert index.coverage("居委会", expansions) == 1.0


def test_an_abbreviation_is_not_matched_by_the_character_pairs_other_abbreviations_share():
    """委会 is in 居委会, 业委会 and 村委会 alike: asked about 居委会, a passage on 业委会 does not match by it."""
    texts = [
        "居民委员会由主任、副主任和委员组成，每届任期五年。",
        "业委会由业主大会选举产生，业委会委员每届任期五年。",
    ]
    index = KeywordIndex.build(["居", "业"], texts)
    expansions = index.matched(default_thesaurus().expand("居委会每届任期几年"))
    scores = index.scores("居委会每届任期几年", expansions)
    assert scores.argmax() == 0
