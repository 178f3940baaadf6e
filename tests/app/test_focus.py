"""The focus of a question: the words it asks about, not how it asks or how much it asks for."""

from __future__ import annotations

from app.answer.focus import focus_share
from index.keyword import KeywordIndex
from index.question_terms import content_words, rarest_thing, subject, without_asking
from index.retrieve import Hit
from index.rows import Row


def _row(i: int, text: str, article: str = "") -> Row:
    return Row(
        id=f"r{i}",
        file="示例条例.txt",
        title="示例条例",
        section="",
        section_no=0,
        region="",
        region_path=[],
        kind="法律法规",
        date="",
        year=0,
        is_case=False,
        start=0,
        end=len(text),
        text=text,
        article=article,
    )


def _indexed(texts: list[str], article_chars: int = 3) -> tuple[list[Row], KeywordIndex]:
    """Rows of one statute, each text an article (its number the first ``article_chars``), and their index."""
    rows = [_row(i, t, t[:article_chars]) for i, t in enumerate(texts)]
    return rows, KeywordIndex.build([r.id for r in rows], texts)


def test_question_words_and_quantities_are_not_the_focus():
    assert content_words("居委会一届干几年?") == ["居委会"]
    assert content_words("村民代表会议每次要多少人参加?") == ["村民代表会议", "参加"]
    assert content_words("两委班子怎么换届?") == ["两委班子", "换届"]  # 两委 is a name, not a quantity
    assert content_words("小区党员达到几名可以组建党支部?") == ["小区", "党员", "达到", "组建", "党支部"]


def test_a_passage_that_answers_holds_the_focus_and_one_that_mentions_it_does_not():
    texts = [
        "第五条 居民委员会每届任期五年，其成员可以连选连任。",
        "第九条 社区志愿服务站由街道办事处统一设立。",
        "第十条 业主大会应当每年召开一次会议。",
    ]
    rows, index = _indexed(texts)
    answers = [Hit(rows[0], 1.0, 0.9, 1.0)]
    mentions = [Hit(rows[1], 1.0, 0.9, 1.0), Hit(rows[2], 0.9, 0.9, 1.0)]
    question = "居民委员会一届干几年?"
    assert focus_share(question, answers, index, []) == 1.0
    assert focus_share(question, mentions, index, []) == 0.0


def test_a_word_the_segmenter_made_up_is_not_the_focus_but_an_unused_known_word_is():
    texts = ["第三条 议事代表由居民会议推选产生。", "第十条 业主大会应当每年召开一次会议。"]
    rows, index = _indexed(texts)
    hits = [Hit(rows[0], 1.0, 0.9, 1.0)]
    # jieba's HMM makes 人算 of 的人算议事: neither the library nor the dictionary knows it
    assert "人算" in content_words("什么样的人算议事代表?")
    assert focus_share("什么样的人算议事代表?", hits, index, []) == 1.0
    # 起诉 is a word the dictionary knows and the library never uses: what is asked is not there
    assert focus_share("议事代表可以起诉吗?", hits, index, []) < 0.6  # 起诉 weighs the most, and is missing


def test_spoken_pointing_words_no_text_says_are_not_the_focus():
    texts = [
        "第三十一条 召开业主大会会议，参加的业主须过半数。",
        "第十条 物业服务企业应当在网上公布收支情况。",
    ]
    rows, index = _indexed(texts, 5)
    hits = [Hit(rows[0], 1.0, 0.9, 1.0)]
    # 这边 and 那会儿 point at a place and a time; no statute says them, and they are not what is asked
    assert focus_share("我们这边开业主大会，那会儿得有多少业主参加?", hits, index, []) == 1.0
    # a place word the library does use still counts: 网上 is in the texts
    assert focus_share("业主大会能在网上开吗?", hits, index, []) < 1.0


