"""The answer and its citations as plain data; ``to_json`` is the CLI's JSON contract."""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_FOUND = "知识库中没有找到与该问题相关的内容。"
NO_DIRECT_ANSWER = "知识库中没有找到直接回答。"


@dataclass
class Citation:
    """Source ``n`` of an answer: ``quote`` is exactly the document's cleaned text at ``start:end``."""

    n: int
    file: str
    title: str
    section: str
    region: str
    date: str
    kind: str
    quote: str
    start: int
    end: int
    article: str = ""  # 第三十九条 when the quote is from a statute's article
    status: str = ""  # 已被修订 / 已废止 for an old version

    @property
    def label(self) -> str:
        """How the source is cited: 《标题》, or 《标题》第三十九条 for an article."""
        return f"《{self.title}》{self.article}"

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "file": self.file,
            "title": self.title,
            "section": self.section,
            "region": self.region,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class Answer:
    """A Chinese answer whose every [n] marker has a citation; ``notice`` explains a fallback."""

    question: str
    standalone_question: str
    found: bool
    mode: str  # "extractive" or "llm"
    answer: str
    citations: list[Citation] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # topics the base covers, when not found
    notice: str | None = None
    related: list[Citation] = field(default_factory=list)  # closest passages when none answers directly
    question_type: str = ""
    expansions: list[dict] = field(default_factory=list)
    region: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "found": self.found,
            "mode": self.mode,
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "suggestions": self.suggestions,
            "notice": self.notice,
            "related": [c.to_json() for c in self.related],
            "question_type": self.question_type,
            "expansions": self.expansions,
            "region": self.region,
        }
