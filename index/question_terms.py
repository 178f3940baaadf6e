"""What a question is about: its content words, without the words that only say what kind of answer is wanted."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise

from index.keyword import ASKING_PHRASES, KeywordIndex, known_word, normalise_query, spans, tagged, words
from index.thesaurus import Expansion

# Words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = frozenset(
    """怎么 怎样 如何 什么 什么样 哪些 有哪些 哪个 哪里 哪儿 哪一级 多少 几 几人 几年 多久 多长 是否 能否 可以 能 会 要 需要 应当 应该
    吗 呢 啊 几个 具体 指 意思 是 有 有没有 没有 谁 为什么 干什么 做什么 办 怎么办 时候 一般 主要 方面 情况 工作 问题
    规定 要求 标准 条件 程序 流程 步骤 方法 办法 做法 措施 怎么样 其 该 这个 那个 咱们 我们 我 你 当地 这里
    性质 形式 类型 种类 内容 作用 意义 特点 方式 途径 渠道 后果 比例 区别""".split()
    # fillers of spoken questions: they carry no topic
    + """一起 一帮 一下 大家 这种 那种 这样 那样 现在 到底 究竟 平时 真的 还是 还有 的话 之类 等等""".split()
    # when, relative to what (选出来以后): no topic either
    + """以后 之后 以前 之前 然后 完了""".split()
)

# jieba keeps 几名, 多少钱, 哪一级, 什么样 whole: a word that starts with a question word asks, it is not asked about.
QUESTION_START = re.compile(
    r"^(几|多少|多大|多长|多久|哪|什么|怎么|怎样|如何|是否|能否|可否|为何|为什么|最多|最少|至少)"
)

# A numeral or 每 with a measure word (一届, 每次, 两年, 一名) says how much, not what about.
QUANTITY = re.compile(r"^[一二两三四五六七八九十百千万每几]+个?[届次年月日天周个名位人户项条款期批轮]$")
# A number with its unit (80岁, 2023年) or a bound on one (以上, 以内) is a value, not what the question
# is about; a number naming something (3456工作法) is.
VALUE = re.compile(
    r"^(以上|以下|以内|以外|左右|上下|之间|不少于|不少|不超过|不多|超过|满|(个?[天日月年周]|小时)(内|以内|后|前))$"
)
_NUMBER_WITH_UNIT = r"{}\s*(岁|元|块|年|月|日|天|周|个|人|名|户|间|套|平方|米|亩|小时|分钟|%|％|万|千|百|倍)"


# A term the user quotes is asked about as a whole (“信访人”, which the segmenter cuts into 信访 and 人).
QUOTED = re.compile(r"[“\"「『《]([^”\"」』》]{2,20})[”\"」』》]")


def quoted_terms(question: str) -> list[str]:
    return [t.strip() for t in QUOTED.findall(normalise_query(question)) if t.strip()]


@lru_cache(maxsize=4096)  # asked of one question by the focus, the rarest thing and the answer
def compounds(question: str) -> tuple[str, ...]:
    """A noun of one character written onto the noun before it names one thing with it: 流浪猫 is
    neither 流浪 nor 猫, and a text on 流浪犬 does not speak of it."""
    tags = tagged(normalise_query(question))
    return tuple(
        a + b
        for (a, fa), (b, fb) in pairwise(tags)
        if len(a) >= 2 and fa.startswith("n") and len(b) == 1 and fb.startswith("n") and b.strip()
    )


def marked_terms(question: str) -> list[str]:
    """Terms asked about whole whatever the segmenter makes of them: quoted ones and compounds."""
    return list(dict.fromkeys([*quoted_terms(question), *compounds(question)]))


def content_words(question: str) -> list[str]:
    quoted = marked_terms(question)
    question = normalise_query(question)
    found = [
        w
        for w in dict.fromkeys(words(question))
        if w not in QUESTION_WORDS
        and w not in ASKING_PHRASES
        and len(w) >= 2
        and not QUESTION_START.match(w)
        and not QUANTITY.match(w)
        and not VALUE.match(w)
        and not (w.isdigit() and re.search(_NUMBER_WITH_UNIT.format(w), question))
    ]
    return quoted + [w for w in found if not any(w in t for t in quoted)]


def subject(question: str, expansions: list[Expansion]) -> dict[str, list[str]]:
    """The question's content words, each with the other names the thesaurus matched for it."""
    out: dict[str, list[str]] = {}
    for word in content_words(question):
        out[word] = [a for e in expansions if word in e.term or e.term in word for a in e.alternatives]
    return out


