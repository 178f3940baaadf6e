"""Structure of the five real files: cases as sections with their regions, metadata, near-duplicates."""

from __future__ import annotations

import pytest

from ingest.dedup import find_near_duplicates
from ingest.pipeline import process_file
from tests.conftest import CORPUS

FILES = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def docs():
    return {name: process_file(CORPUS / name, name) for name in FILES}


def _sections(doc):
    return [(s.region, doc.text[s.start : s.end]) for s in doc.sections]


def _section_with(doc, phrase):
    found = [s for s in doc.sections if phrase in doc.text[s.start : s.end]]
    assert len(found) == 1, phrase
    return found[0]


# Each case of the compilation 000: a phrase of its text and the region it must carry.
CASES_000 = {
    "空港街道以党建引领业委会规范化建设": "顺义",
    "搭建“一核两翼”治理构架": "许昌",
    "平遥县委牢固树立": "平遥",
    "正激活治理的“一池春水”": "上海",
    "以“三川文化”厚植治理底蕴": "绵阳",
}


def test_cases_of_000_are_sections_with_regions(docs):
    doc = docs["000_f6b43444f5475b4f.txt"]
    seen = set()
    for phrase, region in CASES_000.items():
        section = _section_with(doc, phrase)
        assert region in section.region, (phrase, section.region)
        assert section.is_case and section.kind == "经验交流/案例"
        seen.add(section.start)
    assert len(seen) == len(CASES_000)  # five different sections
    # the 20th Party Congress excerpts at the top are not a case
    intro = _section_with(doc, "必须坚持人民至上")
    assert intro.start not in seen and not intro.region


# 003: the provincial speech and the city/district reports, each its own section.
CASES_003 = {
    "全省各级党组织要充分认识": ("辽宁", False),
    "在创新特大城市基层党建工作思路上实现新突破": ("沈阳", True),
    "甘井子区大连湾街道整合辖区11家单位": ("大连", True),
    "用雷锋精神引领全域统筹": ("辽宁", True),
    "以区域化融合为切入点": ("辽宁", True),
    "构建以党组织为核心的社会治理“新体系”": ("辽宁", True),
    "把各方力量拧成一股绳": ("辽宁", True),
}


def test_sections_of_003(docs):
    doc = docs["003_f7a9d948044efd74.txt"]
    starts = set()
    for phrase, (region, is_case) in CASES_003.items():
        section = _section_with(doc, phrase)
        assert region in section.region, (phrase, section.region)
        assert section.is_case == is_case, phrase
        starts.add(section.start)
    assert len(starts) == len(CASES_003)
    speech = _section_with(doc, "全省各级党组织要充分认识")
    assert speech.kind == "领导讲话"
    # the Shenyang and Dalian reports are separate cases
    assert _section_with(doc, "沈阳大学").start != _section_with(doc, "沙河口区").start


def test_titles_dates_sources_kinds(docs):
    d = docs
    assert d["000_f6b43444f5475b4f.txt"].title == "“红色业委会”发挥基层治理“红色能量”活动计划"
    assert d["000_f6b43444f5475b4f.txt"].date == "2023-02-08"
    assert d["001_836e489ea1e73fcd.txt"].title == "【理响中国·青年学习班】找准以党建引领基层治理的着力点"
    assert d["001_836e489ea1e73fcd.txt"].date == "2023-08-29"
    assert d["001_836e489ea1e73fcd.txt"].kind == "理论文章/研究"
    assert d["002_f83a94d88cc7dcb8.txt"].title == "2023年全市抓党建促城乡社区治理现场会经验交流材料"
    assert d["002_f83a94d88cc7dcb8.txt"].date == "2023-04-18"
    assert d["002_f83a94d88cc7dcb8.txt"].kind == "经验交流/案例"
    assert d["004_1867261157b0bab0.txt"].source == "中国西藏新闻网"
    assert "林芝市巴宜区" in d["004_1867261157b0bab0.txt"].regions
    assert d["003_f7a9d948044efd74.txt"].date is None  # the text states none
    for doc in d.values():
        assert doc.title and doc.kind in ("领导讲话", "经验交流/案例", "理论文章/研究")


def test_chunks_stay_in_sections_and_map_to_the_text(docs):
    for doc in docs.values():
        assert doc.chunks
        for c in doc.chunks:
            s = doc.sections[c.section]
            assert s.start <= c.start < c.end <= s.end
            assert doc.text[c.start : c.end] == c.text
            assert len(c.text) <= 450


def test_shared_congress_paragraph_is_detected(docs):
    dups = find_near_duplicates(list(docs.values()))
    quote = "坚持大抓基层的鲜明导向"
    holders = {
        doc.file: [c for c in doc.chunks if quote in c.text] for doc in docs.values() if quote in doc.text
    }
    assert set(holders) == {"000_f6b43444f5475b4f.txt", "001_836e489ea1e73fcd.txt"}
    kept = [c for chunks in holders.values() for c in chunks if c.id not in dups.primary_of]
    dropped = [c for chunks in holders.values() for c in chunks if c.id in dups.primary_of]
    assert len(kept) == 1 and dropped
    alternatives = {a["file"] for a in dups.also_in[kept[0].id]}
    assert alternatives == set(holders) - {kept[0].file}


def test_unrelated_documents_share_no_duplicates(docs):
    dups = find_near_duplicates([docs["002_f83a94d88cc7dcb8.txt"], docs["004_1867261157b0bab0.txt"]])
    assert dups.primary_of == {} and dups.also_in == {}