def test_how_a_spoken_question_asks_a_count_is_not_read_as_a_word():
    # 多少人才能开 is 多少人/才能/开, not 多少/人才/能/开; 物业费能不能 is 物业费/能不能
    assert "人才" not in content_words("开居民会议要到多少人才能开?")
    assert "能不能" not in content_words("前期物业费能不能少交?")
    # keyword search still looks for the unit asked about (三至七人), not for 几个
    assert without_asking("村委会配几个人?").split() == ["村委会配", "人?"]


def test_a_quoted_term_is_asked_about_whole_and_a_short_law_name_is_found_in_the_title():
    import dataclasses

    question = "信访条例里说的“信访人”指什么?"
    assert content_words(question) == ["信访人", "信访条例"]  # jieba alone cuts 信访 / 人
    text = "第十七条 提出建议、意见或者投诉请求的公民、法人或者其他组织，称信访人。"
    row = dataclasses.replace(_row(0, text, "第十七条"), title="信访工作条例")
    index = KeywordIndex.build([row.id], [text])
    assert focus_share(question, [Hit(row, 1.0, 0.9, 1.0)], index, []) == 1.0


def test_a_quoted_term_the_library_cuts_otherwise_is_still_the_focus_and_the_thing_asked():
    texts = ["第六十六条 邻里基金动用时可以采用异议表决方式，反对者不足三成即视为通过。"]
    rows, index = _indexed(texts, 5)
    assert not index.used("异议表决")  # the library's segmenter reads 异议 / 表决
    question = "邻里基金能不能搞“异议表决”?"
    names = subject(question, [])
    assert rarest_thing(question, names, index) == "异议表决"
    assert focus_share(question, [Hit(rows[0], 1.0, 0.9, 1.0)], index, []) == 1.0


def test_fillers_of_spoken_questions_are_not_the_focus():
    assert content_words("一帮居民要一起去上访，最多能派几个代表?") == ["居民", "上访", "代表"]
    # when: 选出来以后 asks about nothing but the 业委会 and the 备案
    assert content_words("业委会选出来以后，多少天内要去备案?") == ["业委会", "选出", "备案"]


def test_numbers_and_their_bounds_are_values_not_the_focus():
    assert "80" not in content_words("80岁以上的老人有什么补贴?")
    assert "以上" not in content_words("80岁以上的老人有什么补贴?")
    assert "一个月" not in content_words("网格员一个月工资多少?")
    assert content_words("3456工作法具体指什么?") == ["3456"]  # a number that names something stays


def test_a_passage_that_names_everything_but_the_thing_asked_about_does_not_answer():
    from app.answer.focus import missing_thing

    texts = [
        "第十条 申请最低生活保障，应当向户籍所在地的乡镇人民政府提出书面申请，并提交有关材料。",
        "第二十条 国家对公共租赁住房实行轮候制度，申请人应当提交收入证明材料。",
    ]
    rows, index = _indexed(texts)
    subsidy = [Hit(rows[0], 1.0, 0.9, 1.0)]
    # 申请 and 材料 are everywhere in statutes: the thing asked about is 廉租房, which it never names
    assert missing_thing("申请廉租房要准备哪些材料?", subsidy, index, []) == "廉租房"
    assert missing_thing("申请低保要准备哪些材料?", subsidy, index, []) == ""  # 低保 = 最低生活保障
    # what is done (申请) is not a thing; a version (修订前的) is not either
    assert missing_thing("低保怎么申请?", subsidy, index, []) == ""
    assert missing_thing("修订前的办法对低保有什么规定?", subsidy, index, []) == ""


def test_an_abbreviation_is_a_thing_asked_about():
    """The segmenter tags 居住证 as an abbreviation, not a noun: it is still what is asked about."""
    from app.answer.focus import missing_thing

    texts = [
        "第十二条 办理临时税务登记的，应当提交街道办事处出具的证明材料。",
        "第二十条 申请人应当提交身份证明和收入证明材料。",
    ]
    rows, index = _indexed(texts, 4)
    hits = [Hit(rows[0], 1.0, 0.9, 1.0), Hit(rows[1], 0.9, 0.9, 1.0)]
    assert missing_thing("办理居住证需要什么材料?", hits, index, []) == "居住证"


