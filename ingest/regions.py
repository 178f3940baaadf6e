"""Place names in Chinese text, resolved to a province/city/district path with a gazetteer."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "gazetteer.tsv"
_SUFFIXES = ("特别行政区", "维吾尔自治区", "回族自治区", "壮族自治区", "自治区", "省", "市", "地区", "盟")
# Short forms that are also ordinary words or names (长治久安, 大同小异, 朝阳产业, 中山先生...).
_AMBIGUOUS_SHORT = set(
    "长治 大同 安康 朝阳 四平 白银 中山 黄山 三沙 白山 玉树 海东 通化 定西 吉安 白城".split()
)
# A mention followed by these is a street, school or company, not the place the text is about.
_STREET_AFTER = re.compile(r"^(路|街|大街|大道|道)")
_INSTITUTION_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,6}?(大学|学院|学校|医院|集团|银行|公司|报社|电视台)")
_WEAK_BEFORE = ("到", "赴", "去", "往")  # destinations of visits weigh little
_COUNTY_PATTERN = re.compile(r"([\u4e00-\u9fff]{2,6}?[市州盟])([\u4e00-\u9fff]{1,4}?[区县旗])")
# Text names a district (区/县/旗, or a county-level city) right after its city: 许昌市魏都区.


@dataclass(frozen=True)
class Place:
    name: str
    path: tuple[str, ...]  # from province down, e.g. (辽宁省, 大连市, 甘井子区)


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Parent names by full name, and full names by surface form (full and short)."""
    parents, surfaces, _ = _tables()
    return parents, surfaces


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, list[str]], dict[str, list[str]], frozenset[str]]:
    """(parents, surfaces, surfaces that count only as a word of their own).

    The table lists every county-level division (scripts/make_gazetteer.py). Their short forms
    (义乌, 磐石, 文山) and short names (兴县, 理县, 市中区) hide inside ordinary words and idioms
    (坚如磐石, 文山会海, 振兴县域, 管理县级, 城市中区), so such a match counts only when the word segmenter
    cuts the text at both of its ends.
    """
    parents: dict[str, list[str]] = defaultdict(list)
    shorts: dict[str, str | None] = {}
    county: set[str] = set()
    for line in _DATA.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        name, parent = cols[0], cols[1] if len(cols) > 1 else ""
        parents[name].append(parent)
        shorts[name] = (cols[2] or None) if len(cols) > 2 else _short_form(name)
        if len(cols) > 3 and cols[3] == "县":
            county.add(name)
    surfaces: dict[str, list[str]] = defaultdict(list)
    checked: set[str] = set()
    for name in parents:
        surfaces[name].append(name)
        if name in county and len(name) <= 3:  # 市中区 in 城市中区, 兴县 in 振兴县域
            checked.add(name)
        short = shorts[name]
        if short and short not in _AMBIGUOUS_SHORT and short != name:
            surfaces[short].append(name)
            if name in county:
                checked.add(short)
    return dict(parents), dict(surfaces), frozenset(checked)


def _short_form(name: str) -> str | None:
    if name.endswith(("区", "县", "旗")):
        # 西岗, 和平, 城关 collide with ordinary words; 3-character stems (扎鲁特, 甘井子) do not.
        return name[:-1] if len(name) >= 4 and not name.endswith("新区") else None
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            short = name[: -len(suffix)]
            # 内蒙古自治区 -> 内蒙古, 延边朝鲜族自治州 -> keep full name only
            return None if short.endswith("族") else short
    return None


def _paths(name: str, parents: dict[str, list[str]]) -> list[tuple[str, ...]]:
    out = []
    for parent in parents.get(name, [""]):
        if not parent:
            out.append((name,))
        else:
            out.extend(p + (name,) for p in _paths(parent, parents))
    return out


@lru_cache(maxsize=1)
def _surface_index() -> tuple[frozenset[str], tuple[int, ...]]:
    _, surfaces = _gazetteer()
    return frozenset(surfaces), tuple(sorted({len(n) for n in surfaces}, reverse=True))


