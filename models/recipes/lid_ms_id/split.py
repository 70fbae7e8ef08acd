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

News (issue #25): mono/ms_news.txt and mono/id_news.txt (130k sentences, in article order) are split by
document, so that the sentences of one article never straddle train and test, into heldout/split_news.tsv (same
format; a separate file because its parts differ: 10% test, 5% dev, 85% train) and heldout/documents_news.tsv
(per source, the number of lines of each document in order, so that the benchmark can read test sentences inside
their documents). ms_news: the article of each sentence comes from mono/ms_news_docs.jsonl (a sentence belongs to
the first article whose text contains it at a sentence boundary; the few that match none follow the line before:
the file is in article order). id_news has no article boundaries: its "documents" are blocks of ID_BLOCK
consecutive lines, and a train or dev line closer than ID_GAP lines to a test line is left unused ("x"), so that
an article cut by a block edge does not reach both sides.
The duplicate rule runs over all 11 sources together; in addition, a train line that equals (normalised) a dev
line of another source is left unused, so that development figures are not inflated by repeats.

Usage: python split.py SHARED_DATA           (a few seconds; deterministic)
"""
import hashlib
import itertools
import json
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


# news sources -> (path under shared/data, label, split group); split by document with these shares
NEWS_SOURCES = {
    "ms_news": ("mono/ms_news.txt", "ms", "ms_news"),
    "id_news": ("mono/id_news.txt", "id", "id_news"),
}
NEWS_TEST, NEWS_DEV = 10, 5  # percent of the documents
ID_BLOCK, ID_GAP = 40, 20
LETTERS = {"train": "r", "dev": "d", "test": "t", "dup": "x", "empty": "e"}


def norm_key(s):
    return re.sub(r"[^\w]+", " ", unicodedata.normalize("NFKC", s).lower()).strip()


def part_of(group, i, test=30, dev=15):
    bucket = int(hashlib.sha256(f"{SEED}:{group}:{i}".encode()).hexdigest(), 16) % 100
    return "test" if bucket < test else "dev" if bucket < test + dev else "train"


def ms_news_documents(shared, lines):
    """Article index of each line of mono/ms_news.txt (see the module docstring)."""
    first = {}
    with open(os.path.join(shared, "mono", "ms_news_docs.jsonl"), encoding="utf-8") as f:
        for k, row in enumerate(f):
            for para in json.loads(row)["text"].split("\n"):
                for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(])", para):
                    first.setdefault(s.strip(), k)
    docs, last = [], 0
    for t in lines:
        last = max(last, first.get(t.strip(), last))  # the file is in article order
        docs.append(last)
    return docs


def news_parts(name, group, docs):
    """Parts of a news source by document; id_news: a gap of unused lines around every test block."""
    parts = [part_of(group, d, NEWS_TEST, NEWS_DEV) for d in docs]
    if name == "id_news":
        test_at = [i for i, p in enumerate(parts) if p == "test"]
        near = set()
        for i in test_at:
            near.update(range(max(0, i - ID_GAP), min(len(parts), i + ID_GAP + 1)))
        parts = ["dup" if i in near and p != "test" else p for i, p in enumerate(parts)]
    return parts


def write(path, sources, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# models/recipes/lid_ms_id/split.py, seed {SEED}: source, path, label, one letter a line "
                "(r train, d dev, t test, x dup, e empty)\n")
        for name, (src_path, label, _) in sources.items():
            f.write("\t".join((name, src_path, label, "".join(LETTERS[p] for p in rows[name]))) + "\n")


def main(shared):
    lines, parts, docs = {}, {}, {}
    for name, (path, _, group) in {**SOURCES, **NEWS_SOURCES}.items():
        with open(os.path.join(shared, path), encoding="utf-8") as f:
            lines[name] = f.read().splitlines()
        if name in SOURCES:
            parts[name] = [part_of(group, i) for i in range(len(lines[name]))]
        else:
            n = len(lines[name])
            docs[name] = ms_news_documents(shared, lines[name]) if name == "ms_news" else \
                [i // ID_BLOCK for i in range(n)]
            parts[name] = news_parts(name, group, docs[name])
    keys = {name: [norm_key(t) for t in ls] for name, ls in lines.items()}
    test_keys = {k for name in lines for k, p in zip(keys[name], parts[name]) if p == "test"}
    dev_keys = {}  # normalised dev line -> sources that have it in their dev part
    for name in lines:
        for k, p in zip(keys[name], parts[name]):
            if p == "dev":
                dev_keys.setdefault(k, set()).add(name)
    rows = {}
    for name, ls in lines.items():
        out = []
        for t, k, p in zip(ls, keys[name], parts[name]):
            if not t.strip():
                p = "empty"
            elif p != "test" and k in test_keys:
                p = "dup"
            elif p == "train" and dev_keys.get(k, set()) - {name}:
                p = "dup"
            out.append(p)
        rows[name] = out
    write(os.path.join(HERE, "heldout", "split.tsv"), SOURCES, rows)
    write(os.path.join(HERE, "heldout", "split_news.tsv"), NEWS_SOURCES, rows)
    with open(os.path.join(HERE, "heldout", "documents_news.tsv"), "w", encoding="utf-8") as f:
        f.write("# models/recipes/lid_ms_id/split.py: source, the number of lines of each document in file order "
                f"(ms_news: its articles; id_news: blocks of {ID_BLOCK} lines)\n")
        for name in NEWS_SOURCES:
            sizes = [sum(1 for _ in g) for _, g in itertools.groupby(docs[name])]
            f.write(f"{name}\t{','.join(map(str, sizes))}\n")
    for name, r in rows.items():
        print(name, {p: r.count(p) for p in LETTERS}, file=sys.stderr)


def read_split(path):
    """{source: (path under shared/data, label, letters)} from a split.tsv."""
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    return {name: (source_path, label, letters) for name, source_path, label, letters in rows}


def read_documents(path):
    """{source: [document sizes in lines, in file order]} from a documents_news.tsv."""
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    return {name: [int(n) for n in sizes.split(",")] for name, sizes in rows}


if __name__ == "__main__":
    main(sys.argv[1])
