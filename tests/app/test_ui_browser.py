"""The app in a real Chromium (Playwright) and through gradio_client, on a copy of the real corpus.

The app runs in this process on a free loopback port; screenshots of every step go to
test-output/screenshots/. Without Chromium these tests fail: they never skip.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.answer.present import clean_point
from app.services.ingest import ingest
from tests.app.browser import SHOTS, chromium, open_page, serving

INJECTED = "注入测试.txt"
INJECTION = (
    "# 社区议事协商示范\n\n社区议事协商会每月召开一次。<script>window.__pwned=1</script>"
    '<img src=x onerror="window.__pwned=2"> [点我](javascript:alert(1)) ${7*7} {{value}} **加粗**'
    "居民代表讨论小区公共事务，形成议事协商清单。\n"
)
UPLOAD_TERM = "星火议事厅"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(writable_kb):
    """(knowledge base, url) of the app serving a corpus copy plus a document full of markup."""
    kb = writable_kb
    (kb.settings.corpus_dir / INJECTED).write_text(INJECTION, "utf-8")
    assert ingest(kb, [kb.settings.corpus_dir]).ok
    with serving(kb) as url:
        yield kb, url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser, server):
    context, p = open_page(browser, server[1], {"width": 1400, "height": 1000})
    yield p
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def choose(page, elem_id: str, option: str) -> None:
    """Pick the option whose text contains ``option`` in a gr.Dropdown."""
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option").filter(has_text=option).first.click()


def ask(page, question: str) -> None:
    turns = page.locator("#pkb-chat .pkb-turn").count()
    page.locator("#pkb-question textarea").fill(question)
    page.locator("#pkb-send").click()
    page.locator(
        f"#pkb-chat .pkb-turn:nth-child({turns + 1}) :is(.pkb-mode, .pkb-notfound, .pkb-notice)"
    ).first.wait_for()


@pytest.mark.browser
def test_chat_answer_with_clickable_citation(page, server):
    kb, _ = server
    ask(page, "网格员需要提升哪些能力?")
    marker = page.locator("#pkb-chat a.pkb-cite[data-n='1']").first
    marker.wait_for()
    assert re.search(r"\[1\]", page.locator("#pkb-chat .pkb-a").first.inner_text())
    assert page.locator("#pkb-chat .pkb-srccard").count() >= 1
    shot(page, "01-chat-answer")

    marker.click()
    mark = page.locator("#pkb-source mark")
    mark.wait_for()
    panel = page.locator("#pkb-source").inner_text()
    assert (
        panel.startswith("[1] 《")
        and "章节" in panel
        and "地区" in panel
        and "日期" in panel
        and "类型" in panel
    )
    quote = mark.inner_text()
    shown = page.locator("#pkb-chat .pkb-a").first.inner_text()
    assert len(quote) > 8 and clean_point(quote) in shown  # the point reads cleaned, the quote stays verbatim
    file = panel.split("文件")[1].split()[0]
    assert quote in kb.docstore.get(file).text
    context = page.locator("#pkb-source .pkb-context").inner_text()
    assert len(context) > len(quote) + 100  # the quote sits inside its surrounding text
    shot(page, "02-chat-citation-open")

    page.get_by_text("复制答案（含引用）").click()
    copied = page.locator("#pkb-copy textarea").input_value()
    assert "来源：" in copied and "[1] 《" in copied

    ask(page, "那经费怎么保障?")  # a follow-up: condensed with the history, and the condensed question shown
    standalone = page.locator("#pkb-chat .pkb-turn").last.locator(".pkb-standalone")
    assert "网格员" in standalone.inner_text()
    shot(page, "03-chat-follow-up")

    ask(page, "个人所得税怎么申报?")  # out of scope: "没有找到" with topics the base covers, each clickable
    chips = page.locator("#pkb-chat .pkb-turn").last.locator(".pkb-notfound .pkb-chip")
    assert chips.count() >= 1
    topic, turns = chips.first.inner_text(), page.locator("#pkb-chat .pkb-turn").count()
    chips.first.click()
    page.locator("#pkb-chat .pkb-turn").nth(turns).locator(":is(.pkb-mode, .pkb-notfound)").first.wait_for()
    assert page.locator("#pkb-chat .pkb-turn").nth(turns).locator(".pkb-q").inner_text().endswith(topic)


@pytest.mark.browser
def test_llm_answer_streams_with_clickable_citations(page, server):
    """With an OpenAI-compatible endpoint configured (here a FAKE one), the answer is the model's, still cited."""
    from tests.app.fake_llm import FakeChatServer

    kb, _ = server
    original = kb.settings
    with FakeChatServer() as fake:
        kb.settings = original.model_copy(
            update={
                "llm_mode": "openai",
                "llm_base_url": fake.url,
                "llm_model": "fake-model",
                "llm_timeout": 10,
            }
        )
        try:
            ask(page, "网格员需要提升哪些能力?")
        finally:
            kb.settings = original
        assert fake.requests and fake.requests[-1].get("stream")
    assert page.locator("#pkb-chat .pkb-mode").last.inner_text() == "大模型回答"
    page.locator("#pkb-chat a.pkb-cite[data-n='2']").last.click()
    page.locator("#pkb-source .pkb-source[data-n='2'] mark").wait_for()
    assert page.locator("#pkb-source .pkb-source-title").inner_text().startswith("[2] 《")
    shot(page, "04-chat-llm-citation")


