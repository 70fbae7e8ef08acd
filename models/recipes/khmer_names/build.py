#!/usr/bin/env python3
"""Mine the Khmer-Latin name table newsbrief.translation.khmer_names ships
(src/newsbrief/translation/data/khmer_names.tsv): Khmer-script names with the Latin form the
English side of the parallel data gives them, and how often each pair was seen.

    pip install anyascii   # the aligner's transliteration (this recipe only; not a package dependency)
    .venv/bin/python models/recipes/khmer_names/build.py ../shared/data/parallel

Alignment, per sentence pair (FLORES-200 dev, TICO-19 dev, FLoRes v1 Wikipedia dev and devtest):
each Latin name of the English side (newsbrief.translation.names.find: a capitalised run with a
word that is no common English word) is compared with every span of whole Khmer letter clusters
of the Khmer side whose transliteration (anyascii) is of a similar length; the span whose
transliteration is most similar (difflib ratio of the letters, plus EDGE_BONUS when its edges are
word edges: a space, punctuation, a zero-width space or a title such as លោក; at least MIN_RATIO)
is the name's Khmer form. A name the Khmer side writes in Latin letters is no pair. Countries, languages and
demonyms (CLDR: the place check renders them) and common words are left out. Per Khmer form (at
least 2 clusters), the Latin form seen most often is kept when it was seen twice, or once at word
edges with a similarity of at least SURE, and not more often seen (in the same pairs and en-km.tsv)
without any word of that Latin form on the English side than with it (a common word).

Lines held out of the translator's training (prepare.py's hash: sha1 of the English % 25 == 0)
are held out here too, so the table can be measured on them (measure.py).
Also writes english_words.txt.gz (english_words() below): the common words the check of a Khmer
source's translation skips. Deterministic (sorted output, gzip mtime 0). Only names, counts and
words are written, never a sentence.
"""
from __future__ import annotations

import gzip
import hashlib
import re
import sys
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path

from anyascii import anyascii

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "src"))
from newsbrief.translation import names  # noqa: E402
from newsbrief.translation.khmer_names import TITLES, clusters  # noqa: E402

OUT = REPO / "src" / "newsbrief" / "translation" / "data" / "khmer_names.tsv"
WORDS = OUT.with_name("english_words.txt.gz")
MIN_RATIO = 0.72
EDGE_BONUS = 0.05
SURE = 0.8
CORPORA = (("flores200_dev/flores200_dev.eng", "flores200_dev/flores200_dev.khm"),
           ("tico19_dev/tico19_dev.eng", "tico19_dev/tico19_dev.khm"),
           ("wikipedia_dev_km-en/wikipedia_dev_km-en.eng", "wikipedia_dev_km-en/wikipedia_dev_km-en.khm"),
           ("wikipedia_devtest_km-en/wikipedia_devtest.eng", "wikipedia_devtest_km-en/wikipedia_devtest.khm"))
EDGE = re.compile(r"[\s\u200b()\[\]«»\"“”'‘’,.:;!?។៕៖-]")


def held_out(english: str) -> bool:
    return int(hashlib.sha1(english.encode()).hexdigest()[:8], 16) % 25 == 0


def letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def at_edge(text: str, start: int, end: int) -> bool:
    before = text[:start]
    after = text[end:]
    left = not before or EDGE.match(before[-1]) or any(before.endswith(t) for t in TITLES)
    right = not after or EDGE.match(after[0]) is not None
    return bool(left and right)


def align(latin: str, khmer: str) -> tuple[str, float] | None:
    """The Khmer span most like the Latin name, and its similarity; None below MIN_RATIO."""
    target = letters(latin)
    if len(target) < 3:
        return None
    spans = clusters(khmer)  # (start, end) of each Khmer letter cluster
    roman = [letters(anyascii(khmer[s:e])) for s, e in spans]
    best: tuple[float, int, int] | None = None
    for i in range(len(spans)):
        text = ""
        for j in range(i, len(spans)):
            if j > i and re.search(r"[^\s\u200b]", khmer[spans[j - 1][1]:spans[j][0]]):
                break  # not contiguous: something other than a space between the clusters
            text += roman[j]
            if len(text) > 1.6 * len(target) + 2:
                break
            if len(text) < 0.75 * len(target):
                continue
            # a span at word edges (a space, punctuation, a title) is preferred: Khmer glues words
            ratio = SequenceMatcher(None, text, target, autojunk=False).ratio() + \
                EDGE_BONUS * at_edge(khmer, spans[i][0], spans[j][1])
            if best is None or ratio > best[0]:
                best = (ratio, spans[i][0], spans[j][1])
    if best is None or best[0] < MIN_RATIO:
        return None
    span = khmer[best[1]:best[2]].replace("\u200b", "")
    return (span, best[0]) if len(clusters(span)) >= 2 else None


