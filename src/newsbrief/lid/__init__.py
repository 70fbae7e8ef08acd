"""Language identification for one span of text, tuned for English, Khmer, Malay and Indonesian.

identify(text) -> (lang, confidence, script)

1. Script. Letters are counted per ISO 15924 script (digits, punctuation, spaces and zero-width characters are
   neutral). Khmer letters (U+1780-U+17FF, U+19E0-U+19FF) in the majority, or at least 40% of the letters next
   to Latin ones (Latin names and terms inside Khmer text), give "km"; other scripts used by a single language
   do the same for that language (Thai "th", Hangul "ko", Han "zh" or "ja" with kana, ...).
2. Latin: pycld2 decides between English, Malay-or-Indonesian and other languages, checked against word
   frequency lists of English and Malay/Indonesian (data/words.tsv.gz, from wordfreq), which also decide short
   lines pycld2 cannot call; text neither knows goes to langid.py restricted to en/ms/id and a dozen major
   Latin-script languages, and "und" is returned when nothing is sure. Other shared scripts (Cyrillic, Arabic,
   Devanagari, ...): pycld2, then langid.py, else "und".
3. Malay or Indonesian: a naive Bayes discriminator over words and character n-grams trained for this project
   (models/recipes/lid_ms_id; data/msid.*), combined with pycld2's and langid.py's own Malay-vs-Indonesian
   votes, decides between "ms" (Malaysian Malay) and "id". With msid_prior (the probability of Malay known from
   elsewhere: newsbrief.detection passes the article's own variety for its sentences and paragraphs) the text's
   evidence is added to that prior instead of to even odds.

Deterministic; no network; only pycld2 and langid (both already dependencies) are imported, lazily.
"""

from __future__ import annotations

import functools
import math
import re

from ._script import SCRIPT_LANG, char_script, script_counts

__all__ = ["SAMPLE_THRESHOLD", "identify"]

# Texts longer than this are classified from WINDOWS evenly spread windows of WINDOW characters each
# (cut at whitespace), so that a 1,000,000-character document costs about as much as a 40,000-character one.
# The script count always reads the whole text (it is a C-speed Counter over characters).
SAMPLE_THRESHOLD = 40_000
WINDOWS = 20
WINDOW = 2_000

# langid.py fallback for text pycld2 cannot call (short spans): our languages plus major Latin-script ones,
# so that a short English or Malay line is not called Tagalog or Latin by a 97-language model.
_LANGID_SET = ("en", "ms", "id", "fr", "de", "es", "pt", "it", "nl", "tl", "vi", "jv", "tr", "pl", "sv")
# Codes pycld2 uses that are not the ISO 639-1 ones.
_CODE_ALIASES = {"iw": "he", "jw": "jv", "in": "id", "zh-Hant": "zh", "zhT": "zh", "mo": "ro", "nn": "no",
                 "nb": "no", "sr-ME": "sr", "xx-Qaai": "und"}
