#!/usr/bin/env python3
"""Fixed, seeded train / dev / test split of the labelled Malay-vs-Indonesian sets in shared/data.

Writes heldout/split.tsv (next to this script; committed): one row per source,
    source<TAB>path under shared/data<TAB>label (ms or id)<TAB>one letter per line of the source file:
    r train, d dev, t test, x duplicate of a test line (unused), e empty line (unused)
Nothing of the text itself is copied: train_news.py, benchmarks/detection.py and tests/test_lid.py read
the sources and their parts from this file alone (read_split below shows the format).

The part of a line depends only on SEED, the source group and the line number (sha256, 100 buckets):
buckets 0-29 test (30%), 30-44 dev (15%, tuning), 45-99 train (55%). The two FLORES-200 dev files are
line-parallel (the same sentence in Malaysian and Indonesian), so they share one group: a sentence is in the
same part on both sides and no test sentence has its counterpart in training. Lines whose normalised form
(NFKC, lower case, non-word characters removed) also occurs in a test line of any source are moved out of
train and dev into "dup" (they are never used), so that test sentences are unseen.

Usage: python split.py SHARED_DATA           (instant; deterministic)
"""
import hashlib
import os
import re
import sys
import unicodedata

SEED = "newsbrief-lid-ms-id-split-1"
HERE = os.path.dirname(os.path.abspath(__file__))

# source -> (path under shared/data, label, split group)
SOURCES = {
    "dslcc_v1.ms": ("lid/dslcc_v1.ms.txt", "ms", "dslcc_v1.ms"),
    "dslcc_v1.id": ("lid/dslcc_v1.id.txt", "id", "dslcc_v1.id"),
    "dslcc_v2.ms": ("lid/dslcc_v2.ms.txt", "ms", "dslcc_v2.ms"),
    "dslcc_v2.id": ("lid/dslcc_v2.id.txt", "id", "dslcc_v2.id"),
    "ud_id_gsd": ("lid/ud_id_gsd.id.txt", "id", "ud_id_gsd"),
    "ud_id_csui": ("lid/ud_id_csui.id.txt", "id", "ud_id_csui"),
    "ud_id_pud": ("lid/ud_id_pud.id.txt", "id", "ud_id_pud"),
    "flores200_dev.zsm": ("parallel/flores200_dev/flores200_dev.zsm", "ms", "flores200_dev"),
    "flores200_dev.ind": ("parallel/flores200_dev/flores200_dev.ind", "id", "flores200_dev"),
}


def norm_key(s):
    return re.sub(r"[^\w]+", " ", unicodedata.normalize("NFKC", s).lower()).strip()


def part_of(group, i):
    bucket = int(hashlib.sha256(f"{SEED}:{group}:{i}".encode()).hexdigest(), 16) % 100
    return "test" if bucket < 30 else "dev" if bucket < 45 else "train"


def main(shared):
    lines = {}
    for name, (path, _, _) in SOURCES.items():
        with open(os.path.join(shared, path), encoding="utf-8") as f:
            lines[name] = f.read().splitlines()
    parts = {name: [part_of(SOURCES[name][2], i) for i in range(len(ls))] for name, ls in lines.items()}
    test_keys = {norm_key(t) for name, ls in lines.items() for t, p in zip(ls, parts[name]) if p == "test"}
    rows = []
    for name, ls in lines.items():
        for i, (t, p) in enumerate(zip(ls, parts[name])):
            if not t.strip():
                p = "empty"
            elif p != "test" and norm_key(t) in test_keys:
                p = "dup"
            rows.append((name, i, p))
    letters = {"train": "r", "dev": "d", "test": "t", "dup": "x", "empty": "e"}
    out = os.path.join(HERE, "heldout", "split.tsv")
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"# models/recipes/lid_ms_id/split.py, seed {SEED}: source, path, label, one letter a line "
                "(r train, d dev, t test, x dup, e empty)\n")
        for name, (path, label, _) in SOURCES.items():
            f.write("\t".join((name, path, label, "".join(letters[p] for n, _, p in rows if n == name))) + "\n")
    summary = {}
    for n, _, p in rows:
        summary.setdefault(n, {}).setdefault(p, 0)
        summary[n][p] += 1
    for n, c in summary.items():
        print(n, c, file=sys.stderr)


def read_split(path):
    """{source: (path under shared/data, label, letters)} from a split.tsv."""
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    return {name: (source_path, label, letters) for name, source_path, label, letters in rows}


if __name__ == "__main__":
    main(sys.argv[1])