def is_place_or_word(latin: str) -> bool:
    """A country, language or demonym (CLDR: the place check renders those) or common words."""
    bare = latin.rstrip("s")
    return (latin in names.cldr_names() or names._demonym_country(latin) is not None
            or bare in names.cldr_names() or all(names.common_word(w, "en") for w in latin.split()))


def seen_without(parallel: Path, candidates: dict[str, tuple[str, int, int]]) -> Counter:
    """Per Khmer form, the training pairs (the corpora and en-km.tsv) whose Khmer side has it and
    whose English side has none of its Latin form's words: a common word ("ក៏មាន", also has)
    the aligner once matched to a name."""
    pattern = re.compile("|".join(sorted(map(re.escape, candidates), key=len, reverse=True)))
    out: Counter = Counter()
    for en, km in training_pairs(parallel):
        for khmer in set(pattern.findall(km)):
            words = candidates[khmer][0].lower().split()
            if not any(w in en.lower() for w in words):
                out[khmer] += 1
    return out


def training_pairs(parallel: Path, tsv: bool = True):
    for eng, khm in CORPORA:
        english = (parallel / eng).read_text("utf-8").splitlines()
        khmer = (parallel / khm).read_text("utf-8").splitlines()
        yield from ((en, km) for en, km in zip(english, khmer) if not held_out(en))
    if not tsv:
        return
    with open(parallel / "en-km.tsv", encoding="utf-8") as fh:
        for line in fh:
            row = line.rstrip("\n").split("\t")
            if len(row) >= 2:
                yield row[0], row[1]


def english_words(parallel: Path) -> list[str]:
    """Lowercase words the English side of the sentence sets (not the software catalogues) writes
    in lowercase at least twice and more often so than capitalised inside a sentence: common words
    WordNet's lemmas lack
    ("east", "registry", "commit"), which a translation of a Khmer text may capitalise."""
    lower: Counter = Counter()
    upper: Counter = Counter()
    for en, _ in training_pairs(parallel, tsv=False):  # the sentence sets only (CC BY-SA 4.0, CC0)
        for m in re.finditer(r"(?<![\w'’-])([A-Za-z][a-z]+)(?![\w'’-])", en):
            word = m.group(1)
            if word[0].islower():
                lower[word] += 1
            elif m.start() > 0 and not re.search(r"[.!?:\"“]\s*$", en[:m.start()]):
                upper[word.lower()] += 1
    return sorted(w for w, n in lower.items() if n >= 2 and n > upper[w])


def main() -> int:
    parallel = Path(sys.argv[1])
    seen: dict[str, Counter] = defaultdict(Counter)
    sure: set[tuple[str, str]] = set()  # pairs once aligned at word edges with a ratio of at least SURE
    pairs = held = 0
    for eng, khm in CORPORA:
        english = (parallel / eng).read_text("utf-8").splitlines()
        khmer = (parallel / khm).read_text("utf-8").splitlines()
        for en, km in zip(english, khmer):
            if held_out(en):
                held += 1
                continue
            pairs += 1
            for _, _, name in names.find(en, "en"):
                if name in km or is_place_or_word(name):
                    continue
                found = align(name, km)
                if found:
                    seen[found[0]][name] += 1
                    if found[1] >= SURE + EDGE_BONUS:
                        sure.add((found[0], name))
    candidates = {}
    for khmer, latins in seen.items():
        latin, count = max(latins.items(), key=lambda kv: (kv[1], kv[0]))
        if count >= 2 or (khmer, latin) in sure:
            candidates[khmer] = (latin, count, sum(latins.values()))
    without = seen_without(parallel, candidates)
    rows = [(khmer, latin, count, total) for khmer, (latin, count, total) in candidates.items()
            if without[khmer] <= count]
    dropped = len(candidates) - len(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("# Khmer-script names and their Latin form, aligned in the parallel data by models/recipes/khmer_names/"
                 "build.py (FLORES-200 dev, TICO-19 dev, FLoRes v1 Wikipedia; CC BY-SA 4.0 / CC0)\n"
                 "# khmer\tlatin\tseen (this pair)\tseen (this Khmer form, any Latin form)\n")
        for row in sorted(rows):
            fh.write("\t".join(map(str, row)) + "\n")
    words = english_words(parallel)
    with gzip.GzipFile(WORDS, "wb", mtime=0) as gz:
        gz.write("".join(f"{w}\n" for w in words).encode())
    print(f"{len(words)} lowercase English words -> {WORDS.relative_to(REPO)}")
    print(f"{pairs} pairs read ({held} held out), {len(rows)} names -> {OUT.relative_to(REPO)} "
          f"({dropped} dropped: more often seen without their Latin form)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
