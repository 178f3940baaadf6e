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

from app.answer.article import article_answer
from app.answer.condense import condense_by_rule, condense_question
from app.answer.extractive import Encoder, extractive_answer, make_citation, synonym_map
from app.answer.llm import (
    build_messages,
    check_markers,
    cite_claims,
    is_not_found,
    make_llm,
    stream_text,
)
from app.answer.qtype import DEFINITION, OTHER, RULE, question_type
from app.answer.topics import suggest_topics
from app.answer.types import NO_DIRECT_ANSWER, NOT_FOUND, Answer, Citation
from app.kb import KnowledgeBase
from index.query_region import without_region
from index.retrieve import Filters, Hit, SearchResult
from ingest.errors import BackendError

log = logging.getLogger(__name__)

NOTICE_DOWN = "大模型服务暂时不可用({reason}),以下为摘录式回答"
NOTICE_UNCITED = "大模型的回答没有可核实的引用,以下为摘录式回答"
NOTICE_OLD = "现行文件中没有找到,以下依据已被修订或废止的旧版本"
RELATED_HEAD = "以下材料与问题相关,但没有直接回答这个问题:"
RELATED_PASSAGES = 3


def ask(
    kb: KnowledgeBase,
    question: str,
    history: list[tuple[str, str]] | None = None,
    llm_mode: str | None = None,
    filters: Filters | None = None,
    use_region: bool = True,
    all_versions: bool = False,
    done: dict | None = None,
) -> Answer:
    """The cited answer to ``question`` (see ``ask_stream``); ``done`` receives the done event (log id)."""
    for event in ask_stream(kb, question, history, llm_mode, filters, use_region, all_versions):
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
    use_region: bool = True,
    all_versions: bool = False,
    identity=None,
) -> Iterator[dict]:
    """The events of ``_answer_events``, with a close curated answer first and the question logged
    (app.services.ask_log: a ``curated`` event, ``log_id`` on the done event)."""
    from app.services.ask_log import with_curated_and_log

    events = _answer_events(kb, question, history, llm_mode, filters, use_region, all_versions)
    yield from with_curated_and_log(kb, events, identity)


def _answer_events(
    kb: KnowledgeBase,
    question: str,
    history: list[tuple[str, str]] | None = None,
    llm_mode: str | None = None,
    filters: Filters | None = None,
    use_region: bool = True,
    all_versions: bool = False,
) -> Iterator[dict]:
    """Events: standalone question, answer deltas, then the final Answer; endpoint failures become notices.

    ``use_region=False`` ignores a region named in the question; ``all_versions`` lets superseded
    versions answer alongside the ones in force."""
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
    result = kb.search(standalone, settings.top_k, filters, use_region=use_region, all_versions=all_versions)
    qtype = question_type(standalone) if settings.question_types else OTHER
    if result.old_versions_only and not notice:
        notice = NOTICE_OLD
    if not result.found:
        answer = _not_found(kb, question, standalone, "llm" if llm and not failure else "extractive")
        answer.notice = notice
        yield from _finish(answer, result, qtype)
        return
    docs = _docs(kb, result.hits)
    texts = {name: doc.text for name, doc in docs.items()}
    encoder = Encoder(kb.embedder, kb.catalog.cache)
    if not result.direct:
        answer = _no_direct_answer(question, standalone, result.hits, texts, "llm" if llm else "extractive")
        answer.notice = notice
        yield from _finish(answer, result, qtype)
        return

    def extractive(notice_text: str | None) -> Answer:
        return _extractive(
            kb, question, standalone, result.hits, texts, encoder, notice_text, qtype, docs,
            result.expansions, result.region, result.asked,
        )  # fmt: skip

    if llm is None or failure:
        yield from _finish(extractive(notice), result, qtype)
        return
    pieces: list[str] = []
    try:
        for delta in stream_text(llm, build_messages(standalone, result.hits)):
            pieces.append(delta)
            yield {"type": "delta", "text": delta}
    except BackendError as e:
        answer = extractive(NOTICE_DOWN.format(reason=e))
    else:
        answer = _checked(kb, question, standalone, "".join(pieces), result.hits, texts, encoder)
    _describe(answer, result, qtype)
    yield {"type": "done", "answer": answer}


def _describe(answer: Answer, result: SearchResult, qtype: str) -> None:
    answer.question_type = qtype
    answer.expansions = [e.to_json() for e in result.expansions]
    answer.region = list(result.region)


def _finish(answer: Answer, result: SearchResult, qtype: str) -> Iterator[dict]:
    _describe(answer, result, qtype)
    yield {"type": "delta", "text": answer.answer}
    yield {"type": "done", "answer": answer}


def _docs(kb: KnowledgeBase, hits: list[Hit]) -> dict:
    out = {}
    for hit in hits:
        if hit.row.file not in out:
            doc = kb.docstore.get(hit.row.file)
            if doc is not None:
                out[hit.row.file] = doc
    return out


def _no_direct_answer(question, standalone, hits: list[Hit], texts: dict[str, str], mode: str) -> Answer:
    """Passages on the topic that do not answer what is asked: said so, and listed apart as related."""
    related: list[Citation] = []
    for hit in hits:
        row, text = hit.row, texts.get(hit.row.file)
        if text is None or text[row.start : row.end] != row.text:
            continue
        related.append(make_citation(len(related) + 1, row, row.start, row.end, row.text))
        if len(related) == RELATED_PASSAGES:
            break
    lines = [NO_DIRECT_ANSWER]
    if related:
        lines += ["", RELATED_HEAD] + [f"- {c.label}{_old_mark(c)}" for c in related]
    return Answer(question, standalone, False, mode, "\n".join(lines), [], related=related)


def _old_mark(c: Citation) -> str:
    return f"【旧版·{c.status}】" if c.status in ("已被修订", "已废止") else ""


def _not_found(kb: KnowledgeBase, question: str, standalone: str, mode: str) -> Answer:
    return Answer(question, standalone, False, mode, NOT_FOUND, [], suggest_topics(kb.catalog.rows))


def _extractive(
    kb,
    question,
    standalone,
    hits,
    texts,
    encoder,
    notice=None,
    qtype: str = OTHER,
    docs=None,
    expansions=(),
    region=(),
    wording: str = "",
) -> Answer:
    """Rule questions from the article when a statute answers; others as key points by source.
    ``wording``: the question as the library words it (SearchResult.asked), which the points are chosen by."""
    synonyms = synonym_map(expansions)
    wording = wording or standalone
    asked = without_region(wording, tuple(region)) if region else wording
    found = (
        article_answer(asked, hits, docs, encoder, synonyms, tuple(region))
        if qtype == RULE and docs
        else None
    )
    if found is not None:
        text, citations = found
        if any(is_old_citation(c) for c in citations):
            text = text.replace(":", f"({citations[0].status}的旧版本):", 1)
        return Answer(question, standalone, True, "extractive", text, citations, notice=notice)
    text, citations = extractive_answer(
        wording,
        hits,
        texts,
        encoder,
        kb.settings.answer_points,
        defining=qtype == DEFINITION,
        synonyms=synonyms,
    )
    if not citations:
        answer = _not_found(kb, question, standalone, "extractive")
        answer.notice = notice
        return answer
    return Answer(question, standalone, True, "extractive", text, citations, notice=notice)


def is_old_citation(c: Citation) -> bool:
    return c.status in ("已被修订", "已废止")


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
