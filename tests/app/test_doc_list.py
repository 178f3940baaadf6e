"""The document library with 3,000 documents: filters, pages, summaries built once per state."""

from __future__ import annotations

import time

from app.services import doc_list
from ingest.types import Document, Section

KINDS = ["法律法规", "规范性文件", "经验交流/案例", "新闻报道"]
PLACES = [["甲省", "青山市"], ["甲省", "青山市", "东湖区"], ["乙省", "白沙市"], ["全国"]]
STATUSES = ["现行有效", "已被修订", "已废止", ""]


class _Store:
    def __init__(self, docs):
        self.docs = docs

    def all(self):
        return list(self.docs)


class _KB:
    def __init__(self, docs):
        self.docstore = _Store(docs)


def _docs(n: int) -> list[Document]:
    out = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        text = f"第{i}号文件正文。"
        doc = Document(
            file=f"lib/{i:05d}.txt", sha256=f"{i:064x}", format="txt", title=f"关于第{i}项社区工作的通知",
            kind=KINDS[i % len(KINDS)], date="2021-01-01", source=None, regions=[place[-1]], text=text,
            sections=[Section(title="正文", start=0, end=len(text), region=place[-1], region_path=place,
                              kind=KINDS[i % len(KINDS)])], chunks=[],
        )  # fmt: skip
        doc.status = STATUSES[i % len(STATUSES)]  # the validity field, when documents carry one
        out.append(doc)
    return out


def test_three_thousand_documents_filter_and_page(monkeypatch):
    kb = _KB(_docs(3000))
    built = []
    real = doc_list._entry
    monkeypatch.setattr(doc_list, "_entry", lambda d: built.append(1) or real(d))
    started = time.perf_counter()
    first = doc_list.document_page(kb)
    cold = time.perf_counter() - started
    assert first.total == 3000 and first.pages == 60 and len(first.documents) == 50
    assert first.documents[0]["file"] == "lib/00000.txt" and "_find" not in first.documents[0]
    started = time.perf_counter()
    last = doc_list.document_page(kb, page=99)
    warm = time.perf_counter() - started
    assert last.page == 60 and last.documents[-1]["file"] == "lib/02999.txt"
    print(f"3,000 documents: first listing {cold * 1000:.0f} ms, then {warm * 1000:.1f} ms per page")
    assert len(built) == 3000  # summaries are built once for this state, not per page

    laws = doc_list.document_page(kb, kind="法律法规")
    assert laws.total == 750 and all(d["kind"] == "法律法规" for d in laws.documents)
    qingshan = doc_list.document_page(kb, region="青山")  # short form, any level
    assert qingshan.total == 1500
    donghu = doc_list.document_page(kb, region="东湖区", status="现行有效")
    assert donghu.total == 0  # 东湖区 documents are all 已被修订 in this library
    revised = doc_list.document_page(kb, region="东湖区", status="已被修订")
    assert revised.total == 750
    unknown = doc_list.document_page(kb, status=doc_list.UNKNOWN_STATUS)
    assert unknown.total == 750 and all(d["status"] == "" for d in unknown.documents)
    titled = doc_list.document_page(kb, query="第2999项")
    assert [d["file"] for d in titled.documents] == ["lib/02999.txt"]
    both = doc_list.document_page(kb, query="社区", kind="新闻报道", region="全国", page=3, per_page=100)
    assert both.total == 750 and both.page == 3 and len(both.documents) == 100
    kinds = dict(first.facets["kinds"])
    assert kinds == {k: 750 for k in KINDS}
    assert dict(first.facets["statuses"])[doc_list.UNKNOWN_STATUS] == 750

    kb.docstore = _Store(kb.docstore.docs[:10])  # a new pinned state after a change: built again
    assert doc_list.document_page(kb).total == 10


def test_case_lists_and_topics_are_paged(corpus_kb, monkeypatch):
    from app.web import handlers as ui_handlers

    monkeypatch.setattr(ui_handlers, "CASES_PER_PAGE", 2)
    h = ui_handlers.Handlers(corpus_kb)
    # outputs: cards, region/kind/year choices, case panel, opened case, source, page
    html, *_, source, page = h.search_cases("", "", "", "")
    assert source == {"query": ""} and page == 1 and "第 1/" in html
    pages = int(html.split("第 1/")[1].split(" 页")[0])
    assert pages >= 2 and html.count('class="pkb-card"') <= 2
    html2, *_, page2 = h.case_turn(source, "", "", "", page, None, 1)
    assert page2 == 2 and "第 2/" in html2 and html2 != html
    *_, last = h.case_turn(source, "", "", "", pages, None, 1)
    assert last == pages  # never past the end
    html, *_, source, page = h.topic("网格化管理", "", "", "")
    assert source == {"topic": "网格化管理"} and page == 1 and "专题“网格化管理”" in html
