"""Case library, topics, documents, upload and delete on the real corpus (no browser)."""

from __future__ import annotations

import pytest

from app.answer.topics import read_topics
from app.services import library
from app.services import upload as uploads

pytestmark = pytest.mark.slow


def _docx(path, *paragraphs: str):
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path


# -- cases and facets --------------------------------------------------------------------
def test_case_search_with_region_facet_returns_cases_of_that_region(corpus_kb):
    result = library.search_cases(corpus_kb, "区域化组织体系", region="大连")
    assert result.found and result.cards
    for card in result.cards:
        row = next(
            r for r in corpus_kb.catalog.rows if r.file == card.file and r.section_no == card.section_no
        )
        assert "大连市" in row.region_path and row.is_case
    doc = corpus_kb.docstore.get(result.cards[0].file)
    assert doc.text[result.cards[0].start : result.cards[0].end] == result.cards[0].excerpt


def test_case_search_groups_passages_into_cases(corpus_kb):
    result = library.search_cases(corpus_kb, "业委会")
    ids = [c.id for c in result.cards]
    assert len(ids) == len(set(ids))
    assert any("业委会" in c.terms for c in result.cards)
    assert "顺义区" in result.cards[0].region  # the 空港街道 case is the 业委会 case


def test_empty_query_lists_every_case_of_a_facet(corpus_kb):
    result = library.search_cases(corpus_kb, "", region="辽宁省")
    sections = {
        (d.file, i)
        for d in corpus_kb.docstore.all()
        for i, s in enumerate(d.sections)
        if s.is_case and "辽宁省" in s.region_path
    }
    assert {(c.file, c.section_no) for c in result.cards} == sections


def test_facets_list_regions_kinds_and_years_present(corpus_kb):
    f = library.facets(corpus_kb)
    regions = dict(f["regions"])
    assert "辽宁省 › 大连市" in regions and regions["辽宁省"] >= regions["辽宁省 › 大连市"]
    assert any("案例" in k for k, _ in f["kinds"])
    assert all(y.isdigit() for y, _ in f["years"])


def test_topic_chips_come_from_the_data_file():
    assert library.topics() == read_topics()
    assert "网格化管理" in library.topics()


def test_topic_lists_every_case_that_names_it(corpus_kb):
    """Not a top-k: every case section whose text holds 业委会 or 物业 is listed."""
    cards = library.topic_cases(corpus_kb, "业委会与物业")
    expected = {
        (d.file, i)
        for d in corpus_kb.docstore.all()
        for i, s in enumerate(d.sections)
        if s.is_case and ("业委会" in d.text[s.start : s.end] or "物业" in d.text[s.start : s.end])
    }
    got = {(c.file, c.section_no) for c in cards}
    assert expected <= got
    assert len(cards) > corpus_kb.settings.top_k
    assert cards == sorted(cards, key=lambda c: -c.score)


def test_topic_words_match_when_not_adjacent(corpus_kb):
    terms = dict(library.topic_terms("网格化管理"))
    assert terms["网格化管理"] == ("网格化", "管理")
    cards = library.topic_cases(corpus_kb, "网格化管理")
    assert any("网格" in c.excerpt for c in cards)


def test_documents_have_metadata_sections_and_chunk_counts(corpus_kb):
    docs = library.list_documents(corpus_kb)
    assert len(docs) == 5
    for d in docs:
        stored = corpus_kb.docstore.get(d["file"])
        assert d["chunks"] == len(stored.chunks) and len(d["sections"]) == len(stored.sections)
    full = library.get_document(corpus_kb, docs[0]["file"])
    assert full["text"] == corpus_kb.docstore.get(docs[0]["file"]).text
    assert library.get_document(corpus_kb, "nope.txt") is None
    assert [d["file"] for d in library.list_documents(corpus_kb, "理响中国")] == ["001_836e489ea1e73fcd.txt"]


# -- admin rules -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "given, expected",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\x.docx", "x.docx"),
        (".hidden.md", "hidden.md"),
        ("a/b/<script>.HTML", "script.html"),
        ("报告\x00\x1f 2023.pdf", "报告_2023.pdf"),
        ("..", "upload"),
    ],
)
def test_safe_filename_never_leaves_its_folder(given, expected):
    assert uploads.safe_filename(given) == expected


def test_admin_rules(make_settings):
    assert uploads.admin_refusal(make_settings(host="127.0.0.1"), None) is None
    assert uploads.admin_refusal(make_settings(host="::1"), None) is None
    assert "管理员密码" in uploads.admin_refusal(make_settings(host="0.0.0.0"), None)
    with_password = make_settings(host="0.0.0.0", admin_password="s3cret")
    assert uploads.admin_refusal(with_password, "s3cret") is None
    assert uploads.admin_refusal(with_password, "wrong") == "管理员密码不正确"
    assert uploads.admin_refusal(with_password, None) == "请输入管理员密码"


