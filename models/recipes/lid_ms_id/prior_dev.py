#!/usr/bin/env python3
"""The document prior on development data only: what SAME_VARIETY (newsbrief.detection) trades.

Reads the dev parts of the news sets (heldout/split_news.tsv; ms_news by article, id_news by 40-line block) and
measures, for several values of SAME_VARIETY:
  - pure: accuracy of the sentences read inside their own documents (detect(per="sentence"));
  - kept: the share of sentences of the other variety, inserted into those documents (one after every 20th
    sentence, from the other side's dev part), that keep their own variety: how much a prior this strong would
    hide a real Indonesian quote in a Malaysian article, or the reverse.
The shipped value was set a priori (0.98); this table shows the trade-off, it did not choose it.

Usage: python prior_dev.py SHARED_DATA        (about a minute)
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "src"))
sys.path.insert(0, HERE)

import newsbrief.detection as detection  # noqa: E402
from newsbrief.article import Article  # noqa: E402
from split import read_documents, read_split  # noqa: E402

VALUES = (0.5, 0.9, 0.95, 0.98, 0.99, 0.995)
EVERY = 20


def dev_documents(shared, name):
    path, _, letters = read_split(os.path.join(HERE, "heldout", "split_news.tsv"))[name]
    with open(os.path.join(shared, path), encoding="utf-8") as f:
        lines = f.read().splitlines()
    docs, i = [], 0
    for n in read_documents(os.path.join(HERE, "heldout", "documents_news.tsv"))[name]:
        doc = [t for t, p in zip(lines[i:i + n], letters[i:i + n]) if p == "d" and t.strip()]
        if doc:
            docs.append(doc)
        i += n
    return docs


def main(shared):
    docs = {"ms": dev_documents(shared, "ms_news"), "id": dev_documents(shared, "id_news")}
    pools = {lang: [s for d in ds for s in d] for lang, ds in docs.items()}
    print("| SAME_VARIETY | ms pure | id pure | id inserted in ms kept | ms inserted in id kept |")
    print("|---|---|---|---|---|")
    for value in VALUES:
        detection.SAME_VARIETY = value
        pure, kept = {}, {}
        for lang, other in (("ms", "id"), ("id", "ms")):
            right = total = k = n_in = 0
            pool = iter(pools[other][::7])
            for doc in docs[lang]:
                mixed, labels = [], []
                for j, s in enumerate(doc):
                    mixed.append(s)
                    labels.append(lang)
                    if j % EVERY == EVERY - 1:
                        mixed.append(next(pool))
                        labels.append(other)
                parts = detection.detect(Article.from_sentences(mixed), per="sentence").parts
                for part, label in zip(parts, labels):
                    if label == lang:
                        total += 1
                        right += part.lang == lang
                    else:
                        n_in += 1
                        k += part.lang == other
            pure[lang], kept[other] = right / total, (k, n_in)
        print(f"| {value} | {100 * pure['ms']:.2f}% | {100 * pure['id']:.2f}% | "
              f"{100 * kept['id'][0] / kept['id'][1]:.1f}% of {kept['id'][1]} | "
              f"{100 * kept['ms'][0] / kept['ms'][1]:.1f}% of {kept['ms'][1]} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
