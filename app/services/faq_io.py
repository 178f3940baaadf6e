"""Curated answers to and from a spreadsheet, and as a Citation for the source panel.

Column layout of the .xlsx (one curated answer per row; the same headers in a .csv):

====== =========================================================================
编号    the id (empty for a new one; an existing id is updated on import)
问题    the question
相似问法 other phrasings of the question, one per line
答案    the answer text, its markers [n] refer to 引用
引用    one citation per line: ``[n] 文件名 起始-结束 ｜ 引文`` (offsets in the cleaned text)
状态    启用 or 停用
审核人  who checked it
审核时间 when (export only; an import stamps the time of the import)
待复核  why it must be checked again (export only)
====== =========================================================================
"""

from __future__ import annotations

from pathlib import Path

from app.answer.types import Citation
from app.services import faq as faq_service
from app.services.sheets import read_table, write_table

HEADERS = ["编号", "问题", "相似问法", "答案", "引用", "状态", "审核人", "审核时间", "待复核"]
ACTIVE, RETIRED = "启用", "停用"


def export_faq(kb, path: Path) -> Path:
    rows = [
        [
            item["id"],
            item["question"],
            "\n".join(item["variants"]),
            item["answer"],
            faq_service.citation_lines(item["citations"]),
            ACTIVE if item["active"] else RETIRED,
            item["reviewed_by"],
            item["reviewed_at"],
            "；".join(item["review"]),
        ]
        for item in faq_service.items(kb)
    ]
    return write_table(path, HEADERS, rows, sheet=faq_service.FAQ_KIND)


def import_faq(kb, path: Path) -> tuple[int, int, list[str]]:
    """(created, updated, problems): a bad row is reported by its row number and the others go on."""
    created = updated = 0
    problems = []
    for i, row in enumerate(read_table(path), 2):
        try:
            raw_id = str(row.get("编号", "") or "").strip()
            item_id = int(float(raw_id)) if raw_id else None
            if item_id is not None and faq_service.get(kb, item_id) is None:
                item_id = None  # an id from another knowledge base: a new curated answer here
            saved = faq_service.save(
                kb,
                str(row.get("问题", "")),
                str(row.get("答案", "")),
                str(row.get("引用", "")),
                str(row.get("审核人", "")),
                str(row.get("相似问法", "")),
                item_id,
            )
            faq_service.set_active(kb, saved, str(row.get("状态", "") or ACTIVE).strip() != RETIRED)
            if item_id is None:
                created += 1
            else:
                updated += 1
        except (faq_service.FaqError, ValueError) as e:
            problems.append(f"{Path(path).name} 第 {i} 行：{e}")
    return created, updated, problems


def as_citation(item: dict, n: int, doc=None) -> Citation:
    """Citation ``n`` of a curated answer, shaped like an answer's for the source panel
    (region, date and kind from ``doc``, the cited document, when it is still there)."""
    c = next(c for c in item["citations"] if c["n"] == n)
    section = next((s for s in doc.sections if s.start <= c["start"] < s.end), None) if doc else None
    return Citation(
        n, c["file"], c["title"], c.get("article") or c.get("section", ""),
        section.region if section else "", (doc.date or "") if doc else "",
        (section.kind if section else "") or (doc.kind if doc else ""), c["quote"], c["start"], c["end"],
    )  # fmt: skip
