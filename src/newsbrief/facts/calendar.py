"""Weekdays, months and dates in English, Malay and Khmer: found in a sentence, rendered in
another language.

The names come from CLDR (babel's locale data for en, ms, km), so "Monday" is "Isnin" and
"ថ្ងៃច័ន្ទ", "February" is "Februari" and "ខែកុម្ភៈ". In Khmer a weekday is written after ថ្ងៃ
("day") and a month after ខែ ("month"): the bare CLDR words also mean "moon", "sun", ... so only
the prefixed forms are read (and a month standing alone or after "and"/"to"/"or"). A date is a day and a month, with or without a year ("February 27,
2024", "27 Februari 2024", "ថ្ងៃទី២៧ ខែកុម្ភៈ ឆ្នាំ២០២៤").

Each found fact carries a key that is the same in every language (weekday 0-6 from Monday,
month 1-12, a date's (day, month, year)): checks compare keys, protection renders them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .found import Found

LANGS = ("en", "ms", "km")
# Khmer news spells two weekdays otherwise than CLDR: ថ្ងៃចន្ទ in 108 sentences of the Khmer news in
# ../shared/data/mono against 12 for CLDR's ច័ន្ទ, ព្រហស្បត្តិ៍ in 5 (CLDR's ព្រហស្បតិ៍: 45). Both are read;
# Monday is written as the news writes it
_KM_VARIANTS = {"ច័ន្ទ": ("ចន្ទ",), "ព្រហស្បតិ៍": ("ព្រហស្បត្តិ៍",)}
_KM_WRITTEN = {"ច័ន្ទ": "ចន្ទ"}
_KM_AMBIGUOUS_MONTHS = ("កញ្ញា", "តុលា", "ធ្នូ")
_KM_DIGITS = "០១២៣៤៥៦៧៨៩"
_DIGIT = r"[0-9០-៩]"
_SPACE = r"[\s\u200b]*"  # Khmer text writes a zero-width space where a word break may go


@lru_cache(maxsize=None)
def names(lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(weekdays from Monday, months from January) in CLDR's wide format form."""
    from babel import Locale

    locale = Locale.parse(lang)
    days = locale.days["format"]["wide"]  # 0 = Monday in babel
    months = locale.months["format"]["wide"]
    return tuple(days[i] for i in range(7)), tuple(months[i] for i in range(1, 13))


def _abbreviations(lang: str) -> tuple[str, ...]:
    """Month abbreviations that news writes ("Feb", "Sept"; Malay "Feb", "Ogo"), from CLDR."""
    from babel import Locale

    if lang == "km":
        return ()
    months = Locale.parse(lang).months["format"]["abbreviated"]
    return tuple(months[i].rstrip(".") for i in range(1, 13))


def _alternation(words) -> str:
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


@lru_cache(maxsize=None)
def _patterns(lang: str) -> dict[str, re.Pattern[str]]:
    days, months = names(lang)
    month_words = {}
    for i, word in enumerate(months, 1):
        month_words[word] = i
    for i, word in enumerate(_abbreviations(lang), 1):
        if len(word) >= 3 and word not in month_words:
            month_words[word] = i
    if lang == "en":
        month_words["Sept"] = 9
    month = _alternation(month_words)
    year = rf"{_DIGIT}{{4}}"
    day = rf"{_DIGIT}{{1,2}}"
    if lang == "km":
        # a month without its ខែ when it stands alone between spaces or brackets, or follows "and",
        # "to", "or" ("ខែមិថុនា និងសីហា", "(វិច្ឆិកា ដល់ មីនា)"); not កញ្ញា ("Miss"), តុលា ("scales"),
        # ធ្នូ ("bow"), which need their ខែ
        alone = _alternation(w for w in months if w not in _KM_AMBIGUOUS_MONTHS)
        month_re = (rf"ខែ{_SPACE}(?P<month>{month})|(?:^|(?<=[\s(\[«\"“])|(?<=និង)|(?<=ដល់)|(?<=ទៅ)|(?<=ឬ))"
                    rf"(?P<alone>{alone})(?=$|[\s)\]»\"”,.។៕:;!?-])")
        # a weekday before the day ("ថ្ងៃច័ន្ទ ទី២៧ ...") is a fact of its own; after a day's number
        # the month may come without its ខែ ("ថ្ងៃទី 9 សីហា")
        date_re = (rf"(?:ថ្ងៃ{_SPACE})?ទី{_SPACE}(?P<day>{day}){_SPACE}"
                   rf"(?:ខែ{_SPACE})?(?P<month>{month})(?:{_SPACE}ឆ្នាំ{_SPACE}(?P<year>{year}))?")
        spellings = [*days, *(v for day in days for v in _KM_VARIANTS.get(day, ()))]
        weekday_re = rf"ថ្ងៃ{_SPACE}(?P<weekday>{_alternation(spellings)})"
    else:
        # alone, a month is its full name ("Jan" may be a man); "May" is also a verb, so it is a
        # month only after in/of/on/the/since/... or before a year (not "Theresa May")
        bare = _alternation(w for w in months if w != "May")
        after = "|".join(f"(?<={w} )" for w in ("in", "of", "on", "the", "this", "since", "until", "by", "last",
                                                 "next", "early", "late", "mid", "from", "to", "during", "before",
                                                 "after"))
        month_alone = rf"(?<![\w-])(?:(?P<month>{bare})|(?:{after})May|May(?= {year}))(?![\w-])"
        named = rf"(?P<month>{month})"
        if lang == "en":
            date_re = (rf"(?<![\w-])(?:{named} (?P<day>{day})(?:st|nd|rd|th)?(?:,? (?P<year>{year}))?|"
                       rf"(?P<day2>{day})(?:st|nd|rd|th)? (?:of )?(?P<month2>{month})(?:,? (?P<year2>{year}))?)"
                       rf"(?![\w-])")
        else:
            date_re = (rf"(?<![\w-])(?P<day>{day}) (?P<month>{month})(?: (?P<year>{year}))?(?![\w-])")
        if lang == "en":
            month_re, weekday_re = month_alone, rf"(?<![\w-])(?P<weekday>{_alternation(days)})(?![\w-])"
        else:  # Malay writes "hari Isnin", "bulan Mac": the names capitalised
            month_re = rf"(?<![\w-])(?:[Bb]ulan )?(?P<month>{_alternation(months)})(?![\w-])"
            weekday_re = rf"(?<![\w-])(?:[Hh]ari )?(?P<weekday>{_alternation(days)})(?![\w-])"
    return {"date": re.compile(date_re), "weekday": re.compile(weekday_re), "month": re.compile(month_re), "_months": month_words}  # type: ignore[dict-item]


