"""Character-level repairs: pinyin annotations, traditional script, Word round-trip words, damaged numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

from ingest.textmap import MappedText
from ingest.types import Flag

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_PLAIN = "aaaaeeeeiiiioooouuuuvvvvv"
_UNTONE = str.maketrans(_TONED, _PLAIN)
_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|er|in|un|vn"
    r"|ia|ie|iu|ua|uo|ui|ue|ve|a|o|e|i|u|v)"
)
_SYLLABLES = re.compile(rf"(?:{_SYLLABLE})+")
_ANNOTATION = re.compile(rf"[(\uff08]([a-z{_TONED}]{{1,24}}(?:[ '][a-z{_TONED}]{{1,12}}){{0,3}})[)\uff09]")


def is_pinyin(s: str) -> bool:
    """Tone-marked pinyin (one or more syllables): ``qū``, ``lǐng``, ``zhuǎn``, ``lǐng dǎo``."""
    if not any(c in _TONED for c in s):
        return False
    return all(_SYLLABLES.fullmatch(part) for part in re.split(r"[ ']", s.translate(_UNTONE)))


def remove_pinyin(mt: MappedText) -> int:
    """Drop parenthesised pinyin glued to characters (``社區(qū)`` -> ``社區``); returns how many."""
    edits = [(m.start(), m.end(), "") for m in _ANNOTATION.finditer(mt.text) if is_pinyin(m.group(1))]
    mt.edit(edits)
    return len(edits)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _convert_keeping_length(text: str) -> str:
    """OpenCC t2s, falling back to smaller pieces where a conversion changes the length."""
    cc = _t2s()
    out = cc.convert(text)
    if len(out) == len(text):
        return out
    pieces = []
    for line in text.split("\n"):
        conv = cc.convert(line)
        if len(conv) != len(line):
            conv = "".join(c if len(c2 := cc.convert(c)) != 1 else c2 for c in line)
        pieces.append(conv)
    return "\n".join(pieces)


# 著 is both 著 (zhù, 著作) and 着 (zhuó/zhe, 着力, 随着) in traditional text; OpenCC keeps it as 著.
_ZHE = re.compile(r"(?<=[随沿本朝接味顺紧照向看带围绕跟靠])著|著(?=[力眼手重想落陆装迷急凉实])")


def to_simplified(mt: MappedText) -> int:
    """Traditional -> simplified, character for character; returns how many characters changed."""
    before = mt.text
    text = before
    for _ in range(3):  # a few characters convert again (e.g. 乾 in some phrases); stop at a fixed point
        converted = _convert_keeping_length(text)
        if converted == text:
            break
        text = converted
    if text != before:  # a traditional text: its 著 in 著力, 随著 ... is the simplified 着
        text = _ZHE.sub("着", text)
    mt.replace_all(text)
    return sum(a != b for a, b in zip(before, text, strict=True))


@dataclass(frozen=True)
class _Artifact:
    wrong: str
    right: str
    context: re.Pattern | None


@cache
def _artifacts() -> tuple[_Artifact, ...]:
    rows = []
    for line in (
        Path(__file__).with_name("data").joinpath("word_artifacts.tsv").read_text("utf-8").splitlines()
    ):
        if not line.strip() or line.startswith("#"):
            continue
        wrong, right, context, *_ = (line.split("\t") + ["", ""])[:4]
        rows.append(_Artifact(wrong, right, re.compile(context) if context else None))
    return tuple(rows)


_SIGNATURE_WORDS = ("效劳", "原那么", "根底")


def has_round_trip_signature(text: str) -> bool:
    """Whether the text went through Word's simplified -> traditional -> simplified conversion."""
    words = sum(w in text for w in _SIGNATURE_WORDS)
    quotes = "〞" in text or "〝" in text
    return words >= 2 or (quotes and words >= 1) or text.count("效劳") >= 3


def fix_word_artifacts(mt: MappedText) -> int:
    """Undo the round-trip's word swaps (效劳 -> 服务 ...) in a text that shows its signature."""
    text = mt.text
    if not has_round_trip_signature(text):
        return 0
    table = _artifacts()
    pattern = re.compile("|".join(re.escape(a.wrong) for a in sorted(table, key=lambda a: -len(a.wrong))))
    by_word = {a.wrong: a for a in table}
    edits = []
    for m in pattern.finditer(text):
        row = by_word[m.group()]
        if row.context is None or row.context.match(text, m.end()):
            edits.append((m.start(), m.end(), row.right))
    mt.edit(edits)
    return len(edits)


_UNIT = (
    "%|\uff05|‰|平方米|平米|万|千|百|亿|个|户|人|名|家|元|次|件|项|场|支|所|座|栋|米|公里|亩|吨|套|间|处|余"
)
_YEAR_NUMBER = re.compile(rf"(?<![\d.])((?:19|20)\d\d)(0{{1,3}})(?![\d.年])\s*({_UNIT})")


def suspect_numbers(text: str) -> list[Flag]:
    """Numbers that look like a year pasted over a "10" (100% -> 20230%): reported, not changed."""
    flags = []
    for m in _YEAR_NUMBER.finditer(text):
        year, zeros, unit = m.groups()
        note = f"疑似年份替换造成的数字错误\uff08“10”被替换为“{year}”\uff09\uff0c原文可能为 10{zeros}{unit}"
        flags.append(Flag("suspect_number", m.group(), m.start(), m.end(), note))
    return flags
