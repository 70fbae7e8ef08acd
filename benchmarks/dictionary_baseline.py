"""A word-by-word dictionary baseline for translation quality.

The dictionary is built from the training data only (../shared/data/parallel/en-km.tsv and
en-ms.tsv; never from NTREX-128 or eval/), by two simple statistics:

1. single-word pairs: rows whose English side is one word and whose other side is one word
   (for Khmer: one run of Khmer letters). For a word, the most frequent partner wins (ties: the
   higher Dice, then the smaller string). Words are lowercased, except all-capital acronyms and
   codes ("IT" is not "it").
2. Dice coefficients over sentence pairs: for every row, each word of one side co-occurs with
   each word of the other; dice(e, f) = 2 c(e, f) / (c(e) + c(f)), where c counts rows. A word
   with no single-word pair takes its best-Dice partner if dice >= MIN_DICE.

Ties are broken by count, then by the string, so the build is deterministic. The same tables
give both directions (en->xx and xx->en). Khmer has no spaces between words: Khmer text (in
the training data and in inputs) is split into orthographic syllables and then segmented by
longest match over the dictionary's Khmer entries (the single-word-pair Khmer words), a
syllable standing alone where no entry matches (such fragments get Dice entries too, often
poor ones: this is a baseline).

Translating a sentence: each word is looked up (as a key, above); a word the dictionary has never
seen (a name, a number) is copied; a word it has seen but has no confident translation for
(an English article, say) is dropped; punctuation is kept. No reordering, no inflection.
"""

from __future__ import annotations

import collections
import csv
import hashlib
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsbrief.metrics import khmer_syllables

MAX_WORDS = 40  # rows with more words than this on either side are left out of the Dice counts
MIN_DICE = 0.05
MAX_ENTRY_SYLLABLES = 8  # longest Khmer entry used for segmentation

_KHMER_LETTERS = "\u1780-\u17d3\u17dd"  # consonants, vowels, signs (not punctuation or digits)
_TOKEN = re.compile(rf"[{_KHMER_LETTERS}]+|[^\W_\u1780-\u17ff]+|[\u17e0-\u17e9]+|\S")
_KHMER_RUN = re.compile(rf"[{_KHMER_LETTERS}]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_NO_SPACE_BEFORE = re.compile(r" ([.,!?;:%)\]}។៕៖”’])")
_NO_SPACE_AFTER = re.compile(r"([(\[{“‘]) ")


def is_khmer(token: str) -> bool:
    return bool(_KHMER_RUN.fullmatch(token))


def syllables(run: str) -> list[str]:
    """A Khmer run as orthographic syllables; the run itself if they do not cover it exactly."""
    parts = khmer_syllables(run)
    return parts if "".join(parts) == run else [run]


def segment(run: str, vocabulary: set[str], longest: int = MAX_ENTRY_SYLLABLES) -> list[str]:
    """Greedy longest match of a Khmer run over `vocabulary`, at syllable boundaries."""
    parts, out, i = syllables(run), [], 0
    while i < len(parts):
        for n in range(min(longest, len(parts) - i), 0, -1):
            candidate = "".join(parts[i:i + n])
            if n == 1 or candidate in vocabulary:
                out.append(candidate)
                i += n
                break
    return out


def raw_tokens(text: str) -> list[str]:
    """Tokens as written: Khmer letter runs (unsegmented), other words, digits, punctuation."""
    return _TOKEN.findall(text)


def key(token: str) -> str:
    """The dictionary key of a word: lowercased, except all-capital acronyms and codes ("IT" is not "it")."""
    return token if len(token) > 1 and token.isupper() else token.lower()


def words(text: str, lang: str, vocabulary: set[str] | None = None) -> list[str]:
    """The words (tokens with a letter) of text as keys; Khmer runs segmented over `vocabulary`."""
    out = []
    for token in raw_tokens(text):
        if not _HAS_LETTER.search(token):
            continue
        if lang == "km" and is_khmer(token):
            out.extend(segment(token, vocabulary or set()))
        else:
            out.append(key(token))
    return out


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """(english, target) rows of a training TSV (columns english, target, source_id)."""
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header and header[:2] != ["english", "target"]:
            raise ValueError(f"{path}: expected the columns english, target; found {header}")
        return [(row[0], row[1]) for row in reader if len(row) >= 2 and row[0].strip() and row[1].strip()]


@dataclass
class Dictionary:
    lang: str  # the other language: "km" or "ms" (the pair is English <-> lang)
    to_lang: dict[str, str] = field(default_factory=dict)  # english word -> lang word
    to_en: dict[str, str] = field(default_factory=dict)  # lang word -> english word
    seen_en: set[str] = field(default_factory=set)  # every English word of the training data
    seen_lang: set[str] = field(default_factory=set)
    khmer_vocabulary: set[str] = field(default_factory=set)  # segmentation entries (km only)
    info: dict = field(default_factory=dict)

    def translate(self, text: str, src: str, tgt: str) -> str:
        """Word-by-word translation of one line, src and tgt being "en" and self.lang."""
        if {src, tgt} != {"en", self.lang}:
            raise ValueError(f"this dictionary translates en<->{self.lang}, not {src}->{tgt}")
        table, seen = (self.to_lang, self.seen_en) if src == "en" else (self.to_en, self.seen_lang)
        out: list[str] = []
        for token in raw_tokens(text):
            pieces = (segment(token, self.khmer_vocabulary) if src == "km" and is_khmer(token) else [token])
            for piece in pieces:
                if not _HAS_LETTER.search(piece):
                    out.append(piece)  # numbers, punctuation
                    continue
                word = key(piece)
                translation = table.get(word)
                if translation is None:
                    if word not in seen:
                        out.append(piece)  # never seen: a name, most likely
                    continue  # seen, but nothing it reliably translates to
                if translation == word:
                    translation = piece  # the same word in both languages: as written
                elif tgt != "km" and piece[:1].isupper():
                    translation = translation[:1].upper() + translation[1:]
                out.append(translation)
        return detokenize(out, tgt)

    def to_json(self) -> dict:
        return {"lang": self.lang, "info": self.info, "to_lang": self.to_lang,
                "to_en": self.to_en, "seen_en": sorted(self.seen_en), "seen_lang": sorted(self.seen_lang),
                "khmer_vocabulary": sorted(self.khmer_vocabulary)}

    @classmethod
    def from_json(cls, data: dict) -> Dictionary:
        return cls(data["lang"], data["to_lang"], data["to_en"], set(data["seen_en"]), set(data["seen_lang"]),
                   set(data["khmer_vocabulary"]), data["info"])