def _number(text: str | None) -> int | None:
    if not text:
        return None
    return int(text.translate(str.maketrans(_KM_DIGITS, "0123456789")))


def find(text: str, lang: str) -> list[Found]:
    """The dates, weekdays and months of a sentence, in order, none inside another."""
    if lang not in LANGS:
        return []
    patterns = _patterns(lang)
    days, _ = names(lang)
    month_of = patterns["_months"]
    out: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for m in patterns["date"].finditer(text):
        groups = m.groupdict()
        month = groups.get("month") or groups.get("month2")
        day = _number(groups.get("day") or groups.get("day2"))
        year = _number(groups.get("year") or groups.get("year2"))
        if month is None or day is None or not 1 <= day <= 31:
            continue
        out.append(Found("date", (day, month_of[month], year), m.start(), m.end(), m.group(0)))
        taken.append(m.span())
    for m in patterns["weekday"].finditer(text):
        if free(*m.span()):
            out.append(Found("weekday", _weekday(m.group("weekday"), days), m.start(), m.end(), m.group(0)))
            taken.append(m.span())
    for m in patterns["month"].finditer(text):
        word = m.group("month") or m.groupdict().get("alone") or m.group(0)
        if free(*m.span()) and word in month_of:
            out.append(Found("month", month_of[word], m.start(), m.end(), m.group(0)))
            taken.append(m.span())
    return sorted(out, key=lambda f: f.start)


def _weekday(word: str, days: tuple[str, ...]) -> int:
    for i, day in enumerate(days):
        if word == day or word in _KM_VARIANTS.get(day, ()):
            return i
    raise ValueError(word)


def _digits(value: int, lang: str) -> str:
    text = str(value)
    return text.translate(str.maketrans("0123456789", _KM_DIGITS)) if lang == "km" else text


def render(found: Found, lang: str) -> str:
    """The fact written in lang, as that language's news writes it."""
    days, months = names(lang)
    if found.kind == "weekday":
        word = days[found.key]
        return {"km": f"ថ្ងៃ{_KM_WRITTEN.get(word, word)}", "ms": f"hari {word}"}.get(lang, word)
    if found.kind == "month":
        word = months[found.key - 1]
        return f"ខែ{word}" if lang == "km" else word
    day, month, year = found.key
    word = months[month - 1]
    if lang == "km":
        text = f"ថ្ងៃទី{_digits(day, lang)} ខែ{word}"
        return f"{text} ឆ្នាំ{_digits(year, lang)}" if year else text
    if lang == "en":
        return f"{word} {day}, {year}" if year else f"{word} {day}"
    return f"{day} {word} {year}" if year else f"{day} {word}"


def month_keys(facts: list[Found]) -> list[int]:
    """The months a sentence names, a date's month included (what a check compares)."""
    return [f.key if f.kind == "month" else f.key[1] for f in facts if f.kind in ("month", "date")]
