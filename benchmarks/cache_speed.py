"""Cold vs warm briefs: what the result cache saves.

    python -m benchmarks cache [--to km --translation-model PATH] [--articles 50]
    python -m benchmarks cache --fresh-process [--langs en,ms,km] [--runs 5]

Cold: an empty cache (models already loaded, so the ratio measures the cache, not loading).
Warm: the same briefs again from the filled cache; outputs must be identical. Articles: the
seed article from ../shared/data/articles, and the first N English NTREX-128 documents
(rebuilt with DOCUMENT_IDS.tsv; used here only to time the pipeline). Memory: peak RSS of
this process after loading (the warm-up brief) and after all runs. Writes
benchmarks/results/cache_speed.json, .md and .png (cold vs warm seconds).

--fresh-process: what a user waits for when the same `newsbrief summarize SEED --to LANG` runs
again in a new process, every language side by side in one run: one cold run per language fills
an empty cache, then the warm runs take turns (en, ms, km, en, ...); each is a new interpreter,
timed from start to exit, with its own peak RSS (os.wait4). Ratios are against English (which
loads no translation model). Writes benchmarks/results/cache_fresh_process.json, .md and .png.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import report as rpt
from benchmarks.memory import peak_rss_mb, rss_mb
from benchmarks.signature import ROOT, signature

NAME = "cache"
DATA = Path(os.environ.get("NEWSBRIEF_SHARED_DATA", ROOT.parent / "shared" / "data"))


def ntrex_documents(n: int) -> list[str]:
    folder = DATA / "eval" / "ntrex128"
    ids = (folder / "DOCUMENT_IDS.tsv").read_text("utf-8").splitlines()
    lines = (folder / "newstest2019-src.eng.txt").read_text("utf-8").splitlines()
    docs: dict[str, list[str]] = {}
    for doc_id, line in zip(ids, lines):
        docs.setdefault(doc_id.split("\t")[0], []).append(line)
    return ["\n\n".join(sentences) for sentences in list(docs.values())[:n]]


def timed(texts: list[str], store, options: dict) -> tuple[float, list[dict]]:
    import newsbrief as nb

    start = time.perf_counter()
    results = nb.brief_many(texts, cache=store, **options)
    return time.perf_counter() - start, [r.to_dict() for r in results]


def measure(name: str, texts: list[str], options: dict, runs: int) -> dict:
    from newsbrief.cache import Cache

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


def markdown(rows: list[dict], memory: dict) -> str:
    table = rpt.markdown_table(
        ["set", "articles", "cold s", "warm s", "warm speed-up", "identical", "articles/min cold", "warm"],
        [[r["set"], r["articles"], r["cold_s"], r["warm_s"], f"{r['speedup']}x", r["identical_output"],
          r["articles_per_min_cold"], r["articles_per_min_warm"]] for r in rows],
        numeric=[False, True, True, True, True, False, True, True])
    mem = rpt.markdown_table(["step", "seconds", "peak RSS (MB)", "RSS (MB)"], [
        ["import newsbrief", memory["import_s"], memory["peak_rss_after_import_mb"], None],
        ["load (warm-up brief of the seed article)", memory["load_s"], memory["peak_rss_after_load_mb"],
         memory["rss_after_load_mb"]],
        ["all cold and warm runs", None, memory["peak_rss_mb"], memory["rss_after_runs_mb"]]])
    return (f"{table}\n\nMedian of the runs; cold = empty cache, models already loaded.\n\n"
            f"Memory (one process; peak RSS never goes down, so each row includes the rows above):\n\n{mem}")


def summarize_process(seed: Path, lang: str, translation_model: str | None, env: dict
                      ) -> tuple[float, float, str, float]:
    """(seconds, peak RSS in MB, stdout, CPU seconds: user + system) of one process
    `python -m newsbrief summarize SEED --to LANG --format json`."""
    cmd = [sys.executable, "-m", "newsbrief", "summarize", str(seed), "--to", lang, "--format", "json"]
    if translation_model and lang != "en":
        cmd += ["--translation-model", translation_model]
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, env=env)
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage: its peak RSS
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            errors.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{errors.read().decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024, out.decode(), usage.ru_utime + usage.ru_stime


def fresh_process(seed: Path, langs: list[str], runs: int, translation_model: str | None) -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "NEWSBRIEF_CACHE": folder}
        cold = {lang: summarize_process(seed, lang, translation_model, env) for lang in langs}
        warm: dict[str, list[tuple[float, float, str, float]]] = {lang: [] for lang in langs}
        for _ in range(runs):  # in turns, so that a change in the machine's load touches every language alike
            for lang in langs:
                warm[lang].append(summarize_process(seed, lang, translation_model, env))
    rows = []
    for lang in langs:
        seconds = statistics.median(run[0] for run in warm[lang])
        rows.append({"to": lang, "cold_s": round(cold[lang][0], 3), "cold_peak_rss_mb": round(cold[lang][1], 1),
                     "warm_s": round(seconds, 3), "warm_min_s": round(min(run[0] for run in warm[lang]), 3),
                     "warm_cpu_s": round(statistics.median(run[3] for run in warm[lang]), 3),
                     "warm_peak_rss_mb": round(max(run[1] for run in warm[lang]), 1), "runs": runs,
                     "identical_output": all(run[2] == cold[lang][2] for run in warm[lang])})
    english = next((r for r in rows if r["to"] == "en"), None)
    for row in rows:
        row["warm_vs_en"] = round(row["warm_s"] / english["warm_s"], 2) if english else None
        row["warm_cpu_vs_en"] = round(row["warm_cpu_s"] / english["warm_cpu_s"], 2) if english else None
    return rows


def fresh_markdown(rows: list[dict], seed: Path) -> str:
    table = rpt.markdown_table(
        ["--to", "cold s", "cold peak RSS (MB)", "warm s (median)", "warm s (min)", "warm CPU s (median)",
         "warm peak RSS (MB)", "warm / en", "warm CPU / en", "identical"],
        [[r["to"], r["cold_s"], r["cold_peak_rss_mb"], r["warm_s"], r["warm_min_s"], r["warm_cpu_s"],
          r["warm_peak_rss_mb"], f"{r['warm_vs_en']}x" if r["warm_vs_en"] is not None else None,
          f"{r['warm_cpu_vs_en']}x" if r["warm_cpu_vs_en"] is not None else None, r["identical_output"]]
         for r in rows],
        numeric=[False, True, True, True, True, True, True, True, True, False])
    return (f"`newsbrief summarize {seed.name} --to LANG --format json`, each run a new process (start to exit). "
            f"Cold: the first run, on an empty result cache (models built already). Warm: {rows[0]['runs']} runs "
            f"per language in turns, on the filled cache; identical: every warm output equals the cold one. "
            f"CPU s: the process's user + system time (os.wait4), less sensitive than wall time to what else "
            f"the machine runs.\n\n{table}")


def main_fresh(args, argv: list[str]) -> int:
    seed = DATA / "articles" / "seed-camboja-cambodia-malaysia-scams.txt"
    langs = [lang.strip() for lang in args.langs.split(",") if lang.strip()]
    model = args.translation_model or "newsbrief-gemma-mt"  # named: en->km has no default
    rows = fresh_process(seed, langs, args.runs, model)
    cmd = rpt.command(NAME, argv)
    report = {"benchmark": "cache: a warm brief in a fresh process", "command": cmd,
              "signature": signature(config={"langs": langs, "translation_model": model, "runs": args.runs}),
              "results": rows}
    page = rpt.page("Result cache: the same brief again in a new process", report["signature"], cmd,
                    fresh_markdown(rows, seed))
    print(page)
    out = (args.out if args.out != rpt.RESULTS / "cache_speed" else rpt.RESULTS / "cache_fresh_process").with_suffix("")
    rpt.write(out, report, page)
    from benchmarks.plots import bar_chart

    bar_chart(out.with_suffix(".png"), [f"--to {r['to']}" for r in rows],
              {"cold (empty cache)": [r["cold_s"] for r in rows], "warm (filled cache)": [r["warm_s"] for r in rows]},
              "seconds per process", "The seed article's brief in a new process", log=True)
    print(f"wrote {out}.json, .md, .png", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to", default="en", choices=("en", "km", "ms"))
    parser.add_argument("--translation-model", default=None)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh-process", action="store_true",
                        help="time `newsbrief summarize` of the seed article in new processes instead (see above)")
    parser.add_argument("--langs", default="en,ms,km", help="--fresh-process: the --to languages (default en,ms,km)")
    parser.add_argument("--out", type=Path, default=rpt.RESULTS / "cache_speed",
                        help="write OUT.json, OUT.md and OUT.png (default benchmarks/results/cache_speed)")
    args = parser.parse_args(argv)
    if args.fresh_process:
        return main_fresh(args, argv)
    fresh = "newsbrief" not in sys.modules  # else the import is not this process's to time
    start = time.perf_counter()
    import newsbrief  # noqa: F401  (timed: the import itself is what is measured)
    from newsbrief.cache import Cache

    memory = {"import_s": round(time.perf_counter() - start, 4) if fresh else None,
              "peak_rss_after_import_mb": peak_rss_mb()}
    options = {"to": args.to, "translation_model": args.translation_model, "method": "extractive"}
    seed = (DATA / "articles" / "seed-camboja-cambodia-malaysia-scams.txt").read_text("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        load_s, _ = timed([seed], Cache(folder), options)  # warm-up: load models once, outside the timing
    memory.update(load_s=round(load_s, 4), peak_rss_after_load_mb=peak_rss_mb(), rss_after_load_mb=rss_mb())
    rows = [measure("seed article", [seed], options, args.runs),
            measure(f"NTREX-128 eng, first {args.articles} documents", ntrex_documents(args.articles), options,
                    args.runs)]
    memory.update(peak_rss_mb=peak_rss_mb(), rss_after_runs_mb=rss_mb())
    cmd = rpt.command(NAME, argv)
    report = {"benchmark": "cache: cold vs warm briefs", "command": cmd, "signature": signature(config=options),
              "memory": memory, "results": rows}
    page = rpt.page("Result cache: cold vs warm briefs", report["signature"], cmd, markdown(rows, memory))
    print(page)
    out = args.out.with_suffix("")
    rpt.write(out, report, page)
    from benchmarks.plots import bar_chart

    bar_chart(out.with_suffix(".png"), [r["set"].replace(", ", ",\n") for r in rows],
              {"cold (empty cache)": [r["cold_s"] for r in rows], "warm (filled cache)": [r["warm_s"] for r in rows]},
              "seconds (median)", f"Briefs to {args.to}: cold vs warm cache", log=True)
    print(f"wrote {out}.json, .md, .png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