@pytest.mark.browser
def test_case_search_with_region_facet(page):
    page.get_by_role("tab", name="案例检索").click()
    page.locator("#pkb-case-query textarea").fill("区域化组织体系")
    choose(page, "pkb-facet-region", "辽宁省 › 大连市")
    page.get_by_text("“区域化组织体系”（辽宁省 › 大连市）").wait_for()
    cards = page.locator("#pkb-cards .pkb-card")
    assert cards.count() >= 1
    for meta in cards.locator(".pkb-meta").all_inner_texts():
        assert meta.startswith("辽宁省 › 大连市")
    assert page.locator("#pkb-cards .pkb-excerpt mark").count() >= 1
    shot(page, "05-cases-region-dalian")


@pytest.mark.browser
def test_topic_chip_lists_every_matching_case(page, server):
    from app.services.library import topic_cases

    kb, _ = server
    expected = topic_cases(kb, "志愿服务")
    page.get_by_role("tab", name="案例检索").click()
    page.get_by_role("button", name="志愿服务", exact=True).click()
    page.get_by_text("专题“志愿服务”").wait_for()
    titles = page.locator("#pkb-cards .pkb-card-title").all_inner_texts()
    assert titles == [c.title for c in expected] and len(titles) > kb.settings.top_k
    shot(page, "06-topic-chip")
    page.locator("#pkb-cards .pkb-open").first.click()
    page.locator("#pkb-case .pkb-fulltext").wait_for()
    assert page.locator("#pkb-case .pkb-source-title").inner_text() == expected[0].title
    shot(page, "07-case-full-text")


def _docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph(f"{UPLOAD_TERM}试点简报")
    d.add_paragraph(f"{UPLOAD_TERM}每月十五日召开一次，由网格员收集居民诉求，居民代表共商小区停车难题。")
    d.save(str(path))
    return path


@pytest.mark.browser
def test_upload_find_delete(page, server, tmp_path):
    kb, _ = server
    path = _docx(tmp_path / f"{UPLOAD_TERM}简报.docx")
    name = f"uploads/{path.name}"
    page.get_by_role("tab", name="文档库").click()
    page.locator("#pkb-upload input[type=file]").set_input_files(str(path))
    page.locator("#pkb-upload").get_by_text(path.name).first.wait_for()
    page.locator("#pkb-upload-btn").click()
    page.locator("#pkb-upload-result .pkb-ok").wait_for(timeout=60_000)
    assert name in page.locator("#pkb-upload-result").inner_text()
    page.locator("#pkb-doc-table").get_by_text(name).wait_for()
    assert (kb.settings.corpus_dir / name).is_file()
    shot(page, "08-upload-done")

    page.get_by_role("tab", name="智能问答").click()
    ask(page, f"{UPLOAD_TERM}多久召开一次?")
    assert UPLOAD_TERM in page.locator("#pkb-chat .pkb-srccards").first.inner_text()
    shot(page, "09-upload-found-in-chat")

    page.get_by_role("tab", name="文档库").click()
    choose(page, "pkb-doc-select", name)
    page.locator("#pkb-doc-view .pkb-fulltext").get_by_text(UPLOAD_TERM).first.wait_for()
    page.locator("#pkb-confirm input").check()
    page.locator("#pkb-delete").click()
    page.locator("#pkb-delete-result .pkb-ok").wait_for(timeout=60_000)
    page.wait_for_function(f"!document.querySelector('#pkb-doc-table').innerText.includes('{name}')")
    assert not (kb.settings.corpus_dir / name).exists() and kb.docstore.get(name) is None
    shot(page, "10-delete-done")

    page.get_by_role("tab", name="智能问答").click()
    ask(page, f"{UPLOAD_TERM}多久召开一次?")
    last = page.locator("#pkb-chat .pkb-turn").last
    assert UPLOAD_TERM not in " ".join(last.locator(".pkb-srccards, .pkb-a").all_inner_texts())
    shot(page, "11-deleted-gone-from-chat")


