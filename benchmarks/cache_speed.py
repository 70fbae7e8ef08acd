"""Cold vs warm briefs: what the result cache saves.

    python -m benchmarks.cache_speed [--to km --translation-model PATH] [--articles 50]

Cold: an empty cache (models already loaded, so the ratio measures the cache, not loading).
Warm: the same briefs again from the filled cache; outputs must be identical. Articles: the
seed article from ../shared/data/articles, and the first N English NTREX-128 documents
(rebuilt with DOCUMENT_IDS.tsv; used here only to time the pipeline).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.signature import ROOT, signature

import newsbrief as nb
from newsbrief.cache import Cache

DATA = ROOT.parent / "shared" / "data"


def ntrex_documents(n: int) -> list[str]:
    folder = DATA / "eval" / "ntrex128"
    ids = (folder / "DOCUMENT_IDS.tsv").read_text("utf-8").splitlines()
    lines = (folder / "newstest2019-src.eng.txt").read_text("utf-8").splitlines()
    docs: dict[str, list[str]] = {}
    for doc_id, line in zip(ids, lines):
        docs.setdefault(doc_id.split("\t")[0], []).append(line)
    return ["\n\n".join(sentences) for sentences in list(docs.values())[:n]]


def timed(texts: list[str], store: Cache, options: dict) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    results = nb.brief_many(texts, cache=store, **options)
    return time.perf_counter() - start, [r.to_dict() for r in results]


def measure(name: str, texts: list[str], options: dict, runs: int) -> dict:
    colds, warms, same = [], [], True
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            store = Cache(folder)
            cold, first = timed(texts, store, options)
            warm, second = timed(texts, store, options)
            same &= first == second
            colds.append(cold)
            warms.append(warm)
    cold, warm = statistics.median(colds), statistics.median(warms)
    return {"set": name, "articles": len(texts), "runs": runs, "cold_s": round(cold, 4), "warm_s": round(warm, 4),
            "speedup": round(cold / warm, 1), "identical_output": same,
            "articles_per_min_cold": round(60 * len(texts) / cold, 1),
            "articles_per_min_warm": round(60 * len(texts) / warm, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to", default="en", choices=("en", "km", "ms"))
    parser.add_argument("--translation-model", default=None)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "cache_speed.json")
    args = parser.parse_args()
    options = {"to": args.to, "translation_model": args.translation_model, "method": "extractive"}
    seed = (DATA / "articles" / "seed-camboja-cambodia-malaysia-scams.txt").read_text("utf-8")
    timed([seed], Cache(tempfile.mkdtemp()), options)  # warm-up: load models once, outside the timing
    rows = [measure("seed article", [seed], options, args.runs),
            measure(f"NTREX-128 eng, first {args.articles} documents", ntrex_documents(args.articles), options,
                    args.runs)]
    print("| set | articles | cold s | warm s | warm speed-up | identical | articles/min cold | warm |\n"
          "|---|---:|---:|---:|---:|---|---:|---:|")
    for r in rows:
        print(f"| {r['set']} | {r['articles']} | {r['cold_s']} | {r['warm_s']} | {r['speedup']}x | "
              f"{r['identical_output']} | {r['articles_per_min_cold']} | {r['articles_per_min_warm']} |")
    report = {"benchmark": "cache: cold vs warm briefs", "signature": signature(config=options), "results": rows}
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
