"""The pages as a reader uses them, in a real Chromium: what a click opens is in view (wide and narrow),
region facets of the shown results, suspect numbers marked, cleaned answer points, pack points that
teach, and a Chinese interface for an English browser. Screenshots: test-output/screenshots/3x-*.png.

One app per module, serving the session's read-only knowledge base (nothing here changes it).
"""

from __future__ import annotations

import re

import pytest

from tests.app import browser as support
from tests.app.browser import SHOTS, chromium, serving
from tests.app.test_ui_browser import ask, choose

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDE = {"width": 1400, "height": 900}
NARROW = {"width": 390, "height": 844}
# Question 3 cites a passage whose surroundings hold numbers ingestion flagged (20230%).
QUESTIONS = ["网格员需要提升哪些能力?", "怎样组建业主委员会?", "社区办公活动场所的面积有什么要求?"]
ENGLISH = ["Drop File Here", "Click to Upload", "Use via API", "Built with", "Loading", "Settings"]
RECT = "e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }"


@pytest.fixture(scope="module")
def server(corpus_kb):
    with serving(corpus_kb) as url:
        yield corpus_kb, url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def open_page(browser, url, viewport=WIDE, locale="zh-CN"):
    return support.open_page(browser, url, viewport, locale, timeout_ms=60_000)


def rect(locator) -> dict:
    return locator.evaluate(RECT)


def in_view(r: dict, viewport: dict) -> bool:
    return (
        0 <= r["top"] < viewport["height"]
        and r["bottom"] > 0
        and r["left"] >= 0
        and r["right"] <= viewport["width"]
    )


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_chat_keeps_the_new_answer_the_input_and_the_cited_source_in_view(browser, server):
    _, url = server
    context, page = open_page(browser, url)
    try:
        box = page.locator("#pkb-chat")
        for question in QUESTIONS:
            ask(page, question)
            page.wait_for_timeout(300)
            turn, b = rect(page.locator("#pkb-chat .pkb-turn").last), rect(box)
            assert b["top"] - 2 <= turn["top"] <= b["top"] + 40, (
                question,
                turn,
                b,
            )  # the answer starts in view
            assert in_view(rect(page.locator("#pkb-question textarea")), WIDE)
        last = page.locator("#pkb-chat .pkb-turn").last
        assert last.locator(".pkb-a .pkb-flag-note").count() >= 1  # the point's own damaged numbers, marked
        last.locator("a.pkb-cite[data-n='1']").click()
        page.locator("#pkb-source .pkb-source[data-n='1'] mark").wait_for()
        page.wait_for_timeout(300)
        assert in_view(rect(page.locator("#pkb-source .pkb-source-title")), WIDE)
        assert in_view(rect(page.locator("#pkb-source mark").first), WIDE)
        # the damaged numbers near the quote carry a visible mark
        notes = page.locator("#pkb-source .pkb-flag-note")
        assert notes.count() >= 1 and notes.first.inner_text() == "原文数字疑有误"
        assert in_view(rect(page.locator("#pkb-question textarea")), WIDE)
        shot(page, "30-chat-three-answers-citation-in-view")

        # points read as sentences: no source numbering or dangling connective, full-width punctuation
        texts = page.locator("#pkb-chat .pkb-a").all_inner_texts()
        for text in texts:
            assert text.splitlines()[0].endswith("：")
            for line in text.splitlines():
                assert not re.match(
                    r"^\d+\. (?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）]|同时，|此外，|另外，)", line
                )
                assert not re.search(r"[\u4e00-\u9fff][,:;]|[,:;][\u4e00-\u9fff]", line), line
        shot(page, "31-chat-answer-points-cleaned")
    finally:
        context.close()


def test_narrow_screen_opens_the_source_over_the_page(browser, server):
    _, url = server
    context, page = open_page(browser, url, NARROW)
    try:
        ask(page, QUESTIONS[0])
        assert in_view(rect(page.locator("#pkb-question textarea")), NARROW)
        page.locator("#pkb-chat a.pkb-cite[data-n='1']").first.click()
        page.locator("#pkb-source mark").wait_for()
        page.wait_for_timeout(300)
        assert in_view(rect(page.locator("#pkb-source-col")), NARROW)
        assert in_view(rect(page.locator("#pkb-source mark").first), NARROW)
        close = page.locator("#pkb-source-col .pkb-sheet-close")
        assert in_view(rect(close), NARROW)  # stays at the top of the sheet however far it is scrolled
        shot(page, "32-narrow-source-sheet")
        close.click()
        assert "pkb-sheet" not in page.locator("#pkb-source-col").get_attribute("class")
    finally:
        context.close()


