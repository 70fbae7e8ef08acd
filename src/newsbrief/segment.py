"""Paragraph and sentence splitting for English, Malay and Khmer.

Spans are (start, end) character offsets into the text exactly as given, so that
text[start:end] is always the sentence: normalisation (NFC, zero-width removal)
happens on copies, never on the text the offsets point into.

Rules, by script:
- Khmer ends sentences with ។ (khan) and ៕ (bariyoosan), not with ៖ (colon) or ៛ (riel);
  "។ល។" means "etc." and ends nothing. Khmer has no spaces between words, so a
  boundary does not need whitespace after it.
- Latin script ends sentences with . ! ? … followed by whitespace and a sentence start
  (not a lowercase letter). Abbreviations ("Dr.", "Sdn.", "U.S.", "No. 5", "Jan. 5"),
  decimals ("1.5") and quotes or ellipses followed by lowercase do not end a sentence.
  Sentences that scraped text glued together without a space ("... 1952.Pelakon itu ...") are split.
"""

from __future__ import annotations

import re

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE = rf"[\s{ZERO_WIDTH}]"

# Titles and other words that are abbreviated before a name or a word: never a boundary.
ABBREVIATIONS = frozenset("""
mr mrs ms mx dr prof sr jr st mt ft gen col lt maj sgt capt cmdr adm gov sen rep rev hon pres supt insp cpl
messrs mme mlle dj sdn hj hjh kg jln tel fax vol vols fig figs pp approx est dept univ assn
vs v cf e.g i.e a.m p.m ph.d
""".split())
# Words abbreviated before a number ("No. 5", "Jan. 5", "p. 12"): a boundary unless a digit follows.
NUMBER_ABBREVIATIONS = frozenset("""
no nos art sec ch p jan feb mar apr jun jul aug sep sept oct nov dec
""".split())

_KHMER_ETC = re.compile(f"។[ {ZERO_WIDTH}]?ល[ {ZERO_WIDTH}]?។")  # "etc.", sometimes with zero-width spaces
_CLOSERS = re.escape("\"'”’»›)]}")
_LATIN_BOUNDARY = re.compile(rf"(?:\.{{2,}}|…|[.!?]+)[{_CLOSERS}]*(?={_SPACE}|$)")
# Scraped news glues sentences together without a space ("... Akta Dadah Berbahaya 1952.Pelakon itu",
# '... 4 ribu maaa".Netizen juga'): a stop after two lowercase letters or digits, before a capital
# and a lowercase letter, ends a sentence too ("U.S.Army", "e.g.The" do not match: a capital or one
# letter before the stop)
_GLUED_BOUNDARY = re.compile(rf"(?<=[a-z0-9][a-z0-9])[{_CLOSERS}]?[.!?]+[{_CLOSERS}]*(?=[A-Z][a-z])")
_OTHER_BOUNDARY = re.compile(rf"[។៕。！？][{_CLOSERS}]*")
_WORD_BEFORE_DOT = re.compile(r"(?:\b[^\W\d_](?:\.[^\W\d_])*|\b[^\W\d_]+)\.?$")
_BLANK_LINE = re.compile(rf"\n(?:[ \t\r\f\v{ZERO_WIDTH}]*\n)+")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink (start, end) past surrounding whitespace and zero-width characters."""
    while start < end and (text[start].isspace() or text[start] in ZERO_WIDTH):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ZERO_WIDTH):
        end -= 1
    return start, end


def _continues_line(text: str, line_end: int, next_start: int) -> bool:
    """True when a single line break looks like hard wrapping inside a paragraph."""
    prev = text[:line_end].rstrip(" \t" + ZERO_WIDTH)
    if not prev or prev[-1] in ".!?…។៕:;\"”’)":
        return False
    nxt = text[next_start] if next_start < len(text) else ""
    line_start = prev.rfind("\n") + 1
    return nxt.islower() or ("\u1780" <= nxt <= "\u17ff" and len(prev) - line_start >= 60)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs are separated by blank lines, or by single line breaks unless the
    line break merely wraps a sentence (next line starts lowercase)."""
    spans = []
    block_start = 0
    for sep in [*_BLANK_LINE.finditer(text), None]:
        block_end = sep.start() if sep else len(text)
        piece_start = block_start
        pos = block_start
        while (nl := text.find("\n", pos, block_end)) != -1:
            nxt = nl + 1
            while nxt < block_end and text[nxt] in " \t\r\f\v" + ZERO_WIDTH:
                nxt += 1
            if not _continues_line(text, nl, nxt):
                spans.append(_strip(text, piece_start, nl))
                piece_start = nl + 1
            pos = nl + 1
        spans.append(_strip(text, piece_start, block_end))
        if sep:
            block_start = sep.end()
    return [(s, e) for s, e in spans if s < e]


def _is_latin_boundary(text: str, match: re.Match, end: int) -> bool:
    after = match.end()
    while after < end and (text[after].isspace() or text[after] in ZERO_WIDTH):
        after += 1
    if after >= end:
        return True
    nxt = text[after]
    if nxt.islower():
        return False  # "Stop!" he said. / "wait... and see" / "Sdn. Bhd. telah"
    if nxt in "-–—":
        return False  # a dash begins no sentence: "SUNGAI PETANI 19 Jan. – Menteri ..." is one dateline
    mark = match.group()
    if not mark.startswith(".") or mark.startswith(".."):
        return True
    word = _WORD_BEFORE_DOT.search(text, max(0, match.start() - 20), match.start() + 1)
    if not word:
        return True
    token = word.group().rstrip(".").lower()
    if token in ABBREVIATIONS:
        return False
    if token in NUMBER_ABBREVIATIONS and nxt.isdigit():
        return False
    if len(token.replace(".", "")) <= 2 and "." in token or len(token) == 1 and token.isalpha():
        return False  # initials: "U.S.", "J. Smith"
    return True


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end] (normally one paragraph), as offsets into text."""
    end = len(text) if end is None else end
    cuts = []
    inside_etc = {m.start() for m in _KHMER_ETC.finditer(text, start, end)}
    inside_etc |= {m.end() - 1 for m in _KHMER_ETC.finditer(text, start, end)}
    for match in _OTHER_BOUNDARY.finditer(text, start, end):
        if match.start() not in inside_etc:
            cuts.append(match.end())
    for match in _LATIN_BOUNDARY.finditer(text, start, end):
        if _is_latin_boundary(text, match, end):
            cuts.append(match.end())
    cuts += [match.end() for match in _GLUED_BOUNDARY.finditer(text, start, end)]
    spans = []
    prev = start
    for cut in sorted(set(cuts)) + [end]:
        s, e = _strip(text, prev, cut)
        if s < e:
            spans.append((s, e))
        prev = max(prev, cut)
    return spans
