"""Follow-up questions condensed without a model: the previous topic only when the follow-up has none."""

from __future__ import annotations

import pytest

from app.answer.condense import condense_by_rule, is_follow_up

PAIRS = [
    ("网格员需要提升哪些能力?", "那经费怎么保障?", "网格员:经费怎么保障?"),
    ("怎样组建业主委员会?", "那要经过哪些步骤?", "业主委员会:要经过哪些步骤?"),
    ("怎样组建业主委员会?", "它的任期是几年?", "业主委员会的任期是几年?"),
    ("社区党组织书记每年要培训多少天?", "那网格员呢?", "网格员呢?"),
    ("低保怎么申请?", "需要什么材料?", "低保:需要什么材料?"),
    ("业委会的委员有几名?", "另外,物业服务合同期满怎么办?", "物业服务合同期满怎么办?"),
    ("流动党员怎么参加组织生活?", "党费怎么交?", "党费怎么交?"),
    ("社区减负怎么落实?", "如何办理出入境护照?", "如何办理出入境护照?"),
    ("居委会每届任期几年?", "那村委会呢?", "村委会呢?"),
    ("什么是五社联动?", "它和三社联动有什么区别?", "五社联动和三社联动有什么区别?"),
    ("物业公司不管了怎么办?", "那费用谁出?", "物业公司:费用谁出?"),
    ("网格员需要提升哪些能力?", "还有呢?", "网格员:呢?"),
]


@pytest.mark.parametrize(("previous", "follow_up", "standalone"), PAIRS)
def test_follow_up_pairs(previous, follow_up, standalone):
    assert condense_by_rule(follow_up, [("user", previous), ("assistant", "……")]) == standalone


def test_a_question_with_its_own_topic_is_not_a_follow_up():
    assert not is_follow_up("网格员需要提升哪些能力?") and not is_follow_up("如何办理出入境护照?")
    assert condense_by_rule("那经费怎么保障?", []) == "那经费怎么保障?"
