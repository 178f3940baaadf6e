"""Question in, cited answer out: condense, retrieve, answer (LLM or extractive), verify, fall back.

``ask_stream`` yields events for the CLI and the app:
``{"type": "standalone", "text"}`` once, ``{"type": "curated", "match"}`` when a curated answer
(常见问答) is close, then ``{"type": "delta", "text"}`` pieces of
the answer as it is written, then ``{"type": "done", "answer": Answer}``. The done
answer is authoritative: when the LLM failed or its citations did not check out, it
is the extractive answer (with ``notice``) and replaces what was streamed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from app.answer.condense import condense_by_rule, condense_question
from app.answer.extractive import Encoder, extractive_answer
from app.answer.llm import (
    build_messages,
    check_markers,
    cite_claims,
    is_not_found,
    make_llm,
    stream_text,
)
from app.answer.topics import suggest_topics
from app.answer.types import NOT_FOUND, Answer
from app.kb import KnowledgeBase
from index.retrieve import Filters, Hit
from ingest.errors import BackendError

log = logging.getLogger(__name__)

NOTICE_DOWN = "大模型服务暂时不可用({reason}),以下为摘录式回答"
NOTICE_UNCITED = "大模型的回答没有可核实的引用,以下为摘录式回答"


def ask(
    kb: KnowledgeBase,
    question: str,
    history: list[tuple[str, str]] | None = None,
    llm_mode: str | None = None,
    filters: Filters | None = None,
    done: dict | None = None,
) -> Answer:
    """The cited answer to ``question`` (see ``ask_stream``); ``done`` receives the done event (log id)."""
    for event in ask_stream(kb, question, history, llm_mode, filters):
        if event["type"] == "done":
            if done is not None:
                done.update(event)
            return event["answer"]
    raise AssertionError("ask_stream ended without an answer")


def ask_stream(
    kb: KnowledgeBase,
    question: str,
    history: list[tuple[str, str]] | None = None,
    llm_mode: str | None = None,
    filters: Filters | None = None,
    identity=None,
) -> Iterator[dict]:
    """The events of ``_answer_events``, with a close curated answer first and the question logged
    (app.ask_log: a ``curated`` event, ``log_id`` on the done event)."""
    from app.ask_log import with_curated_and_log

    yield from with_curated_and_log(kb, _answer_events(kb, question, history, llm_mode, filters), identity)


def _answer_events(
    kb: KnowledgeBase,
    question: str,
    history: list[tuple[str, str]] | None = None,
    llm_mode: str | None = None,
    filters: Filters | None = None,
) -> Iterator[dict]:
    """Events: standalone question, answer deltas, then the final Answer; endpoint failures become notices."""
    kb.check_query(question)
    settings = kb.settings
    if llm_mode and llm_mode != settings.llm_mode:
        settings = settings.model_copy(update={"llm_mode": llm_mode})
    llm = make_llm(settings)  # raises ConfigError (the user's to fix) before any work
    failure = None
    try:
        standalone = condense_question(question, history, llm)
    except BackendError as e:  # the endpoint is down: do not wait for it a second time
        failure, standalone = str(e), condense_by_rule(question, history or [])
    yield {"type": "standalone", "text": standalone}
    notice = NOTICE_DOWN.format(reason=failure) if failure else None
    result = kb.search(standalone, settings.top_k, filters)
    if not result.found:
        answer = _not_found(kb, question, standalone, "llm" if llm and not failure else "extractive")
        answer.notice = notice
        yield {"type": "delta", "text": answer.answer}
        yield {"type": "done", "answer": answer}
        return
    texts = _texts(kb, result.hits)
    encoder = Encoder(kb.embedder, kb.catalog.cache)
    if llm is None or failure:
        answer = _extractive(kb, question, standalone, result.hits, texts, encoder, notice)
        yield {"type": "delta", "text": answer.answer}
        yield {"type": "done", "answer": answer}
        return
    pieces: list[str] = []
    try:
        for delta in stream_text(llm, build_messages(standalone, result.hits)):
            pieces.append(delta)
            yield {"type": "delta", "text": delta}
    except BackendError as e:
        notice = NOTICE_DOWN.format(reason=e)
        answer = _extractive(kb, question, standalone, result.hits, texts, encoder, notice)
    else:
        answer = _checked(kb, question, standalone, "".join(pieces), result.hits, texts, encoder)
    yield {"type": "done", "answer": answer}


def _texts(kb: KnowledgeBase, hits: list[Hit]) -> dict[str, str]:
    out = {}
    for hit in hits:
        doc = kb.docstore.get(hit.row.file)
        if doc is not None:
            out[hit.row.file] = doc.text
    return out


def _not_found(kb: KnowledgeBase, question: str, standalone: str, mode: str) -> Answer:
    return Answer(question, standalone, False, mode, NOT_FOUND, [], suggest_topics(kb.catalog.rows))


def _extractive(kb, question, standalone, hits, texts, encoder, notice=None) -> Answer:
    text, citations = extractive_answer(standalone, hits, texts, encoder, kb.settings.answer_points)
    if not citations:
        answer = _not_found(kb, question, standalone, "extractive")
        answer.notice = notice
        return answer
    return Answer(question, standalone, True, "extractive", text, citations, notice=notice)


def _checked(kb, question, standalone, text, hits, texts, encoder) -> Answer:
    """The LLM's answer with its markers verified and quoted, or the extractive answer with a notice."""
    text, valid = check_markers(text, range(1, len(hits) + 1))
    if not valid:
        if is_not_found(text):
            return _not_found(kb, question, standalone, "llm")
        log.warning("LLM answer without a valid citation, falling back to the extractive answer: %.80r", text)
        return _extractive(kb, question, standalone, hits, texts, encoder, NOTICE_UNCITED)
    citations = cite_claims(text, hits, texts, encoder)
    # A source that yielded no quote loses its marker.
    text, valid = check_markers(text, {c.n for c in citations})
    if not valid:
        return _extractive(kb, question, standalone, hits, texts, encoder, NOTICE_UNCITED)
    return Answer(question, standalone, True, "llm", text, citations)
