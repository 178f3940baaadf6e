"""A rule question is answered from the article of the place the question names."""

from __future__ import annotations

import numpy as np

from app.answer.article import _about, _paragraph, article_answer
from app.answer.extractive import Encoder
from index.embeddings import Embedder
from index.retrieve import Hit
from index.rows import rows_from_documents
from ingest.pipeline import process_file

ARTICLES = [
    "第一条 为了规范邻里互助组织的活动，保障居民的合法权益，{own}。",
    "第二条 邻里互助组织由居民自愿组成，在社区党组织领导下开展活动。",
    "第三条 邻里互助会由居民会议推选产生，向居民会议负责并报告工作。",
    "第四条 邻里互助会{term}，其成员可以连选连任。",
    "第五条 {law}自公布之日起施行。",
]


def _statute(title: str, passed: str, own: str, term: str, law: str) -> str:
    body = "\n\n".join(a.format(own=own, term=term, law=law) for a in ARTICLES)
    return f"# {title}\n\n{passed}\n\n<!-- INFO END -->\n\n## 第一章　总则\n\n{body}\n"


NATIONAL = _statute(
    "中华人民共和国邻里互助组织法",
    "2001年3月2日 第九届全国人民代表大会常务委员会第二十一次会议通过",
    "根据宪法，制定本法",
    "每届任期五年",
    "本法",
)
LOCAL = _statute(
    "青禾市邻里互助条例",
    "2021年6月29日 青禾市第十五届人民代表大会常务委员会第三次会议通过",
    "结合本市实际，制定本条例",
    "每届任期三年",
    "本条例",
)


class EquallyNear(Embedder):
    """Every text at the same vector: the sentences tie on meaning, so only the other signals count."""

    name, dim = "equal-test", 4

    def embed_batch(self, texts: list[str], *, query: bool) -> np.ndarray:
        return np.full((len(texts), self.dim), 0.5, dtype=np.float32)


def test_the_question_regions_own_article_is_quoted_before_the_national_one(tmp_path):
    docs = {}
    for name, text in (("邻里互助组织法.md", NATIONAL), ("青禾市邻里互助条例.md", LOCAL)):
        (tmp_path / name).write_text(text, "utf-8")
        docs[name] = process_file(tmp_path / name, name)
    assert docs["邻里互助组织法.md"].issuer_region == ["全国"]
    rows = {r.file: r for r in rows_from_documents(list(docs.values())) if r.article == "第四条"}
    hits = [
        Hit(rows[f], 1.0 - i / 10, 0.9) for i, f in enumerate(["邻里互助组织法.md", "青禾市邻里互助条例.md"])
    ]
    encoder = Encoder(EquallyNear())
    question = "邻里互助会每届任期几年?"
    plain, _ = article_answer(question, hits, docs, encoder)
    assert "《中华人民共和国邻里互助组织法》第四条" in plain  # the better-ranked passage
    local, citations = article_answer(question, hits, docs, encoder, region=("云岭省", "青禾市"))
    assert "《青禾市邻里互助条例》第四条" in local and "三年" in citations[0].quote


def test_the_article_about_the_thing_asked_is_quoted_not_one_that_names_it_in_passing(tmp_path):
    fourth = {
        "议事会.md": "第四条 居民议事会由邻里互助会成员和居民代表组成，居民代表每五户至十五户推选一人。",
        "互助会.md": "第四条 邻里互助会由会长、副会长和成员共三至七人组成。",
    }
    docs, rows = {}, []
    for name, article in fourth.items():
        text = _statute(
            f"青禾市{name[:-3]}条例", "2021年6月29日 青禾市人大常委会通过", "制定本条例", "", "本条例"
        )
        (tmp_path / name).write_text(
            text.replace("第四条 邻里互助会，其成员可以连选连任。", article), "utf-8"
        )
        docs[name] = process_file(tmp_path / name, name)
        rows += [r for r in rows_from_documents([docs[name]]) if r.article == "第四条"]
    hits = [Hit(rows[0], 1.0, 0.9), Hit(rows[1], 0.9, 0.9)]
    answer, citations = article_answer("邻里互助会一般配几个人?", hits, docs, Encoder(EquallyNear()))
    assert "互助会条例》第四条" in answer and "三至七人" in citations[0].quote


def _one_statute(tmp_path, articles: str):
    text = _statute("青禾市邻里互助条例", "2021年6月29日 青禾市人大常委会通过", "制定本条例", "", "本条例")
    (tmp_path / "条例.md").write_text(
        text.replace("第四条 邻里互助会，其成员可以连选连任。", articles), "utf-8"
    )
    doc = process_file(tmp_path / "条例.md", "条例.md")
    return {"条例.md": doc}, rows_from_documents([doc])


