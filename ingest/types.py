"""Plain data passed between the ingestion stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class RawDocument:
    """Text as read from a file, before cleaning.

    ``text`` is the decoded file (txt/md), the main content (html), paragraphs and
    tables (docx) or the page texts (pdf). ``page_starts`` holds, for a PDF, the
    offset in ``text`` where each page begins (page n starts at page_starts[n-1]).
    """

    path: str
    text: str
    format: str  # txt, md, html, docx, pdf
    encoding: str | None = None
    page_starts: list[int] | None = None
    title_hint: str | None = None  # a title the format itself carries (html <title>, docx core props)


@dataclass
class Removed:
    """A span dropped by cleaning, kept so metadata (site, date) can be mined from it."""

    kind: str  # nav, keywords, download, related, editor, footer, page_counter, meta, mojibake, duplicate...
    text: str
    start: int  # offsets in the raw text
    end: int


@dataclass
class Flag:
    """A suspicious span kept in the text but reported in metadata."""

    kind: str  # e.g. suspect_number
    text: str
    start: int  # offsets in the cleaned text
    end: int
    note: str = ""


@dataclass
class CleanText:
    """Cleaned text plus a map back to the raw text.

    ``spans`` is a list of ``[clean_start, raw_start, length]`` runs in which the
    cleaned text maps to the raw text char for char; a cleaned char outside any
    run maps to the raw position of the nearest run before it.
    """

    text: str
    spans: list[list[int]]
    removed: list[Removed] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    fixes: dict[str, int] = field(default_factory=dict)  # counts of repairs by kind

    def to_raw(self, i: int) -> int:
        """Raw offset of cleaned offset ``i``."""
        lo, hi, best = 0, len(self.spans) - 1, None
        while lo <= hi:
            mid = (lo + hi) // 2
            if self.spans[mid][0] <= i:
                best = self.spans[mid]
                lo = mid + 1
            else:
                hi = mid - 1
        if best is None:
            return 0
        c0, r0, n = best
        return r0 + min(i - c0, n)


@dataclass
class Section:
    """A part of a document with a heading; a case in a compilation."""

    title: str
    start: int  # offsets in the cleaned text
    end: int
    region: str = ""  # display form, e.g. 辽宁省大连市
    region_path: list[str] = field(default_factory=list)  # e.g. [辽宁省, 大连市, 甘井子区]
    kind: str = ""  # one of ingest.kinds.KINDS
    is_case: bool = False
    level: int = 0  # heading depth (statutes: 编 1, 分编 2, 章 3, 节 4; else 1); 0: no heading line


@dataclass
class Chunk:
    """A retrievable passage; never crosses a section boundary."""

    id: str
    file: str
    section: int  # index into Document.sections
    start: int
    end: int
    text: str
    also_in: list[dict] = field(default_factory=list)  # near-duplicate passages elsewhere
    article: str = ""  # 第三十九条: every chunk of a statute has one; the parts of a long 条 share it
    heading_path: list[str] = field(default_factory=list)  # [第三章 …, 第二节 …]


@dataclass
class Document:
    """A cleaned, structured document with its chunks."""

    file: str  # name relative to the corpus root, e.g. 000_x.txt
    sha256: str
    format: str
    title: str
    kind: str
    date: str | None
    source: str | None
    regions: list[str]
    text: str
    sections: list[Section]
    chunks: list[Chunk]
    spans: list[list[int]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    fixes: dict[str, int] = field(default_factory=dict)
    raw_chars: int = 0
    page_starts: list[int] | None = None  # PDF pages, in cleaned offsets
    # What a policy document states about itself (see ingest/policy_meta.py).
    issuer: str | None = None  # 发文机关 / 制定机关
    doc_no: str | None = None  # 文号, e.g. 青组发〔2023〕12号
    dates: dict[str, str] = field(default_factory=dict)  # 通过/修正/修订/发布/施行/成文 -> YYYY-MM-DD
    level: str = ""  # 全国 / 省 / 市 / 县区 / 街道社区
    issuer_region: list[str] = field(default_factory=list)  # ["全国"], ["云岭省", "青禾市"]
    title_generated: bool = False  # no stated title: made from place and subject
    subkind: str = ""  # within 法律法规: 法律 / 行政法规 / 地方性法规 / 规章
    articles: list[dict] = field(default_factory=list)  # {article, start, end} in cleaned offsets
    # Validity across versions (see ingest/versions.py).
    status: str = ""  # 现行有效 / 已被修订 / 已废止; "" unknown or not applicable
    version_of: str | None = None  # key shared by every version of one policy
    superseded_by: str | None = None  # file of the document that replaced this one
    status_manual: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Document:
        d = dict(d)
        d["sections"] = [Section(**s) for s in d["sections"]]
        d["chunks"] = [Chunk(**c) for c in d["chunks"]]
        d["flags"] = [Flag(**f) for f in d.get("flags", [])]
        return cls(**d)
