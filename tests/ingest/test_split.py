from ingest.split import split_into_chunks, split_sentences
from ingest.types import Section


def test_sentences_keep_closing_quotes_and_ellipsis():
    text = "他说:“要抓党建。”然后呢?还有……最后一句"
    parts = [text[s:e] for s, e in split_sentences(text)]
    assert parts == ["他说:“要抓党建。”", "然后呢?", "还有……", "最后一句"]


def _doc(paragraphs: list[str]) -> str:
    return "\n".join(paragraphs)


def test_chunks_never_cross_sections_and_offsets_are_exact():
    a = "第一节的句子。" * 30
    b = "第二节的句子。" * 30
    text = _doc([a, b])
    sections = [Section("一", 0, len(a)), Section("二", len(a) + 1, len(text))]
    chunks = split_into_chunks(text, sections, "x.txt", size=100, overlap=20)
    for c in chunks:
        assert c.text == text[c.start : c.end]
        section = sections[c.section]
        assert section.start <= c.start and c.end <= section.end
        assert len(c.text) <= 100 or c.text.count("。") == 1
    assert {c.section for c in chunks} == {0, 1}


def test_overlap_repeats_whole_sentences():
    para = "".join(f"这是第{i}句话,内容较长一些。" for i in range(20))
    chunks = split_into_chunks(para, [Section("s", 0, len(para))], "x.txt", size=80, overlap=30)
    assert len(chunks) > 2
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert nxt.start < prev.end  # overlapping windows
        assert nxt.start > prev.start  # always advancing
        assert nxt.text[-1] == "。"


def test_heading_line_stays_with_its_text():
    text = _doc(["聚焦精细治理", "在城区22个片区的基础上细分网格。" * 3])
    chunks = split_into_chunks(text, [Section("s", 0, len(text))], "x.txt", size=300)
    assert len(chunks) == 1 and chunks[0].text.startswith("聚焦精细治理")


def test_ids_are_stable_and_distinct():
    text = _doc(["同样的一段话。", "不同的话。" * 20, "同样的一段话。"])
    s = [Section("s", 0, len(text))]
    one = split_into_chunks(text, s, "x.txt", size=40, min_chars=0)
    two = split_into_chunks(text, s, "x.txt", size=40, min_chars=0)
    assert [c.id for c in one] == [c.id for c in two]
    assert len({c.id for c in one}) == len(one)
