"""Writing-system counts: which ISO 15924 script the letters of a text belong to.

Only letters (Unicode category L*) and combining marks (M*) of a script's block count; digits, punctuation,
symbols, spaces and format characters (zero-width space U+200B, joiners, soft hyphen, BOM) are neutral.
Combining marks of the generic block U+0300-U+036F are neutral too (they follow whatever base letter).
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import Counter

# (first, last, ISO 15924) sorted by first code point; letters outside every range count as "Zzzz".
_RANGES: list[tuple[int, int, str]] = sorted([
    (0x0041, 0x024F, "Latn"), (0x0250, 0x02AF, "Latn"), (0x1D00, 0x1DBF, "Latn"), (0x1E00, 0x1EFF, "Latn"),
    (0x2C60, 0x2C7F, "Latn"), (0xA720, 0xA7FF, "Latn"), (0xAB30, 0xAB6F, "Latn"), (0xFB00, 0xFB06, "Latn"),
    (0xFF21, 0xFF5A, "Latn"),
    (0x0370, 0x03FF, "Grek"), (0x1F00, 0x1FFF, "Grek"),
    (0x0400, 0x052F, "Cyrl"), (0x1C80, 0x1C8F, "Cyrl"), (0x2DE0, 0x2DFF, "Cyrl"), (0xA640, 0xA69F, "Cyrl"),
    (0x0530, 0x058F, "Armn"), (0x0590, 0x05FF, "Hebr"), (0xFB1D, 0xFB4F, "Hebr"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x0870, 0x08FF, "Arab"), (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x0700, 0x074F, "Syrc"), (0x0780, 0x07BF, "Thaa"),
    (0x0900, 0x097F, "Deva"), (0xA8E0, 0xA8FF, "Deva"), (0x0980, 0x09FF, "Beng"), (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"), (0x0B00, 0x0B7F, "Orya"), (0x0B80, 0x0BFF, "Taml"), (0x0C00, 0x0C7F, "Telu"),
    (0x0C80, 0x0CFF, "Knda"), (0x0D00, 0x0D7F, "Mlym"), (0x0D80, 0x0DFF, "Sinh"),
    (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Laoo"), (0x0F00, 0x0FFF, "Tibt"),
    (0x1000, 0x109F, "Mymr"), (0xA9E0, 0xA9FF, "Mymr"), (0xAA60, 0xAA7F, "Mymr"),
    (0x10A0, 0x10FF, "Geor"), (0x2D00, 0x2D2F, "Geor"), (0x1C90, 0x1CBF, "Geor"),
    (0x1100, 0x11FF, "Hang"), (0x3130, 0x318F, "Hang"), (0xA960, 0xA97F, "Hang"), (0xAC00, 0xD7AF, "Hang"),
    (0xD7B0, 0xD7FF, "Hang"), (0xFFA0, 0xFFDC, "Hang"),
    (0x1200, 0x139F, "Ethi"), (0x2D80, 0x2DDF, "Ethi"),
    (0x13A0, 0x13FF, "Cher"), (0x1400, 0x167F, "Cans"), (0x1680, 0x169F, "Ogam"), (0x16A0, 0x16FF, "Runr"),
    (0x1700, 0x171F, "Tglg"), (0x1780, 0x17FF, "Khmr"), (0x19E0, 0x19FF, "Khmr"), (0x1800, 0x18AF, "Mong"),
    (0x1950, 0x197F, "Tale"), (0x1980, 0x19DF, "Talu"), (0x1A20, 0x1AAF, "Lana"), (0x1B00, 0x1B7F, "Bali"),
    (0x1B80, 0x1BBF, "Sund"), (0xA980, 0xA9DF, "Java"), (0xAA80, 0xAADF, "Tavt"), (0xAA00, 0xAA5F, "Cham"),
    (0x3040, 0x309F, "Hira"), (0x30A0, 0x30FF, "Kana"), (0x31F0, 0x31FF, "Kana"), (0xFF66, 0xFF9F, "Kana"),
    (0x3100, 0x312F, "Bopo"), (0x31A0, 0x31BF, "Bopo"),
    (0x2E80, 0x2FDF, "Hani"), (0x3005, 0x3007, "Hani"), (0x3021, 0x3029, "Hani"), (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"), (0xF900, 0xFAFF, "Hani"), (0x20000, 0x3FFFF, "Hani"),
    (0xA000, 0xA4CF, "Yiii"),
])
_STARTS = [r[0] for r in _RANGES]
_NEUTRAL_MARKS = (0x0300, 0x036F)

# Scripts written by (nearly) one language only: the script decides the language.
SCRIPT_LANG = {
    "Khmr": "km", "Thai": "th", "Laoo": "lo", "Mymr": "my", "Hang": "ko", "Hira": "ja", "Kana": "ja",
    "Grek": "el", "Hebr": "he", "Geor": "ka", "Armn": "hy", "Ethi": "am", "Sinh": "si", "Tibt": "bo",
    "Gujr": "gu", "Guru": "pa", "Orya": "or", "Taml": "ta", "Telu": "te", "Knda": "kn", "Mlym": "ml",
    "Thaa": "dv", "Hani": "zh", "Bopo": "zh", "Yiii": "ii", "Cher": "chr", "Tglg": "tl",
}

_cache: dict[str, str | None] = {}


def char_script(ch: str) -> str | None:
    """ISO 15924 code of one letter or combining mark, None for anything neutral."""
    got = _cache.get(ch, "")
    if got != "":
        return got
    cat = unicodedata.category(ch)
    cp = ord(ch)
    if cat[0] not in "LM" or (_NEUTRAL_MARKS[0] <= cp <= _NEUTRAL_MARKS[1]):
        script = None
    else:
        i = bisect.bisect_right(_STARTS, cp) - 1
        script = _RANGES[i][2] if i >= 0 and cp <= _RANGES[i][1] else "Zzzz"
    if len(_cache) < 100_000:
        _cache[ch] = script
    return script


def script_counts(text: str) -> Counter:
    """Letters per script. ASCII takes a fast path."""
    counts: Counter = Counter()
    for ch, n in Counter(text).items():
        if ch < "\x80":
            if ch.isalpha():
                counts["Latn"] += n
            continue
        script = char_script(ch)
        if script is not None:
            counts[script] += n
    return counts