def test_the_rarest_thing_is_rarest_under_any_of_its_names():
    from app.answer.focus import missing_thing

    texts = ["第六十条 业主应当按时交纳物业服务费。", "第十条 业主大会应当每年召开一次会议。"]
    rows, index = _indexed(texts)
    hits = [Hit(rows[0], 1.0, 0.9, 1.0)]
    # neither 物业费 nor 起诉 is a word of the index; 物业费 is, as 物业服务费: 起诉 is what is missing
    assert missing_thing("业主不交物业费可以起诉吗?", hits, index, []) == "起诉"
    assert missing_thing("业主不交物业费会有什么后果?", hits, index, []) == ""  # 后果 asks, it is no thing
    # after an adverb a word is said of the thing, not a thing asked about (算数 is tagged a noun)
    texts = ["第十八条 业主大会会议应当由过半数的业主参加，业主表决应当采用书面形式。", texts[1]]
    rows, index = _indexed(texts, 4)
    hits = [Hit(rows[0], 1.0, 0.9, 1.0)]
    assert missing_thing("业主大会要多少业主参加表决才算数?", hits, index, []) == ""


def test_passages_that_name_the_rarest_thing_come_up_a_little():
    from index.retrieve import THING_BONUS, HybridRetriever

    texts = [
        "第五条 社区党组织的设置，按照有利于开展工作的原则确定。",
        "第九条 在楼组建立党小组，楼组长由居民推选。",
        "第十条 居民委员会的设置由市辖区人民政府决定，社区党组织予以指导。",
    ]
    rows, index = _indexed(texts)

    def ranked(question: str, scores: list[float]) -> list[str]:
        hits = [Hit(rows[i], s, 0.9) for i, s in zip((0, 2, 1), scores, strict=True)]
        HybridRetriever(None)._favour_thing(hits, question, subject(question, []), index)
        return [h.row.id for h in hits]

    # 设置 and 党组织 are said everywhere; 楼组 is what the question is about
    assert ranked("“楼组”里的党组织怎么设置?", [1.0, 0.97, 0.95]) == ["r1", "r0", "r2"]
    assert ranked("“楼组”里的党组织怎么设置?", [1.0, 0.97, 0.95 - 2 * THING_BONUS]) == ["r0", "r2", "r1"]
    assert ranked("社区党组织怎么设置?", [1.0, 0.97, 0.95]) == ["r0", "r2", "r1"]  # 社区 is in both


def test_the_passage_that_answers_names_the_thing_itself():
    from app.answer.focus import answers_directly

    texts = [
        "第七十七条 业主、物业服务企业应当按照本市生活垃圾分类管理的规定，履行相应的义务。",
        "第五十八条 居民、业主违反本条例规定，逾期不移交有关资料的，处1万元以上10万元以下的罚款。",
        "第四十条 居民违反生活垃圾分类规定的，由城市管理部门处五十元以上二百元以下罚款。",
        "第六十条 居民擅自占用公共绿地的，责令改正，可以处以罚款。",
        "第六十一条 居民在楼道堆放杂物的，责令限期清理；逾期不清理的，处以罚款。",
        "第六十二条 居民饲养犬只影响他人生活的，由公安机关处以罚款。",
        "第十条 业主大会应当每年召开一次会议，居民可以列席。",
        "第三条 物业服务企业应当公开服务项目和收费标准。",
    ]
    rows, index = _indexed(texts, 4)
    question = "居民垃圾分类投错了，要罚款多少?"
    # one passage names 垃圾分类 without a fine, the other states a fine for something else
    apart = [Hit(rows[0], 1.0, 0.9), Hit(rows[1], 0.9, 0.9), Hit(rows[6], 0.8, 0.9)]
    assert not answers_directly(question, apart, index, [], (), 0.3)
    together = [Hit(rows[0], 1.0, 0.9), Hit(rows[2], 0.9, 0.9), Hit(rows[6], 0.8, 0.9)]
    assert answers_directly(question, together, index, [], (), 0.3)


