"""Repair GBK mojibake: text whose GBK bytes were decoded out of step, or UTF-8 read as GBK.

A lost GBK lead byte shows as a ``?`` and shifts the decoder by one byte, so the characters
after it are made of the trail byte of one character and the lead byte of the next (``?,F``
for ``。現``, ``?!皟晌奔瓷鐓^`` for ``。“兩委”即社區``) until an ASCII byte puts the decoder
back in step. A pinyin annotation that followed the lost character may leave a fragment
(``?zé)``). Re-encoding the run as GBK and decoding it one byte earlier restores the text; the
lost byte is inferred from the candidates that fit (see ``CharModel``). A decoder may also
have dropped a whole undecodable pair (two bytes, so the alignment survives): such a pair is
put back when the character it spoiled fits nowhere and two characters fit both neighbours.

UTF-8 read as GBK (``鍦ㄧぞ鍖`` for ``在社区``) is found from runs starting with a UTF-8 lead
byte that decode as UTF-8 once re-encoded; a ``?`` or ``�`` in them is one lost byte.

A character that cannot be inferred becomes ``□`` and is reported by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.charmodel import LOST, RARE, CharModel, is_punct

_MAX_RUN = 80
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ"
_PINYIN_TAIL = re.compile(rf"[a-z{_TONES}]{{1,6}}\)")
# Full-width punctuation the capture normalised to ASCII; inside a shifted run it was one GBK pair.
_FOLDED = {",": "\uff0c", "!": "\uff01", ":": "\uff1a", ";": "\uff1b"}
_UNKNOWN = "?\ufffd"  # what a decoder leaves for a byte it could not use


@dataclass
class Repair:
    start: int  # offsets in the text handed to find_mojibake
    end: int
    text: str
    lost: int  # characters that could not be recovered (shown as LOST)


@cache
def _decode_pair(a: int, b: int) -> str | None:
    try:
        c = bytes((a, b)).decode("gbk")
    except UnicodeDecodeError:
        return None
    return c if len(c) == 1 and ord(c) > 0x7F else None


@cache
def _with_trail(trail: int) -> tuple[str, ...]:
    return tuple(c for lead in range(0x81, 0xFF) if (c := _decode_pair(lead, trail)))


@cache
def _with_lead(lead: int) -> tuple[str, ...]:
    return tuple(c for trail in range(0x40, 0xFF) if (c := _decode_pair(lead, trail)))


def _gbk(c: str) -> bytes | None:
    try:
        b = c.encode("gbk")
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


def _shifted_run(text: str, q: int, model: CharModel) -> tuple[int, list[int | None], bool] | None:
    """Bytes of the run after the ``?`` at ``q``, led by the lost byte (None = unknown).

    Returns (end of run, bytes, whether the run itself looks like damage) or None.
    """
    i = q + 1
    tail = _PINYIN_TAIL.match(text, i)
    damaged = tail is not None
    if tail:
        i = tail.end()
    seq: list[int | None] = [None]
    while i < len(text) and i - q <= _MAX_RUN:
        c = text[i]
        i += 1
        if c in _FOLDED:
            seq.extend(_FOLDED[c].encode("gbk"))
            damaged = damaged or len(seq) == 3
        elif c in _UNKNOWN:
            seq.append(None)
            damaged = True
        elif 0x40 <= ord(c) <= 0x7E:
            seq.append(ord(c))
        elif (b := _gbk(c)) is not None:
            seq.extend(b)
            # A full-width mark right after the ?, or a rare character, is what a shifted decode looks like.
            damaged = (
                damaged or (len(seq) == 3 and is_punct(c)) or (ord(c) >= 0x4E00 and model.count(c) < RARE)
            )
            continue
        else:
            return None
        if len(seq) % 2 == 0:
            return i, seq, damaged
    return None


def _restore_dropped_pair(
    pair: tuple[int, int], left: str | None, right: str | None, model: CharModel
) -> list[str] | None:
    """Two characters for a decoded pair when the decoder dropped a pair between its bytes, else None."""
    lead, trail = pair
    best = None
    firsts = [c for c in _with_lead(lead) if model.supported(left, c) and model.common(c)]
    seconds = [c for c in _with_trail(trail) if model.supported(c, right) and model.common(c)]
    for c1 in firsts:
        x = _gbk(c1)[1]
        for c2 in seconds:
            y = _gbk(c2)[0]
            if x < 0x81 or _decode_pair(x, y) is not None or not model.supported(c1, c2):
                continue
            score = model.score(c1, left, c2)[1] + model.score(c2, c1, right)[1]
            if best is None or score > best[0]:
                best = (score, [c1, c2])
    return best[1] if best else None


def _repair_shift(text: str, q: int, model: CharModel) -> Repair | None:
    run = _shifted_run(text, q, model)
    if run is None:
        return None
    end, seq, damaged = run
    pairs = [(seq[k], seq[k + 1]) for k in range(0, len(seq), 2)]
    if not damaged or len(pairs) < 2:
        return None
    chars: list[str | None] = []
    for a, b in pairs:
        if a is None and b is None:
            chars.append(LOST)
        elif a is None or b is None:
            chars.append(None)  # decided below, with its neighbours known
        elif (c := _decode_pair(a, b)) is None:
            return None
        else:
            chars.append(c)
    if sum(1 for c in chars if c and c != LOST and not model.common(c)) > 1:
        return None
    before = text[q - 1] if q > 0 else None
    after = text[end] if end < len(text) else None
    for k, c in enumerate(chars):
        if c is None:
            a, b = pairs[k]
            right = chars[k + 1] if k + 1 < len(chars) and chars[k + 1] else after
            chars[k] = model.choose(
                _with_trail(b) if a is None else _with_lead(a), chars[k - 1] if k else before, right
            )
    out: list[str] = []
    for k, c in enumerate(chars):
        left = out[-1] if out else before
        right = chars[k + 1] if k + 1 < len(chars) else after
        known = c != LOST and k > 0 and None not in pairs[k]
        if known and (not model.common(c) or not (model.supported(left, c) or model.supported(c, right))):
            restored = _restore_dropped_pair(pairs[k], left, right, model)
            if restored:
                out.extend(restored)
                continue
            if not model.common(c):
                c = LOST
        out.append(c)
    new = "".join(out)
    return Repair(q, end, new, new.count(LOST))


def _utf8_length(lead: int | None) -> int:
    if lead is None or 0xE0 <= lead <= 0xEF:
        return 3  # a lost lead byte is taken for the lead of a CJK character
    if lead < 0x80:
        return 1
    if 0xC2 <= lead <= 0xDF:
        return 2
    return 4 if 0xF0 <= lead <= 0xF4 else 0


def _utf8_candidates(group: list[int | None]) -> tuple[str, ...]:
    """Characters a UTF-8 byte group can be when one of its bytes is unknown."""
    k = group.index(None)
    out = []
    for b in range(0xE0, 0xF0) if k == 0 else range(0x80, 0xC0):
        try:
            out.append(bytes(b if x is None else x for x in group).decode("utf-8"))
        except UnicodeDecodeError:
            pass
    return tuple(c for c in out if len(c) == 1)


def _utf8_run(text: str, i: int) -> tuple[int, list[str | tuple[str, ...]]] | None:
    """The longest run from ``i`` that decodes as UTF-8 once re-encoded as GBK: (end, characters).

    A character is a string, or the tuple of candidates for one with a lost byte.
    """
    tokens: list[tuple[int | None, int]] = []  # (byte, index of the character it came from)
    for z in range(i, min(len(text), i + _MAX_RUN)):
        c = text[z]
        if c in _UNKNOWN:
            tokens.append((None, z))
        elif (b := _gbk(c)) is not None:
            tokens.extend((x, z) for x in b)
        elif c.isascii() and c.isprintable():
            tokens.append((ord(c), z))
        else:
            break
    chars: list[str | tuple[str, ...]] = []
    best = None
    pos = 0
    while pos < len(tokens):
        need = _utf8_length(tokens[pos][0])
        group = [t[0] for t in tokens[pos : pos + need]]
        if need == 0 or len(group) < need:
            break
        if None not in group:
            try:
                chars.append(bytes(group).decode("utf-8"))
            except UnicodeDecodeError:
                break
        elif group.count(None) == 1:
            chars.append(_utf8_candidates(group) or LOST)
        else:
            chars.append(LOST)
        pos += need
        if pos == len(tokens) or tokens[pos][1] != tokens[pos - 1][1]:  # ends on a character boundary
            best = (tokens[pos - 1][1] + 1, list(chars))
    return best


def _repair_utf8(text: str, model: CharModel) -> list[Repair]:
    """Runs that are UTF-8 bytes read as GBK (鍦ㄧぞ鍖 for 在社区)."""
    repairs = []
    i = 0
    while i < len(text):
        first = _gbk(text[i])
        if first is None or not 0xE2 <= first[0] <= 0xEF:  # a UTF-8 lead byte of CJK text or punctuation
            i += 1
            continue
        run = _utf8_run(text, i)
        if run and len(run[1]) >= 2:
            end, chars = run
            known = [c for c in chars if isinstance(c, str) and c != LOST]
            unknown = len(chars) - len(known)
            if all(model.count(c) >= RARE or c.isascii() for c in known) and unknown * 3 <= len(chars):
                for k, c in enumerate(chars):
                    if isinstance(c, tuple):
                        left = chars[k - 1] if k and isinstance(chars[k - 1], str) else None
                        right = chars[k + 1] if k + 1 < len(chars) and isinstance(chars[k + 1], str) else None
                        chars[k] = model.choose(c, left, right)
                decoded = "".join(chars)
                words = sum(model.supported(a, b) for a, b in zip(decoded, decoded[1:], strict=False))
                if words or len(decoded) >= 4:
                    repairs.append(Repair(i, end, decoded, decoded.count(LOST)))
                    i = end
                    continue
        i += 1
    return repairs


def find_mojibake(text: str) -> list[Repair]:
    """The mojibake runs of ``text`` with their repairs, in text order (nothing is changed)."""
    model = CharModel(text)
    repairs: list[Repair] = []
    for m in re.finditer(r"\?", text):
        if repairs and m.start() < repairs[-1].end:
            continue
        fixed = _repair_shift(text, m.start(), model)
        if fixed:
            repairs.append(fixed)
    taken = [(r.start, r.end) for r in repairs]
    for r in _repair_utf8(text, model):
        if not any(r.start < e and s < r.end for s, e in taken):
            repairs.append(r)
    return sorted(repairs, key=lambda r: r.start)
