#!/usr/bin/env python3
"""Train the Malay-vs-Indonesian naive Bayes discriminator shipped in src/newsbrief/lid/data/.

Training text (see README.md for sources and licences); WORK/corpus is written by prepare.py:
  Malay (ms)       en-ms.tsv target side (shared/data/parallel; Malaysian Malay, Indonesian filtered out)   "ui"
                   WORK/corpus/ms_prose.tsv         Malay GNOME/MATE help pages                          "prose"
                   wordfreq 3.1.1 "ms" word frequencies (Wikipedia, OpenSubtitles, Twitter)            "wordfreq"
                   WORK/corpus/ms_pseudo_{ui,prose,news}.tsv: the Indonesian texts below put into Malay by
                   Apertium ind-zlm                                             "pui", "pprose", "pnews"
  Indonesian (id)  WORK/corpus/id_ui.tsv            Debian catalogues of the same packages               "ui"
                   WORK/corpus/id_prose.tsv         Debian documentation and help pages                  "prose"
                   WORK/corpus/id_news.tsv          kumparan news sentences (nlp-id 0.1.23, first 26,852
                                                    less near-duplicates of later ones)                 "news"
                   wordfreq 3.1.1 "id"                                                                 "wordfreq"
                   WORK/corpus/id_pseudo_{ui,prose}.tsv: the Malay texts above put into Indonesian by
                   Apertium zlm-ind                                                      "pui", "pprose"
Every domain appears on both sides with the same content (real text on one side, its Apertium rendering in the
other variety on the other), so topic and domain cannot pass for a variety difference.

Tuning (development) data only: the even-numbered lines (0-based) of Tatoeba eng-msa labelled ind / zsm_Latn,
the Malay news articles in shared/data/summarization/ms_astroawani_mesolitica.jsonl (sentences),
WORK/corpus/id_news_dev.tsv (kumparan sentences 26,852-28,851) and the Malay and Indonesian help pages of seven
MATE packages (DEV_HELP_PACKAGES: formal prose translated from English), which are removed from every training
group (en-ms.tsv rows included). Nothing from shared/data/eval/ntrex128, TICO-19,
the odd Tatoeba lines, Debian Reference or the last 4,000 kumparan sentences is read here.

The model: for each feature f (words "w:..." and character 2..5-grams "c:..." of words, see
newsbrief.lid._msid.features) and each class, the counts of every source group are rescaled so that the group
contributes a fixed share of the class's mass (the shares are chosen on the development data from a few
candidates), then LLR(f) = log((c_ms(f) + a) / (c_id(f) + a)). At run time
score = bias + sum LLR(words) + char_scale * sum LLR(char n-grams)
        + cld2_weight * (pycld2 % ms - % id) / 100 + langid_weight * (langid.py log P(ms) - log P(id)),
P(ms) = sigmoid(score / T). Shares and a are chosen by grid search for the mean of the six development
accuracies with the naive Bayes part alone; then char_scale, the two vote weights and the bias by the same
criterion; T by a logistic fit on the development data.

Usage: python train.py WORK SHARED_DATA OUT_DIR    (deterministic; ~5 min on 2 CPU cores)
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import math
import os
import pickle
import re
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "src"))
from newsbrief.lid._msid import cld2_vote, features

ap = argparse.ArgumentParser()
ap.add_argument("work")
ap.add_argument("shared")
ap.add_argument("out")
ap.add_argument("--alpha", type=float, default=None, help="smoothing (mass units); default: tuned")
ap.add_argument("--min-mass", type=float, default=3.0)
ap.add_argument("--dry", action="store_true", help="tune and report, write nothing")
args = ap.parse_args()

t0 = time.time()
CORPUS = os.path.join(args.work, "corpus")
MASS = 1e7  # every class's word mass and char mass are scaled to this


def count(texts):
    words, chars = collections.Counter(), collections.Counter()
    for t in texts:
        for feat in features(t):
            (words if feat[0] == "w" else chars)[feat] += 1
    return words, chars


def wordfreq_counts(lang):
    import wordfreq
    words, chars = collections.Counter(), collections.Counter()
    for w, p in wordfreq.get_frequency_dict(lang).items():
        for feat in features(w):
            (words if feat[0] == "w" else chars)[feat] += p
    return words, chars


# Help pages of these packages (Malay and Indonesian, and their Apertium renderings) are kept out of training:
# they are the development set for formal prose translated from English (what news translations read like).
DEV_HELP_PACKAGES = ("mate-applets-common", "engrampa-common", "mate-utils-common", "mate-terminal-common",
                     "eom-common", "mate-calc-common", "mate-panel-common")


def is_dev_help(source):
    return "/help" in source and any(f"/{pkg}/" in source for pkg in DEV_HELP_PACKAGES)


def rows(path, skip_header=False):
    """(source, text) rows of a corpus TSV (text in column 1, source in column 0; en-ms.tsv: column 2)."""
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if (i or not skip_header) and len(parts) >= 2:
                yield (parts[2] if len(parts) > 2 else parts[0]), parts[1]


def corpus(name, skip_header=False, dev=False):
    """Texts of a corpus: training rows (dev=False) or the development help pages (dev=True)."""
    path = name if os.path.isabs(name) else os.path.join(CORPUS, name)
    return [t for src, t in rows(path, skip_header) if is_dev_help(src) == dev]


cache = os.path.join(args.work, "counts.pkl")  # delete it when the corpora change
if os.path.exists(cache):
    with open(cache, "rb") as f:
        groups = pickle.load(f)
else:
    enms = os.path.join(args.shared, "parallel", "en-ms.tsv")
    groups = {
        ("ms", "ui"): count(corpus(enms, skip_header=True)),
        ("ms", "prose"): count(corpus("ms_prose.tsv")),
        ("ms", "wordfreq"): wordfreq_counts("ms"),
        ("ms", "pui"): count(corpus("ms_pseudo_ui.tsv")),
        ("ms", "pprose"): count(corpus("ms_pseudo_prose.tsv")),
        ("ms", "pnews"): count(corpus("ms_pseudo_news.tsv")),
        ("id", "ui"): count(corpus("id_ui.tsv")),
        ("id", "prose"): count(corpus("id_prose.tsv")),
        ("id", "wordfreq"): wordfreq_counts("id"),
        ("id", "news"): count(corpus("id_news.tsv")),
        ("id", "pui"): count(corpus("id_pseudo_ui.tsv")),
        ("id", "pprose"): count(corpus("id_pseudo_prose.tsv")),
    }
    with open(cache, "wb") as f:
        pickle.dump(groups, f)
print(f"counted in {time.time() - t0:.0f}s", file=sys.stderr)


def make_shares(wordfreq, news, ui, prose):
    """Per-class shares of each source group; real and Apertium text of a domain are mirrored."""
    return {
        ("ms", "wordfreq"): wordfreq, ("id", "wordfreq"): wordfreq,
        ("ms", "pnews"): news, ("id", "news"): news,
        ("ms", "ui"): ui / 2, ("ms", "pui"): ui / 2, ("id", "ui"): ui / 2, ("id", "pui"): ui / 2,
        ("ms", "prose"): prose / 3, ("ms", "pprose"): 2 * prose / 3,  # real Malay prose is scarce (4k lines)
        ("id", "prose"): 2 * prose / 3, ("id", "pprose"): prose / 3,
    }


# (wordfreq, news, ui, prose)
CANDIDATES = [(0.4, 0.2, 0.3, 0.1), (0.3, 0.3, 0.3, 0.1), (0.2, 0.3, 0.4, 0.1), (0.5, 0.2, 0.2, 0.1),
              (0.3, 0.2, 0.3, 0.2)]


def combined(shares, lang, kind):
    out = collections.Counter()
    for (glang, group), share in shares.items():
        if glang != lang:
            continue
        c = groups[(glang, group)][kind]
        total = sum(c.values())
        if share <= 0 or not total:
            continue
        k = share * MASS / total
        for f, v in c.items():
            out[f] += v * k
    return out


def llr_table(shares, alpha):
    table = {}
    for kind in (0, 1):
        ms, idn = combined(shares, "ms", kind), combined(shares, "id", kind)
        for f in ms.keys() | idn.keys():
            a, b = ms.get(f, 0.0), idn.get(f, 0.0)
            if a + b >= args.min_mass:
                table[f] = math.log((a + alpha) / (b + alpha))
    return table


# ---- development data (tuning only)
def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.strip()) >= 20]


tat = os.path.join(args.shared, "eval", "opus_mt_testsets", "eng-msa", "tatoeba-test-v2021-08-07.msa")
def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


labels = [line.split("\t")[0].strip() for line in read_lines(tat + ".labels")]
lines = read_lines(tat)
tat_dev = [(t, lab) for i, (t, lab) in enumerate(zip(lines, labels)) if i % 2 == 0]
DEV = {
    "tatoeba_even_zsm": [t for t, lab in tat_dev if lab == "zsm_Latn"],
    "tatoeba_even_ind": [t for t, lab in tat_dev if lab == "ind"],
    "astroawani_ms": [s for line in read_lines(os.path.join(args.shared, "summarization",
                                                            "ms_astroawani_mesolitica.jsonl"))
                      if line.strip() for s in sentences(json.loads(line)["text"])],
    "kumparan_dev_id": [t for _, t in rows(os.path.join(CORPUS, "id_news_dev.tsv"))],
    "help_dev_ms": [t for t in corpus("ms_prose.tsv", dev=True) if len(t.split()) >= 6],
    "help_dev_id": [t for t in corpus("id_prose.tsv", dev=True) if len(t.split()) >= 6],
}
DEV_MS = {"tatoeba_even_zsm": True, "tatoeba_even_ind": False, "astroawani_ms": True, "kumparan_dev_id": False,
          "help_dev_ms": True, "help_dev_id": False}
print("dev:", {k: len(v) for k, v in DEV.items()}, file=sys.stderr)


def sums(table, texts):
    X = np.zeros((len(texts), 2))
    for i, t in enumerate(texts):
        for feat in features(t):
            w = table.get(feat)
            if w is not None:
                X[i, 0 if feat[0] == "w" else 1] += w
    return X


def accuracies(S, char_scale, bias):
    out = {}
    for name, X in S.items():
        pred_ms = bias + X[:, 0] + char_scale * X[:, 1] > 0
        out[name] = float(np.mean(pred_ms if DEV_MS[name] else ~pred_ms))
    return out


best = None
for cand in CANDIDATES:
    shares = make_shares(*cand)
    for alpha in ([args.alpha] if args.alpha else [0.3, 3.0]):
        table = llr_table(shares, alpha)
        S = {name: sums(table, texts) for name, texts in DEV.items()}
        for char_scale in (0.0, 0.05, 0.1, 0.2, 0.3):
            for bias in np.arange(-3.0, 3.001, 0.125):
                acc = accuracies(S, char_scale, float(bias))
                obj = float(np.mean(list(acc.values()))) - 1e-4 * abs(bias)  # ties: the smaller bias
                if best is None or obj > best[0]:
                    best = (obj, cand, alpha, char_scale, round(float(bias), 3), acc)
        print(f"shares {cand} alpha {alpha}: best so far {best}", file=sys.stderr)

obj, cand, alpha, char_scale, bias, acc = best
shares = make_shares(*cand)
print(f"naive Bayes alone: shares={cand} alpha={alpha} char_scale={char_scale} bias={bias}: dev {acc}",
      file=sys.stderr)
table = llr_table(shares, alpha)
S = {name: sums(table, texts) for name, texts in DEV.items()}
# second stage: add pycld2's and langid.py's Malay-vs-Indonesian votes (they were trained on other data)
V = {name: np.array([[cld2_vote(t), 0.0] for t in texts]) for name, texts in DEV.items()}
best = None
for char_scale in (0.05, 0.1, 0.2):
    for cld2_weight in (0.0, 0.5, 1.0, 1.5, 2.0):
        # langid.py's vote is left out (weight 0): it helped the development mean by 0.2 points only, and
        # loading langid.py's model costs several seconds at the first call of every process
        for langid_weight in (0.0,):
            for bias in np.arange(-3.0, 3.001, 0.0625):
                acc = {}
                for name, X in S.items():
                    sc = bias + X[:, 0] + char_scale * X[:, 1] + cld2_weight * V[name][:, 0] + langid_weight * V[name][:, 1]
                    acc[name] = float(np.mean(sc > 0 if DEV_MS[name] else sc <= 0))
                obj = float(np.mean(list(acc.values()))) - 1e-4 * abs(bias) - 1e-4 * (cld2_weight + langid_weight)
                if best is None or obj > best[0]:
                    best = (obj, char_scale, cld2_weight, langid_weight, round(float(bias), 4), acc)
obj, char_scale, cld2_weight, langid_weight, bias, acc = best
print(f"chosen shares={cand} alpha={alpha} char_scale={char_scale} cld2_weight={cld2_weight} "
      f"langid_weight={langid_weight} bias={bias}: dev {acc}", file=sys.stderr)
s = np.concatenate([bias + X[:, 0] + char_scale * X[:, 1] + cld2_weight * V[n][:, 0] + langid_weight * V[n][:, 1]
                    for n, X in S.items()])
y = np.concatenate([np.full(len(X), 1.0 if DEV_MS[name] else -1.0) for name, X in S.items()])
# temperature: 1-parameter logistic fit of P(ms) = sigmoid(score / T) on the development data (grid)
temperature = min((float(np.mean(np.logaddexp(0, -y * s / T))), float(T)) for T in np.geomspace(0.5, 50, 81))[1]
kept = {f: v for f, v in table.items() if abs(v) >= 0.05}
print(f"temperature {temperature:.3f}; features {len(table)}, kept {len(kept)}", file=sys.stderr)

if args.dry:
    sys.exit(0)
os.makedirs(args.out, exist_ok=True)
with gzip.GzipFile(os.path.join(args.out, "msid.tsv.gz"), "wb", mtime=0) as gz:
    for f in sorted(kept):
        gz.write(f"{f}\t{kept[f]:.3f}\n".encode())
meta = {
    "model": "Malay-vs-Indonesian multinomial naive Bayes (log-likelihood ratios of words and char 2-5-grams) "
             "plus weighted pycld2 and langid.py Malay-vs-Indonesian votes",
    "recipe": "models/recipes/lid_ms_id (prepare.py, train.py)",
    "word_scale": 1.0, "char_scale": char_scale, "bias": bias, "temperature": round(temperature, 4),
    "cld2_weight": cld2_weight, "langid_weight": langid_weight,
    "alpha": alpha, "min_mass": args.min_mass,
    "shares": {f"{lang}:{group}": round(v, 4) for (lang, group), v in sorted(shares.items())},
    "dev_accuracy": {k: round(v, 4) for k, v in acc.items()},
    "dev_sizes": {k: len(v) for k, v in DEV.items()},
    "training_data": {
        "ms": ["shared/data/parallel/en-ms.tsv target side", "Debian 12 Malay help pages",
               "wordfreq 3.1.1 ms", "Apertium ind-zlm renderings of the Indonesian texts"],
        "id": [("Debian 12 Indonesian catalogues and documentation (same packages as the Malay harvest, plus "
               "debian-handbook id-ID, libreoffice-help-id, kicad-doc-id, manpages-id)"),
               ("nlp-id 0.1.23 kumparan news sentences 0-26,851 (less those sharing a 6-word sequence with the "
               "development or held-out sentences)"), "wordfreq 3.1.1 id",
               "Apertium zlm-ind renderings of the Malay texts"],
    },
}
with open(os.path.join(args.out, "msid.json"), "w", encoding="utf-8") as f:
    json.dump(meta, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"wrote {args.out} in {time.time() - t0:.0f}s", file=sys.stderr)
