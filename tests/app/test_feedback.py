"""The question log and ratings in SQLite, the admin report and its exports, read back."""

from __future__ import annotations

import sqlite3

import pytest

from app.answer.types import NOT_FOUND, Answer, Citation
from app.services import feedback as fb
from app.services.usage_db import db_path


def _answer(question="网格员需要哪些能力?", found=True) -> Answer:
    if not found:
        return Answer(question, question, False, "extractive", NOT_FOUND, [])
    cite = Citation(
        1,
        "a.txt",
        "青禾市网格管理办法",
        "第二章",
        "青禾市",
        "2025-01-02",
        "规范性文件",
        "网格员应当熟悉社情。",
        10,
        20,
    )
    return Answer(question, question + "(网格员)", True, "extractive", "网格员应当熟悉社情。[1]", [cite])


def test_log_and_feedback_round_trip_without_personal_data(tmp_path):
    qid = fb.log_question(tmp_path, _answer(), fb.Identity("张三", "10.0.0.8"))
    fb.log_question(tmp_path, _answer("个人所得税怎么申报?", found=False))
    rid = fb.record_feedback(tmp_path, qid, False, "引用不对", " 第一条引错了 ")
    assert db_path(tmp_path).is_file() and db_path(tmp_path).parent == tmp_path
    [rating] = fb.feedback(tmp_path)
    assert rating["id"] == rid and rating["question_id"] == qid and rating["reason"] == "引用不对"
    assert rating["comment"] == "第一条引错了" and rating["mode"] == "extractive"
    assert rating["citations"][0] == {
        "n": 1, "file": "a.txt", "title": "青禾市网格管理办法", "section": "第二章", "article": "",
        "quote": "网格员应当熟悉社情。", "start": 10, "end": 20,
    }  # fmt: skip
    asked = fb.questions(tmp_path)
    assert [q["found"] for q in asked] == [0, 1]  # newest first
    assert fb.questions(tmp_path, refused_only=True)[0]["question"] == "个人所得税怎么申报?"
    # the service stores what it is given; the ask service passes an identity only when the setting is on
    assert asked[1]["user"] == "张三" and asked[0]["user"] is None and asked[0]["ip"] is None
    assert fb.feedback(tmp_path, reason="过时") == [] and len(fb.feedback(tmp_path, useful=False)) == 1


def test_feedback_rules(tmp_path):
    qid = fb.log_question(tmp_path, _answer())
    with pytest.raises(ValueError, match="未知的原因"):
        fb.record_feedback(tmp_path, qid, False, "太长了")
    with pytest.raises(ValueError, match="没有编号为 99"):
        fb.record_feedback(tmp_path, 99, True)
    fb.record_feedback(tmp_path, qid, True, "没找到")  # a useful answer keeps no reason
    assert fb.feedback(tmp_path)[0]["reason"] == ""
    assert fb.feedback(tmp_path, since="2000-01-01", until="2999-12-31") and not fb.feedback(
        tmp_path, until="2000-01-01"
    )


def test_identity_setting_off_by_default(make_settings, tmp_path):
    from app.kb import KnowledgeBase
    from app.services.ask_log import with_curated_and_log

    settings = make_settings()
    assert settings.feedback_identity is False
    kb = KnowledgeBase(settings)
    events = [{"type": "standalone", "text": "   "}, {"type": "done", "answer": _answer()}]
    done = list(with_curated_and_log(kb, iter(events), fb.Identity("张三", "10.0.0.8")))[-1]
    row = fb.question(kb.data_dir, done["log_id"])
    assert row["user"] is None and row["ip"] is None
    kb.settings = settings.model_copy(update={"feedback_identity": True})
    done = list(with_curated_and_log(kb, iter(events), fb.Identity("张三", "10.0.0.8")))[-1]
    assert fb.question(kb.data_dir, done["log_id"])["ip"] == "10.0.0.8"
    con = sqlite3.connect(db_path(kb.data_dir))
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_report_groups_refusals_and_exports(make_settings):
    from openpyxl import load_workbook

    from app.kb import KnowledgeBase
    from app.services import admin as admin_service
    from app.services.sheets import read_table

    kb = KnowledgeBase(make_settings())
    for q in ("个人所得税怎么申报?", "个人所得税如何申报", "个人所得税怎么申报呢", "公积金怎么提取?"):
        fb.log_question(kb.data_dir, _answer(q, found=False))
    qid = fb.log_question(kb.data_dir, _answer())
    fb.record_feedback(kb.data_dir, qid, False, "答非所问", "没说到培训")
    rep = admin_service.report(kb)
    assert [(g.count, g.question) for g in rep.refusals] == [
        (3, "个人所得税怎么申报呢"),
        (1, "公积金怎么提取?"),
    ]
    assert all(g.topic for g in rep.refusals) and len(rep.unhelpful) == 1
    xlsx, csv = admin_service.export_report(kb, kb.data_dir / "exports")
    sheet = load_workbook(xlsx).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("类别", "时间", "问题")
    assert [r[0] for r in rows[1:4]] == ["未找到", "未找到", "没用"]
    assert rows[1][6] == 3 and rows[3][4] == "答非所问" and "青禾市网格管理办法" in rows[3][10]
    assert [r["类别"] for r in read_table(csv)][:3] == ["未找到", "未找到", "没用"]


def test_exported_text_is_never_a_formula(tmp_path):
    from openpyxl import load_workbook

    from app.services.sheets import read_table, write_table

    text = '=HYPERLINK("http://example.invalid","点我")'
    write_table(tmp_path / "t.xlsx", ["问题"], [[text]])
    cell = load_workbook(tmp_path / "t.xlsx").active["A2"]
    assert cell.value == text and cell.data_type == "s"
    write_table(tmp_path / "t.csv", ["问题"], [[text]])
    assert read_table(tmp_path / "t.csv") == [{"问题": "'" + text}]
