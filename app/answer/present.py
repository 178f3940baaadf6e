"""Answer text as a reader sees it: points without the source's own numbering or dangling connectives,
full-width punctuation in Chinese text.

Only the shown text changes; a citation's quote stays verbatim (it is what the document says at
its offsets), so callers apply this where an answer is rendered, never to ``Citation.quote``.
"""

from __future__ import annotations

import re

# Our own enumeration of an answer's points ("3. ...[3]"); the rest of the line is the point.
_POINT = re.compile(r"^(\s*\d{1,3}\. )(.*)$")
# The source's numbering at the start of a quoted sentence: 2.  3、 (一)  （1）  ①  一、  第一，  一是
_NUMBERING = re.compile(
    r"^\s*(?:\d{1,2}\s*[.．、)）](?!\d)|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[①-⑳]"
    r"|[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]{1,3}[，,、：:]|[一二三四五六七八九十]{1,2}是)\s*"
)
# A connective that ties a sentence to one the reader does not see.
_CONNECTIVE = re.compile(
    r"^\s*(?:同时|此外|另外|另一方面|与此同时|除此之外|除此以外|其次|再次|再者|最后|而且|并且|但是|然而|因此|所以|总之|总而言之|对此)"
    r"\s*[，,、：:]\s*"
)
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》"
_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# ASCII punctuation with Chinese on either side (never between two digits, as in 10:30 or 1,000).
_ASCII_PUNCT = re.compile(rf"(?<=[{_CJK}])[,:;?!()]|[,:;?!()](?=[{_CJK}])")
# A full stop written as "." after Chinese text (not in 3.5 or a file name: those have no Chinese before).
_ASCII_STOP = re.compile(rf"(?<=[{_CJK}])\.(?=\[|\s|$|[{_CJK}])", re.M)


def full_width(text: str) -> str:
    """ASCII , : ; ? ! ( ) . next to Chinese text become their full-width forms."""
    return _ASCII_STOP.sub("。", _ASCII_PUNCT.sub(lambda m: _FULL[m.group()], text))


def clean_point(text: str) -> str:
    """One point as a sentence of its own: leading numbering and dangling connectives removed."""
    previous = None
    while previous != text:
        previous = text
        text = _CONNECTIVE.sub("", _NUMBERING.sub("", text, count=1), count=1)
    return full_width(text.strip())


def present_answer(text: str) -> str:
    """The answer text to show: every numbered point cleaned, full-width punctuation throughout."""
    lines = []
    for line in (text or "").split("\n"):
        m = _POINT.match(line)
        lines.append(m.group(1) + clean_point(m.group(2)) if m else full_width(line))
    return "\n".join(lines)
