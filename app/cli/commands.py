"""policykb command line: ingest, docs, show, validity, search, eval, ask, feedback, faq, backup, restore, serve."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from app.cli.common import add_query_options, json_per_line, open_kb, print_json, say
from app.settings import load_settings
from ingest.errors import PolicykbError

log = logging.getLogger("policykb")
GENERATED = "（标题系自动生成）"


def _progress_factory(enabled: bool, terminal: bool = True):
    """Per stage, a callable that advances it: a tqdm bar on a terminal, else plain lines on stderr.

    Without a terminal (output sent to a file or a log) a bar prints nothing useful: files
    get one line each, other stages one line per 5%.
    """
    if not enabled:
        return None
    if terminal:
        from tqdm import tqdm

        def make(label: str, total: int):
            bar = tqdm(total=total, desc=label, unit="", file=sys.stderr, leave=False, dynamic_ncols=True)
            return bar.update

        return make

    def make_lines(label: str, total: int):
        step = 1 if label == "文件" else max(1, total // 20)
        done, shown = 0, 0

        def advance(n: int = 1) -> None:
            nonlocal done, shown
            done += n
            if done - shown >= step or (done >= total and shown < total):
                shown = done
                percent = 100 * done // max(1, total)
                print(f"{label} {done}/{total}（{percent}%）", file=sys.stderr, flush=True)

        return advance

    return make_lines


def cmd_ingest(args) -> int:
    from app.services.ingest import ingest

    kb = open_kb(args)
    paths = [Path(p) for p in args.paths] or [kb.settings.corpus_dir]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"找不到路径: {', '.join(missing)}", file=sys.stderr)
        return 2
    progress = _progress_factory(not args.quiet, sys.stderr.isatty())
    report = ingest(kb, paths, rebuild=args.rebuild, progress=progress, on_wait=say)
    if args.json:
        print_json(
            {
                "files": report.files,
                "processed": report.processed,
                "unchanged": report.unchanged,
                "removed": report.removed,
                "skipped": report.skipped,
                "failed": [{"file": f, "reason": r} for f, r in report.failed],
                "sections": report.sections,
                "chunks": report.chunks,
                "indexed": report.indexed,
                "added": report.added,
                "embedded": report.embedded,
                "seconds": round(report.seconds, 2),
            }
        )
    else:
        print(
            f"文档 {report.files} 份(本次处理 {len(report.processed)},未变 {len(report.unchanged)},"
            f"删除 {len(report.removed)}),分节 {report.sections},分块 {report.chunks},"
            f"入索引 {report.indexed}(新算向量 {report.embedded}),用时 {report.seconds:.1f} 秒"
        )
        for name in report.skipped:
            print(f"跳过 {name}: 不支持的文件类型")
        for name, reason in report.failed:
            print(f"失败 {name}: {reason}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_docs(args) -> int:
    from app.services.views import document_summary

    kb = open_kb(args)
    docs = [document_summary(d) for d in kb.docstore.all()]
    if args.json:
        print_json(docs)
        return 0
    if not docs:
        print("知识库为空: 先运行 policykb ingest")
    for d in docs:
        status = f" [{d['status']}]" if d["status"] else ""
        print(
            f"{d['file']}  {d['title']}{GENERATED if d.get('title_generated') else ''}  [{d['kind']}]{status} "
            f"{d['doc_no'] or ''} {d['date'] or ''} {'、'.join(d['regions'])}  块 {d['chunks']}"
        )
        for s in d["sections"]:
            print(f"    · {s['title']}  {s['region']}  [{s['kind']}]")
    return 0


def cmd_show(args) -> int:
    from app.services.views import document_full

    kb = open_kb(args)
    doc = kb.docstore.get(args.file)
    if doc is None:
        print(f"{args.file}: 知识库中没有这份文档 (policykb docs 列出全部)", file=sys.stderr)
        return 2
    full = document_full(doc)
    if args.json:
        print_json(full)
    else:
        print(
            f"# {full['title']}{GENERATED if full.get('title_generated') else ''}\n{full['file']} [{full['kind']}] {full['date'] or ''} {'、'.join(full['regions'])}\n"
        )
        print(full["text"])
    return 0


def cmd_validity(args) -> int:
    from app.services.validity import set_validity

    ok, message = set_validity(open_kb(args), args.file, args.status)
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 2


def _filters(args):
    from index.retrieve import Filters

    return Filters(
        region=args.region,
        kind=args.kind,
        year=args.year,
        file=args.file,
        section=args.section,
        cases_only=args.cases,
    )


def _print_search(result) -> None:
    from app.services.views import search_notes

    for note in search_notes(result):
        print(f"({note})")
    if not result.found:
        print("知识库中没有找到与该问题相关的内容。")
        return
    for rank, hit in enumerate(result.hits, 1):
        r = hit.row
        where = f"{r.article} " if r.article else ""
        old = f" [{r.status}]" if r.status and r.status != "现行有效" else ""
        print(
            f"[{rank}] 《{r.title}》{where}· {r.section}  {r.region} [{r.kind}]{old} {r.date}  ({r.file} {r.start}-{r.end})"
        )
        print(f"    {r.text}")
        for other in r.also_in:
            print(f"    亦见: {other['file']} · {other['section']}")


def cmd_search(args) -> int:
    from app.services.views import search_json

    kb = open_kb(args)
    filters = _filters(args)
    options = {"use_region": not args.no_region, "all_versions": args.all_versions}
    if args.query:
        result = kb.search(" ".join(args.query), args.k, filters, args.mode, **options)
        print_json(search_json(result)) if args.json else _print_search(result)
        return 0
    return json_per_line(
        args, "检索词", lambda q: search_json(kb.search(q, args.k, filters, args.mode, **options))
    )


def cmd_eval(args) -> int:
    from app.services.evaluate import (
        evaluate,
        evaluate_answers,
        format_answer_table,
        format_table,
        read_questions,
    )

    kb = open_kb(args)
    modes = ["keyword", "dense", "hybrid"] + (["hybrid+rerank"] if kb.settings.rerank_model else [])
    questions = read_questions(Path(args.questions))
    scores = evaluate(kb, questions, modes)
    answers = None if args.no_answers else evaluate_answers(kb, questions)
    if args.json:
        out = {"retrieval": [s.as_dict() for s in scores]}
        if answers is not None:
            out["answers"] = answers.as_dict()
        print_json(out)
    else:
        print(format_table(scores))
        if answers is not None:
            print()
            print(format_answer_table(answers))
    return 0


def cmd_serve(args) -> int:
    from app.web.ui import serve

    overrides = {"host": args.host, "port": args.port}
    if args.data_dir:
        overrides["data_dir"] = Path(args.data_dir)
    serve(load_settings(**overrides))
    return 0


def cmd_backup(args) -> int:
    from app.services.backup import backup

    settings = load_settings(**({"data_dir": Path(args.data_dir)} if args.data_dir else {}))
    info = backup(settings, Path(args.file), on_wait=say)
    print(f"已备份到 {args.file}：文档 {info['documents']} 份，分块 {info['chunks']}，向量 {info['vectors']}")
    return 0


def cmd_restore(args) -> int:
    from app.services.backup import restore

    target = args.target_dir or args.data_dir
    settings = load_settings(**({"data_dir": Path(target)} if target else {}))
    info = restore(settings, Path(args.file), on_wait=say)
    print(
        f"已从 {args.file}（{info['created']}）恢复到 {settings.data_dir}：文档 {info['documents']} 份，"
        f"分块 {info['chunks']}，新算向量 {info['embedded']}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policykb", description="党建引领基层治理 知识库: 入库、检索、问答")
    p.add_argument("--data-dir", help="数据目录 (默认 POLICYKB_DATA_DIR 或 data/)")
    p.add_argument("-v", "--verbose", action="store_true", help="输出运行日志 (INFO 级别)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="清洗、切分并索引文档 (默认 corpus/)")
    s.add_argument("paths", nargs="*", help="要入库的文件或文件夹 (默认 POLICYKB_CORPUS_DIR, 即 corpus/)")
    s.add_argument("--rebuild", action="store_true", help="重新处理全部文件")
    s.add_argument("--json", action="store_true", help="以 JSON 输出入库结果")
    s.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("docs", help="列出文档及其分节")
    s.add_argument("--json", action="store_true", help="以 JSON 输出")
    s.set_defaults(func=cmd_docs)

    s = sub.add_parser("show", help="显示一份文档清洗后的全文")
    s.add_argument("file", help="文档的文件名, 如 000_x.txt (policykb docs 列出全部)")
    s.add_argument("--json", action="store_true", help="以 JSON 输出全文及元数据")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("validity", help="人工设定文档效力 (现行有效、已被修订、已废止; 自动 = 按文本判断)")
    s.add_argument("file", help="文档名, 如 policykb docs 所列")
    s.add_argument("status", help="现行有效、已被修订、已废止 或 自动")
    s.set_defaults(func=cmd_validity)

    s = sub.add_parser("search", help="检索段落")
    s.add_argument("query", nargs="*", help="检索词或问题 (与 --json 同用且不给时从标准输入逐行读取)")
    s.add_argument("-k", type=int, default=None, help="返回条数 (默认 POLICYKB_TOP_K)")
    s.add_argument("--region", help="只检索某地的材料, 如 大连 (含其下各区县)")
    s.add_argument("--kind", help="只检索某类材料, 如 经验交流/案例")
    s.add_argument("--year", type=int, help="只检索某年的材料, 如 2023")
    s.add_argument("--file", help="只检索某份文档 (文件名)")
    s.add_argument("--section", help="只检索标题含此词的章节")
    s.add_argument("--cases", action="store_true", help="只检索经验案例")
    s.add_argument(
        "--mode", choices=["hybrid", "dense", "keyword"], help="检索方式: 混合 (默认)、向量或关键词"
    )
    add_query_options(s)
    s.add_argument("--json", action="store_true", help="以 JSON 输出 (每个检索词一行)")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("eval", help="在问题集上评测检索与回答")
    s.add_argument("questions", help="问题集文件 (JSONL: 每行 question 与 gold)")
    s.add_argument("--no-answers", action="store_true", help="只评测检索, 不生成回答")
    s.add_argument("--json", action="store_true", help="以 JSON 输出各检索方式与回答的指标")
    s.set_defaults(func=cmd_eval)

    from app.cli.ask import add_ask_command

    add_ask_command(sub)

    from app.cli.usage import add_usage_commands

    add_usage_commands(sub)

    s = sub.add_parser("backup", help="把知识库备份为一个 .tar.gz 文件（应用运行时也可以）")
    s.add_argument("file", help="备份文件路径, 如 kb-2026.tar.gz")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", help="从备份文件恢复知识库（替换数据目录中的知识库）")
    s.add_argument("file", help="policykb backup 生成的备份文件")
    s.add_argument("--data-dir", dest="target_dir", help="恢复到的数据目录 (默认同全局 --data-dir)")
    s.set_defaults(func=cmd_restore)

    s = sub.add_parser("serve", help="启动网页应用")
    s.add_argument("--host", help="绑定地址 (默认 POLICYKB_HOST, 即 127.0.0.1)")
    s.add_argument("--port", type=int, help="端口 (默认 POLICYKB_PORT, 即 7860)")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        code = args.func(args)
    except PolicykbError as e:
        print(f"错误: {e}", file=sys.stderr)
        code = 2
    except BrokenPipeError:
        code = 0
    sys.exit(code)