def _surface_matches(text: str):
    """Leftmost-longest gazetteer surfaces in ``text`` (a dictionary scan: thousands of names make
    one alternation regex slow)."""
    names, lengths = _surface_index()
    i, n = 0, len(text)
    while i < n:
        for length in lengths:
            if i + length <= n and text[i : i + length] in names:
                yield i, i + length, text[i : i + length]
                break
        else:
            i += 1
            continue
        i += length


@lru_cache(maxsize=1)
def _segmenter():
    import jieba

    jieba.setLogLevel(60)
    return jieba.Tokenizer()


def _stands_alone(text: str, start: int, end: int) -> bool:
    """True when the segmenter cuts ``text`` at both ends of ``start:end`` (磐石 in 坚如磐石 is not a place).

    A full name may lend its last character to the next word (平遥|县委, 魏都|区委)."""
    lo, hi = max(0, start - 6), min(len(text), end + 6)
    cuts, pos = {lo}, lo
    for token in _segmenter().cut(text[lo:hi], HMM=False):
        pos += len(token)
        cuts.add(pos)
    full = text[end - 1 : end] in "县区市旗"
    return start in cuts and (end in cuts or (full and end - 1 in cuts))


# A district followed by 域 is a 区域 (平安区域), a city by 场 a 市场 (东方市场).
_WORD_AFTER = {"区": "域", "市": "场"}


def learn_districts(text: str) -> dict[str, str]:
    """District -> city pairs the text itself states, as in 许昌市魏都区."""
    parents, surfaces = _gazetteer()
    learned = {}
    for m in _COUNTY_PATTERN.finditer(text):
        city, district = m.group(1), m.group(2)
        full_city = city if city in parents else next(iter(surfaces.get(city[:-1], [])), None)
        if full_city and district not in parents and len(district) >= 2:
            learned[district] = full_city
    return learned


_QUOTED = re.compile(r"“[^“”\n]{0,300}”")
# A place visited (考察、调研) is where a leader went, not what the text is about.
_VISIT_AFTER = re.compile(r"^[^，。；！？,\n]{0,12}?(考察|调研|视察|检查指导|察看)")


@dataclass
class Mention:
    place: Place
    start: int
    weight: float


def find_places(text: str, learned: dict[str, str] | None = None) -> list[Mention]:
    """Every gazetteer place named in ``text``, with a weight for how likely it is the subject."""
    parents, surfaces, checked = _tables()
    learned = learned or {}
    found: list[Mention] = []
    spans = []
    for start, end, surface in _surface_matches(text):
        if _WORD_AFTER.get(surface[-1]) == text[end : end + 1]:
            continue
        if surface in checked and not _stands_alone(text, start, end):
            continue
        spans.append((start, end, surfaces[surface]))
    for district in learned:
        for m in re.finditer(re.escape(district), text):
            spans.append((m.start(), m.end(), [district]))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    last_end = -1
    for start, end, names in spans:
        if start < last_end:
            continue  # inside a longer match
        last_end = end
        after = text[end : end + 8]
        if _STREET_AFTER.match(after):
            continue
        weight = 0.4 if _INSTITUTION_AFTER.match(after) else 1.0
        if text[max(0, start - 1) : start] in _WEAK_BEFORE:
            weight *= 0.5
        if _VISIT_AFTER.match(text[end : end + 16]) or any(a < start and end < b for a, b in quoted):
            weight *= 0.2
        for name in names:
            if name in learned and name not in parents:
                city_paths = _paths(learned[name], parents)
                paths = [p + (name,) for p in city_paths]
            else:
                paths = _paths(name, parents)
            for path in paths:
                found.append(Mention(Place(name, path), start, weight / len(paths)))
    return [m for m in found if m.weight > 0]


