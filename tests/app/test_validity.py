"""Statutes through the CLI: metadata in docs/show/search JSON, version chains, validity set by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli.commands import main
from app.settings import Settings

LIBRARY = Path(__file__).resolve().parents[1] / "fixtures" / "library"
FILES = (
    "qinghe_property_2016.txt",
    "qinghe_property_2023.md",
    "xichuan_residents_2015.md",
    "xichuan_community_2022.txt",
)


@pytest.fixture(scope="module")
def statutes(tmp_path_factory, embed_cache_path):
    """Two version chains of the fixture library, ingested once for this module (which changes them)."""
    root = tmp_path_factory.mktemp("statutes")
    folder = root / "library"
    folder.mkdir()
    for name in FILES:
        shutil.copy(LIBRARY / name, folder / name)
    data = root / "data"
    settings = Settings(data_dir=data, corpus_dir=folder, embed_cache=embed_cache_path)
    return settings, folder


def run(capsys, monkeypatch, settings, *argv) -> tuple[int, str, str]:
    monkeypatch.setenv("POLICYKB_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("POLICYKB_EMBED_CACHE", str(settings.embed_cache))
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def _docs(capsys, monkeypatch, settings) -> dict[str, dict]:
    code, out, _ = run(capsys, monkeypatch, settings, "docs", "--json")
    assert code == 0
    return {d["file"]: d for d in json.loads(out)}


def test_docs_show_and_search_json(capsys, monkeypatch, statutes):
    settings, folder = statutes
    code, _, err = run(capsys, monkeypatch, settings, "ingest", str(folder), "-q")
    assert code == 0, err
    docs = _docs(capsys, monkeypatch, settings)
    old, new = docs["qinghe_property_2016.txt"], docs["qinghe_property_2023.md"]
    assert {"status", "version_of", "superseded_by", "issuer", "doc_no", "level"} <= set(new)
    assert (old["status"], old["superseded_by"]) == ("已被修订", "qinghe_property_2023.md")
    assert (new["status"], new["superseded_by"]) == ("现行有效", None)
    assert old["version_of"] == new["version_of"] == "青禾市物业管理条例"
    assert (
        new["kind"] == "法律法规" and new["level"] == "市" and new["issuer"] == "青禾市人民代表大会常务委员会"
    )
    assert docs["xichuan_residents_2015.md"]["status"] == "已废止"

    code, out, _ = run(capsys, monkeypatch, settings, "show", "qinghe_property_2023.md", "--json")
    full = json.loads(out)
    assert [a["article"] for a in full["articles"]][:3] == ["第一条", "第二条", "第三条"]
    for a in full["articles"]:
        assert full["text"][a["start"] : a["end"]].startswith(a["article"])

    code, out, _ = run(
        capsys, monkeypatch, settings, "search", "业主委员会委员不得有哪些行为", "--json", "-k", "5"
    )
    results = json.loads(out)["results"]
    assert results and all(r["article"].startswith("第") and r["article"].endswith("条") for r in results)
    assert {r["status"] for r in results} <= {"现行有效", "已被修订", "已废止"}


def test_validity_set_by_hand_survives_reingest(capsys, monkeypatch, statutes):
    settings, folder = statutes
    code, out, _ = run(capsys, monkeypatch, settings, "validity", "qinghe_property_2023.md", "已废止")
    assert code == 0 and "已废止" in out
    code, _, err = run(capsys, monkeypatch, settings, "ingest", str(folder), "-q", "--rebuild")
    assert code == 0, err
    doc = _docs(capsys, monkeypatch, settings)["qinghe_property_2023.md"]
    assert (doc["status"], doc["status_manual"]) == ("已废止", True)
    code, out, _ = run(
        capsys,
        monkeypatch,
        settings,
        "search",
        "物业服务合同期限届满",
        "--json",
        "-k",
        "20",
        "--all-versions",
    )
    statuses = {r["file"]: r["status"] for r in json.loads(out)["results"]}
    assert statuses.get("qinghe_property_2023.md") == "已废止"  # the rows follow the document

    code, out, _ = run(capsys, monkeypatch, settings, "validity", "qinghe_property_2023.md", "自动")
    assert code == 0
    doc = _docs(capsys, monkeypatch, settings)["qinghe_property_2023.md"]
    assert (doc["status"], doc["status_manual"]) == ("现行有效", False)

    code, _, err = run(capsys, monkeypatch, settings, "validity", "qinghe_property_2023.md", "作废")
    assert code == 2 and "现行有效" in err
    code, _, err = run(capsys, monkeypatch, settings, "validity", "nothing.txt", "已废止")
    assert code == 2 and "nothing.txt" in err


def test_the_library_tab_sets_validity_for_an_administrator_only(statutes):
    from app.kb import KnowledgeBase
    from app.web.handlers import Handlers

    settings, _ = statutes
    locked = Handlers(KnowledgeBase(settings.model_copy(update={"admin_password": "秘密"})))
    message, table, view = locked.set_validity("qinghe_property_2016.txt", "现行有效", "不对")
    assert "管理员密码不正确" in message
    handlers = Handlers(KnowledgeBase(settings))
    message, table, view = handlers.set_validity("qinghe_property_2016.txt", "现行有效", "")
    assert "人工设定" in message and "现行有效（人工）" in table and "现行有效" in view
    message, table, _ = handlers.set_validity("qinghe_property_2016.txt", "自动", "")
    assert "旧版 · 已被修订" in table
