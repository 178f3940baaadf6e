"""What a policy document states about itself: issuer, 文号, dates, issuing region and level.

Read from the lines cleaning removed (文号, 发文机关标志, metadata tables, date lines), the
statute's 通过/修正 line under the title, the title itself and the closing 施行 sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.frontmatter import DOC_NO
from ingest.regions import leading_region, level_of
from ingest.types import Removed

NUM = "一二三四五六七八九十百千零〇两"
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_EVENT = re.compile(_DATE + r"([^。；\n]{0,90}?)(通过|批准|修正|修订|公布|发布|印发)")
HISTORY_LINES = 40  # a statute's history is read this far down at most
_IN_FORCE = re.compile(r"自\s*" + _DATE + r"\s*起\s*(?:施行|实施|执行)")
_ANY_DATE = re.compile(r"(20\d\d|19\d\d)\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_BARE_DATE = re.compile(r"[（(]?\s*" + _DATE + r"\s*[)）]?")
_LABELLED = re.compile(
    r"(发文机关|发文字号|成文日期|发布日期|文号)\s*[:：]\s*\|?\s*([^|\s][^|]*?)\s*(?:\||$)"
)
_CONGRESS = re.compile(
    rf"((?:[\u4e00-\u9fff]{{2,12}}?)?)第[{NUM}\d]+届(全国人民代表大会常务委员会|全国人民代表大会|人民代表大会常务委员会|人民代表大会)"
)
_ABOUT = re.compile(r"^(.{2,60}?)关于")
_ORG_END = re.compile(
    r"(委员会|人民政府|办公厅|办公室|组织部|宣传部|统战部|政法委员会|政法委|纪委|监委|党委|党组|工委|人大常委会"
    r"|常务委员会|法院|检察院|政府|部|厅|局|委|署|院|会|办)$"
)
_NATIONAL = re.compile(r"^(中华人民共和国|全国|国务院|中共中央|中央|国家|中国共产党)")
_DECREE = re.compile(rf"令?第[{NUM}\d]+号令?$")
_LINE_END = re.compile(r"[ \t　。]*(?:\n|$)")
_EVENT_KEY = {"通过": "通过", "修正": "修正", "修订": "修订", "公布": "发布", "发布": "发布", "印发": "发布"}
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-–]\s)\s*[^_|｜]{2,24}$")


@dataclass
class PolicyMeta:
    issuer: str | None = None
    doc_no: str | None = None
    dates: dict[str, str] = field(default_factory=dict)
    issuer_region: list[str] = field(default_factory=list)
    level: str = ""
    enacted_by_congress: bool = False  # 人民代表大会 or its standing committee passed it
    decree: bool = False  # published by a 政府令 / 部令


def _iso(y: str, m: str, d: str) -> str:
    return f"{y}-{int(m):02d}-{int(d):02d}"


def strip_site_suffix(title: str) -> str:
    """A page <title> minus the site name after it: 某某条例_某某网 -> 某某条例."""
    return _SITE_SUFFIX.sub("", title).strip() if _SITE_SUFFIX.search(title) else title


def describe_policy(title: str, text: str, removed: list[Removed]) -> PolicyMeta:
    meta = PolicyMeta()
    head = _head(text)
    for item in removed:
        if item.kind == "doc_no":
            meta.doc_no = meta.doc_no or re.sub(r"\s+", "", item.text)
        elif item.kind == "issuer_mark":
            mark = re.sub(r"\s+", "", item.text)
            meta.decree = mark.endswith("令")
            meta.issuer = meta.issuer or re.sub(r"(文件|令|通报|简报)$", "", mark)
        elif item.kind in ("doc_meta", "meta"):
            for key, value in _LABELLED.findall(item.text):
                value = value.strip()
                if key == "发文机关":
                    meta.issuer = meta.issuer or value
                elif key in ("发文字号", "文号") and DOC_NO.match(re.sub(r"\s+", "", value)):
                    meta.doc_no = meta.doc_no or re.sub(r"\s+", "", value)
                elif key in ("成文日期", "发布日期") and (m := _ANY_DATE.search(value)):
                    meta.dates["成文" if key == "成文日期" else "发布"] = _iso(*m.groups())
    if meta.decree and meta.doc_no and not DOC_NO.match(meta.doc_no):
        meta.doc_no = f"{meta.issuer or ''}令{meta.doc_no}"
    _enactment(head, meta)
    in_force = list(_IN_FORCE.finditer(text))
    if in_force:  # the last one: an earlier 自…起施行 may quote another act
        meta.dates.setdefault("施行", _iso(*in_force[-1].groups()[:3]))
    bare = [
        m for r in removed if r.kind in ("meta", "date_line") and (m := _BARE_DATE.fullmatch(r.text.strip()))
    ]
    if bare and "成文" not in meta.dates and (meta.doc_no or meta.decree):
        meta.dates["成文"] = _iso(*bare[-1].groups())  # the date under the 落款
    elif bare and not meta.dates:
        meta.dates["发布"] = _iso(*bare[0].groups())
    about = _ABOUT.match(title)
    if about and _ORG_END.search(about.group(1)):
        joint = joint_issuers(about.group(1))
        if not meta.issuer or (len(joint) > 1 and joint[0] == meta.issuer):
            meta.issuer = "、".join(joint)
    _region(title, head, meta)
    return meta


def _head(text: str) -> str:
    """The title's first lines, and after them every further 通过/批准/修订/修正 line of a statute's
    history (a city's regulation revised three times and approved each time has eight)."""
    lines = text.split("\n")
    n = min(4, len(lines))
    while n < min(len(lines), HISTORY_LINES) and (
        not lines[n].strip() or (_EVENT.search(lines[n]) and _BARE_DATE.match(lines[n].strip()))
    ):
        n += 1
    return "\n".join(lines[:n])


def joint_issuers(names: str) -> list[str]:
    """Authorities written one after another (spaces lost): 中共某市委组织部某市民政局 -> both.

    A new authority starts where a place name or 中共 follows an authority's ending.
    """
    cuts = [0]
    for i in range(2, len(names) - 2):
        rest = names[i:]
        if _ORG_END.search(names[cuts[-1] : i]) and (
            rest.startswith(("中共", "共青团", "国务院")) or leading_region(rest)
        ):
            cuts.append(i)
    parts = [names[a:b] for a, b in zip(cuts, cuts[1:] + [len(names)], strict=False)]
    return parts if all(_ORG_END.search(p) for p in parts) else [names]


def _enactment(head: str, meta: PolicyMeta) -> None:
    """Dates and body of the 通过/修正 line written under a statute's title."""
    for m in _EVENT.finditer(head):
        y, mo, d, between, event = m.groups()
        key = _EVENT_KEY.get(event)
        if key:
            meta.dates[key] = max(meta.dates.get(key, ""), _iso(y, mo, d))
        congress = _CONGRESS.search(between)
        if congress:
            meta.enacted_by_congress = True
            if event in ("通过", "修订", "修正") and not meta.issuer:
                place = congress.group(1)
                meta.issuer = f"{place}{congress.group(2)}"
        elif key == "发布" and not meta.issuer and _LINE_END.match(head, m.end()):
            _publisher(re.sub(r"\s+", "", between), meta)  # a history line: date, body, 公布


def _publisher(body: str, meta: PolicyMeta) -> None:
    """The authorities of a 公布/发布 line (国务院令第379号公布, 中共中央、国务院发布) as the issuer."""
    decree = _DECREE.search(body)
    if decree:
        body = body[: decree.start()]
    names = [n for n in re.split(r"[、，,]", body) if n]
    if names and all(_ORG_END.search(n) or _NATIONAL.fullmatch(n) for n in names):
        meta.issuer = "、".join(names)
        meta.decree = meta.decree or bool(decree)


def _region(title: str, head: str, meta: PolicyMeta) -> None:
    """Region of the issuing authority from the issuer, else the title; national bodies and laws -> 全国."""
    for name in (meta.issuer or "", title):
        if not name:
            continue
        if _NATIONAL.match(name) and not leading_region(re.sub(_NATIONAL, "", name)):
            meta.issuer_region = ["全国"]
            break
        path = leading_region(name)
        if path:
            meta.issuer_region = path
            break
    if not meta.issuer_region and meta.enacted_by_congress and re.search(r"全国人民代表大会", head):
        meta.issuer_region = ["全国"]
    if (
        len(meta.issuer_region) == 1
        and meta.issuer_region != ["全国"]
        and meta.issuer_region[0].endswith("市")
    ):
        # A city's regulation is approved by its province: 云岭省…常务委员会…批准.
        approved = re.search(
            r"日\s*([\u4e00-\u9fff]{2,4}?(?:省|自治区))第[" + NUM + r"\d]+届[^。\n]{0,40}?批准", head
        )
        if approved:
            meta.issuer_region = [approved.group(1)] + meta.issuer_region
    meta.level = level_of(meta.issuer_region)