def display(path: tuple[str, ...] | list[str]) -> str:
    """Readable region: city and district without the province (大连市甘井子区), or the province alone."""
    path = list(path)
    municipalities = {"北京市", "天津市", "上海市", "重庆市"}
    if len(path) >= 2 and path[0] not in municipalities:
        return "".join(path[1:3])
    return "".join(path[:2])


def resolve_region(
    text: str, learned: dict[str, str] | None = None, prior: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """The most supported place path of ``text``; () when it names no place with confidence.

    Support flows upward: a district mention also supports its city and province. The
    result is the deepest path whose node has clearly more support than its siblings.
    Places inside ``prior`` (the document's own province) count double.
    """
    mentions = find_places(text, learned)
    if not mentions:
        return ()
    support: dict[tuple[str, ...], float] = defaultdict(float)
    for m in mentions:
        weight = m.weight * (2.0 if prior and m.place.path[: len(prior)] == prior else 1.0)
        for depth in range(1, len(m.place.path) + 1):
            support[m.place.path[:depth]] += weight
    best: tuple[str, ...] = ()
    while True:
        children = [(p, s) for p, s in support.items() if len(p) == len(best) + 1 and p[: len(best)] == best]
        if not children:
            break
        children.sort(key=lambda ps: -ps[1])
        top, top_support = children[0]
        runner_up = children[1][1] if len(children) > 1 else 0.0
        if top_support < 0.5 or top_support < 1.5 * runner_up:
            break  # no clear winner at this level: stay at the common ancestor
        best = top
    return best


_LEVEL_SUFFIX = (("省", "省"), ("自治区", "省"), ("特别行政区", "省"), ("自治州", "市"), ("市", "市"),
                 ("州", "市"), ("盟", "市"), ("地区", "市"), ("县", "县区"), ("区", "县区"), ("旗", "县区"),
                 ("街道", "街道社区"), ("镇", "街道社区"), ("乡", "街道社区"), ("社区", "街道社区"))  # fmt: skip
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# A name the gazetteer does not know, in front of an authority: 青禾市, 云岭省, 松川区.
_UNKNOWN_PLACE = re.compile(r"([\u4e00-\u9fff]{2,4}?(?:省|自治区|自治州|市|州|盟|县|区|旗|街道|镇|乡))")
_NOT_A_STEM = set("社小园城景辖片街山牧林灾都超股全本各该我市县区省")


def leading_region(name: str) -> list[str]:
    """The region path an authority or a title opens with: 北京市物业管理条例 -> [北京市],
    杭州市… -> [浙江省, 杭州市], 云岭省青禾市… -> [云岭省, 青禾市]; [] when it names none."""
    name = re.sub(r"^(中共|中国共产党)", "", name)
    path: list[str] = []
    pos = 0
    while pos < len(name):
        mentions = [m for m in find_places(name[pos : pos + 12]) if m.start == 0]
        if mentions:
            m = max(mentions, key=lambda x: (len(x.place.name), x.weight))
            found = list(m.place.path)
            path = found if not path or found[: len(path)] == path else path + found[-1:]
            pos += len(m.place.name)
            if name[pos : pos + 1] == "委":  # 青禾市委: the city's party committee
                break
            continue
        u = _UNKNOWN_PLACE.match(name, pos)
        if not u or u.group(1)[-2] in _NOT_A_STEM or u.group(1)[0] in _NOT_A_STEM:
            break
        path.append(u.group(1))
        pos = u.end()
    return path


def level_of(path: list[str]) -> str:
    """全国/省/市/县区/街道社区 of a region path."""
    if not path:
        return ""
    if path == ["全国"]:
        return "全国"
    last = path[-1]
    if len(path) == 1 and last in _MUNICIPALITIES:
        return "省"
    if len(path) == 2 and path[0] in _MUNICIPALITIES:
        return "县区"
    for suffix, level in sorted(_LEVEL_SUFFIX, key=lambda x: -len(x[0])):
        if last.endswith(suffix):
            return level
    return ""
