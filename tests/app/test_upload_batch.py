"""Uploads in batches: same names, unexpected failures, .zip archives and compression bombs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from app.services import upload as uploads


def _txt(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text * 3, "utf-8")
    return path


def test_same_name_upload_is_renamed_and_reported(writable_kb, tmp_path):
    kb = writable_kb
    first = _txt(tmp_path / "a" / "通知.txt", "青禾社区每周三下午开放议事厅,居民可以当面反映问题。")
    second = _txt(tmp_path / "b" / "通知.txt", "红枫社区设立楼栋积分榜,志愿服务一次记一分。")
    one = uploads.upload_files(kb, [first])[0]
    assert one.ok and one.name == "uploads/通知.txt"
    two = uploads.upload_files(kb, [second])[0]
    assert two.ok and two.name == "uploads/通知-2.txt", two
    assert "改名" in two.message and "uploads/通知.txt" in two.message
    # the first document is untouched and both are searchable
    assert "青禾社区" in kb.docstore.get("uploads/通知.txt").text
    assert "红枫社区" in kb.docstore.get("uploads/通知-2.txt").text
    assert "青禾社区" in (kb.settings.corpus_dir / "uploads" / "通知.txt").read_text("utf-8")
    # the same content again is recognised, not stored twice
    again = uploads.upload_files(kb, [first])[0]
    assert again.ok and again.name == "uploads/通知.txt" and "内容相同" in again.message
    assert sorted(n for n in kb.docstore.names() if n.startswith("uploads/")) == [
        "uploads/通知-2.txt",
        "uploads/通知.txt",
    ]
    for name in ("uploads/通知.txt", "uploads/通知-2.txt"):
        assert uploads.delete(kb, name)[0]


def test_unexpected_error_reports_one_file_and_the_batch_goes_on(writable_kb, tmp_path, monkeypatch):
    kb = writable_kb
    good = _txt(tmp_path / "好.txt", "白鹭社区组建银龄志愿队,每天陪伴独居老人散步。")
    bad = _txt(tmp_path / "坏.txt", "这个文件会在处理时遇到程序缺陷,用来检验批量上传。")
    later = _txt(tmp_path / "后.txt", "松涛社区的党员认领微心愿,半年完成一百二十件。")
    real = uploads.process_file

    def flaky(path, name, *args, **kwargs):
        if name.endswith("坏.txt"):
            raise RuntimeError("a defect")
        return real(path, name, *args, **kwargs)

    monkeypatch.setattr(uploads, "process_file", flaky)
    results = uploads.upload_files(kb, [good, bad, later])
    assert [r.ok for r in results] == [True, False, True]
    assert "意外错误" in results[1].message
    folder = kb.settings.corpus_dir / "uploads"
    assert not list(folder.glob(".part-*")), "a temporary file was left behind"
    assert not (folder / "坏.txt").exists()
    # the good files were synced: the document list and the index agree
    assert kb.catalog.consistent()
    indexed = {r.file for r in kb.catalog.rows}
    assert {"uploads/好.txt", "uploads/后.txt"} <= indexed
    assert set(kb.docstore.names()) == {r.file for r in kb.catalog.rows} | (
        set(kb.docstore.names()) - indexed - {"uploads/好.txt", "uploads/后.txt"}
    )
    assert kb.search("银龄志愿队陪伴独居老人", k=3).hits[0].row.file == "uploads/好.txt"
    for name in ("uploads/好.txt", "uploads/后.txt"):
        assert uploads.delete(kb, name)[0]


def _docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_zip_upload_reports_every_member(writable_kb, tmp_path):
    kb = writable_kb
    archive = tmp_path / "材料.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "一/议事规则.docx",
            _docx_bytes("云杉社区议事规则:每月第一个周六召开居民议事会,三分之二代表到会方可表决。"),
        )
        zf.writestr("二/工作简报.txt", "海棠社区推行“小巷管家”,每条小巷配一名管家,每日巡查一次。" * 2)
        zf.writestr(
            "二/议事规则.docx", _docx_bytes("梧桐社区议事规则:议题由居民联名提出,十人以上联名即可列入议程。")
        )
        zf.writestr("说明.exe", b"MZ")
        zf.writestr("__MACOSX/._x", b"junk")
    progress: list[str] = []
    results = uploads.upload_files(kb, [archive], progress=lambda x, d: progress.append(d))
    by = {r.original: r for r in results}
    assert set(by) == {"材料.zip/一/议事规则.docx", "材料.zip/二/工作简报.txt", "材料.zip/二/议事规则.docx",
                       "材料.zip/说明.exe"}  # fmt: skip
    assert not by["材料.zip/说明.exe"].ok and "不支持" in by["材料.zip/说明.exe"].message
    names = sorted(r.name for r in results if r.ok)
    assert names == ["uploads/工作简报.txt", "uploads/议事规则-2.docx", "uploads/议事规则.docx"]
    assert any("（2/4）" in d for d in progress) and progress[-1] == "完成"
    assert kb.search("小巷管家每日巡查", k=3).hits[0].row.file == "uploads/工作简报.txt"
    for name in names:
        assert uploads.delete(kb, name)[0]


def test_zip_over_its_limits_is_refused_whole(writable_kb, tmp_path):
    kb = writable_kb
    archive = tmp_path / "太多.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(kb.settings.max_zip_files + 1):
            zf.writestr(f"{i}.txt", "x")
    results = uploads.upload_files(kb, [archive])
    assert len(results) == 1 and not results[0].ok and "超过上限" in results[0].message
    not_zip = tmp_path / "假.zip"
    not_zip.write_bytes(b"hello")
    assert "不是有效的 ZIP" in uploads.upload_files(kb, [not_zip])[0].message


def zip_bomb_docx(path: Path, xml_mb: int = 100) -> Path:
    """A valid .docx whose document.xml inflates to ``xml_mb`` MB of repeated paragraphs."""
    src = io.BytesIO(_docx_bytes("占位"))
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout,
    ):
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info, zin.read(info))
        xml = zin.read("word/document.xml").decode()
        head, tail = xml.split("<w:body>")[0] + "<w:body>", "</w:body>" + xml.split("</w:body>")[1]
        para = "<w:p><w:r><w:t>" + "社区治理" * 50 + "</w:t></w:r></w:p>"
        with zout.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head.encode())
            block = (para * 1000).encode()
            for _ in range(xml_mb * 1_000_000 // len(block)):
                f.write(block)
            f.write(tail.encode())
    return path


@pytest.mark.slow
def test_zip_bomb_docx_is_refused_in_bounded_memory(tmp_path):
    """A real process loads the bomb; it fails clearly and its peak memory stays far below 500 MB."""
    import json
    import subprocess
    import sys

    bomb = zip_bomb_docx(tmp_path / "炸弹.docx")
    assert bomb.stat().st_size < 2_000_000
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from ingest.errors import LoadError\n"
        "from ingest.pipeline import process_file\n"
        "try:\n"
        "    process_file(Path(sys.argv[1]), '炸弹.docx')\n"
        "    problem = None\n"
        "except LoadError as e:\n"
        "    problem = e.problem\n"
        # VmHWM, not ru_maxrss: the latter keeps the forking test process's size across exec.
        "hwm = [line for line in open('/proc/self/status') if line.startswith('VmHWM')][0]\n"
        "print(json.dumps({'problem': problem, 'peak_mb': int(hwm.split()[1]) / 1024}))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code, str(bomb)], cwd=root, capture_output=True, text=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"zip-bomb docx {bomb.stat().st_size / 1e6:.2f} MB: peak RSS {out['peak_mb']:.0f} MB")
    assert out["problem"] and "XML" in out["problem"] and "limit" in out["problem"]
    assert out["peak_mb"] < 500
    assert "压缩炸弹" in uploads.chinese_problem(out["problem"])