# -- upload and delete -------------------------------------------------------------------
def test_upload_ingests_into_corpus_uploads_and_delete_removes_everywhere(writable_kb, tmp_path):
    kb = writable_kb
    path = _docx(
        tmp_path / "星火议事厅简报.docx",
        "星火议事厅试点简报",
        "星火议事厅每月召开一次，居民代表共商小区停车难题。",
    )
    results = uploads.upload_files(kb, [path])
    assert [r.ok for r in results] == [True], results
    name = results[0].name
    assert name == "uploads/星火议事厅简报.docx"
    saved = kb.settings.corpus_dir / name
    assert saved.is_file()
    assert any(r.file == name for r in kb.catalog.rows) and kb.catalog.consistent()
    hits = kb.search("星火议事厅怎么开展?", k=3).hits
    assert hits and hits[0].row.file == name

    ok, message = uploads.delete(kb, name)
    assert ok and name in message
    assert kb.docstore.get(name) is None and not saved.exists()
    assert all(r.file != name for r in kb.catalog.rows) and kb.catalog.consistent()
    assert all(h.row.file != name for h in kb.search("星火议事厅怎么开展?", k=10).hits)
    assert uploads.delete(kb, name) == (False, f"知识库中没有文档 {name}")


def test_upload_reports_each_bad_file_in_chinese(writable_kb, tmp_path):
    kb = writable_kb
    (tmp_path / "tool.exe").write_bytes(b"MZ\x90\x00")
    (tmp_path / "empty.txt").write_text("", "utf-8")
    (tmp_path / "fake.docx").write_bytes(b"%PDF-1.4 not a docx")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (int(kb.settings.max_upload_mb * 1_000_000) + 1))
    good = _docx(tmp_path / "好文件.docx", "晨光社区推行楼栋长轮值制度，楼栋长每周走访一次独居老人。")
    before = set(kb.docstore.names())
    results = uploads.upload_files(
        kb, [tmp_path / "tool.exe", tmp_path / "empty.txt", tmp_path / "fake.docx", big, good]
    )
    by_name = {r.original: r for r in results}
    assert "不支持的文件类型" in by_name["tool.exe"].message
    assert "空" in by_name["empty.txt"].message
    assert "扩展名不符" in by_name["fake.docx"].message or "损坏" in by_name["fake.docx"].message
    assert "文件过大" in by_name["big.txt"].message
    assert by_name["好文件.docx"].ok
    assert set(kb.docstore.names()) - before == {"uploads/好文件.docx"}
    folder = kb.settings.corpus_dir / "uploads"
    assert sorted(p.name for p in folder.iterdir()) == ["好文件.docx"]  # refused files are not kept
    uploads.delete(kb, "uploads/好文件.docx")


def test_upload_and_delete_need_the_password_when_set(writable_kb, tmp_path):
    kb = writable_kb
    guarded = kb.settings.model_copy(update={"admin_password": "s3cret", "host": "0.0.0.0"})
    kb.settings, original = guarded, kb.settings
    try:
        path = tmp_path / "note.txt"
        path.write_text("社区网格员每日巡查一次,发现问题及时上报。" * 3, "utf-8")
        assert [r.message for r in uploads.upload_files(kb, [path], None)] == ["请输入管理员密码"]
        assert uploads.delete(kb, "000_f6b43444f5475b4f.txt", "wrong") == (False, "管理员密码不正确")
        assert kb.docstore.get("000_f6b43444f5475b4f.txt") is not None
        assert uploads.upload_files(kb, [path], "s3cret")[0].ok
        assert uploads.delete(kb, "uploads/note.txt", "s3cret")[0]
    finally:
        kb.settings = original


def test_deleting_a_corpus_document_keeps_its_source_file(writable_kb):
    kb = writable_kb
    name = "004_1867261157b0bab0.txt"
    ok, _ = uploads.delete(kb, name)
    assert ok and (kb.settings.corpus_dir / name).is_file()
    assert library.search_cases(kb, "", region="林芝").cards == []
    from app.services.ingest import ingest

    ingest(kb, [kb.settings.corpus_dir])  # put it back for the next tests of the module
    assert kb.docstore.get(name) is not None


def test_chinese_problem_maps_loader_messages():
    assert uploads.chinese_problem("encrypted PDF; save a copy without a password").startswith(
        "PDF 有密码保护"
    )
    assert uploads.chinese_problem("something new") == "无法读取该文件（something new）"
