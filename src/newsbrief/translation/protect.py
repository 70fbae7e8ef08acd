"""Keeping what must not change through translation.

URLs, e-mail addresses, do-not-translate terms and glossary terms are replaced by
placeholders (``XQ1X``, ``XQ2X``, ...) before translation and put back after it; a
placeholder the model dropped is appended to the sentence rather than lost. Numbers stay in
the text (models read them as words and copy them well); afterwards each source number is
checked for in the translation (Khmer digits count as the same number) and a missing one is
repaired: written over a number the model invented, else appended.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

URL_RE = r"(?:(?:https?|ftp)://|www\.)[^\s<>\"'{}\[\]]*[^\s<>\"'{}\[\].,;:!?)]"
EMAIL_RE = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"
NUMBER_RE = re.compile(r"(?<!XQ)(?<![\d.,])\d+(?:[.,:/]\d+)*%?")
# as written, or as the embedded model garbles it ("XQP5X", "XSQ1X", "XQ2Y", "XQ3", and "XJ2X": another
# letter for the Q, then only with its closing X; "X5X": no Q at all, with its closing X): still the placeholder
PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z])X\s*(?:(?:[A-Z]\s*)?Q\s*P?\s*|[A-Z]\s*(?=\d+\s*X(?![^\W\d_]))|"
                            r"(?=\d+X(?![A-Za-z])))"
                            r"(\d+)(?:\s*X(?!\s*Q\s*\d)|Y(?![^\W\d_]))?", re.IGNORECASE)

_GLUED = re.compile(r"([a-z])X?Q(\d+)X(?![A-Za-z])")
_BARE = re.compile(r"(?<![A-Za-z])XQX?(?![A-Za-z\d])")


def _unglue(text: str) -> str:
    """A placeholder glued to the word before it, spaced out; dropped where the text has the same
    placeholder written properly too (the model wrote it twice)."""
    proper = {m.group(1) for m in PLACEHOLDER_RE.finditer(text)}
    return _GLUED.sub(lambda m: m.group(1) if m.group(2) in proper else f"{m.group(1)} XQ{m.group(2)}X", text)


@dataclass(frozen=True)
class Slot:
    placeholder: str
    source: str  # the text as it was
    target: str  # what goes back (the same text, or the glossary translation)
    kind: str  # "url", "email", "keep", "glossary"


@dataclass(frozen=True)
class Masked:
    text: str  # what the model sees
    slots: tuple[Slot, ...]
    numbers: tuple[str, ...]  # numbers of the source, as written


class Protector:
    def __init__(self, keep: Sequence[str] = (), glossary: Sequence[tuple[str, str]] = (),
                 urls: bool = True, numbers: bool = True):
        self.urls = urls
        self.numbers = numbers
        self.targets: dict[str, tuple[str, str]] = {}
        for term in keep:
            if term.strip():
                self.targets[term] = (term, "keep")
        for term, target in glossary:
            self.targets[term] = (target, "glossary")
        parts = []
        if urls:
            parts += [f"(?P<url>{URL_RE})", f"(?P<email>{EMAIL_RE})"]
        if self.targets:
            terms = sorted(self.targets, key=len, reverse=True)
            parts.append("(?P<term>" + "|".join(_term_pattern(t) for t in terms) + ")")
        self._pattern = re.compile("|".join(parts)) if parts else None

    def mask(self, text: str) -> Masked:
        slots: list[Slot] = []

        def replace(match: re.Match[str]) -> str:
            kind = match.lastgroup or "term"
            source = match.group(0)
            if kind == "term":
                target, kind = self.targets[source]
            else:
                target = source
            placeholder = f"XQ{len(slots) + 1}X"
            slots.append(Slot(placeholder, source, target, kind))
            return placeholder

        masked = self._pattern.sub(replace, text) if self._pattern is not None else text
        numbers = tuple(m.group(0) for m in NUMBER_RE.finditer(masked)) if self.numbers else ()
        return Masked(masked, tuple(slots), numbers)

    def unmask(self, translated: str, masked: Masked, notes: list[str] | None = None,
               target_lang: str | None = None) -> str:
        """Put the protected text back and repair missing numbers (written in Western digits
        unless the target is Khmer, so "១២" repaired into English reads "12")."""
        notes = notes if notes is not None else []
        by_id = {i: slot for i, slot in enumerate(masked.slots, 1)}
        used: set[int] = set()

        def restore(match: re.Match[str]) -> str:
            index = int(match.group(1))
            slot = by_id.get(index)
            if slot is None or index in used:
                return ""  # an invented or repeated placeholder
            used.add(index)
            return slot.target

        # a placeholder glued to the word before it ("MrXQ1X"), its X lost ("spokesmanQ3X"): still the placeholder
        text = PLACEHOLDER_RE.sub(restore, _unglue(translated))
        if _BARE.search(text) and not any(_BARE.search(slot.source) for slot in masked.slots):
            text = _BARE.sub("", text)  # "the XQ Council": a placeholder the model made up, no number
            notes.append("placeholder fragment removed")
        if "\ufffd" in text:  # a broken byte sequence of the model's: never shown to a reader
            text = text.replace("\ufffd", "")
            notes.append("broken characters (U+FFFD) removed")
        missing = [slot for i, slot in by_id.items() if i not in used]
        if missing:
            text = _append(text, [slot.target for slot in missing])
            notes.append("model dropped " + ", ".join(repr(s.source) for s in missing) + "; appended")
        if masked.numbers:
            text = self._check_numbers(text, masked, notes, ascii_digits=target_lang not in (None, "km"))
        text = re.sub(r"\s{2,}", " ", text).strip()
        first = next((slot for slot in masked.slots if text.startswith(slot.target)), None)
        if target_lang in ("en", "ms") and first and first.source[:1].isupper() and text[:1].islower():
            text = text[0].upper() + text[1:]  # a protected term put back at the start ("Police" -> "Polis")
        return text

    def _check_numbers(self, text: str, masked: Masked, notes: list[str], ascii_digits: bool) -> str:
        protected = [slot.target for slot in masked.slots]
        found = [m for m in NUMBER_RE.finditer(text) if not _inside(m, text, protected)]
        have = Counter(number_key(m.group(0)) for m in found)
        want = Counter(number_key(n) for n in masked.numbers)
        missing = [n for n in masked.numbers if _take(want, have, number_key(n))]
        if not missing:
            return text
        if ascii_digits:
            missing = [_ascii_digits(n) for n in missing]
        extra = Counter(number_key(m.group(0)) for m in found) - Counter(number_key(n) for n in masked.numbers)
        invented = [m for m in found if extra[number_key(m.group(0))] > 0]
        # write missing numbers over invented ones, from the right so offsets stay valid
        pairs = list(zip(missing, invented))
        for number, match in sorted(pairs, key=lambda p: p[1].start(), reverse=True):
            text = text[:match.start()] + number + text[match.end():]
        rest = missing[len(pairs):]
        if rest:
            text = _append(text, rest)
        notes.append("numbers repaired: " + ", ".join(missing))
        return text


def number_key(number: str) -> str:
    """The digits of a number, as ASCII (Khmer and other digits count as the same)."""
    return "".join(str(unicodedata.digit(ch)) for ch in number if ch.isdigit())


def _ascii_digits(number: str) -> str:
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in number)


def _take(want: Counter, have: Counter, key: str) -> bool:
    """True when this occurrence of key is missing from the translation."""
    if have[key] > 0:
        have[key] -= 1
        return False
    return True


def _inside(match: re.Match[str], text: str, protected: Sequence[str]) -> bool:
    for value in protected:
        for m in re.finditer(re.escape(value), text):
            if m.start() <= match.start() and match.end() <= m.end():
                return True
    return False


def _append(text: str, values: Sequence[str]) -> str:
    text = text.rstrip()
    tail = " ".join(values)
    if text and text[-1] in ".!?។៕":
        return f"{text[:-1]} {tail}{text[-1]}"
    return f"{text} {tail}".strip()


def _term_pattern(term: str) -> str:
    escaped = re.escape(term)
    if re.match(r"\w", term, re.ASCII):
        escaped = r"(?<!\w)" + escaped
    if re.search(r"\w$", term, re.ASCII):
        escaped += r"(?!\w)"
    return escaped
