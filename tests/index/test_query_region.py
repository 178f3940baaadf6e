"""A region named in the question: detected, used to rank, and only by name, never as a filter."""

from __future__ import annotations

from index.query_region import (
    TIER_ENCLOSING,
    TIER_LOCAL,
    TIER_NATIONAL,
    nearness,
    question_region,
    without_region,
)
from index.rows import Row


def _row(issuer: list[str], about: list[str] = ()) -> Row:
    return Row(
        "1", "a.txt", "标题", "", 0, "", list(about), "", "", 0, False, 0, 1, "文", issuer_region=issuer
    )


def test_region_in_the_question():
    assert question_region("北京的业委会怎么成立") == ("北京市",)
    assert question_region("在杭州,物业费怎么定") == ("浙江省", "杭州市")
    assert question_region("我们浙江的社区工作者待遇") == ("浙江省",)
    assert question_region("业委会怎么成立") == ()


def test_places_of_the_library_itself_are_known():
    rows = [_row(["云岭省", "青禾市"])]
    assert question_region("我们青禾的业委会有几个委员", rows) == ("云岭省", "青禾市")
    assert question_region("业委会有几个委员", rows) == ()


def test_the_library_places_follow_a_new_row_list_even_at_a_reused_address():
    qinghe, xichuan = _row(["云岭省", "青禾市"]), _row(["云岭省", "溪川市"])
    rows = [qinghe]
    assert question_region("我们青禾的业委会", rows) == ("云岭省", "青禾市")
    del rows
    rows = [xichuan]  # CPython usually hands the freed list's address to the next list
    assert question_region("我们青禾的业委会", rows) == ()


def test_nearness_orders_local_then_enclosing_then_national_then_others():
    region = ("浙江省", "杭州市")
    assert nearness(_row(["浙江省", "杭州市"]), region) == TIER_LOCAL
    assert nearness(_row([], ["浙江省", "杭州市", "西湖区"]), region) == TIER_LOCAL
    assert nearness(_row(["浙江省"]), region) == TIER_ENCLOSING
    assert nearness(_row(["全国"]), region) == TIER_NATIONAL
    assert nearness(_row(["上海市"]), region) == 0.0
    assert TIER_LOCAL > TIER_ENCLOSING > TIER_NATIONAL > 0


def test_region_name_leaves_the_keyword_query():
    assert "杭州" not in without_region("杭州市的业委会任期", ("浙江省", "杭州市"))
    assert "业委会" in without_region("杭州的业委会任期", ("浙江省", "杭州市"))


def test_a_document_the_question_names_comes_first_and_with_a_region_that_regions_own():
    import dataclasses

    from index.retrieve import Hit, HybridRetriever, named_documents

    assert named_documents("信访条例里说的信访人指什么?") == ["信访条例", "信访工作条例"]
    assert "物业管理条例" in named_documents("杭州物业条例里讲的非业主使用人是指哪些人?")
    assert named_documents("居委会一届干几年?") == []
    province = dataclasses.replace(_row(["浙江省"]), id="p", title="浙江省物业管理条例")
    city = dataclasses.replace(_row(["浙江省", "杭州市"]), id="c", title="杭州市物业管理条例")
    other = dataclasses.replace(_row(["浙江省", "杭州市"]), id="o", title="杭州市养犬管理条例")
    retriever = HybridRetriever(None)
    hits = [Hit(other, 1.2, 0.9), Hit(province, 1.0, 0.9), Hit(city, 0.8, 0.9)]
    retriever._favour_named(hits, named_documents("杭州物业条例里讲的业主是指谁?"), ("浙江省", "杭州市"))
    assert [h.row.id for h in hits] == ["c", "o", "p"]
    hits = [Hit(other, 1.2, 0.9), Hit(province, 1.0, 0.9), Hit(city, 0.8, 0.9)]
    retriever._favour_named(hits, named_documents("物业管理条例里讲的业主是指谁?"), ())
    assert [h.row.id for h in hits] == ["p", "c", "o"]  # no region: every document of that name


def test_the_regions_own_article_comes_before_another_citys_that_matches_more_words():
    import dataclasses

    from index.retrieve import Hit, HybridRetriever

    shanghai = dataclasses.replace(_row(["上海市"]), id="sh", title="上海市住宅物业管理规定")
    ningbo = dataclasses.replace(_row(["浙江省", "宁波市"]), id="nb", title="宁波市住宅小区物业管理条例")
    national = dataclasses.replace(_row(["全国"]), id="cn", title="物业管理条例")
    # another city's article names more of the question's words, at twice the score
    hits = [Hit(ningbo, 1.0, 0.9), Hit(national, 0.65, 0.9), Hit(shanghai, 0.5, 0.9)]
    HybridRetriever(None)._favour_region(hits, ("上海市",))
    assert [h.row.id for h in hits] == ["sh", "cn", "nb"]  # the region's, the national law, the others
