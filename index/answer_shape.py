"""What kind of value a question asks for, and passages that are drafting boilerplate.

Two general properties of Chinese statutes and official documents that ranking uses:

- A rule question (几名、多久、多少钱、哪一级) asks for a value of a kind; an article that states a
  value of that kind answers it, one that only names the same things does not.
- Every statute opens with a purpose article (第一条 为了……，根据……，制定本条例) and closes
  with an effective-date article (本条例自……起施行); every 公文 opens with its 主送机关 and a
  preamble (为深入贯彻落实……，现提出如下意见) and a 印发 notice wraps its attachment in
  transmittal sentences (……已经市人民政府同意，现印发给你们，请认真贯彻执行). These passages name
  the document's whole subject, so they match almost any question on it while answering none,
  unless the question asks about the purpose, the basis, the date or the issuing itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NUM = r"[0-9０-９一二两三四五六七八九十百千万半]+"

# (what the question asks, what a passage stating it holds, the index's word for a passage that
# states a number of that kind, see ``value_tokens``; '' where the kind is not a number)
ANSWER_TYPES = (
    (
        # 多少 with its own unit asks for that (工资的多少比例, 补贴多少人): see the other kinds
        re.compile(
            r"多少钱|多少元|(费|资|贴|助|酬|遇|金|奖|价|款|税|租)[^，。？?]{0,4}多少(?![比倍人名位户天日年月个次平亩])"
        ),
        re.compile(_NUM + r"\s*(元|万元|块)"),
        "〈金额〉",
    ),
    (
        re.compile(r"几天|多少天|多久|多长时间|几日|几个月|多少日|什么时候|何时"),
        re.compile(
            _NUM + r"\s*(日|天|个月|月|年|周|小时|季度)|每(年|季度|月|周|届)|届满前|之日起|第一季度|年底"
        ),
        "〈期限〉",
    ),
    (re.compile(r"几年|多少年|任期"), re.compile(_NUM + r"\s*年|每届"), "〈年数〉"),
    # A statute often counts people or households as a share of a body: 五分之一以上的村民, 过半数的户.
    (
        re.compile(
            r"几名|几人|多少人|几个[^，。？?]{0,3}(员|人|代表|者)|多少名|多少个[^，。？?]{0,3}(员|人|代表|者)|几位"
        ),
        re.compile(_NUM + r"\s*(名|人|位)|分之|过半数|半数"),
        "〈人数〉",
    ),
    (re.compile(r"多少户|几户"), re.compile(_NUM + r"\s*户|分之|过半数|半数"), "〈户数〉"),
    (
        re.compile(
            r"多少平方米|多少平米|面积多大|多大面积|面积[^，。？?]{0,4}多少|多少亩"
            r"|(房|屋|室|场地|场所|用地|空间)[^，。？?]{0,6}多大"  # 办公用房至少要多大
        ),
        re.compile(_NUM + r"\s*(平方米|平米|㎡|亩|公顷)"),
        "〈面积〉",
    ),
    (re.compile(r"比例|百分之|多少比"), re.compile(r"%|％|百分之|分之|过半数|半数"), "〈比例〉"),
    (
        re.compile(r"什么条件|哪些条件|条件是什么"),
        re.compile(r"应当|须|经[^。]{0,40}(同意|批准)|符合|具备|以上"),
        "",
    ),
    (
        re.compile(r"哪一级|哪级|哪个部门|哪些部门|由谁|谁来|谁(批准|决定|负责|审批|组织)"),
        re.compile(
            r"[县市省区乡镇]级|人民政府|主管部门|办事处|党委|党组织|委员会|(批准|决定|负责|审批|组织)"
        ),
        "",
    ),
)
_VALUES = tuple((token, holds) for _, holds, token in ANSWER_TYPES if token)


def wanted_types(question: str) -> list[re.Pattern]:
    """Patterns of the values a rule question asks for (empty for other questions)."""
    return [answer for asks, answer, _ in ANSWER_TYPES if asks.search(question)]


def wanted_tokens(question: str) -> list[str]:
    """The index's words for the numbers a rule question asks for (see ``value_tokens``)."""
    return [token for asks, _, token in ANSWER_TYPES if token and asks.search(question)]


