"""Overlapping windows of one paragraph among the results are shown as one passage."""

from __future__ import annotations

from index.neighbours import join_neighbours
from index.retrieve import Hit
from index.rows import Row
from ingest.split import split_into_chunks
from ingest.types import Section

# One long paragraph (made-up text): the splitter cuts it into windows that repeat a sentence.
PARAGRAPH = (
    "一是建立联席会议制度。街道党工委每季度召集辖区单位、物业服务企业和业主委员会召开一次联席会议，"
    "通报社区治理情况，协调解决停车、绿化和维修等问题。"
    "二是推行兼职委员制度。辖区单位党组织负责人担任社区党组织兼职委员，参与社区重大事项讨论，"
    "每年至少为社区办成一件实事。"
    "三是实行双向评价。把参与共建情况作为辖区单位评先评优的重要依据，由社区党组织填写评价意见，"
    "居民代表对共建项目逐项打分。"
    "四是建立需求清单。社区每半年收集一次居民需求，形成需求清单、资源清单和项目清单，"
    "辖区单位按照清单认领项目，完成情况向居民公开。"
)
HEADING = "甲市：健全共建机制"
TEXT = f"{HEADING}\n{PARAGRAPH}\n"


def _windows() -> list[Row]:
    section = Section(HEADING, 0, len(TEXT))
    chunks = split_into_chunks(TEXT, [section], "a.txt", size=120, overlap=40)
    return [
        Row(
            id=c.id, file=c.file, title="甲市共建", section=HEADING, section_no=0, region="", region_path=[],
            kind="经验交流/案例", date="", year=0, is_case=True, start=c.start, end=c.end, text=c.text,
        )
        for c in chunks
    ]  # fmt: skip


def _hit(row: Row, score: float, relevance: float = float("nan")) -> Hit:
    return Hit(row, score, relevance)


def test_the_paragraph_is_cut_into_windows_that_overlap_or_meet():
    rows = _windows()
    assert len(rows) >= 3
    assert rows[0].start < rows[1].start < rows[0].end  # the second repeats a sentence of the first
    assert all(a.start < b.start <= a.end for a, b in zip(rows, rows[1:], strict=False))


def test_two_windows_of_a_paragraph_become_one_passage_at_the_better_rank():
    first, second, *_ = _windows()
    other = Row(**{**first.to_dict(), "id": "x", "file": "b.txt"})
    hits = join_neighbours([_hit(second, 3.0, 0.8), _hit(other, 2.0, 0.7), _hit(first, 1.0, 0.9)], k=5)
    assert [h.row.file for h in hits] == ["a.txt", "b.txt"]
    joined = hits[0].row
    assert (joined.start, joined.end) == (first.start, second.end)
    assert joined.text == TEXT[joined.start : joined.end]  # the document's own text: citations stay verbatim
    assert joined.id == second.id and hits[0].score == 3.0
    assert hits[0].relevance == 0.9


def test_the_place_a_joined_window_took_goes_to_the_next_passage():
    first, second, *_ = _windows()
    others = [Row(**{**first.to_dict(), "id": f"x{i}", "file": f"b{i}.txt"}) for i in range(3)]
    hits = [_hit(first, 5.0), _hit(second, 4.0), *(_hit(r, 3.0 - i) for i, r in enumerate(others))]
    shown = join_neighbours(hits, k=3)
    assert [h.row.file for h in shown] == ["a.txt", "b0.txt", "b1.txt"]


def test_a_middle_window_found_last_joins_all_three_at_the_best_rank():
    rows = _windows()[:3]
    hits = join_neighbours([_hit(rows[2], 3.0), _hit(rows[0], 2.0), _hit(rows[1], 1.0)], k=5)
    assert len(hits) == 1
    assert (hits[0].row.start, hits[0].row.end) == (rows[0].start, rows[2].end)
    assert hits[0].row.text == TEXT[rows[0].start : rows[2].end]
    assert hits[0].score == 3.0


def test_windows_that_do_not_touch_or_are_other_articles_stay_apart():
    rows = _windows()
    first, last = rows[0], rows[-1]
    assert first.end < last.start
    assert len(join_neighbours([_hit(first, 2.0), _hit(last, 1.0)], k=5)) == 2
    article = Row(**{**rows[1].to_dict(), "article": "第三条"})
    assert len(join_neighbours([_hit(first, 2.0), _hit(article, 1.0)], k=5)) == 2


def test_shown_results_never_repeat_a_window(corpus_kb, dev_questions):
    """On the real corpus, no two results of a search overlap, and each one is the document's own text."""
    for q in dev_questions:
        result = corpus_kb.search(q["question"], k=10)
        for i, a in enumerate(result.hits):
            text = corpus_kb.docstore.get(a.row.file).text
            assert text[a.row.start : a.row.end] == a.row.text, q["question"]
            for b in result.hits[i + 1 :]:
                same = a.row.file == b.row.file and a.row.section_no == b.row.section_no
                assert not (same and a.row.start <= b.row.end and b.row.start <= a.row.end), q["question"]
