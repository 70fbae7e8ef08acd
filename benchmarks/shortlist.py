"""A real model on three engines: transformers fp32, CTranslate2 int8, and CTranslate2 int8 with a
vocabulary shortlist (vmap) — speed side by side and whether the shortlist changes any output.

    python -m benchmarks shortlist                       # the default translation model
    python -m benchmarks shortlist --model PATH --limit 200

The model is converted twice into --workdir (plain, and with a shortlist built from the target
sides of the training data in ../shared/data/parallel, per target language). The first --limit
NTREX-128 sentences (evaluation only: used here to time and compare, never to fit) are
translated greedily in each direction by each engine in batches of --batch-size; each engine
runs in this process one after the other, after a warm-up batch.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

from benchmarks import report as rpt
from benchmarks.signature import signature
from benchmarks.translation_quality import DATA, NTREX_DIRECTIONS, NTREX_FILES

NAME = "shortlist"


def target_samples(parallel: Path, limit: int) -> dict[str, list[str]]:
    """Target-language text from the training TSVs (english, target, source_id columns)."""
    samples: dict[str, list[str]] = {"en": [], "km": [], "ms": []}
    for lang in ("km", "ms"):
        with open(parallel / f"en-{lang}.tsv", encoding="utf-8", newline="") as fh:
            rows = [r for r in csv.reader(fh, delimiter="\t") if len(r) >= 2][1:limit + 1]
        samples["en"] += [r[0] for r in rows]
        samples[lang] += [r[1] for r in rows]
    return samples


GREEDY = {"beam_size": 1, "max_new_tokens": 128, "no_repeat_ngram_size": 0, "repetition_penalty": 1.0}


def run_engine(backend, lines: list[str], src: str, tgt: str, batch_size: int) -> tuple[list[str], float, int]:
    backend.generate(lines[:batch_size], src, tgt, **GREEDY)  # warm-up
    outputs, produced, start = [], 0, time.perf_counter()
    for i in range(0, len(lines), batch_size):
        for text, n_new in backend.generate(lines[i:i + batch_size], src, tgt, **GREEDY):
            outputs.append(text)
            produced += n_new
    return outputs, time.perf_counter() - start, produced


def read_vocab_map(folder: Path) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for line in (folder / "vmap.txt").read_text(encoding="utf-8").splitlines():
        key, _, targets = line.partition("\t")
        rules.setdefault(key, set()).update(targets.split())
    return rules


def covered_by_shortlist(plain, vmap: dict[str, set[str]], lines: list[str], src: str, tgt: str) -> list[bool]:
    """For each line, whether every token plain CTranslate2 decodes (greedy, unrestricted) is one the
    shortlist allows for that source: the cases where restricting the vocabulary should change nothing."""
    sources = plain.source_tokens(lines, src, tgt)
    special = set(plain.tokenizer.all_special_tokens)
    covered = []
    for source, (produced, *_) in zip(sources, plain.decode(lines, src, tgt, **GREEDY)):
        allowed = set(vmap.get("", ())).union(*(vmap.get(token, ()) for token in source))
        covered.append(set(produced) - special <= allowed)
    return covered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="a transformers model (name or folder; default: the default model)")
    parser.add_argument("--limit", type=int, default=200, help="NTREX-128 sentences per direction (default 200)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--samples", type=int, default=200000,
                        help="training pairs per language pair read for the shortlist (default: all)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--workdir", type=Path, default=Path(".work/benchmarks/shortlist"))
    parser.add_argument("--out", type=Path, default=rpt.RESULTS / NAME)
    args = parser.parse_args(argv)

    from newsbrief.models import ModelCache, convert_to_ct2, default_model, resolve
    from newsbrief.translation import load_backend

    found = resolve(args.model or default_model())
    samples = target_samples(args.data / "parallel", args.samples)
    folders = {}
    for kind, shortlist in (("plain", None), ("shortlist", samples)):
        folder = args.workdir / f"{found.spec.name}-ct2-int8-{kind}"
        if not (folder / "model.bin").is_file():
            convert_to_ct2(str(found.path), output_dir=folder, quantization="int8", force=True, shortlist=shortlist)
        folders[kind] = folder
    engines = {"transformers fp32": load_backend(str(found.path), backend="transformers", threads=args.threads,
                                                 models=ModelCache()),
               "ctranslate2 int8": load_backend(str(folders["plain"]), threads=args.threads, models=ModelCache()),
               "ctranslate2 int8 + shortlist": load_backend(str(folders["shortlist"]), threads=args.threads,
                                                            models=ModelCache())}
    vmap = read_vocab_map(folders["shortlist"])
    ntrex = args.data / "eval" / "ntrex128"
    rows, results = [], []
    for src, tgt in NTREX_DIRECTIONS:
        lines = (ntrex / NTREX_FILES[src]).read_text(encoding="utf-8").splitlines()[:args.limit]
        outputs = {}
        for name, backend in engines.items():
            texts, seconds, produced = run_engine(backend, lines, src, tgt, args.batch_size)
            outputs[name] = texts
            results.append({"direction": f"{src}->{tgt}", "engine": name, "sentences": len(lines),
                            "seconds": round(seconds, 2), "tokens": produced,
                            "tokens_per_s": round(produced / seconds, 1)})
            print(f"{src}->{tgt} {name}: {produced / seconds:.1f} tokens/s", file=sys.stderr)
        pairs = list(zip(outputs["ctranslate2 int8"], outputs["ctranslate2 int8 + shortlist"]))
        same = sum(a == b for a, b in pairs)
        covered = covered_by_shortlist(engines["ctranslate2 int8"], vmap, lines, src, tgt)
        same_covered = sum(a == b for (a, b), c in zip(pairs, covered) if c)
        results[-1].update(identical_to_plain_ct2=round(same / len(lines), 4), covered=sum(covered),
                           identical_where_covered=same_covered)
        base = {r["engine"]: r["tokens_per_s"] for r in results[-3:]}
        rows.append([f"{src}->{tgt}", *base.values(),
                     round(base["ctranslate2 int8"] / base["transformers fp32"], 2),
                     round(base["ctranslate2 int8 + shortlist"] / base["transformers fp32"], 2),
                     f"{100 * same / len(lines):.1f}%", f"{same_covered}/{sum(covered)}"])
    ratio = [round(statistics.median(r[i] for r in rows), 2) for i in (4, 5)]
    data = {"benchmark": NAME, "model": found.spec.name, "results": results,
            "median_speedup": {"ct2_int8": ratio[0], "ct2_int8_shortlist": ratio[1]},
            "signature": signature(config={"limit": args.limit, "batch_size": args.batch_size,
                                           "threads": args.threads, "decoding": "greedy, max 128 new tokens"})}
    table = rpt.markdown_table(
        ["direction", "transformers fp32 tok/s", "CT2 int8 tok/s", "CT2 int8 + shortlist tok/s",
         "CT2 / HF", "CT2 + shortlist / HF", "shortlist output identical",
         "identical where the shortlist covers plain CT2's output"], rows)
    body = (f"{table}\n\nMedian over directions: CTranslate2 int8 {ratio[0]}x, with the shortlist {ratio[1]}x "
            f"transformers fp32 tokens/s. First {args.limit} NTREX-128 sentences per direction, greedy, batches of "
            f"{args.batch_size}, {args.threads} threads.\n")
    markdown = rpt.page(f"Shortlist: {found.spec.name} on three engines", data["signature"],
                        rpt.command(NAME, argv or []), body)
    rpt.write(args.out, data, markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
