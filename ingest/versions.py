"""Versions of one policy across the library, and which of them is in force.

Two documents are versions of one policy when their titles are the same once 中华人民共和国 and
bracketed notes (（2016年修订）, （试行）) are dropped, or when one says it replaces the other
(``…《某某条例》同时废止``, ``…废止《某某办法》``). In each chain the newest version is 现行有效; an
older one is 已被修订 when a later version of the same title followed it, 已废止 when a newer text
abolished it. A status set by hand (``overrides``) wins over what the texts say.
"""

from __future__ import annotations

import re

from ingest.types import Document

IN_FORCE, AMENDED, REPEALED = "现行有效", "已被修订", "已废止"
STATUSES = (IN_FORCE, AMENDED, REPEALED)
POLICY_KINDS = ("法律法规", "党内法规", "规范性文件")
_BRACKETS = re.compile(r"[（(][^（）()]{0,30}[)）]")
_REPEALS = re.compile(r"《([^《》]{2,80})》[^。；\n《]{0,30}?(?:同时|予以|即行)?废止|废止《([^《》]{2,80})》")
_DATE_KEYS = ("修订", "修正", "通过", "成文", "发布", "施行")


def version_key(title: str) -> str:
    """中华人民共和国城乡社区协商法（2022年修订） -> 城乡社区协商法."""
    t = _BRACKETS.sub("", title)
    t = re.sub(r"^中华人民共和国", "", t)
    return re.sub(r"[\s　《》“”\"]", "", t)


def version_date(dates: dict[str, str]) -> str | None:
    """The date of a version from its stated dates: its last amendment (a 修订 of 2010 then a 修正
    of 2018: 2018), else adoption, else any stated date; None when it states none."""
    amended = [dates[k] for k in ("修订", "修正") if k in dates]
    if amended:
        return max(amended)
    return next((dates[k] for k in _DATE_KEYS if k in dates), None)


def _when(doc: Document) -> str:
    return version_date(doc.dates) or doc.date or ""


def link_versions(documents: list[Document], overrides: dict[str, str] | None = None) -> list[Document]:
    """Set status, version_of and superseded_by on every policy document; returns those that changed."""
    overrides = overrides or {}
    policies = [d for d in documents if d.kind in POLICY_KINDS and not d.title_generated]
    parent = {d.file: d.file for d in policies}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_key: dict[str, list[Document]] = {}
    for d in policies:
        by_key.setdefault(version_key(d.title), []).append(d)
    for group in by_key.values():
        for d in group[1:]:
            parent[find(d.file)] = find(group[0].file)
    repealed_by: dict[str, str] = {}  # file -> the file whose text abolishes it
    for d in policies:
        for m in _REPEALS.finditer(d.text):
            named = version_key(m.group(1) or m.group(2))
            for old in by_key.get(named, []):
                if old.file != d.file and _when(old) <= _when(d):
                    repealed_by[old.file] = d.file
                    parent[find(old.file)] = find(d.file)
    chains: dict[str, list[Document]] = {}
    for d in policies:
        chains.setdefault(find(d.file), []).append(d)
    wanted: dict[str, tuple[str, str | None, str | None]] = {}
    for chain in chains.values():
        chain.sort(key=lambda d: (_when(d), d.file))
        newest = chain[-1]
        key = version_key(newest.title)
        for i, d in enumerate(chain):
            if d is newest:
                wanted[d.file] = (IN_FORCE, key, None)
            elif d.file in repealed_by:
                wanted[d.file] = (REPEALED, key, repealed_by[d.file])
            else:
                wanted[d.file] = (AMENDED, key, chain[i + 1].file)
    changed = []
    for d in documents:
        status, key, by = wanted.get(d.file, ("", None, None))
        manual = d.file in overrides
        if manual:
            status = overrides[d.file]
        before = (d.status, d.version_of, d.superseded_by, d.status_manual)
        d.status, d.version_of, d.superseded_by, d.status_manual = status, key, by, manual
        if (d.status, d.version_of, d.superseded_by, d.status_manual) != before:
            changed.append(d)
    return changed
