"""policykb feedback export and policykb faq import|export."""

from __future__ import annotations

from app.services import faq as faq_service
from app.services import feedback as fb
from app.services.sheets import read_table
from tests.app.test_cli import run
from tests.app.test_faq import _save, kb  # noqa: F401
from tests.app.test_feedback import _answer


def test_feedback_export_csv_and_xlsx(capsys, monkeypatch, kb, tmp_path):  # noqa: F811
    qid = fb.log_question(kb.data_dir, _answer())
    fb.record_feedback(kb.data_dir, qid, False, "过时", "已有新版本")
    code, out, _ = run(capsys, monkeypatch, kb.data_dir, "feedback", "export", str(tmp_path / "log.csv"))
    assert code == 0 and "log.csv" in out
    rows = read_table(tmp_path / "log.csv")
    assert rows[0]["类别"] == "没用" and rows[0]["原因"] == "过时" and rows[1]["类别"] == "提问"
    code, _, _ = run(
        capsys,
        monkeypatch,
        kb.data_dir,
        "feedback",
        "export",
        str(tmp_path / "log.xlsx"),
        "--reason",
        "没找到",
    )
    assert code == 0 and [r["类别"] for r in read_table(tmp_path / "log.xlsx")] == ["提问"]
    code, _, err = run(capsys, monkeypatch, kb.data_dir, "feedback", "export", str(tmp_path / "log.txt"))
    assert code == 2 and "只能导出为 .xlsx 或 .csv" in err


def test_faq_export_then_import(capsys, monkeypatch, kb, tmp_path):  # noqa: F811
    _save(kb)
    path = tmp_path / "faq.xlsx"
    code, out, _ = run(capsys, monkeypatch, kb.data_dir, "faq", "export", str(path))
    assert code == 0 and path.is_file()
    for item in faq_service.items(kb):
        faq_service.set_active(kb, item["id"], False)
    code, out, _ = run(capsys, monkeypatch, kb.data_dir, "faq", "import", str(path))
    assert code == 0 and "更新 1 条" in out and faq_service.items(kb)[0]["active"]
    code, _, err = run(capsys, monkeypatch, kb.data_dir, "faq", "import", str(tmp_path / "nope.xlsx"))
    assert code == 2 and "找不到文件" in err


def test_plain_ask_prints_the_curated_answer_first(capsys):
    from app.cli.usage import curated_text
    from app.services.faq_match import CuratedMatch

    item = {"question": "问", "answer": "答。[1]", "reviewed_by": "李", "reviewed_at": "2026-01-02 03:04:05",
            "citations": [{"n": 1, "title": "办法", "article": "第二条", "file": "a.txt", "start": 3, "end": 5,
                           "quote": "引文"}]}  # fmt: skip
    text = curated_text(CuratedMatch(item, 0.99))
    assert text.startswith(
        "【常见问答 · 已审核 · 李 2026-01-02 03:04】问\n答。[1]\n[1] 《办法》第二条  (a.txt 3-5)"
    )
    assert "等待复核: 文档已删除" in curated_text(CuratedMatch(item, 0.99, ["文档已删除"]))
