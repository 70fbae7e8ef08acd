"""The facts of a source sentence compared with its translation: numbers (digits and words),
dates, weekdays, months, places and roles. A fact of the source that the translation does not
state, or one the translation states that the source does not, is a Problem ("source: Monday;
translation: Friday"). Names are compared by translation.names (it knows their renderings).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from . import calendar, places, roles
from .figures import number_values
from .found import Found

# A translation may say "one of", "a" or "salah satu" without the number: ones are not checked;
# nor "both" written as "the two" (Khmer ទាំងពីរ, Malay kedua-dua)
_UNCHECKED_VALUES = frozenset({1.0})
# a Khmer number word is read inside other words (បី "three" in ទោះបីជា "although"): in Khmer only
# digits are compared; vague quantities ("hundreds", "dozens") are no number to keep
_VAGUE = re.compile(r"^(?:hundreds|thousands|millions|dozens|a dozen|dozen|beratus-ratus|beribu-ribu|berjuta-juta)$",
                    re.IGNORECASE)
_KHMER_LETTER = re.compile("[\u1780-\u17d3]")
# a unit or suffix glued to a number is no code ("160km/h", "the 1970s", "15th", "1970an", "9hb Ogos"): read apart
_UNIT_AFTER = re.compile(r"(\d)(km|kg|cm|mm|mph|ft|lbs?|th|st|nd|rd|s|an|hb)\b")
# titles before a Khmer name (កញ្ញា "Miss", not the month ខែកញ្ញា), or a name in Latin letters
_KHMER_PERSON = re.compile("លោក|ឯកឧត្តម|សម្ដេច|សម្តេច|ឧកញ៉ា|អ្នកស្រី|(?<!ខែ)កញ្ញា|[A-Za-z]{2}")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][a-z]")
_BOTH = re.compile(r"ទាំង\s?ពីរ|\bkedua-dua\b|\bboth\b", re.IGNORECASE)
# a time is one number however written ("1:15 a.m." and Malay "1.15 pagi")
_CLOCK = re.compile(r"(?<![\d.,:])(\d{1,2}):(\d{2})(?![\d.,:])")
# an ordinal is its number ("the Tenth Army", Malay "ketiga", "Ke-Sepuluh"); not "second" (a unit of
# time) nor Malay "kedua" (also "both"), nor "first" (ones are not checked)
_EN_ORDINALS = {w: str(i) for i, w in enumerate(
    "_ _ _ third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth "
    "sixteenth seventeenth eighteenth nineteenth twentieth".split()) if i > 2}
_ORDINAL = re.compile(r"\b(?:(" + "|".join(_EN_ORDINALS) + r")|ke-?(tiga|empat|lima|enam|tujuh|lapan|sembilan|"
                      r"sepuluh|sebelas))\b", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    kind: str  # "number", "date", "weekday", "month", "place", "role", "name", "garbled", "meaning", "translation"
    source: str | None  # what the source states (None: the translation added it)
    translation: str | None  # what the translation states instead (None: nothing)
    detail: str | None = None  # for kinds that are no fact ("meaning", "translation"): why

    def describe(self) -> str:
        if self.detail:
            return self.detail
        if self.source is None:
            return f"{self.kind} not in the source: {self.translation}"
        if self.translation is None:
            return f"{self.kind} missing: source: {self.source}"
        return f"{self.kind} changed: source: {self.source}; translation: {self.translation}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self.source, "translation": self.translation,
                "message": self.describe()}


def facts(text: str, lang: str) -> dict[str, list[Found]]:
    """What a sentence states, by kind."""
    found = calendar.find(text, lang)
    by_kind: dict[str, list[Found]] = {"weekday": [], "month": [], "date": []}
    for f in found:
        by_kind[f.kind].append(f)
    by_kind["place"] = places.find(text, lang)
    by_kind["role"] = roles.find(text, lang)
    return by_kind


def compare(source: str, translation: str, src: str, tgt: str) -> list[Problem]:
    """What the translation of `source` gets wrong, kind by kind (an empty list: nothing found wrong)."""
    # Khmer number words are not read (see _KHMER_LETTER): across Khmer, digits only
    problems = _numbers(source, translation, digits_only="km" in (src, tgt))
    have = _with_latin_places(facts(source, src), source, src)
    got = _with_latin_places(facts(translation, tgt), translation, tgt)
    problems += _compare("weekday", have["weekday"], got["weekday"], lambda f: f.key, added=True)
    months = have["month"] + have["date"]
    problems += _compare("month", months, got["month"] + got["date"], _month, added=True)
    # Khmer spells countries many ways (ឥណ្ឌូនេស៊ី and CLDR's ឥណ្ឌូណេស៊ី): a place not found on the
    # Khmer side is there if a spelling close to its name is
    have_places = have["place"] if src != "km" else have["place"] + _khmer_alike(source, got["place"], have["place"])
    got_places = got["place"] if tgt != "km" else got["place"] + _khmer_alike(translation, have["place"], got["place"])
    # a country said by its people or language on the other side ("the Irish government",
    # "ភាសាអង់គ្លេស": the English language) is said
    problems += _compare("place", have_places, got_places, lambda f: f.key, added=True,
                         excused=lambda f: places.by_demonym(f.key, source, src),
                         excused_missing=lambda f: places.by_demonym(f.key, translation, tgt))
    # a translation may name a role the source implies ("Prime Minister Hun Manet" for "Hun
    # Manet"): where the source names someone, an added role is a problem only beside a missing one
    # ("doctors" for "police"); where it names no one, a role it adds is one ("prime minister" for
    # "police officers")
    problems += _compare("role", have["role"], got["role"], lambda f: roles.checked_key(f.key),
                         added=not _names_someone(source, src, have))
    return problems


def _names_someone(text: str, lang: str, found: dict[str, list[Found]]) -> bool:
    """Whether a sentence may name a person: in Khmer a title (លោក, លោកស្រី, ឯកឧត្តម, សម្តេច, ...) or
    Latin letters, elsewhere a capitalised word that is not its first word, nor a place, date,
    weekday, month or role."""
    if lang == "km":
        return bool(_KHMER_PERSON.search(text))
    facts_at = {i for fs in found.values() for f in fs for i in range(f.start, f.end)}
    return any(m.start() not in facts_at for m in _CAPITALISED.finditer(text, 1))


def _with_latin_places(found: dict[str, list[Found]], text: str, lang: str) -> dict[str, list[Found]]:
    """found, with (in Khmer text) the places it keeps in Latin letters ("ព្រឹត្តិការណ៍ Singapore Grand
    Prix", "កោះ កាបវ៉េ (Cape Verde)"): their English name counts as the place named."""
    if lang == "km":
        found["place"] = found["place"] + places.find(text, "en")
    return found


def _khmer_alike(text: str, places_elsewhere: list[Found], found_here: list[Found], least: float = 0.8) -> list[Found]:
    """The places of the other side that this Khmer text spells otherwise: a stretch of it whose
    similarity to the place's Khmer name is at least `least` (difflib's ratio), or whose
    romanization sounds like its English name (ឡាតវី "Latvi", Latvia)."""
    from difflib import SequenceMatcher

    out = []
    plain = text.replace("\u200b", "")
    here = {f.key for f in found_here}
    for place in (p for p in places_elsewhere if p.key not in here):
        entry = places.lexicon().entries[place.key]
        for form in (f.replace("\u200b", "") for f in entry.get("km", [])):
            n = len(form)
            spans = (plain[i:i + size] for size in (n - 1, n, n + 1) for i in range(max(0, len(plain) - size + 1)))
            if any(SequenceMatcher(None, form, span).ratio() >= least for span in spans):
                out.append(Found("place", place.key, 0, 0, form))
                break
        else:
            if _sounds_like(plain, entry.get("en", ())):
                out.append(Found("place", place.key, 0, 0, place.text))
    return out


def _sounds_like(khmer: str, english: tuple[str, ...] | list[str], least: float = 0.75) -> bool:
    """Whether a stretch of whole letter clusters of a Khmer text romanizes like one of the English
    names of 5+ letters ("Boutang" for Bhutan: 0.77; chosen on FLORES-200 dev's human translations)."""
    from difflib import SequenceMatcher

    from ..romanize import clusters, romanize

    names = [n for n in (re.sub("[^a-z]", "", e.lower()) for e in english) if len(n) >= 5]
    if not names:
        return False
    for run in re.findall("[\u1780-\u17dd]+", khmer):
        spans = clusters(run)
        for i in range(len(spans)):
            for j in range(i + 2, min(len(spans), i + 8) + 1):
                latin = romanize("".join(run[a:b] for a, b in spans[i:j])).lower()
                if any(SequenceMatcher(None, latin, name).ratio() >= least for name in names):
                    return True
    return False


def _first_of_each(found: list[Found], key: Callable[[Found], Any]) -> list[Found]:
    seen: dict[Any, Found] = {}
    for f in found:
        seen.setdefault(key(f), f)
    return list(seen.values())


def _month(found: Found) -> int:
    return found.key if found.kind == "month" else found.key[1]


def _compare(kind: str, have: list[Found], got: list[Found], key: Callable[[Found], Any], added: bool,
             excused: Callable[[Found], bool] = lambda f: False,
             excused_missing: Callable[[Found], bool] = lambda f: False) -> list[Problem]:
    """Problems for the facts of `have` missing from `got` (with what `got` says instead, if it
    says something else) unless excused_missing, and, if added, for the facts of `got` that `have`
    does not state and that are not excused."""
    # places and roles are there or not (a translation need not repeat "Malaysia" as often); dates
    # and weekdays count
    if kind in ("place", "role"):
        have, got = _first_of_each(have, key), _first_of_each(got, key)
    missing = list((Counter(map(key, have)) - Counter(map(key, got))).elements())
    extra = list((Counter(map(key, got)) - Counter(map(key, have))).elements())
    out = []
    extra_found = [f for f in (next(f for f in got if key(f) == k) for k in extra) if not excused(f)]
    for k in missing:
        source = next(f for f in have if key(f) == k)
        if excused_missing(source):
            continue
        instead = extra_found.pop(0) if extra_found else None
        out.append(Problem(kind, source.text, instead.text if instead else None))
    if added:
        out += [Problem(kind, None, f.text) for f in extra_found]
    return out


def _checked_numbers(text: str, digits_only: bool = False) -> list[tuple[Any, str]]:
    """(value, text) of the numbers to compare. digits_only (across Khmer): each number by its digits
    alone, as Khmer writes scales and decimals otherwise ("£2.8bn" = "២,៨ ពាន់លាន": 28)."""
    text = _BOTH.sub(" ", text)
    if not digits_only:  # across Khmer a time's digits are compared as they stand, and words not at all
        text = _CLOCK.sub(r"\1.\2", _ORDINAL.sub(lambda m: _EN_ORDINALS[m[1].lower()] if m[1] else m[2], text))
    found = [(v, t) for v, t in number_values(_UNIT_AFTER.sub(r"\1 \2", text))
             if v not in _UNCHECKED_VALUES and not _VAGUE.match(t)
             and not (_KHMER_LETTER.search(t) and not any(c.isdigit() for c in t))]
    if not digits_only:
        return found
    return [(digits, t) for _, t in found if (digits := "".join(str(unicodedata.digit(c)) for c in t if c.isdigit()))]


def _numbers(source: str, translation: str, digits_only: bool = False) -> list[Problem]:
    have, got = _checked_numbers(source, digits_only), _checked_numbers(translation, digits_only)
    missing = Counter(v for v, _ in have) - Counter(v for v, _ in got)
    extra = Counter(v for v, _ in got) - Counter(v for v, _ in have)
    out = []
    extra_text = [t for v, t in got if extra[v] > 0]
    for value, text in have:
        if missing[value] > 0:
            missing[value] -= 1
            out.append(Problem("number", text, extra_text.pop(0) if extra_text else None))
    out += [Problem("number", None, t) for t in extra_text]
    return out
