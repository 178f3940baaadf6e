"""Drafting boilerplate is known as such, and a rule question's kind of value is recognised."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.answer_shape import asks_boilerplate, boilerplate_share, holds_wanted, is_boilerplate, wanted_types
from index.question_terms import subject
from index.retrieve import ANSWER_TYPE_BONUS, Hit, HybridRetriever
from index.thesaurus import default_thesaurus
from tests.index.conftest import make_rows

BOILERPLATE = [
    "第一条 为了规范社区议事活动，保障居民合法权益，根据有关法律法规，结合本市实际，制定本条例。",
    "第三十条 本办法自2024年1月1日起施行。",
    "第二十八条 本条例自公布之日起施行。2012年6月1日起施行的《某市社区服务办法》同时废止。",
    "各区人民政府，市政府各部门：\n《某市社区服务设施建设三年行动方案》已经市人民政府同意，现印发给你们，请认真贯彻执行。",
    "各乡镇党委，区直各单位：\n为深入贯彻落实党中央关于加强基层治理的部署，结合我区实际，现提出如下意见。",
    "各县（市）民政局：\n为提高社区服务水平，经研究，决定开展社区服务示范创建活动。现将有关事项通知如下。",
    "附件：社区服务示范点名单\n某市民政局\n2023年5月8日",
]
CONTENT = [
    "第六条 社区议事会由七至十五名成员组成，每届任期五年。",
    "一、工作目标 到2025年，每个社区建成一处不少于三百平方米的综合服务设施。",
    "第九条 使用公共收益，应当经业主大会表决同意，并在小区显著位置公示。",
    "为了解居民需求，社区每季度开展一次入户走访，走访情况录入台账。",
]


@pytest.mark.parametrize("text", BOILERPLATE)
def test_purpose_effective_date_addressee_preamble_and_transmittal_are_boilerplate(text):
    assert is_boilerplate(text), boilerplate_share(text)


@pytest.mark.parametrize("text", CONTENT)
def test_articles_and_sections_that_say_something_are_not(text):
    assert not is_boilerplate(text), boilerplate_share(text)


def test_a_question_about_purpose_or_dates_keeps_them():
    assert asks_boilerplate("这个条例是什么时候开始施行的?")
    assert asks_boilerplate("制定社区议事规则的目的是什么?")
    assert not asks_boilerplate("社区议事会由几名成员组成?")


@pytest.mark.parametrize(
    ("question", "holds", "lacks"),
    [
        ("议事会由几名成员组成?", CONTENT[0], CONTENT[2]),
        ("议事会每届任期几年?", CONTENT[0], CONTENT[2]),
        ("综合服务设施面积多少平方米?", CONTENT[1], CONTENT[2]),
        ("使用公共收益需要什么条件?", CONTENT[2], CONTENT[1]),
        ("社区设立由哪一级政府批准?", "第四条 社区的设立、撤销，由区人民政府决定。", CONTENT[1]),
        # a number of people stated as a share of a body
        ("罢免成员要多少人联名?", "第九条 五分之一以上的居民联名，可以提出罢免要求。", CONTENT[2]),
        ("议事会要几人到会才能开?", "第十条 议事会须有过半数成员出席方可举行。", CONTENT[2]),
        ("一起上访最多能派几个代表?", "第二十条 多人提出共同的信访事项的，代表人数不超过5人。", CONTENT[2]),
        # 多少 with a unit of its own asks for that, whatever it follows (工资的多少比例 is a share)
        (
            "党费按工资的多少比例交?",
            "第三条 月工资收入在3000元以下者，交纳月工资收入的0.5%。",
            "第五条 补助标准为每人每月300元。",
        ),
        ("乱扔垃圾要罚款多少?", "第四十条 由城市管理部门处五十元以上二百元以下罚款。", CONTENT[2]),
        ("给业委会的办公用房至少要多大?", "第九条 业主委员会用房按照不低于三十平方米配置。", CONTENT[2]),
    ],
)
def test_rule_questions_want_a_value_of_their_kind(question, holds, lacks):
    wanted = wanted_types(question)
    assert wanted and holds_wanted(holds, wanted) and not holds_wanted(lacks, wanted)


def test_how_to_questions_want_no_particular_value():
    assert wanted_types("怎样组建业主委员会?") == []


def _articles(*texts: str) -> list[Hit]:
    base = make_rows(1)[0]
    return [
        Hit(
            replace(base, id=f"a{i}", text=t, article=t.split(" ")[0], section=""),
            score=1.0 - i / 100,
            relevance=0.9,
        )
        for i, t in enumerate(texts)
    ]


def test_the_value_bonus_goes_to_the_articles_that_name_what_is_asked(catalog):
    question = "业委会有几个委员?"
    fund, committee = hits = _articles(
        "第四条 维修资金的使用，应当经三分之二以上的业主同意。", "第六条 业主委员会由五至十一名委员组成。"
    )
    HybridRetriever(catalog)._weigh_shape(
        question, hits, subject(question, default_thesaurus().expand(question))
    )
    assert hits[0] is committee and committee.score > fund.score  # 三分之二 is a count, but not of 委员
    assert fund.score == 1.0


def test_the_article_naming_more_of_what_is_asked_gets_more_of_the_bonus(catalog):
    question = "开发商给业委会配的办公用房要多大面积?"
    size, rooms = hits = _articles(
        "第二十条 业主委员会由五人以上单数组成，建筑面积一万平方米以下的可以为三人。",
        "第四十二条 建设单位应当配置业主委员会办公用房，面积不低于三十平方米。",
    )
    HybridRetriever(catalog)._weigh_shape(
        question, hits, subject(question, default_thesaurus().expand(question))
    )
    assert hits[0] is rooms and rooms.score == 0.99 + ANSWER_TYPE_BONUS  # it names all three
    assert 1.0 < size.score < 1.0 + ANSWER_TYPE_BONUS  # it names only 业委会


def test_when_no_article_names_it_every_article_with_the_value_keeps_the_bonus(catalog):
    question = "议事会有几名成员?"
    hits = _articles(
        "第四条 维修资金的使用，应当经三分之二以上的业主同意。", "第九条 本条例自公布之日起施行。"
    )
    HybridRetriever(catalog)._weigh_shape(question, hits, subject(question, []))
    assert hits[0].score == 1.0 + ANSWER_TYPE_BONUS


def test_the_question_regions_documents_are_candidates_however_many_others_match_more(catalog):
    """Ten other places' articles say 业主委员会 more often; the region's own article still comes in
    (the candidate pool is small here, as it is against thousands of other places' articles)."""
    base = make_rows(1)[0]
    others = [
        replace(
            base,
            id=f"o{i}",
            file=f"other_{i}.md",
            region=f"{city}市",
            region_path=["某省", f"{city}市"],
            issuer_region=["某省", f"{city}市"],
            text=f"{city}市业主委员会由三名以上委员组成，业主委员会委员有几名由业主大会决定。第{i + 1}款。",
        )
        for i, city in enumerate("甲乙丙丁戊己庚辛壬癸")
    ]
    local = replace(
        base,
        id="local",
        file="qinghe.md",
        region="青禾市",
        region_path=["云岭省", "青禾市"],
        issuer_region=["云岭省", "青禾市"],
        text="第六条 业主委员会由五至十一名委员组成。"
        + "物业服务企业按照物业服务合同的约定提供服务，接受街道办事处的指导和监督。" * 4,
        article="第六条",
    )
    catalog.sync([*others, local])
    retriever = HybridRetriever(catalog, candidates=3)
    hits = retriever.retrieve("青禾市的业主委员会有几名委员?", 10, mode="keyword").hits
    assert "local" in [h.row.id for h in hits]  # a candidate, and ranked up by the region from there
    plain = retriever.retrieve("青禾市的业主委员会有几名委员?", 10, mode="keyword", use_region=False).hits
    assert len(plain) == 3 and "local" not in [h.row.id for h in plain]


def test_an_article_that_states_a_number_of_the_kind_asked_for_is_found_by_it():
    """Among many articles on the same body, keyword search finds the one that states how many."""
    from index.answer_shape import value_tokens, wanted_tokens
    from index.keyword import KeywordIndex, tokenize

    assert value_tokens("业主委员会由五人以上单数组成。") == ["〈人数〉"]
    assert "〈期限〉" in value_tokens("应当自受理之日起60日内办结。")
    assert value_tokens("业主委员会应当建立工作档案。") == []
    assert wanted_tokens("业委会要几个人?") == ["〈人数〉"] and wanted_tokens("怎样组建业委会?") == []
    assert "〈人数〉" in tokenize("邻里互助会由三至七人组成。", values=True)  # as indexed
    assert "〈人数〉" not in tokenize("邻里互助会由三至七人组成吗?")  # as asked: by ``wanted`` only
    texts = [
        "邻里互助会应当建立工作档案，邻里互助会的印章由邻里互助会保管。",
        "邻里互助会应当公开邻里互助会的工作情况。",
        "邻里互助会由三至七人组成。",
        "社区开展志愿服务活动。",
    ]
    index = KeywordIndex.build([f"r{i}" for i in range(len(texts))], texts)
    asked = "邻里互助会要 人?"  # 邻里互助会要几个人, the asking words taken out (without_asking)
    assert index.scores(asked).argmax() != 2  # the articles that name it most come first
    assert index.scores(asked, wanted=wanted_tokens("邻里互助会要几个人?")).argmax() == 2
