"""clean_text on the five real web captures, and each rule on small made-up pages."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import opencc
import pytest

from ingest.boilerplate import find_boilerplate
from ingest.clean import clean_text
from ingest.mojibake import find_mojibake
from ingest.normalize import break_paragraphs, normalise_punctuation
from ingest.repair import fix_word_artifacts, is_pinyin, remove_pinyin, suspect_numbers
from ingest.textmap import MappedText
from ingest.types import CleanText

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
T2S = opencc.OpenCC("t2s")
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ"
PINYIN_LEFT = re.compile(rf"[(\uff08][a-z{TONED} ']*[{TONED}][a-z{TONED} ']*[)\uff09]")
BOILERPLATE_MARKERS = [
    "热门关键词", "温馨提示", "下载文档", "收藏", "分享", "最新范文", "热门关注", "责任编辑", "版权所有", "ICP",
    "备案号", "公安备案", "许可证", "第7页", "共7页", "联系电话", "网站客服", "你可能关注", "关于我们", "制作单位",
    "发布时间", "人气", "作者:admin", "此文档下载收益", "ID:", "页数", "帮助中心", "最新热点新闻网", "收起", "展开",
]  # fmt: skip
MOJIBAKE_CHARS = "皟晌鐓镦樯釔钇埸龝匍怼蔽耙淮叭瓷凑\ufffd"  # 奔 is real here (奔头)
WORD_ARTIFACT_PAIRS = {("服", "效"), ("务", "劳"), ("基", "根"), ("础", "底"), ("原", "原"), ("则", "原"),
                       ("达", "到"), ("到", "达"), ("分", "别"), ("本", "本"), ("购", "购"), ("买", "置"),
                       ("“", "〝"), ("”", "〞")}  # fmt: skip


def _path(prefix: str) -> Path:
    return next(CORPUS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="module")
def docs() -> dict[str, tuple[str, CleanText]]:
    out = {}
    for prefix in ("000", "001", "002", "003", "004"):
        raw = _path(prefix).read_text("utf-8")
        out[prefix] = (raw, clean_text(raw))
    return out


def _mismatches(raw: str, clean: CleanText, allowed) -> list[tuple[int, str, str]]:
    """Cleaned characters whose mapped raw character differs without a repair to explain it."""
    bad = []
    for c0, r0, n in clean.spans:
        for k in range(n):
            c, r = clean.text[c0 + k], raw[r0 + k]
            assert clean.to_raw(c0 + k) == r0 + k
            if c != r and not allowed(c, r):
                bad.append((c0 + k, c, r))
    return bad


def _punct_or_space(c: str, r: str) -> bool:
    return unicodedata.normalize("NFKC", c) == r or (c == "\n" and r.isspace())


def _converted(c: str, r: str) -> bool:
    return _punct_or_space(c, r) or T2S.convert(r) == c or (c, r) == ("着", "著") or r == "?"


# --- the five real files -------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_no_pinyin_left(docs, prefix):
    assert not PINYIN_LEFT.search(docs[prefix][1].text)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_text_is_simplified(docs, prefix):
    text = docs[prefix][1].text
    assert T2S.convert(text) == text


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_boilerplate_is_gone(docs, prefix):
    text = docs[prefix][1].text
    assert [m for m in BOILERPLATE_MARKERS if m in text] == []
    assert not re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d", text, re.M)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_one_paragraph_per_line(docs, prefix):
    text = docs[prefix][1].text
    assert text and "\n\n" not in text and not text.startswith("\n") and not text.endswith("\n")
    assert all(line == line.strip() for line in text.split("\n"))
    assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", text)


@pytest.mark.parametrize(
    "prefix, sentences",
    [
        ("000", ["16个重点步骤", "“1+23”物业管理工作模式", "创新推行“4·3社工日”", "换届（增选）选举"]),
        ("001", ["板凳夜谈会", "舆情应对能力", "【本期金句】", "是加强和创新基层治理的根本保证"]),
        (
            "002",
            [
                "三会三活",
                "独居老人必访",
                "总土地面积1.75万平方公里",
                "已走访群众3.8万户",
                "我的发言完毕。谢谢。",
            ],
        ),
        (
            "003",
            ["一周之内便请来了新的物业公司", "两委两中心", "“三会”即召开“居民协调会”形成决议", "每2-4栋楼"],
        ),
        ("004", ["“1+1+1+N”模式", "外卖小哥", "着力构建党建引领城市基层治理新格局"]),
    ],
)
def test_body_is_kept(docs, prefix, sentences):
    text = docs[prefix][1].text
    assert [s for s in sentences if s not in text] == []


def test_titles_and_meta_are_kept_for_metadata(docs):
    titles = {p: [r.text for r in c.removed if r.kind == "title"] for p, (_, c) in docs.items()}
    assert titles["000"] == ["“红色业委会”发挥基层治理“红色能量”活动计划"]
    assert titles["001"] == ["【理响中国·青年学习班】找准以党建引领基层治理的着力点"]
    assert titles["002"] == ["2023年全市抓党建促城乡社区治理现场会经验交流材料.docx"]
    meta = {p: " ".join(r.text for r in c.removed if r.kind == "meta") for p, (_, c) in docs.items()}
    assert "2023-02-08 20:30:20" in meta["000"]
    assert "发布时间:2023-08-29" in meta["001"]
    assert "2023-04-18" in meta["002"]
    footer = " ".join(r.text for r in docs["004"][1].removed)
    assert "中国西藏新闻网版权所有" in footer  # simplified and pinyin-free, ready to mine


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_removed_spans_point_into_raw(docs, prefix):
    raw, clean = docs[prefix]
    for r in clean.removed:
        assert 0 <= r.start < r.end <= len(raw)
        assert r.text
        if prefix in ("000", "001", "002"):  # simplified captures: the removed text is the raw text
            assert r.text == raw[r.start : r.end].strip()


def test_digest_that_repeats_the_body_is_dropped(docs):
    raw, clean = docs["001"]
    dup = [r for r in clean.removed if r.kind == "duplicate"]
    assert len(dup) == 1 and dup[0].text.startswith("摘要:") and dup[0].text.endswith("第二十次全国代表大")
    assert "全国代表大会上的报告" in clean.text


def test_page_counter_inside_a_line_is_dropped(docs):
    raw, clean = docs["002"]
    counters = [r for r in clean.removed if r.kind == "page_counter"]
    assert [raw[r.start : r.end] for r in counters] == ["第7页 共7页"]


def test_headings_joined_by_spaces_get_their_own_lines(docs):
    lines = docs["002"][1].text.split("\n")
    assert lines[0] == "全市抓党建促城乡社区治理现场会经验交流材料"
    assert "一、主要经验做法" in lines and "二、经验启示" in lines
    assert any(line.startswith("（一）注重提升自治能力") for line in lines)
    assert any(line.startswith("一是抓党建促城乡社区治理") for line in lines)


def test_mojibake_is_repaired(docs):
    text = docs["003"][1].text
    assert not re.search(r"[\u4e00-\u9fff][?\uff1f][\u4e00-\u9fff!,\uff01\uff0c]", text)
    assert [c for c in MOJIBAKE_CHARS if c in text] == []
    for repaired in [
        "二是社区构建“两委两中心”。“两委”即社区党（总）支部委员会",
        "评议会”，对事项办理效果进行评价。“一代理”即社区党委全程代理",
        "制度。“三会”即召开“居民协调会”",
        "解决实际问题。现在，社区“大党委”",
        "使群众更加自觉地热爱党、跟党走",
        "引导他们为社区作贡献",
    ]:
        assert repaired in text
    lost = [f for f in docs["003"][1].flags if f.kind == "mojibake"]
    assert len(lost) == 1 and text[lost[0].start : lost[0].end] == "□"
    assert text[lost[0].start - 8 : lost[0].end + 8] == "的“家”文化、“□”文化、“好人”"
    assert docs["003"][1].fixes["mojibake"] == 7


def test_year_damaged_numbers_are_flagged_not_changed(docs):
    clean = docs["002"][1]
    flagged = [f.text for f in clean.flags if f.kind == "suspect_number"]
    assert "20230%" in flagged and "202300平方米" in flagged and "202300户" in flagged
    for f in clean.flags:
        assert clean.text[f.start : f.end] == f.text and f.note
    assert "20230%" in clean.text


def test_word_round_trip_artifacts(docs):
    text = docs["002"][1].text
    for wrong in ("效劳", "根底", "原那么", "〞", "到达", "别离", "根本信息", "购置"):
        assert wrong not in text
    for right in ("服务", "基础", "原则", "达到20230%", "人户分离", "基本信息", "基本途径", "购买服务"):
        assert right in text
    assert docs["002"][1].fixes["word_artifact"] > 60
    assert "根本保证" in docs["001"][1].text and "word_artifact" not in docs["001"][1].fixes
    assert "根本引领" in docs["000"][1].text


def test_offsets_map_exactly_in_simplified_captures(docs):
    for prefix in ("000", "001"):
        raw, clean = docs[prefix]
        assert _mismatches(raw, clean, _punct_or_space) == []
    raw, clean = docs["002"]
    assert _mismatches(raw, clean, lambda c, r: _punct_or_space(c, r) or (c, r) in WORD_ARTIFACT_PAIRS) == []


def test_offsets_map_exactly_in_traditional_captures(docs):
    raw, clean = docs["004"]
    assert _mismatches(raw, clean, _converted) == []
    raw, clean = docs["003"]
    # Repaired mojibake maps into its run, which starts at a "?" at most a few characters back.
    unexplained = [
        i
        for i, c, r in _mismatches(raw, clean, _converted)
        if raw.rfind("?", 0, clean.to_raw(i) + 1) < clean.to_raw(i) - 16
    ]
    assert unexplained == []


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_offsets_are_monotonic_and_cover_every_char(docs, prefix):
    raw, clean = docs[prefix]
    covered = sum(n for _, _, n in clean.spans)
    assert covered == len(clean.text)
    positions = [clean.to_raw(i) for i in range(len(clean.text))]
    assert positions == sorted(positions) and positions[-1] < len(raw)
    for start in range(0, len(clean.text), 150):  # chunk-sized windows highlight a raw passage in order
        end = min(len(clean.text), start + 300)
        a, b = clean.to_raw(start), clean.to_raw(end - 1) + 1
        assert 0 <= a < b <= len(raw) and b - a >= end - start - 40


def test_citation_highlights_the_original_passage(docs):
    raw, clean = docs["003"]
    sentence = "一周之内便请来了新的物业公司"
    i = clean.text.index(sentence)
    passage = raw[clean.to_raw(i) : clean.to_raw(i + len(sentence) - 1) + 1]
    assert passage == "一周之內(nèi)便請來了新的物業(yè)公司"


def test_cleaning_is_fast():
    raws = [_path(p).read_text("utf-8") for p in ("000", "001", "002", "003", "004")]
    start = time.perf_counter()
    for raw in raws:
        clean_text(raw)
    assert time.perf_counter() - start < 2.0


# --- each rule on made-up text -------------------------------------------------------


def test_pinyin_is_removed_but_real_parentheses_stay():
    mt = MappedText("社區(qū)領(lǐng)導(dǎo)轉（zhuǎn）變(lǐng dǎo)(社区)(2023)(APP)(一)(de)")
    assert remove_pinyin(mt) == 5
    assert mt.text == "社區領導轉變(社区)(2023)(APP)(一)(de)"
    assert mt.raw[2] == 6  # 領 still maps to its raw position


def test_is_pinyin():
    assert is_pinyin("qū") and is_pinyin("zhuǎn") and is_pinyin("lǐngdǎo") and is_pinyin("lǜ")
    assert not is_pinyin("app") and not is_pinyin("xyzé") and not is_pinyin("de")


def test_punctuation_beside_chinese_becomes_full_width():
    mt = MappedText("你好,世界;真的:是!吗?1,000元,10:30开会,见http://a.cn。使用(APP)和f(x)。２０２３年ＡＢ")
    normalise_punctuation(mt)
    assert mt.text == (
        "你好\uff0c世界\uff1b真的\uff1a是\uff01吗\uff1f1,000元\uff0c10:30开会\uff0c见http://a.cn。"
        "使用\uff08APP\uff09和f(x)。2023年AB"
    )


def test_decimals_ratios_and_ranges_survive():
    clean = clean_text(
        "面积1.75万平方公里,共3.8万户。创新推行“4·3社工日”,采取“1+1+1+N”模式,每2-4栋楼成立理事会。"
    )
    for kept in ("1.75万", "3.8万户", "4·3社工日", "1+1+1+N", "2-4栋"):
        assert kept in clean.text


def test_spaces_between_paragraphs_become_line_breaks():
    mt = MappedText("形成了答卷。 一、主要经验做法 (一)注重提升 社区 治理。 二是加强。Page 3 text")
    break_paragraphs(mt, None)
    assert mt.text == "形成了答卷。\n一、主要经验做法\n(一)注重提升社区治理。\n二是加强。Page 3 text"


IMAGINARY_PAGE = """某某日报网 首页 新闻 政务 互动
当前位置:首页 > 新闻 > 正文
关于加强社区治理工作的通知
发布日期:2024-03-01 来源:某某日报 浏览次数:123
字号:大 中 小
为进一步加强社区治理,现就有关事项通知如下。各街道要高度重视,切实抓好落实,确保各项任务按期完成,不断提升群众满意度。
第 3 页 / 共 7 页
各部门要加强协作,形成工作合力,按照职责分工抓好组织实施,及时研究解决工作中遇到的问题。(责任编辑:张三)
Page 3 of 7
【打印本页】【关闭窗口】
扫一扫在手机打开当前页
上一篇:关于开展社区服务月活动的通知
下一篇:关于做好网格员培训工作的通知
Copyright © 2024 某某网 版权所有 京ICP备12345678号
地址:某某市某某路1号 邮编:100000 电话:010-12345678
"""


def test_boilerplate_of_another_site():
    clean = clean_text(IMAGINARY_PAGE)
    assert clean.text.split("\n") == [
        "为进一步加强社区治理\uff0c现就有关事项通知如下。各街道要高度重视\uff0c切实抓好落实\uff0c确保各项任务按期完成\uff0c"
        "不断提升群众满意度。",
        "各部门要加强协作\uff0c形成工作合力\uff0c按照职责分工抓好组织实施\uff0c及时研究解决工作中遇到的问题。",
    ]
    kinds = {r.text: r.kind for r in clean.removed}
    assert kinds["关于加强社区治理工作的通知"] == "title"
    assert kinds["发布日期:2024-03-01 来源:某某日报 浏览次数:123"] == "meta"
    assert kinds["某某日报网 首页 新闻 政务 互动"] == "nav"
    assert kinds["当前位置:首页 > 新闻 > 正文"] == "nav"
    assert kinds["字号:大 中 小"] == "nav"
    assert kinds["第 3 页 / 共 7 页"] == "page_counter"
    assert kinds["Page 3 of 7"] == "page_counter"
    assert kinds["(责任编辑:张三)"] == "editor"
    assert kinds["【打印本页】【关闭窗口】"] == "nav"
    assert kinds["扫一扫在手机打开当前页"] == "nav"
    assert kinds["上一篇:关于开展社区服务月活动的通知"] == "related"
    assert kinds["Copyright © 2024 某某网 版权所有 京ICP备12345678号"] == "footer"
    assert kinds["地址:某某市某某路1号 邮编:100000 电话:010-12345678"] == "footer"
    for r in clean.removed:
        assert IMAGINARY_PAGE[r.start : r.end].strip() == r.text


def test_body_tables_signatures_and_headings_are_not_boilerplate():
    page = (
        "首页 > 政务公开 > 通知公告\n"
        "关于印发《社区治理实施方案》的通知\n"
        "各区县人民政府,市政府各部门:\n"
        "现将《社区治理实施方案》印发给你们,请结合实际认真贯彻执行。\n"
        "- 2 -\n"
        "序号 | 姓名 | 单位 | 职务 | 电话\n"
        "一、办理营业执照和许可证\n"
        "XX市人民政府办公室\n"
        "2023年5月6日\n"
    )
    clean = clean_text(page)
    # The stated title is the document's title, not a line of its text.
    assert clean.text.split("\n") == [
        "各区县人民政府\uff0c市政府各部门\uff1a",
        "现将《社区治理实施方案》印发给你们\uff0c请结合实际认真贯彻执行。",
        "序号 | 姓名 | 单位 | 职务 | 电话",
        "一、办理营业执照和许可证",
        "XX市人民政府办公室",
    ]
    assert [(r.kind, r.text) for r in clean.removed] == [
        ("nav", "首页 > 政务公开 > 通知公告"),
        ("title", "关于印发《社区治理实施方案》的通知"),
        ("page_counter", "- 2 -"),
        ("meta", "2023年5月6日"),
    ]


def test_a_page_of_nothing_but_boilerplate_cleans_to_empty():
    assert clean_text("首页\n下载文档\n版权所有 © 某某网\n责任编辑:李四\n").text == ""
    assert clean_text("").text == ""


def test_title_needs_a_meta_line_after_it():
    found = find_boilerplate(
        "一、总体要求\n坚持党建引领,推进基层治理体系和治理能力现代化,不断增强群众获得感和幸福感。\n"
    )
    assert found.spans == [] and found.title is None
    found = find_boilerplate(
        "基层治理工作简报\n\n2023-05-06\n坚持党建引领,推进基层治理体系和治理能力现代化,提升群众获得感。\n"
    )
    assert found.title == "基层治理工作简报"


def test_digest_is_dropped_only_when_it_repeats_the_body():
    body = "坚持党建引领,推进基层治理体系和治理能力现代化,不断增强群众获得感、幸福感、安全感。"
    repeated = clean_text(f"摘要:坚持党建引领,推进基层治理体系和治理能力现代...\n{body}\n")
    assert [r.kind for r in repeated.removed] == ["duplicate"]
    own = clean_text(f"摘要:本文总结了三个街道的做法,提出了五条建议。\n{body}\n")
    assert own.removed == [] and own.text.startswith("摘要")


def test_word_artifacts_only_in_round_trip_documents():
    normal = MappedText("坚持党的领导是根本保证,到达现场后根本信息不全。")
    assert fix_word_artifacts(normal) == 0
    damaged = MappedText(
        "坚持“三建〞工作,完善效劳功能,夯实根底,到达100%,到达现场,根本保证,人户别离等根本信息。"
    )
    fix_word_artifacts(damaged)
    assert (
        damaged.text == "坚持“三建”工作,完善服务功能,夯实基础,达到100%,到达现场,根本保证,人户分离等基本信息。"
    )


def test_suspect_numbers():
    text = "一肩挑达到20230%,不少于202300平方米,超过20230户;2023年5月,2023-02-08,20235户,2023 户,1.20230万"
    assert [f.text for f in suspect_numbers(text)] == ["20230%", "202300平方米", "20230户"]


def _shift_lead_byte(text: str, char: str) -> str:
    """Simulate a capture that lost the GBK lead byte of ``char``."""
    data = text.encode("gbk")
    p = len(text[: text.index(char)].encode("gbk"))
    return (data[:p] + b"?" + data[p + 1 :]).decode("gbk", errors="replace")


def test_shifted_gbk_is_repaired():
    original = "社区党委紧急启动“三会一代理”机制。現在,社區“大黨委”已經成為主渠道。引導他們為社區作貢獻。"
    damaged = _shift_lead_byte(original, "。現")
    assert damaged != original and "?" in damaged
    (repair,) = find_mojibake(damaged)
    assert damaged[: repair.start] + repair.text + damaged[repair.end :] == original


def test_utf8_read_as_gbk_is_repaired():
    garbled = "在社区治理中发挥作用".encode().decode("gbk")
    clean = clean_text(f"我们要{garbled}。这是为什么?我们要坚持。")
    assert clean.text == "我们要在社区治理中发挥作用。这是为什么\uff1f我们要坚持。"
    assert clean.fixes["mojibake"] == 1


def test_real_question_marks_are_not_mojibake():
    text = "这是为什么?我们要坚持人民至上。怎么办?A公司说:要加强管理!"
    assert find_mojibake(text) == []
