"""Bounds on the work one file may cause, checked before it is parsed.

A .docx is a ZIP of XML parts: a small file can declare (and hold) hundreds of MB of XML,
which python-docx would parse into a tree ten times that size. The declared sizes of a
ZIP's members are read from its central directory without inflating anything, and
Python's zipfile never inflates a member past its declared size (it fails the CRC check
instead), so checking the directory bounds the memory of everything that follows.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from ingest.errors import LoadError

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    docx_parts: int = 1000  # members of a .docx archive
    docx_xml_bytes: int = 30 * MB  # XML once inflated: python-docx holds about 10x this in memory
    docx_bytes: int = 200 * MB  # every member once inflated (images included)
    pdf_pages: int = 2000
    text_chars: int = 10_000_000  # text extracted from one .docx or .pdf


DEFAULT = Limits()


def check_docx(archive: zipfile.ZipFile, name: str, limits: Limits = DEFAULT) -> None:
    """LoadError when the archive's directory declares more than a document could need."""
    infos = archive.infolist()
    if len(infos) > limits.docx_parts:
        raise LoadError(
            name, f"DOCX unpacked into {len(infos)} parts, above the limit of {limits.docx_parts}"
        )
    total = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    if xml > limits.docx_xml_bytes:
        raise LoadError(
            name,
            f"DOCX unpacked XML is {xml / MB:.0f} MB, above the {limits.docx_xml_bytes / MB:.0f} MB limit "
            "(a compression bomb, or a document to split into several files)",
        )
    if total > limits.docx_bytes:
        raise LoadError(
            name,
            f"DOCX unpacked size is {total / MB:.0f} MB, above the {limits.docx_bytes / MB:.0f} MB limit",
        )


def check_pages(pages: int, name: str, limits: Limits = DEFAULT) -> None:
    if pages > limits.pdf_pages:
        raise LoadError(name, f"PDF has {pages} pages, above the limit of {limits.pdf_pages} pages")


def check_text(chars: int, name: str, limits: Limits = DEFAULT) -> None:
    if chars > limits.text_chars:
        raise LoadError(
            name, f"extracted text has {chars:,} characters, above the limit of {limits.text_chars:,}"
        )