_MSID = ("ms", "id")
# A script used by one language only (Khmer, Thai, ...) decides when it has at least this share of the letters.
MIN_SCRIPT_SHARE = 0.4
# Below this confidence in the language (or, for Malay/Indonesian, in the pair) the answer is "und".
MIN_CONFIDENCE = 0.6
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def identify(text: str, msid_prior: float | None = None) -> tuple[str, float, str]:
    """Return (lang, confidence, script) for one span of text (a sentence, paragraph or whole document).

    msid_prior: when the span is Malay or Indonesian, the probability that it is Malay before reading it (e.g. from
    the article it belongs to); None: even odds. It changes only the choice between "ms" and "id" and the
    confidence of that choice, never whether the span is Malay-or-Indonesian at all.

    lang: ISO 639-1: "en", "km", "ms", "id" for our four languages; another code when the text is confidently
    some other language (e.g. "fr", "th", "zh"; pycld2's few languages without a 639-1 code keep their
    3-letter code); "und" when unsure or when there are no letters.
    confidence: 0..1, the estimated probability that lang is right (0.0 with "und").
    script: ISO 15924 of the dominant letters ("Latn", "Khmr", "Thai", ...; "Zyyy" when there are none).
    """
    if not isinstance(text, str):
        raise TypeError(f"identify() takes a str, not {type(text).__name__}")
    counts = script_counts(text)
    letters = sum(counts.values())
    if not letters:
        return "und", 0.0, "Zyyy"
    script, n = counts.most_common(1)[0]
    if script == "Latn":
        # Khmer (or Thai, ...) text often carries Latin names and technical terms, and Latin letters are many
        # per word: a single-language script with at least MIN_SCRIPT_SHARE of the letters decides.
        other = next(((sc, k) for sc, k in counts.most_common() if sc in SCRIPT_LANG), None)
        if other and other[1] >= MIN_SCRIPT_SHARE * letters:
            script, n = other
    share = n / letters
    # Few letters: less sure whatever the script says. 1 letter -> x0.5, 4 -> x0.8, 10+ -> ~x0.91+
    size_factor = letters / (letters + 1)
    if script in SCRIPT_LANG:
        lang = SCRIPT_LANG[script]
        kana = counts["Hira"] + counts["Kana"]
        if lang == "ja" or (lang == "zh" and kana >= 0.05 * letters):
            # Japanese mixes Han and kana: all three count for it
            lang, script, share = "ja", "Jpan", (kana + counts["Hani"]) / letters
        return lang, round(min(0.999, (0.5 + share / 2) * size_factor), 4), script
    sample = _sample(text)
    if len(counts) > 1:
        # the minority scripts were weighed above: the statistical models see the dominant script only
        # (pycld2 would otherwise count Khmer's 3-byte letters in a mostly Malay text as Khmer)
        sample = "".join(ch if char_script(ch) in (None, script) else " " for ch in sample)
    lang, conf = _statistical(sample, script, msid_prior)
    if lang == "und":
        return "und", 0.0, script
    return lang, round(min(0.999, conf * (0.5 + share / 2) * size_factor), 4), script


def _sample(text: str) -> str:
    """The text itself, or for long texts WINDOWS windows of about WINDOW characters evenly spread over it."""
    if len(text) <= SAMPLE_THRESHOLD:
        return text
    step = len(text) / WINDOWS
    parts = []
    for i in range(WINDOWS):
        start = int(i * step)
        chunk = text[start:start + WINDOW + 200]
        # start and end at whitespace so that no word is cut in two
        cut = chunk.find(" ", 0, 200) + 1 if i else 0
        end = chunk.rfind(" ", WINDOW - 200)
        parts.append(chunk[cut:end if end > cut else len(chunk)])
    return "\n".join(parts)


def _statistical(text: str, script: str, msid_prior: float | None = None) -> tuple[str, float]:
    text = _CONTROL.sub(" ", text)  # control characters and lone surrogates: pycld2 and langid.py refuse them
    group, conf = _latin_group(text) if script == "Latn" else _other_script(text)
    if conf < MIN_CONFIDENCE:
        return "und", 0.0
    if group != "msid":
        return group, conf
    from ._msid import model

    p_ms = model().prob_ms(text, msid_prior)
    return ("ms", conf * p_ms) if p_ms >= 0.5 else ("id", conf * (1.0 - p_ms))


_last_cld2: list = [None, None]  # (text, best_effort) -> pycld2's answer, for the last call only


def cld2_raw(text: str, best_effort: bool = False) -> tuple[bool, tuple] | None:
    """pycld2.detect(text) as (reliable, details), None when pycld2 refuses the text. The last answer is kept:
    the Latin-script check and the Malay-vs-Indonesian vote ask about the same text one after the other."""
    key = (text, best_effort)
    if _last_cld2[0] == key:
        return _last_cld2[1]
    import pycld2

    try:
        reliable, _, details = pycld2.detect(_CONTROL.sub(" ", text), bestEffort=best_effort)
        result = (reliable, details)
    except pycld2.error:  # pragma: no cover - malformed input pycld2 refuses
        result = None
    _last_cld2[0], _last_cld2[1] = key, result
    return result


def _cld2(text: str, best_effort: bool = False) -> tuple[bool, list[tuple[str, float]]]:
    """(reliable, [(code, percent), ...]) from pycld2; ms and id are merged into "msid"."""
    got = cld2_raw(text, best_effort)
    if got is None:  # pragma: no cover
        return False, []
    reliable, details = got
    shares: dict[str, float] = {}
    for _, code, percent, _ in details:
        if code == "un" or not percent:
            continue
        code = _CODE_ALIASES.get(code, code)
        code = "msid" if code in _MSID else code.split("-")[0]
        shares[code] = shares.get(code, 0.0) + percent
    return reliable, sorted(shares.items(), key=lambda kv: -kv[1])


