#!/usr/bin/env python3
"""Build src/newsbrief/lid/data/words.tsv.gz: word frequencies for English vs Malay-or-Indonesian ("msid").

From wordfreq 3.1.1 (data CC BY-SA 4.0; sources listed in its README): the TOP most frequent words of "en",
and of "ms" and "id" (their mean frequency). Each line: word<TAB>log10 p(word|en)<TAB>log10 p(word|msid), with an
empty field where the word is not in that list. newsbrief.lid uses it to check pycld2 on short or mixed Latin text.

Usage: python wordlist.py OUT_DIR [--top 30000]
"""
import argparse
import gzip
import math
import os
import re

import wordfreq

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--top", type=int, default=30000)
args = ap.parse_args()
WORD = re.compile(r"^[^\W\d_]+$")


def top(lang):
    d = wordfreq.get_frequency_dict(lang)
    items = sorted(((w, p) for w, p in d.items() if WORD.match(w)), key=lambda kv: (-kv[1], kv[0]))
    return dict(items[: args.top])


en = top("en")
ms, idn = top("ms"), top("id")
msid = {w: (ms.get(w, 0.0) + idn.get(w, 0.0)) / 2 for w in ms.keys() | idn.keys()}
os.makedirs(args.out, exist_ok=True)
with gzip.GzipFile(os.path.join(args.out, "words.tsv.gz"), "wb", mtime=0) as gz:
    for w in sorted(en.keys() | msid.keys()):
        a = f"{math.log10(en[w]):.2f}" if w in en else ""
        b = f"{math.log10(msid[w]):.2f}" if w in msid else ""
        gz.write(f"{w}\t{a}\t{b}\n".encode())
print(len(en), len(msid))