def _region_options(page) -> list[str]:
    page.locator("#pkb-facet-region input").click()
    options = [o.split("\n")[-1] for o in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    return options


def test_cases_facets_follow_the_results_and_the_case_panel_the_reader(browser, server):
    kb, url = server
    context, page = open_page(browser, url)
    try:
        page.get_by_role("tab", name="案例检索").click()
        page.locator("#pkb-case-search").click()
        page.get_by_text("全部案例：").wait_for()
        cards = page.locator("#pkb-cards .pkb-card")
        assert cards.count() >= 7
        places = [m.split(" · ")[0] for m in page.locator("#pkb-cards .pkb-meta").all_inner_texts()]
        options = _region_options(page)
        counts = {o.rsplit("（", 1)[0]: int(o.rsplit("（", 1)[1].rstrip("）")) for o in options[1:]}
        assert set(places) - {"未注明地区"} <= set(
            counts
        )  # the cards' places are named as the facet names them
        for value, n in counts.items():  # counted over the shown cards, a parent over its children too
            assert n == sum(p == value or p.startswith(value + " › ") for p in places), value
        assert any(" › " in v for v in counts) and all(
            v.rsplit(" › ", 1)[0] in counts for v in counts if " › " in v
        )  # a hierarchy: every child under a listed parent
        page.locator("#pkb-facet-region input").click()
        shot(page, "33-region-facets-hierarchy")
        page.keyboard.press("Escape")

        seventh = cards.nth(6)
        title = seventh.locator(".pkb-card-title").inner_text()
        seventh.locator(".pkb-open").click()
        page.locator("#pkb-case .pkb-fulltext").wait_for()
        page.wait_for_timeout(300)
        assert page.locator("#pkb-case .pkb-source-title").inner_text() == title
        assert in_view(rect(page.locator("#pkb-case .pkb-source-title")), WIDE)
        assert page.evaluate("window.scrollY") > 300  # the page was scrolled to the card; the panel followed
        shot(page, "34-seventh-case-in-view")

        # a region the open case is not in: the results, the counts and the panel all change
        place = places[6].split(" › ")[0]
        other = next(p.split(" › ")[0] for p in places if p.split(" › ")[0] != place)
        choose(page, "pkb-facet-region", f"{other}（")
        page.get_by_text(f"全部案例（{other}）").wait_for()
        shown = [m.split(" · ")[0] for m in page.locator("#pkb-cards .pkb-meta").all_inner_texts()]
        assert shown and all(p == other or p.startswith(other + " › ") for p in shown)
        assert f"{other}（{len(shown)}）" in _region_options(page)
        page.locator("#pkb-case .pkb-empty").wait_for()
        shot(page, "35-region-filtered-case-panel-cleared")
    finally:
        context.close()


def test_english_browser_gets_a_chinese_interface_and_marked_numbers(browser, server):
    _, url = server
    context, page = open_page(browser, url, locale="en-US")
    try:
        page.get_by_text("通过 API 使用").wait_for()
        page.get_by_role("tab", name="文档库").click()
        page.locator("#pkb-upload").get_by_text("拖放").first.wait_for()
        choose(page, "pkb-doc-select", "002_")
        page.locator("#pkb-doc-view .pkb-flag-note").first.wait_for()
        body = page.evaluate("document.body.innerText")
        assert not [w for w in ENGLISH if w in body], [w for w in ENGLISH if w in body]
        assert "原文数字疑有误" in page.locator("#pkb-doc-view .pkb-notice").inner_text()
        flagged = page.locator("#pkb-doc-view .pkb-flag").all_inner_texts()
        assert "20230%" in flagged
        page.locator("#pkb-doc-view .pkb-flag").first.scroll_into_view_if_needed()
        shot(page, "36-english-browser-chinese-ui-marked-numbers")
    finally:
        context.close()


def test_pack_points_teach_and_are_not_repeated_in_its_cases(browser, server):
    _, url = server
    context, page = open_page(browser, url)
    try:
        page.get_by_role("tab", name="备课素材").click()
        choose(page, "pkb-pack-topic", "网格化管理")
        page.locator("#pkb-pack-build").click()
        page.locator("#pkb-pack-items label").first.wait_for(timeout=90_000)
        labels = page.locator("#pkb-pack-items label").all_inner_texts()
        points = [x for x in labels if re.match(r"^P\d+ 要点", x)]
        cases = [x.split("案例：", 1)[1].rsplit("（", 1)[0] for x in labels if x.startswith("C")]
        assert points and cases
        assert not any(p.split("要点：", 1)[1].rstrip("…") in cases for p in points)
        page.screenshot(path=str(SHOTS / "37-pack-points-teach.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.slow
def test_docs_api_takes_a_search_term(server):
    from gradio_client import Client

    _, url = server
    client = Client(url, verbose=False)
    found = client.predict("一肩挑", api_name="/docs")["documents"]  # in the text, not in a title
    assert [d["file"] for d in found] == ["002_f83a94d88cc7dcb8.txt"]
    assert client.predict("一肩挑 不存在的词语", api_name="/docs")["documents"] == []
    assert len(client.predict("", api_name="/docs")["documents"]) == 5
