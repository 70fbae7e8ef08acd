#!/usr/bin/env python3
"""Build the name data newsbrief.translation.names ships (src/newsbrief/translation/data/):

names.tsv        English name <TAB> Malay form <TAB> Khmer form: the capitalised CLDR entries of the parallel
                 data (countries, territories, languages; Unicode licence). An empty field: no CLDR form in that
                 language (the harvest dropped pairs that are the same in both languages: "Indonesia" is
                 "Indonesia" in Malay).
vocab.tsv.gz     lowercase word <TAB> languages ("en", "ms", "en ms"): the one-word lemmas of WordNet 3.0 (English
                 side) and Wordnet Bahasa (Malaysian side) from the Open Multilingual Wordnet rows of en-ms.tsv.
                 WordNet writes proper nouns with capitals, so a lowercase lemma is a common word: a capitalised
                 word that is not one ("Manet", "Sokhak", "Watamu") is taken for a name.

Usage: python models/recipes/names/build.py ../shared/data/parallel src/newsbrief/translation/data
Deterministic (sorted output, gzip mtime 0).
"""
import csv
import gzip
import re
import sys
from pathlib import Path

parallel, out = Path(sys.argv[1]), Path(sys.argv[2])
NAME = re.compile(r"[A-Z][\w'’.-]*(?: (?:of|and|the|de|la|da|du|and) | |$)")  # a capitalised English name
WORD = re.compile(r"[a-z][a-z'-]*[a-z]")


def rows(path: Path):
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for row in reader:
            if len(row) >= 3:
                yield row[0].strip(), row[1].strip(), row[2]


def capitalised(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 5 and all(w[0].isupper() or w in ("of", "and", "the", "de", "la", "da") for w in words) \
        and not re.search(r"[\d()/,:;!?\"]", text)


names: dict[str, dict[str, str]] = {}
vocab: dict[str, set[str]] = {}
for lang in ("ms", "km"):
    for english, target, source in rows(parallel / f"en-{lang}.tsv"):
        if "unicode-cldr" in source and capitalised(english) and english != target:
            names.setdefault(english, {}).setdefault(lang, target)  # the first CLDR form (its main name)
        if lang == "ms" and "wns/msa/" in source:  # Wordnet Bahasa (MIT) and WordNet 3.0 lemmas
            if WORD.fullmatch(english):
                vocab.setdefault(english, set()).add("en")
            if WORD.fullmatch(target):
                vocab.setdefault(target, set()).add("ms")

out.mkdir(parents=True, exist_ok=True)
with open(out / "names.tsv", "w", encoding="utf-8") as fh:
    fh.write("# CLDR names (Unicode licence, via the parallel data's unicode-cldr-core rows): english\tmalay\tkhmer\n")
    for english in sorted(names):
        forms = names[english]
        fh.write(f"{english}\t{forms.get('ms', '')}\t{forms.get('km', '')}\n")
with gzip.GzipFile(out / "vocab.tsv.gz", "wb", mtime=0) as gz:
    for word in sorted(vocab):
        gz.write(f"{word}\t{' '.join(sorted(vocab[word]))}\n".encode())
print(f"{len(names)} names, {len(vocab)} words ({sum('en' in v for v in vocab.values())} en, "
      f"{sum('ms' in v for v in vocab.values())} ms)")
