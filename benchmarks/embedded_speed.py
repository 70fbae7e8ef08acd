"""The embedded translator's speed: transformers fp32 (merged in memory) vs CTranslate2 int8.

    python -m benchmarks embedded-speed [--model newsbrief-gemma-mt] [--direction en-km] [--runs 3]

Both engines of the same model get the same inputs in one run, side by side: the first N
NTREX-128 English sentences (or Khmer/Malay for the other directions), greedy, a fixed output
budget (--new-tokens) so both decode comparable lengths, at batch 1 (one sentence at a time)
and batch 16. Reported: generated tokens per second (median of --runs after a warm-up), the
ratio CT2 / transformers, and whether the two engines' outputs are identical (int8 against
fp32: some differ). Generation stops at the end of a translation, so the tokens counted are
those actually generated. Writes benchmarks/results/embedded_speed.json and .md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks import report as rpt
from benchmarks.memory import peak_rss_mb
from benchmarks.signature import ROOT, signature

NAME = "embedded_speed"
DATA = Path(os.environ.get("NEWSBRIEF_SHARED_DATA", ROOT.parent / "shared" / "data"))
NTREX = {"en": "newstest2019-src.eng.txt", "km": "newstest2019-ref.khm.txt", "ms": "newstest2019-ref.msa.txt"}


def measure(backend, lines: list[str], src: str, tgt: str, batch: int, new_tokens: int, runs: int) -> dict:
    def once() -> tuple[float, int, list[str]]:
        start = time.perf_counter()
        tokens, texts = 0, []
        for i in range(0, len(lines), batch):
            out = backend.generate(lines[i:i + batch], src, tgt, beam_size=1, max_new_tokens=new_tokens,
                                   no_repeat_ngram_size=0, repetition_penalty=1.0)
            tokens += sum(n for _, n in out)
            texts += [t for t, _ in out]
        return time.perf_counter() - start, tokens, texts

    once()  # warm-up
    timed = [once() for _ in range(runs)]
    seconds = statistics.median(t for t, _, _ in timed)
    return {"batch": batch, "seconds": round(seconds, 3), "tokens": timed[0][1],
            "tokens_per_s": round(timed[0][1] / seconds, 1), "outputs": timed[0][2]}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks embedded-speed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="newsbrief-gemma-mt")
    parser.add_argument("--direction", default="en-km", choices=("en-km", "km-en", "en-ms", "ms-en"))
    parser.add_argument("--sentences", type=int, default=32)
    parser.add_argument("--new-tokens", type=int, default=48)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="default: every usable core, for both engines")
    parser.add_argument("--out", type=Path, default=rpt.RESULTS / NAME)
    args = parser.parse_args(argv)
    src, tgt = args.direction.split("-")
    lines = (DATA / "eval" / "ntrex128" / NTREX[src]).read_text("utf-8").splitlines()[:args.sentences]

    from newsbrief.models import ModelCache
    from newsbrief.translation import load_backend

    threads = args.threads or len(os.sched_getaffinity(0))
    engines = {"transformers fp32": load_backend(args.model, backend="transformers", threads=threads,
                                                 models=ModelCache()),
               "CTranslate2 int8": load_backend(args.model, threads=threads, models=ModelCache())}
    rows, outputs = [], {}
    for batch in (1, 16):
        for name, backend in engines.items():
            result = measure(backend, lines, src, tgt, batch, args.new_tokens, args.runs)
            outputs[(name, batch)] = result.pop("outputs")
            rows.append({"engine": name, **result})
            print(f"{name} batch {batch}: {result['tokens_per_s']} tok/s", file=sys.stderr)
    for row in rows:
        base = next(r for r in rows if r["batch"] == row["batch"] and r["engine"] == "transformers fp32")
        row["vs_transformers"] = round(row["tokens_per_s"] / base["tokens_per_s"], 2)
        row["identical_to_transformers"] = sum(a == b for a, b in zip(outputs[(row["engine"], row["batch"])],
                                                                       outputs[("transformers fp32", row["batch"])]))
    report = {"benchmark": "embedded translator speed", "command": rpt.command("embedded-speed", argv),
              "signature": signature(("newsbrief", "torch", "ctranslate2", "transformers"), model=args.model,
                                     direction=args.direction, sentences=len(lines), new_tokens=args.new_tokens,
                                     threads=threads, runs=args.runs),
              "results": rows, "peak_rss_mb": peak_rss_mb()}
    table = rpt.markdown_table(
        ["engine", "batch", "tokens", "seconds (median)", "tokens/s", "x transformers", "outputs identical"],
        [[r["engine"], r["batch"], r["tokens"], r["seconds"], r["tokens_per_s"], r["vs_transformers"],
          f"{r['identical_to_transformers']}/{len(lines)}"] for r in rows],
        numeric=[False, True, True, True, True, True, False])
    page = rpt.page(f"Embedded translator speed ({args.model}, {args.direction})", report["signature"],
                    report["command"], table + f"\n\nPeak RSS of the process (both engines loaded): "
                                                f"{report['peak_rss_mb']} MB.")
    print(page)
    rpt.write(args.out, report, page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
