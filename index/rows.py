"""A chunk as indexed (``Row``): what a search result shows and what Chroma's metadata holds."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields

from ingest.dedup import find_near_duplicates
from ingest.types import Document


@dataclass
class Row:
    """A chunk as indexed, with everything a search result shows."""

    id: str
    file: str
    title: str
    section: str
    section_no: int
    region: str
    region_path: list[str]
    kind: str
    date: str
    year: int
    is_case: bool
    start: int
    end: int
    text: str
    also_in: list[dict] = field(default_factory=list)
    article: str = ""  # 第三十九条
    heading: str = ""  # heading path joined by " › "
    status: str = ""  # the document's validity
    superseded_by: str = ""
    version_of: str = ""
    issuer_region: list[str] = field(default_factory=list)
    level: str = ""
    doc_kind: str = ""  # the document's kind; ``kind`` stays the section's
    doc_no: str = ""

    def to_dict(self) -> dict:
        """The fields by name; what ``dataclasses.asdict`` gives, without its deep copy (the
        values are JSON-ready already), which made it the slowest part of a re-sync."""
        return {name: getattr(self, name) for name in _FIELDS}

    def fingerprint(self) -> str:
        """Changes whenever any field changes: Chroma keeps it as the ``fp`` metadata."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(text.encode()).hexdigest()

    def embed_text(self) -> str:
        """What the model sees: the section heading gives a short passage its context."""
        return f"{self.section}\n{self.text}" if self.section and self.section not in self.text else self.text

    def metadata(self) -> dict:
        """Flat Chroma metadata (scalars only); ``fp`` changes whenever any shown field changes."""
        meta = {
            "file": self.file,
            "title": self.title,
            "section": self.section,
            "section_no": self.section_no,
            "region": self.region,
            "kind": self.kind,
            "date": self.date,
            "year": self.year,
            "is_case": self.is_case,
            "start": self.start,
            "end": self.end,
            "also_in": json.dumps(self.also_in, ensure_ascii=False),
            "article": self.article,
            "status": self.status,
            "doc_kind": self.doc_kind,
            "level": self.level,
        }
        for level in range(3):
            meta[f"region_l{level + 1}"] = self.region_path[level] if level < len(self.region_path) else ""
        meta["fp"] = self.fingerprint()
        return meta


_FIELDS = tuple(f.name for f in fields(Row))


def rows_from_documents(documents: list[Document]) -> list[Row]:
    """Rows for every chunk that is not a near-duplicate of a chunk in another document."""
    dups = find_near_duplicates(documents)
    rows = []
    for doc in sorted(documents, key=lambda d: d.file):
        year = int(doc.date[:4]) if doc.date else 0
        for chunk in doc.chunks:
            if chunk.id in dups.primary_of:
                continue
            section = doc.sections[chunk.section]
            rows.append(
                Row(
                    id=chunk.id,
                    file=doc.file,
                    title=doc.title,
                    section=section.title,
                    section_no=chunk.section,
                    region=section.region,
                    region_path=list(section.region_path),
                    kind=section.kind,
                    date=doc.date or "",
                    year=year,
                    is_case=section.is_case,
                    start=chunk.start,
                    end=chunk.end,
                    text=chunk.text,
                    also_in=dups.also_in.get(chunk.id, []),
                    article=chunk.article,
                    heading=" › ".join(chunk.heading_path),
                    status=doc.status,
                    superseded_by=doc.superseded_by or "",
                    version_of=doc.version_of or "",
                    issuer_region=list(doc.issuer_region),
                    level=doc.level,
                    doc_kind=doc.kind,
                    doc_no=doc.doc_no or "",
                )
            )
    return rows
