"""ROUGE-1/2/L/Lsum F1 from rouge-score, with a tokenizer that keeps Khmer and Malay.

The metric is rouge-score's (``rouge_score.rouge_scorer.RougeScorer``: n-gram counting,
LCS, summary-level union-LCS for ROUGE-Lsum); only the tokenizer is ours, the way
sacrebleu keeps its tokenizers apart from its metrics. rouge-score's own tokenizer
lowercases and keeps only ``[a-z0-9]``, so every Khmer text tokenizes to nothing and
scores 0. ``Tokenizer`` (what ``RougeScorer(tokenizer=...)`` is fed)

- lowercases (Unicode) and splits on anything that is not a letter or a digit;
  runs of ``[a-z0-9]`` are exactly rouge-score's tokens, so English scores equal
  rouge-score's default ones; letters of other non-Khmer scripts (é, ñ, Cyrillic, ...)
  are kept inside the word instead of being deleted;
- splits Khmer into **orthographic syllables**: a base (a consonant or an independent
  vowel) with everything attached to it, i.e. subscript consonants (coeng + consonant),
  dependent vowels and diacritic signs. Syllables rather than words because Khmer
  writes no spaces between words and word segmentation needs a dictionary or a model
  (and two segmenters disagree, which moves the score); syllable clusters are defined
  by Unicode alone, are deterministic and identical for reference and candidate, and
  partial credit for partly matching compounds is what ROUGE-1 should give. Khmer
  text is about twice as many syllables as words, so Khmer scores are not comparable
  with word-level Khmer ROUGE reported elsewhere (syllable ROUGE-1 is usually higher);
- maps Khmer digits ០-៩ to ASCII digits, so "២០២៤" and "2024" match;
- with ``stem=True`` applies NLTK's Porter stemmer (the one rouge-score's
  ``use_stemmer=True`` uses) to pure ``[a-z0-9]`` tokens longer than 3 characters:
  English only; Malay and Khmer are scored unstemmed.

``tokenize`` and ``khmer_syllables`` need nothing beyond the standard library (the
extractive summarizer uses them at run time); the scores need the ``rouge-score``
package (``pip install 'newsbrief[metrics]'``), imported when first used.

Scores are F1 in [0, 1]. ``rouge()`` gives one pair; ``rouge_corpus()`` averages
per-article scores (the convention of the CNN/DM literature and rouge-score's
aggregator mean).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

__all__ = ["RougeScore", "Tokenizer", "tokenize", "khmer_syllables", "porter_stem", "rouge", "rouge_corpus"]

# --- tokenizer ---------------------------------------------------------------------

_KH_BASE = "\u1780-\u17b3"                    # consonants + independent vowels
_KH_ATTACHED = "\u17b4-\u17d1\u17d3\u17dd"     # dependent vowels, signs (incl. coeng U+17D2)
_KH_COENG = "\u17d2"
_KH_DIGITS = "\u17e0-\u17e9"
# A syllable: a base plus any attached marks (coeng+consonant subscripts included).
_KH_SYLLABLE = rf"[{_KH_BASE}](?:{_KH_COENG}[{_KH_BASE}]|[{_KH_ATTACHED}])*"
# Stray attached marks (typing errors, a leading coeng) form no token of their own.
_TOKEN_RE = re.compile(
    rf"{_KH_SYLLABLE}"                          # a Khmer syllable
    rf"|[{_KH_DIGITS}]+"                        # Khmer digits (mapped to 0-9 below)
    r"|[^\W_\u1780-\u17ff\u19e0-\u19ff]+",       # a run of other letters and digits
)
_LATIN_TOKEN = re.compile(r"[a-z0-9]+")
_KH_DIGIT_MAP = {0x17E0 + i: str(i) for i in range(10)}
_ZW_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def tokenize(text: str, stem: bool = False) -> list[str]:
    """Lowercased tokens: runs of (non-Khmer) letters and digits, and Khmer syllables.

    Pure ``[a-z0-9]`` text tokenizes exactly as in rouge-score. With ``stem=True``
    ``[a-z0-9]`` tokens longer than 3 characters are Porter-stemmed (English).
    """
    text = _ZW_RE.sub("", unicodedata.normalize("NFC", text)).lower()
    tokens = [t.translate(_KH_DIGIT_MAP) if "\u17e0" <= t[0] <= "\u17e9" else t
              for t in _TOKEN_RE.findall(text)]
    if stem:
        tokens = [porter_stem(t) if len(t) > 3 and _LATIN_TOKEN.fullmatch(t) else t for t in tokens]
    return tokens


def khmer_syllables(text: str) -> list[str]:
    """The Khmer orthographic syllables of text (other characters ignored)."""
    return re.findall(_KH_SYLLABLE, unicodedata.normalize("NFC", text))


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import porter  # rouge-score's dependency, and its stemmer

    return porter.PorterStemmer()


@lru_cache(maxsize=65536)
def porter_stem(word: str) -> str:
    """NLTK's Porter stemmer in its default mode, as rouge-score's use_stemmer=True applies it."""
    return _stemmer().stem(word)


class Tokenizer:
    """The tokenizer newsbrief feeds rouge-score: ``Tokenizer(stem).tokenize(text)``."""

    def __init__(self, stem: bool = False) -> None:
        self.stem = stem

    def tokenize(self, text: str) -> list[str]:
        return tokenize(text, self.stem)

    def __repr__(self) -> str:
        return f"Tokenizer(stem={self.stem})"


# --- scores --------------------------------------------------------------------------

@dataclass(frozen=True)
class RougeScore:
    precision: float
    recall: float
    fmeasure: float


_TYPE_RE = re.compile(r"rouge[1-9]|rougeL|rougeLsum")


@lru_cache(maxsize=16)
def _scorer(types: tuple[str, ...], stem: bool):
    try:
        from rouge_score import rouge_scorer
    except ImportError as exc:
        from .errors import MissingDependencyError

        raise MissingDependencyError(f"ROUGE scores need the rouge-score package ({exc}): "
                                     f"pip install 'newsbrief[metrics]'") from None
    return rouge_scorer.RougeScorer(list(types), use_stemmer=stem, tokenizer=Tokenizer(stem))


def _text(text: str | Sequence[str]) -> str:
    """Sentences one a line (rouge-score's rougeLsum splits on newlines); empty lines dropped."""
    lines = text.split("\n") if isinstance(text, str) else list(text)
    return "\n".join(x for x in lines if x)


def rouge(reference: str | Sequence[str], prediction: str | Sequence[str], stem: bool = False,
          types: Iterable[str] = ("rouge1", "rouge2", "rougeL", "rougeLsum")) -> dict[str, RougeScore]:
    """ROUGE scores of one prediction against one reference (rouge-score, our tokenizer).

    Texts are strings (sentences separated by newlines, which matters for rougeLsum
    only) or lists of sentences. ``stem=True`` Porter-stems English tokens.
    """
    types = tuple(types)
    for kind in types:
        if not _TYPE_RE.fullmatch(kind):
            raise ValueError(f"unknown ROUGE type {kind!r}; use rouge1..rouge9, rougeL or rougeLsum")
    scores = _scorer(types, bool(stem)).score(_text(reference), _text(prediction))
    return {kind: RougeScore(float(s.precision), float(s.recall), float(s.fmeasure)) for kind, s in scores.items()}


def rouge_corpus(references: Sequence[str | Sequence[str]], predictions: Sequence[str | Sequence[str]],
                 stem: bool = False,
                 types: Iterable[str] = ("rouge1", "rouge2", "rougeL", "rougeLsum")) -> dict[str, float]:
    """Mean F1 over pairs (each in [0, 1])."""
    if len(references) != len(predictions):
        raise ValueError(f"{len(references)} references but {len(predictions)} predictions")
    types = tuple(types)
    totals = dict.fromkeys(types, 0.0)
    for ref, pred in zip(references, predictions):
        for kind, score in rouge(ref, pred, stem, types).items():
            totals[kind] += score.fmeasure
    n = max(len(references), 1)
    return {k: v / n for k, v in totals.items()}
