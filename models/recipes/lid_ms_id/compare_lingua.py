#!/usr/bin/env python3
"""Measure lingua-language-detector against, and as an extra voter for, newsbrief's Malay-vs-Indonesian decision.

Not part of the shipped model: this script records why lingua was tried and not adopted (see README.md,
"Tried and not adopted"). It needs `pip install lingua-language-detector` (2.1.1 was measured) and the
development corpora written by prepare.py.

    .venv/bin/python models/recipes/lid_ms_id/compare_lingua.py $WORK ../shared/data

For every sentence it records identify()'s answer, the shipped discriminator's score (_msid: naive Bayes + pycld2
vote) and lingua's confidences for English, Malay and Indonesian (high- and low-accuracy mode), then prints:
  1. lingua alone (the three languages; the Latin pipeline replaced);
  2. lingua as a voter: identify() unchanged except where it says ms or id, where the decision becomes
     score + w * clip(log P_lingua(ms) / P_lingua(id), +-10) > 0; w and a bias shift are chosen by the same
     criterion as train.py (mean accuracy over the six development sets), never on the held-out sets;
  3. the held-out sets of benchmarks/detection.py under the chosen setting, next to the shipped figures.
Deterministic (lingua is deterministic; no sampling).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path[:0] = [ROOT, os.path.join(ROOT, "src")]

from benchmarks.detection import default_sets  # noqa: E402
from newsbrief.lid import _CONTROL, identify  # noqa: E402
from newsbrief.lid._msid import model  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("work")
ap.add_argument("shared")
args = ap.parse_args()

from lingua import Language, LanguageDetectorBuilder  # noqa: E402

LANGS = (Language.ENGLISH, Language.MALAY, Language.INDONESIAN)
CODE = {Language.ENGLISH: "en", Language.MALAY: "ms", Language.INDONESIAN: "id"}
t0 = time.perf_counter()
DETECTORS = {"high": LanguageDetectorBuilder.from_languages(*LANGS).build(),
             "low": LanguageDetectorBuilder.from_languages(*LANGS).with_low_accuracy_mode().build()}

# ---- development sets: exactly those of train.py
CORPUS = os.path.join(args.work, "corpus")
DEV_HELP_PACKAGES = ("mate-applets-common", "engrampa-common", "mate-utils-common", "mate-terminal-common",
                     "eom-common", "mate-calc-common", "mate-panel-common")


def rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                yield parts[0], parts[1]


def dev_help(name):
    return [t for src, t in rows(os.path.join(CORPUS, name))
            if "/help" in src and any(f"/{p}/" in src for p in DEV_HELP_PACKAGES) and len(t.split()) >= 6]


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


tat = os.path.join(args.shared, "eval", "opus_mt_testsets", "eng-msa", "tatoeba-test-v2021-08-07.msa")
labels = [line.split("\t")[0].strip() for line in read_lines(tat + ".labels")]
even = [(t, lab) for i, (t, lab) in enumerate(zip(read_lines(tat), labels)) if i % 2 == 0]
astro = [s for line in read_lines(os.path.join(args.shared, "summarization", "ms_astroawani_mesolitica.jsonl"))
         if line.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", json.loads(line)["text"]) if len(s.strip()) >= 20]
SETS = [("dev", "ms", "Tatoeba zsm, even lines", [t for t, lab in even if lab == "zsm_Latn"]),
        ("dev", "id", "Tatoeba ind, even lines", [t for t, lab in even if lab == "ind"]),
        ("dev", "ms", "Astro AWANI sentences", astro),
        ("dev", "id", "kumparan dev sentences", [t for _, t in rows(os.path.join(CORPUS, "id_news_dev.tsv"))]),
        ("dev", "ms", "help pages ms (7 MATE packages)", dev_help("ms_prose.tsv")),
        ("dev", "id", "help pages id (7 MATE packages)", dev_help("id_prose.tsv"))]
SETS += [(s["split"], s["lang"], s["name"], s["sentences"]) for s in default_sets(10)
         if s["split"] != "dev" and s["lang"] in ("en", "ms", "id")]

# ---- evidence per sentence
msid = model()
data = []
for split, gold, name, texts in SETS:
    recs = []
    for t in texts:
        if not t.strip():
            continue
        lang = identify(t)[0]
        clean = _CONTROL.sub(" ", t)
        conf = {mode: {CODE[c.language]: c.value for c in det.compute_language_confidence_values(t)}
                for mode, det in DETECTORS.items()}
        recs.append({"lang": lang, "score": msid.score(clean) if lang in ("ms", "id") else 0.0, "lingua": conf})
    data.append((split, gold, name, recs))
print(f"evidence for {sum(len(r) for *_, r in data)} sentences in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def llr(p):
    return max(-10.0, min(10.0, math.log(max(p["ms"], 1e-12) / max(p["id"], 1e-12))))


def accuracy(recs, gold, decide):
    return sum(decide(r) == gold for r in recs) / len(recs)


def voter(mode, w, shift):
    def decide(r):
        if r["lang"] not in ("ms", "id"):
            return r["lang"]
        return "ms" if r["score"] + shift + w * llr(r["lingua"][mode]) > 0 else "id"
    return decide


def shipped(r):
    return r["lang"]


choices = {}
for mode in ("high", "low"):
    best = None
    for w in (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0):
        for shift in [x / 8 for x in range(-16, 17)]:
            dev = [accuracy(recs, gold, voter(mode, w, shift)) for split, gold, _, recs in data if split == "dev"]
            obj = sum(dev) / len(dev) - 1e-4 * abs(shift) - 1e-4 * w
            if best is None or obj > best[0]:
                best = (obj, w, shift)
    choices[mode] = best[1:]
    print(f"lingua {mode}-accuracy voter chosen on the development mean: w={best[1]} shift={best[2]}")


def alone(mode):
    return lambda r: max(r["lingua"][mode], key=r["lingua"][mode].get)


cols = [("shipped", shipped), ("lingua alone (high)", alone("high")), ("lingua alone (low)", alone("low"))]
cols += [(f"+ lingua {m} w={w} shift={s}", voter(m, w, s)) for m, (w, s) in choices.items()]
print("\n| split | lang | set | n | " + " | ".join(c for c, _ in cols) + " |")
print("|---|---|---|---|" + "---|" * len(cols))
for split, gold, name, recs in data:
    print(f"| {split} | {gold} | {name} | {len(recs)} | "
          + " | ".join(f"{100 * accuracy(recs, gold, f):.2f}%" for _, f in cols) + " |")
