"""``policykb feedback export FILE`` and ``policykb faq import|export FILE``."""

from __future__ import annotations

import sys
from pathlib import Path


def cmd_feedback(args) -> int:
    from app.cli.common import open_kb
    from app.services.admin import export_feedback

    path = export_feedback(open_kb(args), Path(args.file), args.since, args.until, args.reason)
    print(f"已导出使用记录到 {path}")
    return 0


def cmd_faq(args) -> int:
    from app.cli.common import open_kb
    from app.services import faq_io

    kb = open_kb(args)
    if args.action == "export":
        print(f"已导出常见问答到 {faq_io.export_faq(kb, Path(args.file))}")
        return 0
    created, updated, problems = faq_io.import_faq(kb, Path(args.file))
    print(f"导入完成：新增 {created} 条，更新 {updated} 条，失败 {len(problems)} 条")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def curated_text(match) -> str:
    """A curated answer as ``policykb ask`` prints it before the retrieved answer."""
    item = match.item
    if match.review:
        return f"(有一条相近的常见问答正在等待复核: {'；'.join(match.review)})\n"
    cites = "".join(f"[{c['n']}] 《{c['title']}》{c.get('article') or c.get('section') or ''}  ({c['file']} "
                    f"{c['start']}-{c['end']})\n    「{c['quote']}」\n" for c in item["citations"])  # fmt: skip
    return (
        f"【常见问答 · 已审核 · {item['reviewed_by']} {item['reviewed_at'][:16]}】{item['question']}\n"
        f"{item['answer']}\n{cites}\n以下为检索到的相关内容:\n"
    )


def add_usage_commands(sub) -> None:
    from app.services.feedback import REASONS

    s = sub.add_parser("feedback", help="导出提问记录与回答评价 (.xlsx 或 .csv)")
    s.add_argument("action", choices=["export"], help="export: 导出")
    s.add_argument("file", help="输出文件，扩展名 .xlsx 或 .csv")
    s.add_argument("--since", help="起始日期 YYYY-MM-DD")
    s.add_argument("--until", help="截止日期 YYYY-MM-DD")
    s.add_argument("--reason", choices=REASONS, help="只导出该原因的“没用”评价")
    s.set_defaults(func=cmd_feedback)

    s = sub.add_parser("faq", help="导入或导出常见问答 (.xlsx，列见 README)")
    s.add_argument("action", choices=["import", "export"], help="import: 从文件导入; export: 导出到文件")
    s.add_argument("file", help=".xlsx 文件 (列见 README“常见问答”)")
    s.set_defaults(func=cmd_faq)