def test_a_one_character_noun_written_onto_a_noun_names_one_thing_with_it():
    from app.answer.focus import answers_directly

    assert content_words("小区里流浪猫越来越多，归哪个部门管?")[0] == "流浪猫"
    texts = [
        "第三条 城市管理部门负责收容街面上的流浪犬，街道予以协助。",
        "第五条 物业服务企业应当配合有关部门做好小区管理工作。",
        "第十条 业主大会应当每年召开一次会议。",
    ]
    rows, index = _indexed(texts, 3)
    hits = [Hit(rows[0], 1.0, 0.9), Hit(rows[1], 0.9, 0.9)]
    # 流浪犬 is not 流浪猫: a text on stray dogs does not say who deals with stray cats
    assert not answers_directly("小区里流浪猫越来越多，归哪个部门管?", hits, index, [], (), 0.3)
    assert answers_directly("小区里流浪犬越来越多，归哪个部门管?", hits, index, [], (), 0.3)


def test_asked_how_to_go_through_a_procedure_a_passage_must_name_it():
    from app.answer.focus import answers_directly
    from index.question_terms import asked_procedure

    assert asked_procedure("社区养老服务补贴怎么申请?") == "申请"
    assert asked_procedure("失业保险金如何领取?") == "领取"
    assert asked_procedure("怎样组建业主委员会?") == ""  # building something is not an office procedure
    assert asked_procedure("廉租房的申请条件是什么?") == "申请"
    assert asked_procedure("居民委员会的工作条件是什么?") == ""
    # where to go through it is how: 去哪个部门申请, 到哪里办理
    assert asked_procedure("充电桩补贴去哪个部门申请?") == "申请"
    assert asked_procedure("居住证到哪里办理?") == "办理"
    assert asked_procedure("低保最后是哪个部门批?") == ""  # who decides is a rule, not a procedure
    texts = [
        "第三十七条 对经济困难的老年人，地方各级人民政府应当逐步给予社区养老服务补贴。",
        "第十一条 申请社区养老服务补贴，由本人向户籍所在地的乡镇人民政府、街道办事处提出书面申请。",
        "第十条 业主大会应当每年召开一次会议。",
    ]
    rows, index = _indexed(texts, 4)
    question = "社区养老服务补贴怎么申请?"
    mention = [Hit(rows[0], 1.0, 0.9), Hit(rows[2], 0.8, 0.9)]
    assert not answers_directly(question, mention, index, [], (), 0.3)
    assert answers_directly(question, [Hit(rows[1], 1.0, 0.9), *mention], index, [], (), 0.3)


def test_one_word_of_the_focus_is_not_most_of_it_however_rare():
    """每平方米 is much rarer than 物业费 here: a passage on another charge per square metre holds most
    of the focus's weight and nothing of what is asked."""
    from app.answer.focus import answers_directly

    fee = [
        f"第{n}条 业主应当按照物业服务合同的约定交纳物业费，{what}。"
        for n, what in zip(
            "五六七八九",
            [
                "物业费实行市场调节价",
                "不得拒交物业费",
                "物业费应当公示",
                "物业费可以按月交纳",
                "物业费由业主承担",
            ],
            strict=True,
        )
    ]
    texts = ["第二十三条 首次业主大会会议的筹备经费由建设单位按照建筑面积每平方米一元五角承担。", *fee]
    rows, index = _indexed(texts, 5)
    hits = [Hit(rows[0], 1.0, 0.9), Hit(rows[1], 0.9, 0.9), Hit(rows[2], 0.8, 0.9)]
    assert not answers_directly("物业费每平方米收多少钱?", hits, index, [], (), 0.3)
    texts[1] = "第五条 物业费按照建筑面积每平方米一元五角收取。"  # both words held: it answers
    rows, index = _indexed(texts, 3)
    hits = [Hit(rows[1], 1.0, 0.9), Hit(rows[0], 0.9, 0.9)]
    assert answers_directly("物业费每平方米收多少钱?", hits, index, [], (), 0.3)