def value_tokens(text: str) -> list[str]:
    """One word per kind of number the text states (〈人数〉 for 由五人以上单数组成): keyword search
    finds, among the many articles on 业主委员会, the ones that state how many, as the question asks."""
    return [token for token, holds in _VALUES if holds.search(text)]


def holds_wanted(text: str, wanted: list[re.Pattern]) -> bool:
    return any(p.search(text) for p in wanted)


_DOC = r"(法|条例|规定|办法|细则|规则|准则|意见|方案|决定|通知|纲要|规划|制度)"
BOILERPLATE = (
    re.compile(r"^(第[一二三四五六七八九十]+条\s*)?为了?[^。]{2,200}?制定本" + _DOC),  # purpose
    re.compile(
        r"^(第[一二三四五六七八九十百零〇]+条\s*)?本" + _DOC + r"[^。]{0,40}(施行|实施|执行|生效)"
    ),  # in force
    re.compile(r"(同时|予以)废止$"),
    re.compile(r"^各[^：:。]{2,80}[：:]$"),  # 主送机关
    re.compile(r"^为[^。]{2,200}?(提出|制定|作出)(如下|以下|本)"),  # 公文 preamble
    re.compile(r"^为[^。]{2,200}?现(就|将)[^。]{0,60}(通知|意见|要求)如下"),
    re.compile(r"^为[^。]{2,200}?经(研究|[^。]{0,30}同意)[，,]\s*(决定|现)"),
    re.compile(r"^现(就|将)[^。]{0,60}(通知|报告|说明|要求)如下$"),
    re.compile(r"^附件\s*[0-9]*[:：]"),
    re.compile(r"(现|特)(将[^。]{0,80})?(印发|转发)给你们"),
    re.compile(r"^请(各地|各单位|结合|认真|遵照|按照)[^。]{0,60}(执行|落实|实施)"),
    re.compile(r"已经[^。]{0,40}(同意|通过|审议)"),
    re.compile(r"^[^，。]{2,30}(人民政府|办公厅|办公室|委员会|党委|局|厅)$"),  # 落款
    re.compile(
        r"^[0-9０-９〇零一二三四五六七八九十]{1,4}年[0-9一二三四五六七八九十]{1,3}月[0-9一二三四五六七八九十]{1,3}日$"
    ),
    re.compile(r"^[（(]?此件[^。]{0,20}[)）]?$"),
)
BOILERPLATE_SHARE = 0.6  # a passage is boilerplate when such sentences make up this share of it
# A question about the purpose, the basis, the date or the issuing is answered by exactly those passages.
ASKS_BOILERPLATE = re.compile(
    r"目的|宗旨|依据|根据什么|施行|生效|起实施|开始实施|什么时候(开始|起)|何时(起|开始)|废止|印发|发布|出台|制定"
)
_SENTENCES = re.compile(r"[^。；;\n]+[。；;]?")


@lru_cache(maxsize=50_000)  # a passage's text never changes; the same passages come back often
def boilerplate_share(text: str) -> float:
    """Share of the passage (by characters) in purpose, effective-date, addressee, preamble,
    transmittal and signature sentences."""
    total = held = 0
    for m in _SENTENCES.finditer(text):
        sentence = m.group().strip().rstrip("。；;")
        if not sentence:
            continue
        total += len(sentence)
        if any(p.search(sentence) for p in BOILERPLATE):
            held += len(sentence)
    return held / total if total else 0.0


def is_boilerplate(text: str) -> bool:
    return boilerplate_share(text) >= BOILERPLATE_SHARE


def asks_boilerplate(question: str) -> bool:
    return bool(ASKS_BOILERPLATE.search(question))
