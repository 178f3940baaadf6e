"""Follow-up questions ("那经费怎么保障?") rewritten with the chat history into standalone questions.

With an LLM the model rewrites the question. Without one (or when it fails) a rule
decides: a question is a follow-up when it opens with a word that points back
(那, 那么, 还有, 另外, 它, 这, 此, 该, 其) or when it is short (at most 12 characters)
and names no topic (no thesaurus term and no keyword of 3 or more characters).
A follow-up without a topic of its own gets the previous question's topic (not its focus).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from index.keyword import normalise_query
from index.question_terms import content_words
from index.thesaurus import default_thesaurus

log = logging.getLogger(__name__)

FOLLOW_UP_OPENERS = ("那么", "那", "还有", "另外", "它们", "它", "这些", "这个", "这", "此", "该", "其")
SHORT_QUESTION = 12
CONDENSE_PROMPT = (
    "你负责把对话中的追问改写成独立问题:结合对话记录,把用户最后的追问改写成一个不看记录也能理解的完整中文问题,"
    "补全它省略的主题。只输出改写后的问题本身,不要回答,不要解释。如果追问本身已经完整,原样输出。"
)
_PUNCT = re.compile(r"[\s\W_]+")


@lru_cache(maxsize=1)
def _domain_terms() -> frozenset[str]:
    return frozenset(default_thesaurus().terms)


def is_follow_up(question: str) -> bool:
    """True when the question points back to the conversation instead of naming its topic (rule above)."""
    q = normalise_query(question).strip()
    if q.startswith(FOLLOW_UP_OPENERS):
        return True
    if len(_PUNCT.sub("", q)) > SHORT_QUESTION:
        return False
    has_topic = any(t in q for t in _domain_terms()) or any(len(t) >= 3 for t in content_words(q))
    return not has_topic


_PRONOUNS = ("它们", "它", "这些", "这个", "这", "此", "该", "其")


def topic_of(question: str) -> list[str]:
    """What a question is about: its thesaurus terms (业主委员会, 网格员), longest first without those
    inside a longer one; without any, its first content words (3456, 工作法)."""
    q = normalise_query(question)
    found = sorted((t for t in _domain_terms() if t in q), key=len, reverse=True)
    kept: list[str] = []
    for t in found:
        if not any(t in k for k in kept):
            kept.append(t)
    if kept:
        return sorted(kept, key=q.find)
    return content_words(q)[:2]


def condense_by_rule(question: str, history: list[tuple[str, str]]) -> str:
    """The question itself, or for a follow-up that lacks a topic the previous topic put in front.

    Only the topic is carried over (业主委员会), never what the previous question asked about
    (组建), so 那经费怎么保障? after 怎样组建业主委员会? becomes 业主委员会:经费怎么保障?; a
    pronoun (它, 这, 该) is replaced by the topic. A follow-up naming its own topic keeps it.
    """
    if not is_follow_up(question):
        return question
    previous = [text for role, text in reversed(history) if role == "user" and text.strip()]
    topic = next((t for t in map(topic_of, previous) if t), [])
    rest = question.strip()
    for opener in FOLLOW_UP_OPENERS[:4]:  # 那/那么/还有/另外 only join the sentences
        if rest.startswith(opener):
            rest = re.sub(r"^[,,\s]+", "", rest[len(opener) :])
            break
    if not topic or not rest:
        return question
    subject = "".join(t for t in topic if t not in rest)
    for pronoun in _PRONOUNS:
        if rest.startswith(pronoun):
            return subject + rest[len(pronoun) :]
    if any(t in normalise_query(rest) for t in _domain_terms()):
        return rest  # it names its own topic: 那网格员的经费呢? -> 网格员的经费呢?
    return f"{subject}:{rest}" if subject else rest


def _history_text(history: list[tuple[str, str]], turns: int = 6, chars: int = 300) -> str:
    names = {"user": "用户", "assistant": "助手"}
    lines = [
        f"{names.get(role, role)}:{text.strip()[:chars]}" for role, text in history[-turns:] if text.strip()
    ]
    return "\n".join(lines)


def condense_question(question: str, history: list[tuple[str, str]] | None, llm=None) -> str:
    """A standalone question for retrieval; without history the question itself.

    Raises BackendError when the LLM endpoint fails (``condense_by_rule`` is the fallback).
    """
    if not history:
        return question
    if llm is None:
        return condense_by_rule(question, history)
    from llama_index.core.llms import ChatMessage

    from app.answer.llm import chat_text

    messages = [
        ChatMessage(role="system", content=CONDENSE_PROMPT),
        ChatMessage(
            role="user", content=f"对话记录:\n{_history_text(history)}\n\n追问:{question}\n\n独立问题:"
        ),
    ]
    text = chat_text(llm, messages)  # BackendError goes to the caller, which then skips the LLM altogether
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    rewritten = re.sub(r"^(独立问题|改写后的问题|问题)\s*[::]\s*", "", lines[0]) if lines else ""
    if not rewritten or len(rewritten) > 200:
        log.warning("condensing by rule: the LLM's rewrite is unusable: %.60r", text)
        return condense_by_rule(question, history)
    return rewritten
