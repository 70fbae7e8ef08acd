"""Train the extractive summarizer's learned sentence scorer (issue #15).

    nice -n 15 .venv/bin/python models/recipes/extractive_scorer/train.py            # CV search + fit + write
    nice -n 15 .venv/bin/python models/recipes/extractive_scorer/train.py --cv-only  # the search, no file

Data: the TRAINING halves (even lines, benchmarks.summarization.halves()["tune"]) of the
four shared sets in ../shared/data/summarization. The held-out halves (odd lines) are never
read for fitting or for choosing anything here; the benchmark reports them.

Per content sentence: newsbrief.summarization.extractive.sentence_features (the very code the
package runs) and a target from the reference summary (ROUGE recall/F1 of the sentence alone,
or greedy-oracle labels). Candidate models (ridge regression on per-article standardized
targets, logistic regression on oracle labels; regularization; per-set weights) are compared
by 5-fold cross-validation grouped by article: each held-in fold's model picks k sentences
(the package's own selection, redundancy check included) for the articles of the left-out fold,
and the summaries' ROUGE-1 is averaged. The best candidate is refit on every training article
and written as plain numbers (feature means, scales, weights, bias) to
src/newsbrief/summarization/data/scorer.json. scikit-learn is used here only; the package
evaluates the linear model with numpy. Deterministic (no sampling; fixed folds).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.summarization import DATA, DEFAULT_K, DEFAULT_SETS, halves, load  # noqa: E402
from newsbrief.metrics import tokenize  # noqa: E402
from newsbrief.summarization.extractive import (  # noqa: E402
    DEFAULT_CONFIG,
    FEATURES,
    _select,
    sentence_features,
)

OUT = ROOT / "src" / "newsbrief" / "summarization" / "data" / "scorer.json"
WORK = ROOT / ".work" / "extractive_scorer"
FOLDS = 5
# Sets the CV objective averages (Khmer: one article, trained on, not an objective).
OBJECTIVE_SETS = ("en_cnndm_frank", "en_xsum_frank", "ms_astroawani_mesolitica")


def prepare() -> list[dict]:
    """Features and sentence targets of every training-half article (cached in .work/)."""
    WORK.mkdir(parents=True, exist_ok=True)
    cache = WORK / "train_features.pkl"
    if cache.exists():
        data = pickle.loads(cache.read_bytes())
        if data["features"] == list(FEATURES):
            return data["articles"]
    articles = []
    for name in DEFAULT_SETS:
        set_name = name.removesuffix(".jsonl")
        rows = load(DATA / name)
        for pos, i in enumerate(halves(len(rows))["tune"]):   # training half only
            row = rows[i]
            art = row["article"]
            stem = row.get("lang", "en") == "en"
            feats, junk, sim, units, _ = sentence_features(art, DEFAULT_CONFIG)
            texts = [s.normalized for s in art.sentences]
            content = [j for j in range(len(texts)) if not junk[j]]
            articles.append({"set": set_name, "id": row["id"], "fold": pos % FOLDS, "k": DEFAULT_K[set_name],
                             "stem": stem, "summary": row["summary"], "texts": texts, "feats": feats,
                             "junk": junk, "sim": sim, "units": units, "content": content})
    cache.write_bytes(pickle.dumps({"features": list(FEATURES), "articles": articles}))
    return articles


# --- fast summary ROUGE-1 (the same tokens and counts as newsbrief.metrics.rouge) -------

def counters(a: dict) -> None:
    if "tok" not in a:
        a["tok"] = [Counter(tokenize(t, a["stem"])) for t in a["texts"]]
        a["ref"] = Counter(tokenize(a["summary"], a["stem"]))


def fast_r1(a: dict, chosen: list[int]) -> float:
    pred: Counter = Counter()
    for i in chosen:
        pred.update(a["tok"][i])
    ref = a["ref"]
    overlap = sum(min(c, ref[t]) for t, c in pred.items() if t in ref)
    if not overlap:
        return 0.0
    p, r = overlap / sum(pred.values()), overlap / sum(ref.values())
    return 100 * 2 * p * r / (p + r)


def pick(a: dict, z: np.ndarray, k: int) -> list[int]:
    """The package's selection (summarize_extractive) for scores z."""
    n = len(a["texts"])
    if not a["content"]:
        return [0] if n else []
    order = sorted(a["content"], key=lambda i: (-z[i], i)) + [i for i in range(n) if a["junk"][i]]
    usable = [not j for j in a["junk"]]
    return _select(order, a["sim"], a["units"], k, None, DEFAULT_CONFIG.redundancy, usable)


