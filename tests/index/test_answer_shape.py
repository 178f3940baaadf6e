"""Drafting boilerplate is known as such, and a rule question's kind of value is recognised."""

from __future__ import annotations

import pytest

from index.answer_shape import asks_boilerplate, boilerplate_share, holds_wanted, is_boilerplate, wanted_types

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
    ],
)
def test_rule_questions_want_a_value_of_their_kind(question, holds, lacks):
    wanted = wanted_types(question)
    assert wanted and holds_wanted(holds, wanted) and not holds_wanted(lacks, wanted)


def test_how_to_questions_want_no_particular_value():
    assert wanted_types("怎样组建业主委员会?") == []