def test_a_list_article_answers_by_its_items_and_is_quoted_with_them(tmp_path):
    docs, rows = _one_statute(
        tmp_path,
        "第四条 申请邻里互助补贴，按照下列程序办理：\n\n"
        "（一）由居民向所在社区提出书面材料；\n\n"
        "（二）街道办事处审核后报区人民政府审批。\n\n"
        "第四条之一 邻里互助补贴的资金由区人民政府民政部门统筹安排。",
    )
    hits = [Hit(r, 1.0 - i / 10, 0.9) for i, r in enumerate(r for r in rows if "邻里互助补贴" in r.text)]
    answer, citations = article_answer(
        "申请邻里互助补贴，最后是哪个部门批?", hits, docs, Encoder(EquallyNear())
    )
    assert "》第四条:" in answer and "报区人民政府审批" in citations[0].quote  # the lead-in's items answer


def test_a_lead_in_is_quoted_with_its_items_when_the_article_is_quoted_by_paragraph():
    text = "第九条 申请补贴，按照下列程序办理：\n（一）提出申请；\n（二）报民政部门审批。\n其他事项由本市另行规定。"
    start, end = _paragraph(text, 0, len(text), text.index("申请补贴"))
    assert text[start:end].endswith("报民政部门审批。")


def test_a_longer_name_that_starts_with_the_thing_is_not_its_subject():
    assert _about("第六条 村民委员会由主任、副主任和委员共三至七人组成。", ("村民委员会",), "村委会几个人")
    assert not _about("居民会议可以由全体十八周岁以上的居民参加。", ("居民",), "居民能派几个代表")
    assert not _about("村民代表会议由村民委员会成员和村民代表组成。", ("村民",), "村民几个人")
    assert _about("业主委员会用房按照不低于三十平方米配置。", ("业主委员会",), "业委会的办公用房多大")


def test_two_articles_that_answer_alike_are_both_quoted(tmp_path):
    docs = {}
    for name, text in (("邻里互助组织法.md", NATIONAL), ("青禾市邻里互助条例.md", LOCAL)):
        (tmp_path / name).write_text(text, "utf-8")
        docs[name] = process_file(tmp_path / name, name)
    rows = rows_from_documents(list(docs.values()))
    fourth = [r for r in rows if r.article == "第四条"]
    others = [r for r in rows if r.article in ("第一条", "第五条") and r.file == "邻里互助组织法.md"]
    # far down the list the two fourth articles' ranks hardly differ: they tie, and the reader sees both
    hits = [Hit(r, 1.0 - i / 10, 0.9) for i, r in enumerate([*others, others[0], *fourth])]
    answer, citations = article_answer("邻里互助会每届任期几年?", hits, docs, Encoder(EquallyNear()))
    assert [c.article for c in citations] == ["第四条", "第四条"]
    assert {c.file for c in citations} == set(docs) and "、" in answer.splitlines()[0]


def test_a_long_article_indexed_in_windows_is_read_whole(tmp_path):
    items = "\n\n".join(
        f"（{n}）{thing}的情况，包括有关的会议记录、账目和凭证；"
        for n, thing in zip(
            "一二三四五六",
            [
                "邻里互助会讨论决定的事项及其实施",
                "政府拨付和社会捐赠的互助资金、物资的管理使用",
                "邻里互助会协助街道办事处开展工作",
                "互助服务项目的收费和减免",
                "互助志愿者的招募、培训和奖励",
                "涉及本小区居民利益、居民普遍关心的其他事项及其办理",
            ],
            strict=True,
        )
    )
    docs, rows = _one_statute(
        tmp_path,
        "第四条 邻里互助会实行会务公开制度。\n\n邻里互助会应当及时公布下列事项，接受居民的监督：\n\n"
        f"{items}\n\n前款规定事项中，一般事项至少每季度公布一次；重大事项应当随时公布。\n\n"
        "第四条之一 邻里互助会成员应当接受居民会议的评议。评议每年至少进行一次，由监督小组主持。",
    )
    fourth = [r for r in rows if r.article == "第四条"]
    assert len(fourth) > 1 and "每季度" not in fourth[0].text  # indexed in windows
    review = next(r for r in rows if r.article == "第四条之一")
    hits = [Hit(fourth[0], 1.0, 0.9), Hit(review, 0.9, 0.9)]
    answer, citations = article_answer(
        "邻里互助会的会务公开多久公布一次?", hits, docs, Encoder(EquallyNear())
    )
    assert answer.startswith("依据《青禾市邻里互助条例》第四条") and "每季度公布一次" in citations[0].quote
