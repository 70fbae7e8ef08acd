"""Places: countries (CLDR's names in English, Malay and Khmer, from babel) and Cambodia's
provinces (the news glossary, data/news_glossary.json). The key is the ISO 3166 code."""

from __future__ import annotations

import re
from functools import cache

from .found import Found
from .lexicon import Lexicon
from .roles import glossary

# CLDR territories that are also common words or parts of names in news, left out of the check
_AMBIGUOUS = frozenset({"MF", "SX", "AQ", "CH", "CQ", "DG", "EA", "IC", "TA", "UM", "XA", "XB", "GE", "JO", "TD", "TR", "PR",
                        "NU", "TK", "BV", "HM", "AC", "CP", "EU", "EZ", "UN", "QO"})


# a people or language whose first four letters are not its country's ("Irish", not "Irel...")
_DEMONYMS = {"IE": ("Irish",), "GB": ("British", "English", "Scottish", "Welsh"), "ES": ("Spanish", "Sepanyol"),
             "FR": ("French",), "NL": ("Dutch",), "DK": ("Danish",), "FI": ("Finnish",), "SE": ("Swedish", "Swede"),
             "PL": ("Polish",), "US": ("American",), "PH": ("Filipino",), "MM": ("Burmese",), "KH": ("Khmer",),
             "LA": ("Lao",), "CN": ("Chinese", "Cina")}


@cache
def lexicon() -> Lexicon:
    from babel import Locale

    names = {lang: Locale.parse(lang).territories for lang in ("en", "ms", "km")}
    countries = []
    for code, english in names["en"].items():
        if len(code) != 2 or not code.isalpha() or code in _AMBIGUOUS:
            continue
        entry = {"id": code, "en": [english]}
        for lang in ("ms", "km"):
            form = names[lang].get(code)
            # a short Khmer name is read inside other words (កាតា, ចិន in ចិន្តា): not searched for, but
            # for Thailand, China and Laos, too common in Cambodian news to leave out
            if form and not (lang == "km" and len(form.replace("\u200b", "")) < 5 and code not in ("TH", "CN", "LA")):
                entry[lang] = [form]
        countries.append(entry)
    by_id = {entry["id"]: entry for entry in countries}
    for alias in glossary()["country_aliases"]:  # "US", "Britain", អាមេរិក: read, never written
        for lang in ("en", "ms", "km"):
            by_id[alias["id"]].setdefault(lang, []).extend(alias.get(lang, []))
    # Khmer spellings translators write beside CLDR's (ហ្គ្រីនលែន, Greenland), mined from the
    # parallel data (models/recipes/news_glossary/khmer_places.py): read; written only where CLDR has none
    for code, forms in _mined_khmer().items():
        if code in by_id:
            by_id[code].setdefault("km", []).extend(forms)
    # names keep their capitals: Malay "cuba" is "try", "Cuba" the country
    return Lexicon("place", countries + glossary()["provinces"], case_sensitive=True)


# a currency is no place: "US$30", "billions of US dollars", Malay "dolar AS", Khmer "ដុល្លារអាមេរិក"
_CURRENCY_AFTER = re.compile(r"\s?(?:\$|dollars?\b)", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?:\bdolar|\bdollars?|ដុល្លារ)\s?$", re.IGNORECASE)


def _mined_khmer() -> dict[str, dict[str, list[int]]]:
    import json
    from importlib import resources

    return json.loads((resources.files("newsbrief") / "data" / "khmer_places.json").read_text("utf-8"))


def find(text: str, lang: str) -> list[Found]:
    return [f for f in lexicon().find(text, lang)
            if not (_CURRENCY_AFTER.match(text, f.end) or _CURRENCY_BEFORE.search(text[:f.start]))]


def render(found: Found, lang: str) -> str:
    entry = lexicon().entries[found.key]
    if lang not in entry:  # no Khmer form known: as the source writes it
        return found.text
    return lexicon().render(found, lang)


def by_demonym(code: str, text: str, lang: str) -> bool:
    """Whether text (English or Malay) names the country by its people or language ("Malaysian
    police", "Thai workers", "the Irish government"): a word that starts as one of its names does
    (its first four letters), or one of the irregular forms."""
    forms = lexicon().entries[code].get(lang)
    if not forms or lang == "km":
        return False
    stems = {form[:4].lower() for form in forms} | {d.lower() for d in _DEMONYMS.get(code, ())}
    return any(word.lower().startswith(tuple(stems)) for word in text.split())
