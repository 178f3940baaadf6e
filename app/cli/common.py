"""What every policykb subcommand shares: opening the knowledge base, JSON lines, messages, query options."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.settings import load_settings


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def open_kb(args):
    from app.kb import KnowledgeBase

    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return KnowledgeBase(load_settings(**overrides))


def json_per_line(args, what: str, answer_one) -> int:
    """Answer each non-empty line of standard input with one JSON line (models are loaded once)."""
    if not args.json:
        print(f"没有给出{what} (从标准输入逐行读取需要 --json)", file=sys.stderr)
        return 2
    for line in sys.stdin:
        if line.strip():
            print_json(answer_one(line.strip()))
    return 0


def add_query_options(parser) -> None:
    parser.add_argument("--no-region", action="store_true", help="不按问题中提到的地区优先排序")
    parser.add_argument(
        "--all-versions", action="store_true", help="已被修订或废止的旧版本与现行版本一起检索"
    )
