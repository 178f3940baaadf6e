"""Rule questions answered from the article that states the rule: the 条 (or its 款) verbatim,
cited as 《标题》第X条.

The article is the one holding the sentence that best matches the question among the best
retrieved statute passages; a long 条 is quoted by the 款 (paragraph) that holds that
sentence, with the lead paragraph when the 款 is an item of a list.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from app.answer.extractive import Encoder, candidate_sentences, make_citation, score_sentences
from app.answer.focus import asked_names
from app.answer.types import Citation
from index.answer_shape import wanted_types
from index.keyword import tagged
from index.query_region import nearness
from index.question_terms import nouns
from index.retrieve import Hit

STATUTE_HITS = 5  # the best passages searched for an article
LONG_ARTICLE = 260  # characters above which a 条 is quoted by its 款
ANSWER_TYPE_BONUS = 0.3  # for a sentence holding the kind of value asked for (a count, a duration)
REGION_BONUS = 0.2  # times the passage's nearness to the question's region (1 its own, 0.5 national)
TIE = 0.03  # a second article scoring within this of the best is quoted after it
SUBJECT_BONUS = 0.1  # for a sentence whose subject is a thing the question names (村民委员会由…组成)
_ARTICLE_NO = re.compile(r"^\s*第[一二三四五六七八九十百零〇0-9]+条\s*")
_ITEM = re.compile(r"^\s*[（(][一二三四五六七八九十]+[)）]")
_LEAD_IN = re.compile(r"[：:]\s*$")  # 申请最低生活保障，按照下列程序办理：


def _article_span(doc, article: str, pos: int, row_start: int, row_end: int) -> tuple[int, int]:
    """The 条's offsets in the document; the passage's own when the document lists no articles."""
    for a in getattr(doc, "articles", None) or []:
        if a.get("article") == article and a["start"] <= pos < a["end"]:
            return a["start"], a["end"]
    return row_start, row_end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraph(text: str, start: int, end: int, pos: int) -> tuple[int, int]:
    """The 款 of ``start:end`` holding ``pos``; an item (（一）…) takes the paragraphs back to its lead."""
    p_start = text.rfind("\n", start, pos) + 1 or start
    p_start = max(p_start, start)
    p_end = text.find("\n", pos, end)
    p_end = end if p_end < 0 else p_end
    while _ITEM.match(text[p_start:p_end]) and p_start > start:
        p_start = max(text.rfind("\n", start, p_start - 1) + 1, start)
    if _LEAD_IN.search(text[p_start:p_end]):
        p_end = _items_end(text, p_end, end)
    return p_start, p_end


def _items_end(text: str, pos: int, end: int) -> int:
    """End of the run of items (（一）…（二）…) that follows a lead-in ending at ``pos``."""
    while pos < end:
        nxt = pos
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if not _ITEM.match(text[nxt:end]):
            break
        stop = text.find("\n", nxt, end)
        pos = end if stop < 0 else stop
    return pos


def _stated(sentence, doc) -> str:
    """What a sentence states: a lead-in (…按照下列程序办理：) states its items as well."""
    if not _LEAD_IN.search(sentence.text):
        return sentence.text
    _, end = _article_span(doc, sentence.row.article, sentence.start, sentence.row.start, sentence.row.end)
    return doc.text[sentence.start : _items_end(doc.text, sentence.end, end)]


def _things(question: str) -> tuple[str, ...]:
    """The nouns the question asks about, under each of their names (村委会, 村民委员会)."""
    names = asked_names(question, [])
    found = nouns(question)
    return tuple(n for w, alts in names.items() if w in found for n in (w, *alts))


def _about(text: str, things: tuple[str, ...], question: str) -> bool:
    """The sentence's subject is one of ``things``: 村民委员会由…, not 村民代表会议由… nor 居民会议可以…
    for 居民 (the thing must end a word, and a noun after it must be one the question names too, as in
    业主委员会用房 asked as 业委会的办公用房)."""
    body = _ARTICLE_NO.sub("", text)
    for thing in sorted((t for t in things if body.startswith(t)), key=len, reverse=True):
        end = 0
        for word, flag in tagged(body[: len(thing) + 8]):
            if end == len(thing):
                return not flag.startswith("n") or word in question
            end += len(word)
            if end > len(thing):
                break
        else:
            return end == len(thing)
    return False


def _whole_articles(hits: list[Hit], docs: dict) -> list[Hit]:
    """Each passage of a 条 as the whole 条: a long article is indexed in windows, and the sentence
    that states the rule (至少每季度公布一次) may be in a window the search did not bring up."""
    out, seen = [], set()
    for h in hits:
        row, doc = h.row, docs[h.row.file]
        start, end = _article_span(doc, row.article, row.start, row.start, row.end)
        if (start, end) == (row.start, row.end):  # no article, or the window is the whole of it
            out.append(h)
        elif (row.file, start) not in seen:
            seen.add((row.file, start))
            whole = replace(row, start=start, end=end, text=doc.text[start:end])
            out.append(Hit(whole, h.score, h.relevance, h.keyword))
    return out


def article_answer(
    question: str,
    hits: list[Hit],
    docs: dict,
    encoder: Encoder,
    synonyms: dict[str, str] | None = None,
    region: tuple[str, ...] = (),
) -> tuple[str, list[Citation]] | None:
    """``(answer, citations)`` quoting the best-matching article, or None when no passage is a statute's.

    With a region named in the question, an article of that place's own rules outranks the
    same rule in the national law or another place's (杭州's 条例 first, then the national one)."""
    top = _whole_articles([h for h in hits[:STATUTE_HITS] if h.row.file in docs], docs)
    if not any(h.row.article for h in top):
        return None
    texts = {h.row.file: docs[h.row.file].text for h in top}
    sentences = candidate_sentences(top, texts)
    if not sentences:
        return None
    scores, _ = score_sentences(question, sentences, encoder, synonyms=synonyms)
    wanted = wanted_types(question)
    if wanted:  # 任期几年 is answered by the sentence that states a duration, or the list it leads
        scores = scores + np.array(
            [
                ANSWER_TYPE_BONUS if any(p.search(_stated(s, docs[s.row.file])) for p in wanted) else 0.0
                for s in sentences
            ],
            dtype=np.float32,
        )
    things = _things(question)
    if things:  # 村委会配几个人: 村民委员会由…组成, not 村民代表会议由村民委员会成员和…组成
        scores = scores + np.array(
            [SUBJECT_BONUS if _about(s.text, things, question) else 0.0 for s in sentences],
            dtype=np.float32,
        )
    if region:
        scores = scores + np.array(
            [REGION_BONUS * nearness(s.row, region) for s in sentences], dtype=np.float32
        )
    order = np.argsort(-scores, kind="stable")
    best = sentences[int(order[0])]
    if not best.row.article:
        return None  # the best answer is in a document without articles: key points instead
    chosen = [best]
    for i in order[1:]:  # a near tie: the other article is quoted too, the reader decides
        other = sentences[int(i)]
        if scores[i] < scores[order[0]] - TIE:
            break
        if other.row.article and (other.row.file, other.row.article) != (best.row.file, best.row.article):
            chosen.append(other)
            break
    points, citations = [], []
    for n, sentence in enumerate(chosen, 1):
        row, doc = sentence.row, docs[sentence.row.file]
        start, end = _article_span(doc, row.article, sentence.start, row.start, row.end)
        if end - start > LONG_ARTICLE:
            start, end = _paragraph(doc.text, start, end, sentence.start)
        start, end = _trim(doc.text, start, end)
        quote = doc.text[start:end]
        citations.append(make_citation(n, row, start, end, quote))
        points.append((f"《{row.title or row.file}》{row.article}", f"{n}. {quote}[{n}]"))
    lines = [f"依据{'、'.join(source for source, _ in points)}:", ""] + [point for _, point in points]
    return "\n".join(lines), citations
