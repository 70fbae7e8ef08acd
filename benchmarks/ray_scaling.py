"""Articles per minute: brief_many on the local engine vs Ray Data with 1 and 2 workers.

    python -m benchmarks ray [--articles 32] [--to en] [--translation-model PATH] [--runs 2]

The articles are the first N English NTREX-128 documents (as in the cache benchmark), briefed
with the extractive summarizer and no result cache (cache=None: every run computes). Local: one
process, models loaded by a warm-up brief before the timing. Ray: a local Ray started once
(num_cpus = the CPUs of this machine, no dashboard), then for each worker count a fresh actor
pool per run; its time includes starting the actors and their model loading (that is what a
run on Ray costs), and each worker's load time and peak RSS are reported from inside it.
Outputs are checked identical to the local engine's. On a 2-core machine that also trains a
model no speed-up is expected: the figures show the overhead. Writes
benchmarks/results/ray_scaling.json and .md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks import report as rpt
from benchmarks.cache_speed import ntrex_documents
from benchmarks.memory import peak_rss_mb
from benchmarks.signature import signature

NAME = "ray"


def local_run(texts: list[str], options: dict) -> tuple[float, list]:
    import newsbrief as nb

    start = time.perf_counter()
    results = nb.brief_many(texts, cache=None, **options)
    return time.perf_counter() - start, [r.to_dict() for r in results]


def ray_run(texts: list[str], options: dict, workers: int, batch_size: int) -> tuple[float, list, dict]:
    from newsbrief import ray_engine
    from newsbrief.briefs import _brief_chunk

    opts = dict(options)
    to = opts.pop("to")
    start = time.perf_counter()
    results, stats = ray_engine.run_briefs(texts, _brief_chunk, to=to, src=None, cache=None, errors="raise",
                                           batch_size=batch_size, workers=workers, address=None, progress=False,
                                           options=opts)
    return time.perf_counter() - start, [r.to_dict() for r in results], stats


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=32)
    parser.add_argument("--to", default="en", choices=("en", "km", "ms"))
    parser.add_argument("--translation-model", default=None)
    parser.add_argument("--batch-size", type=int, default=8, help="articles per batch, both engines (default 8)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=rpt.RESULTS / "ray_scaling")
    args = parser.parse_args(argv)
    texts = ntrex_documents(args.articles)
    options = {"to": args.to, "translation_model": args.translation_model, "method": "extractive"}
    local_options = dict(options, batch_size=args.batch_size)

    local_run(texts[:1], local_options)   # warm-up: load models outside the timing
    local_times, reference = [], None
    for _ in range(args.runs):
        seconds, out = local_run(texts, local_options)
        local_times.append(seconds)
        reference = out
    rows = [{"engine": "local", "workers": 1, "runs": args.runs, "seconds": round(statistics.median(local_times), 2),
             "articles_per_min": round(60 * len(texts) / statistics.median(local_times), 1),
             "identical_to_local": True, "worker_load_s": None, "worker_peak_rss_mb": [peak_rss_mb()]}]

    import ray

    start = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), include_dashboard=False, logging_level="WARNING")
    ray_start_s = round(time.perf_counter() - start, 2)
    for workers in args.workers:
        times, same, loads, peaks = [], True, [], []
        for _ in range(args.runs):
            seconds, out, stats = ray_run(texts, options, workers, args.batch_size)
            times.append(seconds)
            same &= out == reference
            loads += [round(s.load_seconds, 2) for s in stats.values()]
            peaks += [round(s.peak_rss_mb, 1) for s in stats.values()]
        rows.append({"engine": "ray", "workers": workers, "runs": args.runs,
                     "seconds": round(statistics.median(times), 2),
                     "articles_per_min": round(60 * len(texts) / statistics.median(times), 1),
                     "identical_to_local": same, "worker_load_s": loads, "worker_peak_rss_mb": peaks,
                     "workers_used_per_run": round(len(peaks) / args.runs, 1)})
    ray.shutdown()
    for row in rows[1:]:
        row["vs_local"] = round(rows[0]["seconds"] / row["seconds"], 2)

    table = rpt.markdown_table(
        ["engine", "workers", "seconds (median)", "articles/min", "vs local", "identical", "model load s per worker",
         "peak RSS MB per worker"],
        [[r["engine"], r["workers"], r["seconds"], r["articles_per_min"], r.get("vs_local", 1.0),
          r["identical_to_local"], ", ".join(map(str, r["worker_load_s"] or [])) or "-",
          ", ".join(map(str, r["worker_peak_rss_mb"]))] for r in rows],
        numeric=[False, True, True, True, True, False, False, False])
    body = (f"{table}\n\n{len(texts)} NTREX-128 English documents briefed to {args.to} (extractive, no result "
            f"cache), batches of {args.batch_size}, median of {args.runs} runs. Ray runs include starting the "
            f"actor pool and each worker's model loading (listed per worker and run); starting Ray itself took "
            f"{ray_start_s} s and is not included. Local peak RSS is the whole benchmark process's.")
    cmd = rpt.command(NAME, argv)
    report = {"benchmark": "ray: articles per minute, local vs Ray Data workers", "command": cmd,
              "signature": signature(packages=("newsbrief", "ray"), config=options, cpus=os.cpu_count()),
              "ray_init_s": ray_start_s, "results": rows}
    page = rpt.page("Briefs at scale: local engine vs Ray Data", report["signature"], cmd, body)
    print(page)
    rpt.write(args.out.with_suffix(""), report, page)
    print(f"wrote {args.out.with_suffix('')}.json, .md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