def detokenize(tokens: list[str], lang: str) -> str:
    """Tokens joined by spaces (Khmer words written together), no space before closing punctuation."""
    text = ""
    for token in tokens:
        if text and not (lang == "km" and is_khmer(token) and is_khmer(text[-1])):
            text += " "
        text += token
    return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", text))


def _best(counts: dict[str, collections.Counter], score) -> dict[str, str]:
    """For each word, the partner with the highest (score, count), then the smallest string."""
    return {word: min(partners.items(), key=lambda kv: (-score(word, kv[0], kv[1]), -kv[1], kv[0]))[0]
            for word, partners in counts.items()}


def build(pairs: Iterable[tuple[str, str]], lang: str, max_words: int = MAX_WORDS,
          min_dice: float = MIN_DICE) -> Dictionary:
    """The dictionary from (english, other-language) pairs. Deterministic."""
    pairs = list(pairs)
    # Single-word pairs (and, for Khmer, the segmentation vocabulary they give).
    single_to_lang: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    single_to_en: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for english, other in pairs:
        e, o = english.strip(), other.strip()
        e_words, o_tokens = raw_tokens(e), raw_tokens(o)
        if len(e_words) == 1 and len(o_tokens) == 1 and _HAS_LETTER.search(e) and _HAS_LETTER.search(o):
            if lang == "km" and (not is_khmer(o) or len(syllables(o)) > MAX_ENTRY_SYLLABLES):
                continue
            single_to_lang[key(e)][key(o)] += 1
            single_to_en[key(o)][key(e)] += 1
    vocabulary = {w for w in single_to_en if lang == "km" and len(syllables(w)) > 1}

    # Co-occurrence counts over rows (each word counted once a row).
    count_en: collections.Counter = collections.Counter()
    count_lang: collections.Counter = collections.Counter()
    cooc: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    seen_en, seen_lang = set(), set()
    used = 0
    for english, other in pairs:
        e_set, o_set = set(words(english, "en")), set(words(other, lang, vocabulary))
        seen_en |= e_set
        seen_lang |= o_set
        if not e_set or not o_set or len(e_set) > max_words or len(o_set) > max_words:
            continue
        used += 1
        count_en.update(e_set)
        count_lang.update(o_set)
        for e in e_set:
            cooc[e].update(o_set)
    reverse: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for e, partners in cooc.items():
        for o, c in partners.items():
            reverse[o][e] = c

    def dice_en(e: str, o: str, c: int) -> float:
        return 2 * c / max(count_en[e] + count_lang[o], 1)

    def dice_lang(o: str, e: str, c: int) -> float:
        return dice_en(e, o, c)

    def choose(single: dict, counts: dict, dice) -> tuple[dict[str, str], dict[str, int]]:
        table, how = {}, {"single-word pairs": 0, "dice": 0}
        for word, partners in single.items():  # the most frequent partner; ties: the higher Dice
            table[word] = min(partners.items(), key=lambda kv: (-kv[1], -dice(word, kv[0], counts.get(word, {}).get(kv[0], 0)),
                                                                kv[0]))[0]
            how["single-word pairs"] += 1
        for word, partner in _best(counts, dice).items():
            if word not in table and dice(word, partner, counts[word][partner]) >= min_dice:
                table[word] = partner
                how["dice"] += 1
        return dict(sorted(table.items())), how

    to_lang, how_lang = choose(single_to_lang, cooc, dice_en)
    to_en, how_en = choose(single_to_en, reverse, dice_lang)
    info = {"pairs": len(pairs), "pairs_in_dice_counts": used, "max_words": max_words,
            "min_dice": min_dice, f"en->{lang} entries": how_lang, f"{lang}->en entries": how_en,
            "khmer_segmentation_entries": len(vocabulary)}
    return Dictionary(lang, to_lang, to_en, seen_en, seen_lang, vocabulary, info)


def _fingerprint(path: Path) -> str:
    """The data file (path, size, time) and this module's code: a change to either rebuilds."""
    stat = path.stat()
    text = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{Path(__file__).read_text('utf-8')}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_or_build(lang: str, data_dir: Path, cache_dir: Path | None) -> Dictionary:
    """The en<->lang dictionary from data_dir/en-<lang>.tsv, cached as JSON in cache_dir."""
    path = data_dir / f"en-{lang}.tsv"
    cached = cache_dir / f"dictionary-en-{lang}-{_fingerprint(path)}.json" if cache_dir else None
    if cached and cached.is_file():
        return Dictionary.from_json(json.loads(cached.read_text("utf-8")))
    print(f"building the en<->{lang} dictionary from {path} ...", file=sys.stderr)
    dictionary = build(read_pairs(path), lang)
    dictionary.info["source"] = str(path)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(dictionary.to_json(), ensure_ascii=False), encoding="utf-8")
    return dictionary