@lru_cache(maxsize=4096)
def nouns(question: str) -> frozenset[str]:
    """The question's words the segmenter tags as nouns or abbreviations (公租房, 失业保险, 网格员, 居住证;
    every thesaurus term):
    the things it asks about, as against what is done to them (申请, 领取) or idioms (跑不动). A word
    right after an adverb is said of something, whatever its tag (才算数, 就有效)."""
    tags = tagged(normalise_query(question))
    return frozenset(
        word
        for i, (word, flag) in enumerate(tags)
        if (flag.startswith("n") or flag == "j") and not (i and tags[i - 1][1] == "d")
    ) | frozenset(compounds(question))


# Which version is wanted (修订前的条例) is not a thing asked about: the old text never says 修订.
VERSION_WORDS = frozenset("修订 修改 修正 废止 旧版 新版 原版 现行".split())


def rarity(word: str, others, keyword: KeywordIndex) -> float:
    """How rare the thing is in the library under any of its names: 物业费, which the index never
    holds, is as common as 物业服务费; 起诉, which no text says by any name, is the rarest of all."""
    used = [n for n in (word, *others) if keyword.used(n)]
    return min(keyword.idf(n) for n in used) if used else keyword.idf(word)


# Parts of speech that point, place or qualify but never name what is asked about: pronouns (这边),
# adverbs (一直), time and place words (那天, 村里), localisers, prepositions, conjunctions, particles.
POINTING_TAGS = frozenset("r d t s f p c u y e o".split())


@lru_cache(maxsize=4096)
def _pointing(word: str) -> bool:
    tags = tagged(word)
    return len(tags) == 1 and tags[0][1][:1] in POINTING_TAGS


def known(names, keyword: KeywordIndex, question: str = "") -> list[str]:
    """The words the library or the dictionary knows, and the terms the ``question`` marks (quoted, or a
    compound such as 流浪猫). One neither knows is the segmenter's guess at the question's wording (人算,
    要花), not what it asks about; a known word the library never uses (起诉) stays, unless it only points
    or qualifies (这边, 那天, 村里: spoken words no text says). A marked term is asked about whatever the
    segmenter makes of it (“异议表决”)."""
    quoted = marked_terms(question) if question else []
    return [w for w in names if w in quoted or keyword.used(w) or (known_word(w) and not _pointing(w))]


def rarest_thing(question: str, names: dict[str, list[str]], keyword: KeywordIndex) -> str:
    """The most specific thing the question asks about (公租房 in 如何申请公租房?): of its content words
    (``names``, each with its other names) the ``known`` nouns, the rarest; '' when it names none."""
    quoted = [t for t in quoted_terms(question) if t in names]
    if quoted:  # the user marked what is asked about (能不能搞“异议表决”)
        return quoted[0]
    things = nouns(question)
    named = [w for w in known(names, keyword, question) if w in things and w not in VERSION_WORDS]
    return max(named, key=lambda w: rarity(w, names.get(w, ()), keyword), default="")


# A character the segmenter leaves on its own may belong with its neighbour in a word the library
# writes whole and the dictionary does not know: the dictionary reads 楼院里 as 楼/院里, the texts say
# 党支部建在楼院 and segment 楼院 as one word. Asked about as the texts write it, the question finds
# them by that word. A pair the dictionary knows (出来 in 选出来) it passed over for a reason.
LIBRARY_WORD_PASSAGES = 20  # passages looked at per pair of characters
LIBRARY_WORD_SHARE = 0.5  # of the pair's uses there, this share segmented as one word makes it a word
LIBRARY_WORD_USES = 2  # a pair used fewer times says nothing about how the library writes it
LIBRARY_WORD_ENOUGH = 8  # uses that settle it: a common pair is not segmented 20 times over
_WINDOW = 8  # characters either side of a use, enough context to segment it
_CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")


def _whole_share(pair: str, texts: list[str]) -> float:
    """Share of the pair's uses in ``texts`` that the segmenter reads as one word."""
    uses = whole = 0
    for text in texts:
        for m in re.finditer(pair, text):
            a = max(0, m.start() - _WINDOW)
            uses += 1
            whole += any(w == pair and s == m.start() - a for w, s, _ in spans(text[a : m.end() + _WINDOW]))
            if uses == LIBRARY_WORD_ENOUGH:
                return whole / uses
    return whole / uses if uses >= LIBRARY_WORD_USES else 0.0


