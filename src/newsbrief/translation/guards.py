"""Guards around the model: clause splitting so no input is too long, loop truncation,
and the plausibility check that decides when a translation is retried."""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ..lid import script_counts
from . import names

# Where a long sentence may be cut, best first: strong clause marks, commas, conjunctions,
# then any space (Khmer separates phrases with spaces), then anywhere.
_BOUNDARIES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<=[;:–])\s+|(?<=—)\s*|(?<=\s-)\s+|(?<=[។៕៖])\s*"),
    re.compile(r"(?<=[,،])\s+"),
    re.compile(r"\s+(?=(?:and|but|or|while|because|although|which|who|that|dan|tetapi|atau|kerana|yang|"
               r"manakala|sementara|ហើយ|និង|ប៉ុន្តែ|ដែល|ព្រោះ|ឬ)\s)", re.IGNORECASE),
    re.compile(r"\s+"),
)

_LETTER = re.compile(r"[^\W\d_]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # C0 controls but tab and newline, and DEL
# a unit of 1-60 characters repeated at least 3 times in a row (optionally space-separated)
_LOOP = re.compile(r"(.{1,60}?)(?:\s*\1){2,}", re.DOTALL)


def split_to_fit(text: str, limit: int, count: Callable[[Sequence[str]], list[int]]) -> list[str]:
    """Split text at clause boundaries into pieces of at most `limit` tokens each."""
    n = count([text])[0]
    if n <= limit or len(text) < 2:
        return [text]
    for pattern in _BOUNDARIES:
        cuts = [m for m in pattern.finditer(text) if 0 < m.start() and m.end() < len(text)]
        if cuts:
            middle = len(text) / 2
            cut = min(cuts, key=lambda m: abs(m.start() - middle))
            left, right = text[:cut.start()].strip(), text[cut.end():].strip()
            if left and right:
                return split_to_fit(left, limit, count) + split_to_fit(right, limit, count)
    # no boundary at all: cut in the middle of the characters
    middle = len(text) // 2
    return split_to_fit(text[:middle], limit, count) + split_to_fit(text[middle:], limit, count)


def collapse_repetitions(text: str) -> tuple[str, bool]:
    """Truncate degenerate loops (the same words or characters three or more times in a row)
    to one occurrence. Runs of digits or punctuation (1000000, ...) are left alone."""
    changed = False

    def one(match: re.Match[str]) -> str:
        nonlocal changed
        unit = match.group(1)
        if not _LETTER.search(unit) or (len(unit.strip()) < 2 and len(match.group(0)) < 8):
            return match.group(0)
        changed = True
        return unit

    return _LOOP.sub(one, text), changed


def _new_controls(source: str, target: str) -> bool:
    return bool(_CONTROL.search(target)) and not _CONTROL.search(source)


def drop_control_chars(source: str, target: str) -> str:
    """The target without the control characters its source did not have (never news text)."""
    return " ".join(_CONTROL.sub(" ", target).split()) if _new_controls(source, target) else target


def suspicious(source: str, target: str, *, cut: bool = False, looped: bool = False,
               min_ratio: float = 0.2, max_ratio: float = 5.0, tgt: str | None = None,
               src: str | None = None) -> str | None:
    """Why a translation looks wrong, or None when it looks plausible. With tgt, a translation
    in the wrong script (a model that copied English into a Khmer text, or Khmer into English)
    is suspicious too; with src as well, one that names someone or somewhere its (Latin-script)
    source does not (names.invented: "Watamu" in a sentence about Cambodia)."""
    if not target.strip():
        return "empty translation"
    if cut:
        return "cut at the output length limit"
    if looped:
        return "repetition loop"
    if "\ufffd" in target and "\ufffd" not in source:  # bytes the model left unfinished (byte fallback)
        return "broken characters (U+FFFD)"
    if _new_controls(source, target):  # byte-fallback tokens such as <0x01>
        return "control characters"
    letters = script_counts(target) if tgt is not None else None
    if letters and sum(letters.values()) >= 10:
        share = letters["Khmr"] / sum(letters.values())
        if (tgt == "km" and share < 0.3) or (tgt != "km" and share > 0.5):
            return "not in the target language's script (untranslated)"
    src_len, tgt_len = len(source.strip()), len(target.strip())
    if src_len >= 20:
        ratio = tgt_len / src_len
        if ratio < min_ratio:
            return f"too short ({ratio:.2f} of the source length)"
        if ratio > max_ratio:
            return f"too long ({ratio:.2f} times the source length)"
    if src is not None and tgt is not None:
        new = names.invented(source, target, src, tgt)
        if new:
            return "invented name: " + ", ".join(new)
    return None


def severity(reason: str | None) -> int:
    """How bad a suspicious() reason is: 0 (fine) to 4 (empty); used to pick between tries."""
    if reason is None:
        return 0
    for level, start in ((4, "empty"), (3, "cut"), (2, "repetition")):
        if reason.startswith(start):
            return level
    return 1