@functools.cache
def _langid_full():
    """langid.py's model, loaded once (a few seconds: it is only needed for text pycld2 cannot call)."""
    from langid.langid import LanguageIdentifier, model

    return LanguageIdentifier.from_modelstring(model, norm_probs=True)


@functools.cache
def _langid(restricted: bool = True):
    if not restricted:
        return _langid_full()
    import copy

    identifier = copy.copy(_langid_full())  # set_languages rebinds the arrays: the full model stays intact
    identifier.set_languages(list(_LANGID_SET))
    return identifier


# Word check (log10 units): per-word log p(w|en) - log p(w|msid) from wordfreq lists, clipped to +-WORD_CLIP;
# pycld2's reliable vote for en or msid weighs CLD2_WEIGHT (times its percentage). Set by hand, checked on the
# development sets (Tatoeba even lines, Astro AWANI, kumparan development sentences, CNN/DailyMail articles).
WORD_FLOOR = -8.0
WORD_CLIP = 4.0
CLD2_WEIGHT = 4.0
_TOKEN = re.compile(r"[^\W\d_]+")


@functools.cache
def _wordlist() -> dict[str, tuple[float, float]]:
    import gzip
    from importlib import resources

    words: dict[str, tuple[float, float]] = {}
    with gzip.open(resources.files(__package__) / "data" / "words.tsv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            w, en, msid = line.rstrip("\n").split("\t")
            words[w] = (float(en) if en else WORD_FLOOR, float(msid) if msid else WORD_FLOOR)
    return words


def _word_evidence(text: str) -> tuple[float, int, int]:
    """(sum of clipped log10 p(w|en)/p(w|msid) over known words, known words, all words)."""
    words = _wordlist()
    total = known = 0
    llr = 0.0
    for tok in _TOKEN.findall(text.lower()):
        total += 1
        got = words.get(tok)
        if got is None:
            continue
        known += 1
        llr += max(-WORD_CLIP, min(WORD_CLIP, got[0] - got[1]))
    return llr, known, total


def _latin_group(text: str) -> tuple[str, float]:
    """("en" | "msid" | other code | "und", confidence) for Latin-script text."""
    reliable, shares = _cld2(text)
    llr, known, total = _word_evidence(text)
    top, percent = shares[0] if shares else ("", 0.0)
    if reliable and top == "und":
        return "und", 0.0
    if reliable and top and top not in ("en", "msid"):
        # pycld2 is sure of a third language; believe it unless nearly every word is a known English or
        # Malay/Indonesian word and they agree (names and loan words mislead pycld2 on short lines)
        if known >= 3 and known >= 0.8 * total and abs(llr) >= 3.0:
            return ("en" if llr > 0 else "msid"), 0.7
        return top, min(0.95, 0.4 + percent / 200)
    vote = 0.0
    if reliable and top in ("en", "msid"):
        vote = (1.0 if top == "en" else -1.0) * percent / 100
    if vote == 0.0 and (known == 0 or known < 0.5 * total):
        return _langid_fallback(text, total)
    score = llr + CLD2_WEIGHT * vote
    if score == 0.0:
        return "und", 0.0
    margin = min(abs(score), 20.0) * 2.302585  # log10 -> nats
    return ("en" if score > 0 else "msid"), 1.0 / (1.0 + math.exp(-margin))


def _langid_fallback(text: str, words: int) -> tuple[str, float]:
    """Short text pycld2 cannot call and our word lists do not cover: langid.py over a few languages.
    A language other than ours needs at least three words as well."""
    code, p = _langid().classify(text)
    code = "msid" if code in _MSID else code
    if code in ("en", "msid") and p >= 0.6:
        return code, 0.5 + 0.4 * p
    if p >= 0.95 and words >= 3:
        return code, 0.7 * p
    return "und", 0.0


def _other_script(text: str) -> tuple[str, float]:
    """Cyrillic, Arabic, Devanagari, ...: pycld2 (best effort) names the language, or langid.py when it is sure,
    or we say "und"."""
    reliable, shares = _cld2(text, best_effort=True)
    if shares and reliable:
        code, percent = shares[0]
        return code, min(0.99, 0.5 + percent / 200)
    code, p = _langid(restricted=False).classify(text)
    if p >= 0.9:
        return code, 0.5 + 0.4 * p
    return "und", 0.0
