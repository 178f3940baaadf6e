"""Tables written to .xlsx (openpyxl) or .csv (UTF-8 with BOM, which Excel opens as Chinese) and read back."""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.errors import PolicykbError

_MAX_CELL = 32_000  # Excel refuses longer cells


def write_table(path: Path, headers: list[str], rows: list[list], sheet: str = "Sheet1") -> Path:
    """One table; the format follows the file's extension (.xlsx or .csv)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(headers)
            writer.writerows([[_csv_cell(v) for v in row] for row in rows])
        return path
    if suffix != ".xlsx":
        raise PolicykbError(f"{path.name}: 只能导出为 .xlsx 或 .csv")
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append(headers)
    for r, row in enumerate(rows, 2):
        for c, value in enumerate(row, 1):
            cell = ws.cell(r, c)
            cell.value = _cell(value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a user's text, never a formula when the administrator opens it
    for i, header in enumerate(headers):
        ws.column_dimensions[ws.cell(1, i + 1).column_letter].width = max(10, min(60, len(header) * 3))
    ws.freeze_panes = "A2"
    book.save(path)
    return path


def _csv_cell(value):
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV has no cell types)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, str):
        # control characters other than newline/tab make openpyxl refuse the whole file
        value = "".join(c for c in value if c in "\n\t" or ord(c) >= 32)[:_MAX_CELL]
    return value


def read_table(path: Path) -> list[dict]:
    """Rows of the first sheet (or the CSV) as dicts keyed by the header row; blank rows skipped."""
    path = Path(path)
    if not path.is_file():
        raise PolicykbError(f"找不到文件 {path}")
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [r for r in csv.DictReader(f) if any((v or "").strip() for v in r.values())]
    if path.suffix.lower() != ".xlsx":
        raise PolicykbError(f"{path.name}: 只能导入 .xlsx 或 .csv 文件")
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise PolicykbError(f"{path.name}: 不是有效的 Excel 文件（{type(e).__name__}）") from e
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    if not rows:
        return []
    headers = [str(h or "").strip() for h in rows[0]]
    out = []
    for values in rows[1:]:
        if values and any(v not in (None, "") for v in values):
            out.append({h: ("" if v is None else v) for h, v in zip(headers, values, strict=False) if h})
    return out
