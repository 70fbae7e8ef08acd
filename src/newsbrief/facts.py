"""Numbers, figures and names in news text, and checks that a summary keeps them.

A summary may only state numbers and names that its source states: `unsupported`
lists what a summary sentence says that its source does not. Numbers compare by
value (Khmer digits = ASCII digits, "1,500" = "1500"); names compare as written, for
Latin-script text only (a Khmer translation transliterates names, so there the
numbers are what can be checked).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .metrics import khmer_syllables

_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
NUMBER_RE = re.compile(r"(?:(?<![\w.,])|(?<=RM)|(?<=\$))(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]|[.,]\d)|[០-៩]+(?:[.,][០-៩]+)*")
_YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d|25\d\d)$")  # 25xx: Buddhist Era years in Khmer text
# Khmer words before a number that make it a label or a date, not a count: day, month, year,
# number ("ថ្ងៃទី១៣", "ខែ", "ឆ្នាំ", "លេខ១"); and a month name after it ("១៣ ខែតុលា") makes it a date.
_KHMER_LABELS = ("ថ្ងៃទី", "ទី", "ខែ", "ឆ្នាំ", "លេខ", "ម៉ោង")
# What a figure counts: the next word or two ("157 cases", "185 people", "1.5 juta"),
# skipping a hyphenated unit ("five-year") and stopping at function words.
_STOP = frozenset("""a an the and or of to in on at by for with from as is was were are be been that which who
if but not than after before since while when until into over under about
percent per dan atau di ke dari yang untuk pada dengan ialah adalah jika tetapi selepas sebelum""".split())
_NAME_RE = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:(?:of|bin|binti|al|de|van|von|la)\s+)?[A-Z][\w’'-]*)*")
_MONTHS = frozenset("""january february march april may june july august september october november december
januari februari mac april mei jun julai ogos september oktober november disember""".split())


def number_value(token: str) -> str:
    """The value a written number stands for: '1,500' -> '1500', '១៥៧' -> '157'."""
    return token.translate(_KHMER_DIGITS).replace(",", "")


def numbers(text: str) -> list[str]:
    return [number_value(m.group()) for m in NUMBER_RE.finditer(text)]


def names(text: str) -> list[str]:
    """Capitalised word sequences not at the start of a sentence (Latin script)."""
    found = []
    for match in _NAME_RE.finditer(text):
        before = text[:match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?\"“‘'(:"
        words = match.group().split()
        if sentence_start:
            words = words[1:]  # "The", "Police" at the start are not names by their capital
            while words and words[0] in ("of", "bin", "binti", "al", "de", "van", "von", "la"):
                words = words[1:]
        if words and not (len(words) == 1 and words[0].lower() in _MONTHS):
            found.append(" ".join(words))
    return found


@dataclass(frozen=True)
class KeyFigure:
    value: str  # the number as a plain value ("157", "1.5")
    text: str  # as written with what it counts ("157 cases")
    counts: str  # what it counts ("cases"); "" when unclear
    sentence: int  # index into article.sentences

    def to_dict(self) -> dict:
        return {"value": self.value, "text": self.text, "counts": self.counts, "sentence": self.sentence}


def key_figures(sentences: list[str], limit: int = 12) -> list[KeyFigure]:
    """The numbers of an article with what they count, in document order; years and
    numbers that count nothing visible (dates, list numbers) are left out."""
    figures, seen = [], set()
    for index, sentence in enumerate(sentences):
        for match in NUMBER_RE.finditer(sentence):
            value = number_value(match.group())
            before = sentence[:match.start()].rstrip()
            if _YEAR_RE.match(value) or re.search(r"\b[A-Z][\w.]*$", before) and before != sentence[:match.start()] \
                    or before.endswith(_KHMER_LABELS):
                continue  # a year, or a label's number ("Tier 3", "No. 5", "ថ្ងៃទី១៣")
            counts = _what_it_counts(sentence, match.end())
            if not counts:
                continue
            label = f"{match.group()}{'' if counts == '%' else ' '}{counts}"
            if label in seen:
                continue
            seen.add(label)
            figures.append(KeyFigure(value, label, counts, index))
    return figures[:limit]


def _what_it_counts(sentence: str, end: int) -> str:
    rest = sentence[end:end + 60]
    if rest.startswith("%"):
        return "%"
    if not rest[:1].isspace() and not rest.startswith("-"):
        return ""
    khmer = re.match(r"[\s-]*([\u1780-\u17d3]+)", rest)  # Khmer: the classifier or noun that follows
    if khmer:
        syllables = khmer_syllables(khmer.group(1))
        if not syllables or syllables[0] == "ខែ":
            return ""  # "១៣ ខែតុលា": a date
        return "".join(syllables[:2])  # no spaces between Khmer words: a classifier or short noun
    words = re.match(r"[\s-]*([^\W\d_][\w'’]*)(?:[ -]([^\W\d_][\w'’]*))?", rest)
    if not words or words.group(1).lower() in _STOP or words.group(1)[0].isupper():
        return ""
    first, second = words.group(1), words.group(2)
    # a second word only for "adjective noun" ("96 foreign workers"): a plural after a singular
    if second and not first.endswith("s") and second.endswith("s") and second.lower() not in _STOP:
        return f"{first} {second}"
    return first


@dataclass(frozen=True)
class Check:
    """What one summary sentence states that its source does not."""

    numbers: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.numbers and not self.names


def unsupported(summary: str, source: str, check_names: bool = True) -> Check:
    have = Counter(numbers(source))
    missing_numbers = tuple(n for n in dict.fromkeys(numbers(summary)) if n not in have)
    missing_names: tuple[str, ...] = ()
    if check_names:
        missing_names = tuple(n for n in dict.fromkeys(names(summary)) if n not in source)
    return Check(missing_numbers, missing_names)


def entities(sentences: list[str], limit: int = 15) -> list[str]:
    """Named entities by frequency (capitalised sequences; a heuristic, Latin script only)."""
    counts = Counter(name for s in sentences for name in names(s) if len(name.split()) <= 5)
    return [name for name, _ in counts.most_common(limit)]
