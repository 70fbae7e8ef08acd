#!/usr/bin/env python3
"""Build src/newsbrief/translation/data/malay_words.txt.gz: the words Malaysian news writes in
lowercase inside a sentence (at least 3 times, and more often so than capitalised there), for
newsbrief.translation.names.malay_word. Wordnet Bahasa (vocab.tsv.gz) lacks most function words
and derived forms ("sehingga", "ianya", "ketenteraan"), so a capitalised one opening a phrase of a
translation into Malay was taken for an invented name.

Usage: python models/recipes/names/malay_words.py ../shared/data/mono/ms_news.txt src/newsbrief/translation/data
Only words and no counts are written, never a sentence; deterministic (sorted, gzip mtime 0).
"""
import gzip
import re
import sys
from collections import Counter
from pathlib import Path

WORD = re.compile(r"(?<![\w'’-])[^\W\d_][\w'’-]*[^\W\d_](?![\w'’-])")
MIN_COUNT = 3


def main(news: Path, out: Path) -> None:
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for line in news.read_text("utf-8").splitlines():
        if sum(c.isupper() for c in line) > len(line) / 3:  # a headline in capitals
            continue
        for m in WORD.finditer(line):
            before = line[:m.start()].rstrip()
            if not before or before[-1] in ".!?:\"“”'‘(":  # a sentence or quote opens: capitals say nothing
                continue
            word = m.group()
            (lower if word.islower() else capital)[word.lower()] += 1
    words = sorted(w for w, n in lower.items() if n >= MIN_COUNT and n > capital[w])
    with gzip.GzipFile(out / "malay_words.txt.gz", "wb", mtime=0) as fh:
        fh.write(("\n".join(words) + "\n").encode())
    print(f"{len(words)} words", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
