"""Malaysian words for Indonesian ones in a translation into Malay.

newsbrief's Malay is Malaysian Malay, but a small model drifts into the variety its pretraining
saw most: "karena", "uang", "pemerintah" where a Malaysian reader expects "kerana", "wang",
"kerajaan". data/malaysian_words.tsv lists Indonesian words with their Malaysian forms, only
those Malaysian news rarely uses (models/recipes/malaysian_words/check.py). Each is replaced as
a whole word, with its -nya/-lah/-kah suffix. A common word (a row in lower case) is replaced in
lower case, and capitalised only at a sentence's start: elsewhere "Tim" may be a name. A name
(a capitalised row: "Jepang" -> "Jepun") is replaced where it is capitalised.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources

_SENTENCE_OPENERS = set(".!?:;\"'“”‘’«»([")


@cache
def _table_text() -> str:
    return (resources.files(__package__) / "data" / "malaysian_words.tsv").read_text("utf-8")


@cache
def _table() -> tuple[re.Pattern[str], dict[str, str]]:
    """The pattern of every row's Indonesian form (any case), and {Indonesian form as written in
    the table: Malaysian form}."""
    forms: dict[str, str] = {}
    for row in _table_text().splitlines():
        if row and not row.startswith("#"):
            indonesian, malaysian = row.split("\t")
            forms[indonesian] = malaysian
    # longest first, so "rumah sakit" wins over any one-word row; a space matches any run of spaces
    alternatives = "|".join(r"\s+".join(map(re.escape, word.split())) for word in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({alternatives})(nya|lah|kah)?(?!\w)", re.IGNORECASE), forms


@cache
def rule() -> str:
    """What the replacements are: part of the cache key of translations into Malay, so an edited
    table is a cache miss, not an old translation served again."""
    return "malaysian-words:" + hashlib.sha256(_table_text().encode("utf-8")).hexdigest()[:16]


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_OPENERS


def malaysian_words(text: str) -> tuple[str, int]:
    """text with its Indonesian words in their Malaysian form, and how many were replaced."""
    pattern, forms = _table()
    replaced = 0

    def one(match: re.Match[str]) -> str:
        nonlocal replaced
        found = " ".join(match.group(1).split())
        lower = found.lower()
        if found in forms:  # a common word in lower case, or a name as the table writes it
            new = forms[found]
        elif found == lower.capitalize() and lower in forms and _starts_sentence(text, match.start()):
            new = forms[lower][:1].upper() + forms[lower][1:]
        else:  # a capitalised common word inside a sentence (a name?), or upper case (an acronym?)
            return match.group(0)
        replaced += 1
        return new + (match.group(2) or "")
    return pattern.sub(one, text), replaced