@pytest.mark.browser
def test_library_filters_by_title_and_kind(page, server):
    kb, _ = server
    page.get_by_role("tab", name="文档库").click()
    table = page.locator("#pkb-doc-table")
    total = len(kb.docstore.names())
    table.get_by_text(f"共 {total} 份文档，第 1/1 页").wait_for()
    page.locator("#pkb-doc-query input, #pkb-doc-query textarea").first.fill("理响中国")
    page.locator("#pkb-doc-query input, #pkb-doc-query textarea").first.press("Enter")
    table.get_by_text("共 1 份文档").wait_for()
    assert "001_836e489ea1e73fcd.txt" in table.inner_text()
    page.locator("#pkb-doc-query input, #pkb-doc-query textarea").first.fill("没有这样的标题")
    page.locator("#pkb-doc-query input, #pkb-doc-query textarea").first.press("Enter")
    table.get_by_text("没有符合筛选条件的文档").wait_for()
    shot(page, "12-library-filtered")


@pytest.mark.browser
def test_trainer_pack_export(page, server, tmp_path):
    import docx

    page.get_by_role("tab", name="备课素材").click()
    choose(page, "pkb-pack-topic", "网格化管理")
    page.locator("#pkb-pack-build").click()
    items = page.locator("#pkb-pack-items label")
    items.first.wait_for(timeout=60_000)
    labels = items.all_inner_texts()
    case = next(label for label in labels if label.startswith("C1"))
    dropped_title = case.split("案例：", 1)[1].rsplit("（", 1)[0]
    items.filter(has_text=case).locator("input").uncheck()
    shot(page, "12-pack-preview")

    page.locator("#pkb-pack-export").click()
    link = page.locator("#pkb-pack-files tr:has(td[aria-label$='.docx']) a.download-link").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "pack.docx"
    info.value.save_as(saved)
    shot(page, "13-pack-exported")

    paragraphs = [p.text for p in docx.Document(str(saved)).paragraphs]
    sources = paragraphs[paragraphs.index("资料来源") + 1 :]
    assert sources and all(re.match(r"^\[\d+\] 《.+》 · ", s) for s in sources)
    assert all(s.endswith(".txt") for s in sources)  # title · section · date · file
    headings = [p for p in paragraphs if re.match(r"^\d+\. ", p)]
    assert headings and all(dropped_title not in h for h in headings)


@pytest.mark.browser
def test_document_markup_is_shown_inert(page):
    page.get_by_role("tab", name="文档库").click()
    choose(page, "pkb-doc-select", INJECTED)
    view = page.locator("#pkb-doc-view .pkb-fulltext")
    view.wait_for()
    text = view.inner_text()
    assert "<script>window.__pwned=1</script>" in text and "${7*7}" in text and "{{value}}" in text
    assert "**加粗**" in text and "[点我](javascript:alert(1))" in text
    assert (
        page.locator("#pkb-doc-view script, #pkb-doc-view img, #pkb-doc-view a, #pkb-doc-view strong").count()
        == 0
    )
    assert page.evaluate("window.__pwned") is None
    shot(page, "14-document-markup-inert")


def test_api_names_take_one_argument(server):
    from gradio_client import Client

    kb, url = server
    client = Client(url, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/ask", "/search", "/docs"} <= set(endpoints)
    for name in ("/ask", "/search", "/docs"):
        assert all(p["parameter_has_default"] for p in endpoints[name]["parameters"][1:])

    answer = client.predict("网格员需要提升哪些能力?", api_name="/ask")
    assert answer["found"] and "[1]" in answer["answer"] and answer["citations"]
    for c in answer["citations"]:
        assert kb.docstore.get(c["file"]).text[c["start"] : c["end"]] == c["quote"]
        assert {"title", "section", "region", "date", "kind"} <= set(c)

    cases = client.predict("业委会", api_name="/search")
    assert cases["found"] and cases["results"][0]["title"] and "file" in cases["results"][0]
    docs = client.predict("理响中国", api_name="/docs")
    assert [d["file"] for d in docs["documents"]] == ["001_836e489ea1e73fcd.txt"]
    paged = client.predict("", api_name="/docs", page=1)
    assert paged["page"] == 1 and paged["total"] == len(kb.docstore.names()) == len(paged["documents"])
    too_long = "社区" * (kb.settings.max_query_chars + 1)
    with pytest.raises(Exception, match="过长"):
        client.predict(too_long, api_name="/search")


def test_search_does_not_wait_behind_slow_answers(server, monkeypatch):
    """A stand-in for a slow LLM (an ``ask`` that sleeps) fills the answer workers; search still answers."""
    import threading
    import time

    from gradio_client import Client

    import app.services.ask

    release = threading.Event()

    def slow_ask(*args, **kwargs):
        release.wait(30)
        raise AssertionError("released")

    monkeypatch.setattr(app.services.ask, "ask", slow_ask)
    _, url = server
    client = Client(url, verbose=False)
    jobs = [client.submit("网格员需要提升哪些能力?", api_name="/ask") for _ in range(3)]
    try:
        time.sleep(1.0)  # the answers are running (two) or queued (one)
        started = time.perf_counter()
        result = client.predict("业委会", api_name="/search")
        assert result["found"] and time.perf_counter() - started < 10
        assert not any(job.done() for job in jobs)
    finally:
        release.set()
