"""ROUGE-1/2/L/Lsum F1 with a tokenizer that keeps Khmer and Malay.

rouge-score (the usual Python implementation) lowercases and keeps only ``[a-z0-9]``,
so every Khmer text tokenizes to nothing and scores 0. This module computes the same
scores as rouge-score 0.1.2 (same n-gram counting, same LCS backtracking, the same
summary-level union-LCS for ROUGE-Lsum, the same Porter stemmer as NLTK's default
mode) with a tokenizer that

- lowercases (Unicode) and splits on anything that is not a letter or a digit;
  runs of ``[a-z0-9]`` are exactly rouge-score's tokens, so English scores match
  rouge-score's; letters of other non-Khmer scripts (é, ñ, Cyrillic, ...) are kept
  inside the word instead of being deleted;
- splits Khmer into **orthographic syllables**: a base (a consonant or an independent
  vowel) with everything attached to it, i.e. subscript consonants (coeng + consonant),
  dependent vowels and diacritic signs. Syllables rather than words because Khmer
  writes no spaces between words and word segmentation needs a dictionary or a model
  (and two segmenters disagree, which moves the score); syllable clusters are defined
  by Unicode alone, are deterministic and identical for reference and candidate, and
  partial credit for partly matching compounds is what ROUGE-1 should give. Numbers
  are about twice as many units as words, so Khmer scores are not comparable with
  word-level Khmer ROUGE reported elsewhere (syllable ROUGE-1 is usually higher);
- maps Khmer digits ០-៩ to ASCII digits, so "២០២៤" and "2024" match;
- optionally applies the Porter stemmer (NLTK's default mode, as rouge-score uses it)
  to pure ``[a-z0-9]`` tokens longer than 3 characters: English only; pass
  ``stem=False`` for Malay and Khmer.

Scores are F1 in [0, 1]. ``rouge()`` gives one pair; ``rouge_corpus()`` averages
per-article scores (the convention of the CNN/DM literature and rouge-score's
aggregator mean).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

__all__ = [
    "RougeScore", "tokenize", "khmer_syllables", "porter_stem",
    "rouge", "rouge_n", "rouge_l", "rouge_lsum", "rouge_corpus",
]

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


# --- Porter stemmer (NLTK's default NLTK_EXTENSIONS mode, which rouge-score uses) ----

_VOWELS = frozenset("aeiou")
_IRREGULAR = {"skies": "sky", "sky": "sky", "dying": "die", "lying": "lie", "tying": "tie",
              "news": "news", "innings": "inning", "inning": "inning", "outings": "outing",
              "outing": "outing", "cannings": "canning", "canning": "canning", "howe": "howe",
              "proceed": "proceed", "exceed": "exceed", "succeed": "succeed"}


def _is_cons(word: str, i: int) -> bool:
    if word[i] in _VOWELS:
        return False
    if word[i] == "y":
        negate = False
        while i > 0 and word[i] == "y":
            negate = not negate
            i -= 1
        return (word[i] not in _VOWELS) != negate
    return True


def _measure(stem: str) -> int:
    flags: list[bool] = []
    for i, ch in enumerate(stem):
        if ch in _VOWELS:
            flags.append(False)
        elif ch == "y":
            flags.append(True if i == 0 else not flags[i - 1])
        else:
            flags.append(True)
    return "".join("c" if f else "v" for f in flags).count("vc")


def _has_vowel(stem: str) -> bool:
    flags: list[bool] = []
    for i, ch in enumerate(stem):
        if ch in _VOWELS:
            return True
        if ch == "y":
            f = True if i == 0 else not flags[i - 1]
            if not f:
                return True
            flags.append(f)
        else:
            flags.append(True)
    return False


def _double_cons(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_cons(word, len(word) - 1)


def _cvc(word: str) -> bool:
    n = len(word)
    return (n >= 3 and _is_cons(word, n - 3) and not _is_cons(word, n - 2) and _is_cons(word, n - 1)
            and word[-1] not in "wxy") or (n == 2 and not _is_cons(word, 0) and _is_cons(word, 1))


def _m_pos(stem: str) -> bool:
    return _measure(stem) > 0


def _m_gt1(stem: str) -> bool:
    return _measure(stem) > 1


def _rules(word: str, rules) -> str:
    for suffix, repl, cond in rules:
        if suffix == "*d" and _double_cons(word):
            stem = word[:-2]
            return stem + repl if cond is None or cond(stem) else word
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)] if suffix else word
            return stem + repl if cond is None or cond(stem) else word
    return word


_STEP2 = [("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
          ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
          ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
          ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
          ("fulli", "ful")]
_STEP3 = [(s, r, _m_pos) for s, r in [("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"),
                                       ("ical", "ic"), ("ful", ""), ("ness", "")]]
_STEP4 = [(s, "", _m_gt1) for s in ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement",
                                     "ment", "ent"]] + \
         [("ion", "", lambda s: _measure(s) > 1 and s[-1] in "st")] + \
         [(s, "", _m_gt1) for s in ["ou", "ism", "ate", "iti", "ous", "ive", "ize"]]


def _step2(word: str) -> str:
    if word.endswith("alli") and _m_pos(word[:-4]):
        return _step2(word[:-4] + "al")
    rules = [(s, r, _m_pos) for s, r in _STEP2]
    rules.append(("logi", "log", lambda stem: _m_pos(word[:-3])))
    return _rules(word, rules)


def porter_stem(word: str) -> str:
    """Porter stemmer, NLTK_EXTENSIONS mode (identical output to nltk's PorterStemmer())."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 2:
        return w
    # step 1a
    if w.endswith("ies") and len(w) == 4:
        w = w[:-3] + "ie"
    else:
        w = _rules(w, [("sses", "ss", None), ("ies", "i", None), ("ss", "ss", None), ("s", "", None)])
    # step 1b
    if w.endswith("ied"):
        w = w[:-3] + ("ie" if len(w) == 4 else "i")
    elif w.endswith("eed"):
        if _measure(w[:-3]) > 0:
            w = w[:-3] + "ee"
    else:
        inter = None
        for suffix in ("ed", "ing"):
            if w.endswith(suffix) and _has_vowel(w[: -len(suffix)]):
                inter = w[: -len(suffix)]
                break
        if inter is not None:
            last = inter[-1] if inter else ""
            w = _rules(inter, [("at", "ate", None), ("bl", "ble", None), ("iz", "ize", None),
                               ("*d", last, lambda s: last not in "lsz"),
                               ("", "e", lambda s: _measure(s) == 1 and _cvc(s))])
    # step 1c
    w = _rules(w, [("y", "i", lambda s: len(s) > 1 and _is_cons(s, len(s) - 1))])
    w = _step2(w)
    w = _rules(w, _STEP3)
    w = _rules(w, _STEP4)
    # step 5a
    if w.endswith("e"):
        stem = w[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            w = stem
    # step 5b
    w = _rules(w, [("ll", "l", lambda s, _w=w: _measure(_w[:-1]) > 1)])
    return w


# --- scores --------------------------------------------------------------------------

@dataclass(frozen=True)
class RougeScore:
    precision: float
    recall: float
    fmeasure: float


def _score(hits: int, n_pred: int, n_ref: int) -> RougeScore:
    p = hits / n_pred if n_pred else 0.0
    r = hits / n_ref if n_ref else 0.0
    return RougeScore(p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0)


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def rouge_n(ref_tokens: Sequence[str], pred_tokens: Sequence[str], n: int) -> RougeScore:
    ref, pred = _ngrams(ref_tokens, n), _ngrams(pred_tokens, n)
    hits = sum(min(c, pred[g]) for g, c in ref.items())
    return _score(hits, max(sum(pred.values()), 1), max(sum(ref.values()), 1)) if ref or pred else _score(0, 1, 1)


def _lcs_table(ref: Sequence[str], can: Sequence[str]) -> list[list[int]]:
    cols = len(can)
    table = [[0] * (cols + 1)]
    for r in ref:
        prev = table[-1]
        row = [0] * (cols + 1)
        for j in range(1, cols + 1):
            row[j] = prev[j - 1] + 1 if r == can[j - 1] else (prev[j] if prev[j] > row[j - 1] else row[j - 1])
        table.append(row)
    return table


def rouge_l(ref_tokens: Sequence[str], pred_tokens: Sequence[str]) -> RougeScore:
    if not ref_tokens or not pred_tokens:
        return RougeScore(0.0, 0.0, 0.0)
    return _score(_lcs_table(ref_tokens, pred_tokens)[-1][-1], len(pred_tokens), len(ref_tokens))


def _lcs_indices(ref: Sequence[str], can: Sequence[str]) -> list[int]:
    t = _lcs_table(ref, can)
    i, j, out = len(ref), len(can), []
    while i > 0 and j > 0:
        if ref[i - 1] == can[j - 1]:
            out.append(i - 1)
            i -= 1
            j -= 1
        elif t[i][j - 1] > t[i - 1][j]:
            j -= 1
        else:
            i -= 1
    return out


def rouge_lsum(ref_sents: Sequence[Sequence[str]], pred_sents: Sequence[Sequence[str]]) -> RougeScore:
    """Summary-level ROUGE-L (union LCS over sentences, no double counting), as rouge-score's rougeLsum."""
    m, n = sum(map(len, ref_sents)), sum(map(len, pred_sents))
    if not m or not n:
        return RougeScore(0.0, 0.0, 0.0)
    cnt_r = Counter(t for s in ref_sents for t in s)
    cnt_c = Counter(t for s in pred_sents for t in s)
    hits = 0
    for r in ref_sents:
        union = sorted(set().union(*(_lcs_indices(r, c) for c in pred_sents)))
        for t in (r[i] for i in union):
            if cnt_c[t] > 0 and cnt_r[t] > 0:
                hits += 1
                cnt_c[t] -= 1
                cnt_r[t] -= 1
    return _score(hits, n, m)


def _lines(text: str | Sequence[str]) -> list[str]:
    lines = text.split("\n") if isinstance(text, str) else list(text)
    return [x for x in lines if x]


def rouge(reference: str | Sequence[str], prediction: str | Sequence[str], stem: bool = False,
          types: Iterable[str] = ("rouge1", "rouge2", "rougeL", "rougeLsum")) -> dict[str, RougeScore]:
    """ROUGE scores of one prediction against one reference.

    Texts are strings (sentences separated by newlines, which matters for rougeLsum
    only) or lists of sentences. ``stem=True`` Porter-stems English tokens.
    """
    ref_lines, pred_lines = _lines(reference), _lines(prediction)
    ref_tok = [t for s in ref_lines for t in tokenize(s, stem)]
    pred_tok = [t for s in pred_lines for t in tokenize(s, stem)]
    out: dict[str, RougeScore] = {}
    for kind in types:
        if kind == "rougeL":
            out[kind] = rouge_l(ref_tok, pred_tok)
        elif kind == "rougeLsum":
            out[kind] = rouge_lsum([tokenize(s, stem) for s in ref_lines],
                                   [tokenize(s, stem) for s in pred_lines])
        elif re.fullmatch(r"rouge[1-9]", kind):
            out[kind] = rouge_n(ref_tok, pred_tok, int(kind[5:]))
        else:
            raise ValueError(f"unknown ROUGE type {kind!r}; use rouge1..rouge9, rougeL or rougeLsum")
    return out


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
