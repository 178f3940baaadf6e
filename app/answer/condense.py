"""Follow-up questions ("那经费怎么保障?") rewritten with the chat history into standalone questions.

With an LLM the model rewrites the question. Without one (or when it fails) a rule
decides: a question is a follow-up when it opens with a word that points back
(那, 那么, 还有, 另外, 它, 这, 此, 该, 其) or when it is short (at most 12 characters)
and names no topic (no thesaurus term and no keyword of 3 or more characters).
A follow-up gets the keywords of the previous user question put in front of it.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from index.keyword import normalise_query, words
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
    has_topic = any(t in q for t in _domain_terms()) or any(len(t) >= 3 for t in words(q))
    return not has_topic


def _key_terms(question: str) -> list[str]:
    """Keywords of a question, longest first, without those contained in a longer one."""
    tokens = sorted(dict.fromkeys(words(normalise_query(question))), key=len, reverse=True)
    kept: list[str] = []
    for t in tokens:
        if not any(t in k for k in kept):
            kept.append(t)
    return sorted(kept, key=question.find)


def condense_by_rule(question: str, history: list[tuple[str, str]]) -> str:
    """The question itself, or for a follow-up the previous user question's keywords plus the question."""
    previous = next((text for role, text in reversed(history) if role == "user" and text.strip()), None)
    if previous is None or not is_follow_up(question):
        return question
    terms = [t for t in _key_terms(previous) if t not in question]
    rest = question.strip()
    for opener in FOLLOW_UP_OPENERS[:4]:  # 那/那么/还有/另外 only join the sentences; 它/这 name the topic
        if rest.startswith(opener):
            rest = re.sub(r"^[,,\s]+", "", rest[len(opener) :])
            break
    return f"{''.join(terms)}:{rest}" if terms else question


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
