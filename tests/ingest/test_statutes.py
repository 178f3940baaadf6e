"""Policy documents on the fixture library: kinds, titles, metadata, statute structure, versions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.kinds import kinds_for_filter
from ingest.pipeline import process_file
from ingest.policy_meta import describe_policy
from ingest.versions import link_versions, version_key
from tests.conftest import CORPUS

LIBRARY = Path(__file__).resolve().parents[1] / "fixtures" / "library"


@pytest.fixture(scope="module")
def docs():
    found = {p.name: process_file(p, p.name) for p in sorted(LIBRARY.iterdir())}
    found |= {p.name: process_file(p, p.name) for p in sorted(CORPUS.glob("*.txt"))}
    link_versions(list(found.values()))
    return found


KINDS = {
    "qinghe_property_2016.txt": ("法律法规", "地方性法规"),
    "qinghe_property_2023.md": ("法律法规", "地方性法规"),
    "yunling_volunteer_2012.html": ("法律法规", "地方性法规"),
    "yunling_volunteer_2021.docx": ("法律法规", "地方性法规"),
    "xichuan_residents_2015.md": ("法律法规", "地方性法规"),
    "xichuan_community_2022.txt": ("法律法规", "地方性法规"),
    "consultation_law_2010.txt": ("法律法规", "法律"),
    "consultation_law_2022.md": ("法律法规", "法律"),
    "qinghe_maintenance_fund.docx": ("法律法规", "规章"),
    "party_street_rules.txt": ("党内法规", ""),
    "qinghe_opinion_2023.docx": ("规范性文件", ""),
    "yunling_notice_training.html": ("规范性文件", ""),
    "qinghe_notice_renovation.pdf": ("规范性文件", ""),
    "speech_qinghe_2023.txt": ("领导讲话", ""),
    "research_yunling_governance.html": ("理论文章/研究", ""),
    "news_songchuan_2023.html": ("新闻报道", ""),
    "experience_songchuan.md": ("经验交流/案例", ""),
    # the seeds keep sensible kinds
    "000_f6b43444f5475b4f.txt": ("经验交流/案例", ""),
    "001_836e489ea1e73fcd.txt": ("理论文章/研究", ""),
    "002_f83a94d88cc7dcb8.txt": ("经验交流/案例", ""),
    "003_f7a9d948044efd74.txt": ("经验交流/案例", ""),
    "004_1867261157b0bab0.txt": ("经验交流/案例", ""),
}


def test_every_fixture_is_listed():
    assert {p.name for p in LIBRARY.iterdir()} == {n for n in KINDS if not n[:3].isdigit()}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_kind(docs, name):
    assert (docs[name].kind, docs[name].subkind) == KINDS[name]


def test_titles(docs):
    titles = {n: d.title for n, d in docs.items()}
    assert titles["qinghe_property_2023.md"] == "青禾市物业管理条例"
    assert titles["consultation_law_2010.txt"] == "中华人民共和国城乡社区协商法"
    assert titles["yunling_volunteer_2012.html"] == "云岭省社区志愿服务条例"  # no site name
    assert titles["qinghe_opinion_2023.docx"].endswith("关于推进党建引领小区治理的意见")
    assert (
        titles["qinghe_notice_renovation.pdf"]
        == "青禾市人民政府办公室关于印发青禾市老旧小区改造提升实施方案的通知"
    )
    assert titles["speech_qinghe_2023.txt"] == "在全市城市基层党建工作推进会上的讲话"
    assert titles["research_yunling_governance.html"].startswith("党建引领小区治理的实践逻辑与优化路径")
    assert not any(
        d.title_generated
        for n, d in docs.items()
        if n not in ("experience_songchuan.md", "003_f7a9d948044efd74.txt", "004_1867261157b0bab0.txt")
    )


def test_a_document_without_a_title_gets_a_generated_one(docs):
    seed = docs["004_1867261157b0bab0.txt"]
    assert seed.title == "巴宜区党建引领城市基层治理工作情况" and seed.title_generated
    own = docs["experience_songchuan.md"]
    assert own.title_generated and own.title.startswith("松川区") and own.title.endswith("工作情况")
    assert docs["003_f7a9d948044efd74.txt"].title.startswith("辽宁省")


def test_dates(docs):
    assert docs["qinghe_property_2016.txt"].dates == {"通过": "2016-06-28", "施行": "2017-01-01"}
    newer = docs["qinghe_property_2023.md"]
    assert newer.dates["修订"] == "2023-08-30" and newer.dates["施行"] == "2024-01-01"
    assert newer.date == "2023-08-30"
    assert docs["yunling_volunteer_2021.docx"].dates["修正"] == "2021-07-28"
    assert docs["consultation_law_2022.md"].dates == {
        "通过": "2010-10-28",
        "修订": "2022-06-24",
        "施行": "2023-01-01",
    }
    assert docs["qinghe_opinion_2023.docx"].dates["成文"] == "2023-05-08"
    assert docs["yunling_notice_training.html"].dates["成文"] == "2022-03-15"
    assert docs["qinghe_notice_renovation.pdf"].date == "2021-06-18"
    assert docs["speech_qinghe_2023.txt"].date == "2023-04-12"
    assert docs["news_songchuan_2023.html"].date == "2023-09-15"


def test_issuer_and_doc_no_are_metadata_not_text(docs):
    expected = {
        "qinghe_opinion_2023.docx": ("中共青禾市委组织部、青禾市住房和城乡建设局", "青组发〔2023〕12号"),
        "yunling_notice_training.html": ("云岭省民政厅", "云民函〔2022〕8号"),
        "qinghe_notice_renovation.pdf": ("青禾市人民政府办公室", "青政办发〔2021〕30号"),
        "qinghe_maintenance_fund.docx": ("青禾市人民政府", "青禾市人民政府令第15号"),
    }
    for name, (issuer, doc_no) in expected.items():
        doc = docs[name]
        assert (doc.issuer, doc.doc_no) == (issuer, doc_no), name
        assert doc_no.split("令")[-1] not in doc.text and "文件\n" not in doc.text[:40], name
    assert docs["qinghe_property_2023.md"].issuer == "青禾市人民代表大会常务委员会"
    assert docs["consultation_law_2022.md"].issuer == "全国人民代表大会常务委员会"


def test_issuing_region_and_level(docs):
    expected = {
        "qinghe_property_2023.md": (["云岭省", "青禾市"], "市"),
        "xichuan_residents_2015.md": (["云岭省", "溪川市"], "市"),
        "yunling_volunteer_2012.html": (["云岭省"], "省"),
        "consultation_law_2010.txt": (["全国"], "全国"),
        "party_street_rules.txt": (["全国"], "全国"),
        "yunling_notice_training.html": (["云岭省"], "省"),
        "qinghe_opinion_2023.docx": (["青禾市"], "市"),
        "news_songchuan_2023.html": ([], ""),  # a page's title names its subject, not an issuer
        "research_yunling_governance.html": ([], ""),
    }
    for name, (region, level) in expected.items():
        assert (docs[name].issuer_region, docs[name].level) == (region, level), name


def test_a_quoted_inspection_tour_is_not_the_region(docs):
    research = docs["research_yunling_governance.html"]
    assert "吉林省长春市考察" in research.text
    assert not any("吉林" in r or "长春" in r for r in research.regions)
    assert not any(
        "吉林" in r or "长春" in "".join(s.region_path) for s in research.sections for r in [s.region]
    )


def test_statute_sections_are_its_headings(docs):
    doc = docs["qinghe_property_2023.md"]
    assert [s.title for s in doc.sections] == [
        "第一章 总则",
        "第二章 业主、业主大会和业主委员会",
        "第一节 业主",
        "第二节 业主大会和业主委员会",
        "第三章 物业服务",
        "第四章 附则",
    ]
    assert [s.title for s in docs["qinghe_property_2016.txt"].sections][0] == "第一章 总则"  # not the 目录
    assert "目录" not in docs["qinghe_property_2016.txt"].text
    # a statute without chapters is one section named by its title
    assert [s.title for s in docs["xichuan_residents_2015.md"].sections] == ["溪川市居民委员会工作条例"]


STATUTES = [n for n, (k, _) in KINDS.items() if k in ("法律法规", "党内法规")]


@pytest.mark.parametrize("name", STATUTES)
def test_every_statute_chunk_is_inside_one_article(docs, name):
    doc = docs[name]
    assert doc.articles and doc.chunks
    numbers = [a["article"] for a in doc.articles]
    assert numbers[0] == "第一条" and len(set(numbers)) == len(numbers)
    for c in doc.chunks:
        assert re.fullmatch(r"第[一二三四五六七八九十百]+条", c.article), c.text
        holder = [a for a in doc.articles if a["start"] <= c.start and c.end <= a["end"]]
        assert len(holder) == 1 and holder[0]["article"] == c.article
        assert doc.text[c.start : c.end] == c.text
    for a in doc.articles:
        assert doc.text[a["start"] : a["end"]].startswith(a["article"])


def test_a_long_article_is_split_and_every_part_keeps_its_number(docs):
    doc = docs["qinghe_property_2023.md"]
    parts = [c for c in doc.chunks if c.article == "第六条"]
    assert len(parts) >= 2
    assert all(
        c.heading_path == ["第二章 业主、业主大会和业主委员会", "第二节 业主大会和业主委员会"] for c in parts
    )
    first = next(c for c in doc.chunks if c.article == "第一条")
    assert first.heading_path == ["第一章 总则"]


def test_official_document_headings_are_sections(docs):
    doc = docs["qinghe_opinion_2023.docx"]
    titles = [s.title for s in doc.sections]
    assert titles[1:] == ["一、总体要求", "二、重点任务", "三、保障措施"]
    assert all(s.kind == "规范性文件" and not s.is_case for s in doc.sections)


def test_versions_and_validity(docs):
    expected = {
        "qinghe_property_2016.txt": ("已被修订", "qinghe_property_2023.md"),
        "qinghe_property_2023.md": ("现行有效", None),
        "yunling_volunteer_2012.html": ("已被修订", "yunling_volunteer_2021.docx"),
        "yunling_volunteer_2021.docx": ("现行有效", None),
        "consultation_law_2010.txt": ("已被修订", "consultation_law_2022.md"),
        "consultation_law_2022.md": ("现行有效", None),
        "xichuan_residents_2015.md": ("已废止", "xichuan_community_2022.txt"),
        "xichuan_community_2022.txt": ("现行有效", None),
        "speech_qinghe_2023.txt": ("", None),
        "004_1867261157b0bab0.txt": ("", None),
    }
    for name, (status, by) in expected.items():
        assert (docs[name].status, docs[name].superseded_by) == (status, by), name
    assert docs["consultation_law_2010.txt"].version_of == docs["consultation_law_2022.md"].version_of
    assert docs["xichuan_residents_2015.md"].version_of == docs["xichuan_community_2022.txt"].version_of
    assert version_key("中华人民共和国城乡社区协商法（2022年修订）") == "城乡社区协商法"


def test_a_status_set_by_hand_wins():
    a = process_file(LIBRARY / "qinghe_property_2016.txt", "a.txt")
    b = process_file(LIBRARY / "qinghe_property_2023.md", "b.md")
    link_versions([a, b], {"b.md": "已废止"})
    assert (b.status, b.status_manual) == ("已废止", True)
    assert (a.status, a.status_manual) == ("已被修订", False)
    changed = link_versions([a, b])
    assert b in changed and (b.status, b.status_manual) == ("现行有效", False)


def _lines(doc):
    return [doc.title] + [s.title for s in doc.sections] + doc.text.split("\n")


@pytest.mark.parametrize("name", sorted(KINDS))
def test_no_markup_or_apparatus_left(docs, name):
    doc = docs[name]
    for line in _lines(doc):
        assert not line.lstrip().startswith("#"), line
        assert "<!--" not in line and "-->" not in line
        assert not re.match(r"^(图|表)\s*\d+\s", line), line  # figure and table captions
        assert not re.match(r"^(中图分类号|关键词|文献标识码)", line), line
        assert line not in ("林小禾，周明远", "周晓明", "青组发〔2023〕12号")
    for s in doc.sections:
        assert not re.fullmatch(r"【[^】]+】", s.title), s.title  # a column label is not a section
        assert s.title not in ("同志们", "同志们：")


def test_labels_like_lead_reader_are_not_sections(docs):
    seed = docs["001_836e489ea1e73fcd.txt"]
    assert "【本期领学人】" in seed.text
    assert all("【本期领学人】" != s.title for s in seed.sections)


def test_pdf_pages_and_reflowed_lines(docs):
    doc = docs["qinghe_notice_renovation.pdf"]
    assert doc.page_starts and len(doc.page_starts) == 2
    assert "请认真贯彻执行。" in doc.text and "同步建立小区长效管理机制" in doc.text


def test_old_kind_names_still_filter():
    assert set(kinds_for_filter("政策/讲话")) >= {"领导讲话", "规范性文件"}
    assert kinds_for_filter("理论文章") == ("理论文章/研究",)
    assert kinds_for_filter("经验交流") == ("经验交流/案例",)
    assert kinds_for_filter("法律法规") == ("法律法规",)


def test_a_statute_revised_then_amended_is_dated_by_its_last_change(tmp_path):
    """A law 修订 in one year and 修正 in a later one (a common history) takes the later date."""
    text = (
        "# 中华人民共和国邻里互助组织法\n\n"
        "2001年3月2日 第九届全国人民代表大会常务委员会第二十一次会议通过\n\n"
        "2012年6月30日 第十一届全国人民代表大会常务委员会第二十七次会议修订\n\n"
        "2019年4月23日 第十三届全国人民代表大会常务委员会第十次会议《关于修改〈中华人民共和国邻里互助组织法〉的决定》修正\n\n"
        "<!-- INFO END -->\n\n"
        "## 第一章　总则\n\n"
        "第一条 为了规范邻里互助组织，根据宪法，制定本法。\n\n"
        "第二条 邻里互助组织由居民自愿组成。\n\n"
        "## 第二章　组成\n\n"
        "第三条 邻里互助组织由三至五人组成，每届任期三年。\n"
    )
    path = tmp_path / "邻里互助组织法.md"
    path.write_text(text, "utf-8")
    doc = process_file(path, path.name)
    assert doc.dates["修订"] == "2012-06-30" and doc.dates["修正"] == "2019-04-23"
    assert doc.date == "2019-04-23"
    assert [s.title for s in doc.sections] == ["第一章 总则", "第二章 组成"]
    assert (doc.kind, doc.issuer_region) == ("法律法规", ["全国"])
    assert "INFO END" not in doc.text


def _statute(tmp_path, name: str, header: str):
    text = f"# {name}\n\n{header}\n\n<!-- INFO END -->\n\n## 第一章　总则\n\n第一条 为了规范邻里互助活动，制定本条例。\n\n第二条 邻里互助组织由三至五人组成。\n"
    path = tmp_path / f"{name}.md"
    path.write_text(text, "utf-8")
    return process_file(path, path.name)


def test_a_regulation_published_by_decree_or_by_the_centre_is_national(tmp_path):
    """The body on the 公布/发布 line is the issuer: a 国务院令 or 中共中央、国务院 makes it national."""
    decree = _statute(
        tmp_path,
        "邻里互助条例",
        "2004年5月9日 中华人民共和国国务院令第401号公布\n\n2017年3月1日 《国务院关于修改部分行政法规的决定》修订",
    )
    assert (decree.issuer, decree.issuer_region, decree.date) == (
        "中华人民共和国国务院",
        ["全国"],
        "2017-03-01",
    )
    joint = _statute(
        tmp_path,
        "邻里互助工作条例",
        "2021年8月3日 中共中央政治局会议审议批准\n2021年9月10日 中共中央、国务院发布",
    )
    assert (joint.issuer, joint.issuer_region) == ("中共中央、国务院", ["全国"])
    news = describe_policy(
        "社区服务新闻", "2023年5月8日，记者从市民政局发布会上获悉，全市新建社区食堂12个。", []
    )
    assert news.issuer is None  # 发布 inside a sentence is not a publication line


def test_a_long_history_of_revisions_is_read_to_its_last_line(tmp_path):
    """A city's regulation passed, approved, amended and revised twice: eight lines, the last one dates it."""
    history = "\n\n".join(
        [
            "2002年4月10日 青禾市第十届人民代表大会常务委员会第三次会议通过",
            "2002年6月20日 云岭省第九届人民代表大会常务委员会第八次会议批准",
            "2006年3月2日 青禾市第十一届人民代表大会常务委员会第五次会议修正",
            "2006年5月30日 云岭省第十届人民代表大会常务委员会第九次会议批准",
            "2014年7月1日 青禾市第十三届人民代表大会常务委员会第十次会议第一次修订",
            "2014年9月25日 云岭省第十二届人民代表大会常务委员会第十二次会议批准",
            "2022年6月28日 青禾市第十五届人民代表大会常务委员会第四次会议第二次修订",
            "2022年7月29日 云岭省第十三届人民代表大会常务委员会第三十五次会议批准",
        ]
    )
    doc = _statute(tmp_path, "青禾市邻里互助条例", history)
    assert doc.dates["修订"] == "2022-06-28" and doc.date == "2022-06-28"
    assert doc.issuer_region == ["云岭省", "青禾市"]
