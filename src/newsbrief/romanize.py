"""Khmer script in Latin letters, for names: a simplified BGN/PCGN-like scheme in the spelling
Cambodians use for their own names in English (ហ៊ុន សែន -> "Hun Sen", ម៉ាណែត -> "Manet",
សុខា -> "Sokha"), not a reversible transliteration.

Syllable by syllable: an initial consonant (with its subscripts), a vowel read by the
consonant's series (first series: ា "a", ុ "o"; second: ា "ea", ុ "u"; ៉ and ៊ move a consonant
to the other series), and a final consonant (a bare consonant after an open syllable), written
as Khmer finals sound (ដ/ត/ទ -> "t", ប/ព -> "p", ញ -> "nh"). A consonant under ៍ is silent.
Each word (a run between spaces) becomes one capitalised Latin word.
"""

from __future__ import annotations

import re

_FIRST = dict(zip("កខចឆដឋណតថបផសហឡអឝឞ", "k kh ch chh d th n t th b ph s h l _ s s".split()))
_SECOND = dict(zip("គឃងជឈញឌឍទធនពភមយរលវ", "k kh ng ch chh nh d th t th n p ph m y r l v".split()))
_FINAL = dict(zip("កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវសហឡអ",
                  "k k k k ng ch ch ch ch nh t t t t n t t t t n p p p p m y r l v s h l _".split()))
_INDEPENDENT = dict(zip("ឣឤឥឦឧឨឩឪឫឬឭឮឯឰឱឲឳ", "a a e ei o ou ou ov rue rue lue lue ae ai ao ao au".split()))
# dependent vowels (and vowel + nikahit/reahmuk pairs): (first series, second series)
_VOWELS = {"": ("a", "o"), "ា": ("a", "ea"), "ិ": ("e", "i"), "ី": ("ei", "i"), "ឹ": ("oe", "i"), "ឺ": ("eu", "eu"),
           "ុ": ("o", "u"), "ូ": ("ou", "ou"), "ួ": ("uo", "uo"), "ើ": ("aeu", "eu"), "ឿ": ("oeu", "oeu"),
           "ៀ": ("ie", "ie"), "េ": ("e", "e"), "ែ": ("e", "e"), "ៃ": ("ai", "ey"), "ោ": ("ao", "o"),
           "ៅ": ("au", "ov"), "ំ": ("am", "um"), "ុំ": ("om", "um"), "ាំ": ("am", "oam"), "ះ": ("ah", "eah"),
           "ៈ": ("a", "ea"), "េះ": ("eh", "eh"), "ោះ": ("aoh", "uoh"), "ុះ": ("oh", "uh")}
_BANTOC_FINAL = re.compile("[\u1780-\u17a2]\u17cb")
_SYLLABLE = re.compile("(?P<base>[\u1780-\u17a2])(?P<sub>(?:\u17d2[\u1780-\u17a2])*)(?P<shift>[\u17c9\u17ca]?)"
                       "(?P<vowel>[\u17b6-\u17c5]?[\u17c6-\u17c8]?)(?P<marks>[\u17cb-\u17d1\u17d3\u17dd]*)"
                       "|(?P<independent>[\u17a3-\u17b3])")


def _series(base: str, sub: str, shift: str) -> int:
    series = 2 if base in _SECOND else 1
    if shift == "\u17c9":
        return 1
    if shift == "\u17ca":
        return 2
    if base + sub[:2] in _FOREIGN:
        return 1
    if series == 1 and any(c in "គឃជឈទធពភ" for c in sub[1::2]):  # ស្ព, ស្ទ: read in the second series
        return 2
    return series


# ហ under another consonant writes a sound Khmer letters lack (ហ្គ "g", ហ្វ "f", ហ្ស "z")
_FOREIGN = {"ហ្គ": "g", "ហ្វ": "f", "ហ្ស": "z"}


def _initial(base: str, sub: str) -> str:
    foreign = _FOREIGN.get(base + sub[:2])
    if foreign:
        return foreign + _initial(sub[1], sub[2:])[1:] if sub[2:] else foreign
    letters = [base, *sub[1::2]]
    out = "".join(_FIRST.get(c) or _SECOND.get(c, "") for c in letters)
    return out.replace("_", "")


def _word(word: str) -> str:
    text = "".join(_syllables(word))
    return text[:1].upper() + text[1:]


def syllables(text: str) -> list[str]:
    """The romanized syllables of a Khmer text, in order (lowercase; spaces dropped):
    ហ៊ុន សែន -> ["hun", "sen"]."""
    return [s for word in re.split(r"[\s\u200b]+", text.strip()) for s in _syllables(word) if s]


def _syllables(word: str) -> list[str]:
    syllables: list[list[str]] = []  # [initial, vowel, final]
    matches = list(_SYLLABLE.finditer(word))
    for k, m in enumerate(matches):
        if m.group("independent"):
            syllables.append(["", _INDEPENDENT[m.group("independent")], ""])
            continue
        base, sub, shift, vowel, marks = m.group("base", "sub", "shift", "vowel", "marks")
        if "\u17cd" in marks:  # ៍: silent
            continue
        if "\u17cc" in marks:  # robat: an r
            vowel = vowel or ""
        last = syllables[-1] if syllables else None
        open_inherent = last is not None and not last[2] and last[1] in _VOWELS[""]
        # a bare consonant closes an open syllable; so does the consonant over a subscript after an
        # inherent vowel, the subscript starting the next syllable (សម្តេច "sam-tech", រង្ស៊ី, អង្គរ)
        # ... unless the next consonant carries ់ (bantoc): that one is the final (សុគង់ "so-kong")
        before_bantoc = k + 1 < len(matches) and _BANTOC_FINAL.fullmatch(matches[k + 1].group())
        if last is not None and not last[2] and not before_bantoc and \
                (not vowel and not shift or sub and open_inherent):
            last[2] = _FINAL.get(base, "").replace("_", "")  # a bare consonant closes the open syllable
            if not sub or not vowel and m.end() == len(word):
                continue  # a subscript ending a word is silent (ចន្ទ "chan", សុធារិន្ទ "sotharin")
            base, sub = sub[1], sub[2:]  # its subscript starts the next syllable (រង្ស៊ី)
        final = ""
        if not vowel and sub and m.end() == len(word):  # ន្ត ending a word: "n", inherent vowel, "t"
            base, sub, final = base, "", _FINAL.get(sub[-1], "").replace("_", "")
        series = _series(base, sub, shift)
        reading = _VOWELS.get(vowel) or _VOWELS.get(vowel[:1], ("a", "o"))
        syllables.append([_initial(base, sub), reading[series - 1], final])
        if "\u17cc" in marks:
            syllables[-1][2] = "r"
    return ["".join(s) for s in syllables]


_CLUSTER = re.compile("[\u1780-\u17b3](?:\u17d2[\u1780-\u17b3]|[\u17b4-\u17d1\u17d3\u17dd])*")


def clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each Khmer letter cluster of text (a letter with its subscripts and signs)."""
    return [m.span() for m in _CLUSTER.finditer(text)]


def romanize(text: str) -> str:
    """A Khmer name (or any Khmer text) in Latin letters: ហ៊ុន សែន -> "Hun Sen"."""
    words = re.split(r"[\s\u200b]+", text.strip())
    return " ".join(w for w in (_word(word) for word in words) if w)
