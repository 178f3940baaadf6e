"""The ``policykb ask`` command: a streamed answer with citations, or one JSON object per question."""

from __future__ import annotations

import sys

from app.answer.present import present_answer
from app.answer.types import Answer


def add_ask_command(subparsers) -> None:
    """Register ``ask QUESTION [--json] [--llm none|openai] [--kind K] [--region R]``."""
    s = subparsers.add_parser("ask", help="提问: 回答中每个要点都带可核实的引用")
    s.add_argument("question", nargs="*", help="问题 (与 --json 同用且不给问题时从标准输入逐行读取)")
    s.add_argument("--json", action="store_true", help="输出 JSON")
    s.add_argument(
        "--llm", choices=["none", "openai"], help="回答方式: none 为摘录式 (默认取 POLICYKB_LLM_MODE)"
    )
    s.add_argument("--kind", help="只依据某类文档, 如 法律法规、规范性文件、领导讲话、经验交流/案例")
    s.add_argument("--region", help="只依据某地的材料, 如 大连")
    from app.cli.common import add_query_options

    add_query_options(s)
    s.set_defaults(func=cmd_ask)


def _filters(args):
    from index.retrieve import Filters

    return Filters(region=args.region, kind=args.kind)


def print_answer_tail(answer: Answer, streamed: str) -> None:
    """After the streamed text: the fallback answer if it differs, then citations or suggested topics."""
    out = sys.stdout
    shown = present_answer(answer.answer)
    if shown.strip() != streamed.strip():
        if streamed.strip():
            out.write("\n\n")
        if answer.notice:
            out.write(f"【提示】{answer.notice}\n\n")
        out.write(shown)
    out.write("\n")
    if answer.citations:
        out.write("\n引用:\n")
        for c in answer.citations:
            place = " · ".join(x for x in (c.label, c.section if c.section != c.title else "", c.region) if x)
            out.write(f"[{c.n}] {place}  ({c.file} {c.start}-{c.end})\n    「{c.quote}」\n")
    if answer.suggestions:
        out.write(f"\n知识库涵盖的主题, 可以试着问: {'、'.join(answer.suggestions)}\n")
    out.flush()


def _ask_plain(kb, question: str, llm_mode, filters, options) -> None:
    from app.services.ask import ask_stream
    from app.services.views import understood_text

    streamed: list[str] = []
    for event in ask_stream(kb, question, llm_mode=llm_mode, filters=filters, **options):
        if event["type"] == "standalone" and event["text"] != question:
            sys.stdout.write(f"(按独立问题检索: {event['text']})\n")
        elif event["type"] == "curated":
            from app.cli.usage import curated_text

            sys.stdout.write(curated_text(event["match"]))
        elif event["type"] == "delta":
            text = present_answer(event["text"])
            streamed.append(text)
            sys.stdout.write(text)
            sys.stdout.flush()
        elif event["type"] == "done":
            print_answer_tail(event["answer"], "".join(streamed))
            understood = understood_text(event["answer"])
            if understood:
                sys.stdout.write(f"({understood})\n")


def cmd_ask(args) -> int:
    from app.cli.common import json_per_line, open_kb, print_json
    from app.services.ask import ask
    from app.services.views import answer_json

    kb = open_kb(args)
    filters = _filters(args)
    options = {"use_region": not args.no_region, "all_versions": args.all_versions}
    if args.question:
        question = " ".join(args.question)
        if args.json:
            print_json(answer_json(ask(kb, question, llm_mode=args.llm, filters=filters, **options)))
        else:
            _ask_plain(kb, question, args.llm, filters, options)
        return 0
    return json_per_line(
        args, "问题", lambda q: answer_json(ask(kb, q, llm_mode=args.llm, filters=filters, **options))
    )