# --- the model: a linear scorer fitted by coordinate ascent on summary ROUGE-1 ---------
#
# Pointwise fits (ridge on each sentence's own ROUGE, logistic regression on greedy-oracle
# labels; tried first, see README) rank single sentences well but lose to lead-3 on CNN/DM
# even in-sample: what is scored is the summary, so the weights are fitted on it directly.
# Start: the position-centrality heuristic alone (weight 1 on `heuristic`); then, feature by
# feature, a step of +-STEPS is kept when it raises the mean summary ROUGE-1 of the training
# articles by more than `min_gain` (a margin against fitting noise), for `passes` rounds.

STEPS = (1.0, 0.5, 0.25, 0.1)


def standardize(arts: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    x = np.vstack([a["feats"][a["content"]] for a in arts if a["content"]])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def objective(arts: list[dict], xs: list[np.ndarray], w: np.ndarray, weights: np.ndarray) -> float:
    vals = np.array([fast_r1(a, pick(a, x @ w, a["k"])) for a, x in zip(arts, xs)])
    return float((vals * weights).sum() / weights.sum())


def fit(arts: list[dict], cand: dict, log=None) -> list[dict]:
    """The scorer after each pass (1..cand['passes']; the last repeated if it stops early)."""
    mean, scale = standardize(arts)
    xs = [(a["feats"] - mean) / scale for a in arts]
    weights = np.array([cand["set_weight"].get(a["set"], 1.0) for a in arts])
    w = np.zeros(len(FEATURES))
    w[FEATURES.index("heuristic")] = 1.0
    best = objective(arts, xs, w, weights)
    snapshots = []
    for p in range(cand["passes"]):
        for j in range(len(FEATURES)):
            for step in STEPS:
                for sign in (1.0, -1.0):
                    trial = w.copy()
                    trial[j] += sign * step
                    val = objective(arts, xs, trial, weights)
                    if val > best + cand["min_gain"]:
                        best, w = val, trial
        if log:
            log(f"  pass {p + 1}: train R1 {best:.2f}")
        # scores are sigmoid(z): z scaled so the largest weight is 1 (the order is unchanged)
        norm = float(np.abs(w).max()) or 1.0
        snapshots.append({"mean": mean.tolist(), "scale": scale.tolist(),
                          "weights": [round(float(v / norm), 6) for v in w], "bias": 0.0,
                          "train_rouge1": round(best, 2)})
        if len(snapshots) > 1 and snapshots[-1]["weights"] == snapshots[-2]["weights"]:
            break
    while len(snapshots) < cand["passes"]:
        snapshots.append(snapshots[-1])
    return snapshots


def z_of(a: dict, scorer: dict) -> np.ndarray:
    return ((a["feats"] - np.array(scorer["mean"])) / np.array(scorer["scale"])) @ np.array(scorer["weights"])


def per_set(arts: list[dict], chosen: list[list[int]]) -> dict[str, float]:
    out: dict[str, list[float]] = {}
    for a, c in zip(arts, chosen):
        out.setdefault(a["set"], []).append(fast_r1(a, c))
    return {s: float(np.mean(v)) for s, v in out.items()}


def cross_validate(arts: list[dict], cand: dict) -> list[dict[str, float]]:
    """Per-set CV ROUGE-1 of the scorer after 1, 2, ... passes."""
    chosen: list[dict[int, list[int]]] = [{} for _ in range(cand["passes"])]
    for fold in range(FOLDS):
        snapshots = fit([a for a in arts if a["fold"] != fold], cand)
        for p, scorer in enumerate(snapshots):
            for i, a in enumerate(arts):
                if a["fold"] == fold:
                    chosen[p][i] = pick(a, z_of(a, scorer), a["k"])
    return [per_set(arts, [c[i] for i in range(len(arts))]) for c in chosen]


def baselines(arts: list[dict]) -> dict[str, dict[str, float]]:
    lead, heur = [], []
    hcol = FEATURES.index("heuristic")
    for a in arts:
        n = len(a["texts"])
        lead.append(_select(list(range(n)), np.zeros((n, n)), a["units"], a["k"], None, 1.0))
        heur.append(pick(a, a["feats"][:, hcol], a["k"]))
    return {"lead": per_set(arts, lead), "heuristic": per_set(arts, heur)}


# Two profiles: one sentence (a one-line summary must carry the whole story: XSum and the
# Astro AWANI standfirsts) and several (CNN/DM highlights, the Khmer sample). The
# summarizer picks the profile from the budget it is given (sentences == 1 -> single).
PROFILES = {"single": 1, "multi": 3}


MAX_PASSES = 3


def candidates() -> list[dict]:
    return [{"passes": MAX_PASSES, "min_gain": g, "set_weight": {}} for g in (0.05,)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cv-only", action="store_true", help="print the cross-validation table, write nothing")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    t0 = time.time()
    arts = prepare()
    for a in arts:
        counters(a)
    print(f"{len(arts)} training articles, {sum(len(a['content']) for a in arts)} content sentences "
          f"({time.time() - t0:.0f} s)", flush=True)
    data = {
        "format": "newsbrief extractive scorer v1: score = sigmoid(((x - mean) / scale) . weights + bias), "
                  "x = sentence_features(); profile 'single' when one sentence is asked for, else 'multi'",
        "features": list(FEATURES), "profiles": {},
        "split": "training halves only: even lines of each shared set (benchmarks.summarization.halves()['tune'])",
        "recipe": "models/recipes/extractive_scorer/train.py",
    }
    for profile, k in PROFILES.items():
        sub = [a for a in arts if a["k"] == k]
        base = baselines(sub)
        print(f"\n[{profile}] {len(sub)} articles; lead-k {_r(base['lead'])}; heuristic {_r(base['heuristic'])}",
              flush=True)
        table = []
        for cand in candidates():
            for p, cv in enumerate(cross_validate(sub, cand), 1):
                gain = float(np.mean([cv[s] - base["lead"][s] for s in cv if s in OBJECTIVE_SETS] or [0.0]))
                table.append((gain, {**cand, "passes": p}, cv))
                print(f"  {gain:+6.2f} passes={p} min_gain={cand['min_gain']} {_r(cv)} "
                      f"({time.time() - t0:.0f} s)", flush=True)
        table.sort(key=lambda t: (-t[0], t[1]["passes"]))
        gain, best, cv = table[0]
        print(f"  best: passes={best['passes']} min_gain={best['min_gain']} (CV gain over lead {gain:+.2f})")
        if args.cv_only:
            continue
        final = fit(sub, best, log=print)[-1]
        data["profiles"][profile] = {
            **final, "k": k, "trained_on": {s: sum(a["set"] == s for a in sub) for s in base["lead"]},
            "fit": {"passes": best["passes"], "min_gain": best["min_gain"], "steps": list(STEPS)},
            "cv_rouge1": _r(cv), "cv_lead_rouge1": _r(base["lead"]), "heuristic_rouge1": _r(base["heuristic"]),
        }
    if args.cv_only:
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out} ({time.time() - t0:.0f} s)")
    return 0


def _r(d: dict[str, float]) -> dict[str, float]:
    return {s: round(v, 2) for s, v in d.items()}


if __name__ == "__main__":
    raise SystemExit(main())