def library_wording(question: str, passages: Callable[[str], list[str]]) -> str:
    """The question with the library's words the segmenter cut quoted, so they are asked about whole
    (楼院里的党组织怎么设置 -> “楼院”里的党组织怎么设置); ``passages(pair)`` gives texts that hold a pair."""
    text = normalise_query(question)
    quoted = {i for m in QUOTED.finditer(text) for i in range(*m.span())}
    marks: list[tuple[int, str]] = []
    for word, start, end in spans(text):
        if end - start != 1 or start in quoted or word in QUESTION_WORDS or not words(word):
            continue
        shares = {
            a: _whole_share(text[a : a + 2], passages(text[a : a + 2]))
            for a in (start - 1, start)
            if a >= 0
            and _CJK_PAIR.fullmatch(text[a : a + 2])
            and not known_word(text[a : a + 2])  # the segmenter passed over a word it knows on purpose
            and not (marks and a <= marks[-1][0] + 1)
        }
        best = max(shares, key=shares.__getitem__, default=None)
        if best is not None and shares[best] >= LIBRARY_WORD_SHARE:
            marks.append((best, text[best : best + 2]))
    for a, pair in reversed(marks):
        text = f"{text[:a]}“{pair}”{text[a + 2 :]}"
    return text


# Words that only ask (and hedges: 一般, 具体), left out of the keyword search.
_INTERROGATIVE = frozenset(
    """怎么 怎样 如何 什么 什么样 哪些 有哪些 哪个 哪里 哪儿 多少 几 几个 是否 能否 吗 呢 啊 谁 为什么 怎么办
    怎么样 有没有 一般 具体""".split()
)


def without_asking(question: str) -> str:
    """The question with the words that only ask blanked out, so neither they nor the character pairs
    across them are searched for (村委会一般配几个人: 一般 and 几个 are in every statute, 个人 too)."""
    text = normalise_query(question)
    return "".join(_unasked(w) for w, _, _ in spans(text))


_ASKED_UNIT = re.compile(r"^(?:多少|几个)([人户名位])$")


def _unasked(word: str) -> str:
    """A word that only asks, blanked; one that asks a count keeps its unit (几个人: 人, as 三至七人)."""
    if word in _INTERROGATIVE or word in ASKING_PHRASES or QUESTION_START.match(word):
        unit = _ASKED_UNIT.match(word) if word in ASKING_PHRASES else None
        return " " + unit.group(1) if unit else " "
    return word


# What a citizen goes through at an office. Asked 怎么申请 (or 如何办理, 怎样报名…), a passage that never
# names that step does not say how to go through it, however much it says about the thing applied for.
PROCEDURES = frozenset(
    """申请 申领 申报 办理 报名 登记 注册 注销 备案 审批 审核 核准 领取 缴纳 交纳 缴费 报销 认定 补办 换领
    赔偿 索赔 理赔 投诉 举报 复议 转移 转接 迁移 迁入 落户 查询 预约 退费 收费 结算""".split()
)
_HOW = frozenset("怎么 怎样 如何 怎么样".split())
_WHERE = frozenset("哪里 哪儿 哪个 哪些 什么".split())
_OFFICE = frozenset("部门 单位 机关 机构 窗口 地方".split())
_BEFORE_VERB = frozenset("去 来 才 能 可以 要 应该 应当 得 进行".split())


# What a question asks of a procedure when it names it before (申请条件, 办理流程, 报名材料).
_OF_PROCEDURE = frozenset("条件 材料 程序 流程 手续 步骤 渠道 方式 时间 地点".split())


def asked_procedure(question: str) -> str:
    """The procedure a question asks how to go through (申请 in 社区养老服务补贴怎么申请? and in
    廉租房的申请条件是什么?), else ''."""
    tokens = [w for w, _, _ in spans(normalise_query(question)) if w.strip()]
    for i, word in enumerate(tokens):
        if word in PROCEDURES and i + 1 < len(tokens) and tokens[i + 1] in _OF_PROCEDURE:
            return word
        if word in _HOW:
            rest = [w for w in tokens[i + 1 :] if w not in _BEFORE_VERB]
            return rest[0] if rest and rest[0] in PROCEDURES else ""
        if word in _WHERE:  # 去哪个部门申请, 到哪里办理: where to go through it is how
            rest = [w for w in tokens[i + 1 :] if w not in _BEFORE_VERB and w not in _OFFICE]
            if rest and rest[0] in PROCEDURES:
                return rest[0]
    return ""
