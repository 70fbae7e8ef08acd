"""A table of terms with one id and forms in English, Malay and Khmer: found in a sentence (the
longest form first, so "prime minister" is not also "minister"), and written in another language
(a table's first form of that language)."""

from __future__ import annotations

import re
from functools import cached_property

from .found import Found


class Lexicon:
    def __init__(self, kind: str, entries: list[dict], case_sensitive: bool = False):
        self.kind = kind
        self.entries = {e["id"]: e for e in entries}
        self._fold = (lambda text: text) if case_sensitive else str.lower

    @cached_property
    def _patterns(self) -> dict[str, tuple[re.Pattern[str], dict[str, str]]]:
        out = {}
        for lang in ("en", "ms", "km"):
            form_id = {self._key(form, lang): e["id"] for e in self.entries.values() for form in e.get(lang, ())}
            # a form may not be read before what makes it another word: ព្រះរាជា ("king") in
            # ព្រះរាជាណាចក្រ ("kingdom", 138 of its 146 sentences in the Khmer news)
            patterns = [_pattern(form, lang) + _not_before(self.entries[key].get("not_before", {}).get(lang, ()))
                        for form, key in form_id.items()]
            alternation = "|".join(sorted(patterns, key=len, reverse=True))
            # Khmer writes no spaces between words; Latin forms are whole words
            text = alternation if lang == "km" else rf"(?<![\w-])(?:{alternation})(?![\w-])"
            out[lang] = (re.compile(text, 0 if self._fold("A") == "A" else re.IGNORECASE), form_id)
        return out

    def find(self, text: str, lang: str) -> list[Found]:
        if lang not in self._patterns:
            return []
        pattern, form_id = self._patterns[lang]
        return [Found(self.kind, form_id[self._key(m.group(0), lang)], m.start(), m.end(), m.group(0))
                for m in pattern.finditer(text)]

    def _key(self, form: str, lang: str) -> str:
        return _khmer_spelling(form).replace(" ", "") if lang == "km" else self._fold(_bare(form))

    def render(self, found: Found, lang: str) -> str:
        """The entry's first form in lang, capitalised as the source wrote it (Latin script)."""
        form = _bare(self.entries[found.key][lang][0])
        if lang == "km" or not found.text[:1].isupper():
            return form
        if all(word[:1].isupper() for word in found.text.split()):  # a title: "Prime Minister"
            return " ".join(word[:1].upper() + word[1:] for word in form.split())
        return form[:1].upper() + form[1:]


def _not_before(endings) -> str:
    return f"(?!{'|'.join(map(re.escape, endings))})" if endings else ""


def _bare(form: str) -> str:
    """A form without the zero-width spaces CLDR and Khmer writers put between words."""
    return form.replace("\u200b", "")


# Khmer writers type the same cluster two ways: the subscript ta as ្ត or ្ដ, and ្ត្រ as ្រ្ត
# (នាយករដ្ឋមន្ត្រី, នាយករដ្ឋមន្រ្តី, រដ្ឋមន្ដ្រី: all "minister" in FLORES-200 dev's Khmer)
_KHMER_UNITS = re.compile("\u17d2[\u178f\u178a]\u17d2\u179a|\u17d2\u179a\u17d2[\u178f\u178a]|\u17d2[\u178f\u178a]|.", re.S)
_KHMER_UNIT_PATTERN = {"\u17d2\u178f\u17d2\u179a": "(?:\u17d2[\u178f\u178a]\u17d2\u179a|\u17d2\u179a\u17d2[\u178f\u178a])",
                       "\u17d2\u178f": "\u17d2[\u178f\u178a]"}


def _khmer_spelling(text: str) -> str:
    """One spelling of a Khmer form: no zero-width spaces, the subscript ta as ្ត, ្ត្រ in that order."""
    text = _bare(text).replace("\u17d2\u178a", "\u17d2\u178f")
    return text.replace("\u17d2\u179a\u17d2\u178f", "\u17d2\u178f\u17d2\u179a")


def _pattern(form: str, lang: str) -> str:
    """A Khmer form may carry a zero-width space between any two letters ("កូរ៉េ\u200bខាង\u200bជើង"),
    or a space where text is split into words ("ព្រះ មហាក្សត្រ"), and either spelling of its clusters."""
    if lang != "km":
        return re.escape(form)
    units = _KHMER_UNITS.findall(_khmer_spelling(form))
    return "[\u200b ]?".join(_KHMER_UNIT_PATTERN.get(unit, re.escape(unit)) for unit in units)
