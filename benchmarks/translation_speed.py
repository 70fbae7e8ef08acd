"""Translation speed on CPU: transformers fp32 vs CTranslate2 int8, side by side.

    python -m benchmarks.translation_speed                 # NLLB-200-distilled-600M dims
    python -m benchmarks.translation_speed --tiny          # a smoke run in seconds

A third run, "ct2 int8 + shortlist", decodes with a CTranslate2 vocabulary map (vmap.txt)
that restricts the output projection to --shortlist-size tokens, standing in for one target
language's subwords (see newsbrief.translation.shortlist); its figures show what the
restriction saves on a 256k-entry vocabulary.

The model has the architecture and dimensions of facebook/nllb-200-distilled-600M
(M2M100, d_model 1024, 12+12 layers, 16 heads, FFN 4096, vocab 256206) with random
weights: nothing is downloaded, and speed does not depend on the weights when the output
length is fixed (min = max new tokens). Each backend runs in its own subprocess (so peak RSS
is its own) with the same inputs, threads, batch sizes and output length; figures are the
median of several timed runs after a warm-up. Writes benchmarks/results/translation_speed.json
and .md with a signature (date, git commit, versions, CPU, config).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.signature import cpu_model, git_commit

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

NLLB_600M = dict(d_model=1024, encoder_layers=12, decoder_layers=12, encoder_attention_heads=16,
                 decoder_attention_heads=16, encoder_ffn_dim=4096, decoder_ffn_dim=4096,
                 max_position_embeddings=1024)
TINY = dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4, decoder_attention_heads=4,
            encoder_ffn_dim=128, decoder_ffn_dim=128, max_position_embeddings=256)
NLLB_VOCAB = 256206


def build(folder: Path, dims: dict, vocab_size: int, shortlist_size: int) -> dict:
    """Save a random-weight NLLB-shaped model + tokenizer, its CTranslate2 int8 conversion, and a
    copy of that (symlinks) with a vocabulary map of shortlist_size tokens."""
    import torch
    from ctranslate2.converters import TransformersConverter
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    hf_dir, ct2_dir = folder / "hf", folder / "ct2-int8"
    times = {}
    if not (hf_dir / "config.json").is_file():
        start = time.perf_counter()
        base = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
        n_codes = 203  # the FAIRSEQ language codes and <mask> NllbTokenizer adds
        vocab = dict(base, **{f"▁p{i}": i for i in range(4, max(8, vocab_size - n_codes))})
        tokenizer = NllbTokenizer(vocab=vocab, merges=[], src_lang="eng_Latn")
        config = M2M100Config(vocab_size=len(tokenizer), pad_token_id=1, bos_token_id=0, eos_token_id=2,
                              decoder_start_token_id=2, scale_embedding=True, dropout=0.0, **dims)
        torch.manual_seed(0)
        model = M2M100ForConditionalGeneration(config).eval()
        model.save_pretrained(hf_dir)
        tokenizer.save_pretrained(hf_dir)
        times["build_s"] = round(time.perf_counter() - start, 1)
        del model
    if not (ct2_dir / "model.bin").is_file():
        start = time.perf_counter()
        TransformersConverter(str(hf_dir), copy_files=["tokenizer.json", "tokenizer_config.json"]).convert(
            str(ct2_dir), quantization="int8", force=True)
        times["convert_s"] = round(time.perf_counter() - start, 1)
    vmap_dir = folder / f"ct2-int8-shortlist{shortlist_size}"
    if not (vmap_dir / "vmap.txt").is_file():
        vmap_dir.mkdir(parents=True, exist_ok=True)
        for file in ct2_dir.iterdir():
            if not (vmap_dir / file.name).exists():
                (vmap_dir / file.name).symlink_to(file.resolve())
        vocabulary = json.loads((ct2_dir / "shared_vocabulary.json").read_text())
        chosen = random.Random(0).sample(vocabulary[4:], min(shortlist_size, len(vocabulary) - 4))
        (vmap_dir / "vmap.txt").write_text("\t" + " ".join(chosen) + "\n", encoding="utf-8")
    return {"hf": str(hf_dir), "ct2": str(ct2_dir), "ct2-shortlist": str(vmap_dir), **times}


def worker(args: argparse.Namespace) -> dict:
    """Run one backend: load, warm up, time each batch size; print JSON."""
    rng = random.Random(0)
    cfg = json.loads(Path(args.model, "config.json").read_text()) if args.backend == "hf" else {}
    vocab = cfg.get("vocab_size") or args.vocab
    results = {"backend": args.backend, "threads": args.threads, "workers": args.workers, "runs": []}
    start = time.perf_counter()
    if args.backend == "hf":
        import torch
        from transformers import AutoModelForSeq2SeqLM

        torch.set_num_threads(args.threads)
        model = AutoModelForSeq2SeqLM.from_pretrained(args.model, local_files_only=True, dtype=torch.float32).eval()
        results["dtype"] = "float32"
        results["versions"] = {"torch": torch.__version__, "transformers": __import__("transformers").__version__}
    else:
        import ctranslate2

        # `workers` replicas (sharing one copy of the weights) split each batch between them
        translator = ctranslate2.Translator(args.model, device="cpu", compute_type="int8",
                                            inter_threads=args.workers,
                                            intra_threads=max(1, args.threads // args.workers))
        use_vmap = args.backend == "ct2-shortlist"
        results["dtype"] = "int8"
        results["versions"] = {"ctranslate2": ctranslate2.__version__}
    results["load_s"] = round(time.perf_counter() - start, 3)
    forced = 256047 if vocab > 256047 else 5  # eng_Latn-like token id; any id works for speed
    for batch in args.batch_sizes:
        ids = [[forced] + [rng.randrange(10, vocab - 300) for _ in range(args.input_tokens - 2)] + [2]
               for _ in range(batch)]

        if args.backend == "hf":
            inputs = torch.tensor(ids)

            def run() -> int:
                with torch.inference_mode():
                    out = model.generate(input_ids=inputs, attention_mask=torch.ones_like(inputs), do_sample=False,
                                         num_beams=1, max_new_tokens=args.output_tokens,
                                         min_new_tokens=args.output_tokens, forced_bos_token_id=forced)
                return int((out.shape[1] - 1) * out.shape[0])
        else:
            vocabulary = json.loads(Path(args.model, "shared_vocabulary.json").read_text())
            tokens = [[vocabulary[i] for i in row] for row in ids]
            prefix = [[vocabulary[forced]] for _ in ids]

            def run() -> int:
                res = translator.translate_batch(tokens, target_prefix=prefix, beam_size=1,
                                                 max_decoding_length=args.output_tokens,
                                                 min_decoding_length=args.output_tokens,
                                                 max_input_length=0, use_vmap=use_vmap,
                                                 max_batch_size=-(-len(tokens) // args.workers))
                return sum(len(r.hypotheses[0]) for r in res)

        for _ in range(args.warmup):
            run()
        latencies, produced = [], 0
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            produced = run()
            latencies.append(time.perf_counter() - t0)
        median = statistics.median(latencies)
        results["runs"].append({"batch": batch, "latency_s": round(median, 4),
                                "latency_all_s": [round(x, 4) for x in latencies],
                                "output_tokens": produced, "tokens_per_s": round(produced / median, 1)})
    results["peak_rss_mb"] = peak_rss_mb()
    return results


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not carry over the
    parent's size through fork + exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def setting(res: dict) -> str:
    if res["backend"] == "hf":
        return f"transformers fp32, {res['threads']} thread{'s' if res['threads'] > 1 else ''}"
    engine = "CTranslate2 int8" + (" + shortlist" if res["backend"] == "ct2-shortlist" else "")
    if res["workers"] > 1:
        return f"{engine}, {res['workers']} workers x {max(1, res['threads'] // res['workers'])} thread"
    return f"{engine}, {res['threads']} threads"


def markdown(report: dict) -> str:
    sig = report["signature"]
    lines = [f"# Translation speed: transformers fp32 vs CTranslate2 int8 ({report['model']})", "",
             f"{sig['date']} · commit {sig['git_commit']} · {sig['cpu']} ({sig['cpu_count']} cores, load average "
             f"{sig['loadavg_1min_before_after'][0]} before / {sig['loadavg_1min_before_after'][1]} after) · "
             f"{report['config']['threads']} cores for every setting · "
             f"input {report['config']['input_tokens']} tokens, output fixed at {report['config']['output_tokens']} "
             f"tokens · median of {report['config']['repeats']} runs after {report['config']['warmup']} warm-up",
             "", "| setting | batch | latency (s) | tokens/s | vs transformers, 2 threads | vs transformers' best "
             "| load (s) | peak RSS (MB) |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for res in report["backends"]:
        for run in res["runs"]:
            batch = str(run["batch"])
            lines.append(f"| {setting(res)} | {batch} | {run['latency_s']} | {run['tokens_per_s']} | "
                         f"{res['speedup'][batch]}x | {res['speedup_best_hf'][batch]}x | {res['load_s']} | "
                         f"{res['peak_rss_mb']} |")
    lines += ["", "Random weights with NLLB-200-distilled-600M's dimensions; output length forced, so the figures "
              "measure compute, not translation quality. The shortlist is a seeded random sample of "
              f"{report['config']['shortlist_size']} vocabulary entries standing in for one target language's "
              "subwords. \"transformers' best\" divides by the faster of transformers' 1- and 2-thread figures "
              "at that batch size; workers are CTranslate2 replicas sharing one copy of the weights, each "
              "taking a share of the batch."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="tiny dimensions: a smoke test of the harness")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--input-tokens", type=int, default=32)
    parser.add_argument("--output-tokens", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shortlist-size", type=int, default=20000,
                        help="tokens in the vocabulary map of the shortlist run (default 20000)")
    parser.add_argument("--workdir", help="where the models are built (kept; default: a temporary folder)")
    parser.add_argument("--out", default=str(RESULTS / "translation_speed"), help="output path without suffix")
    parser.add_argument("--worker", choices=("hf", "ct2", "ct2-shortlist"), dest="backend", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--vocab", type=int, default=NLLB_VOCAB, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.backend:  # inside a worker subprocess
        print(json.dumps(worker(args)))
        return 0

    dims, vocab = (TINY, 1000) if args.tiny else (NLLB_600M, NLLB_VOCAB)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.workdir) if args.workdir else Path(tmp)
        print(f"building the model in {folder} ...", file=sys.stderr)
        built = build(folder, dims, vocab, args.shortlist_size)
        backends = []
        # (backend, threads, workers): the issue's comparison (2 threads each), transformers' own best
        # thread count, and CTranslate2 replicas of one thread each splitting the batch
        settings = [("hf", args.threads, 1), ("hf", 1, 1), ("ct2", args.threads, 1),
                    ("ct2", args.threads, args.threads), ("ct2-shortlist", args.threads, 1),
                    ("ct2-shortlist", args.threads, args.threads)]
        for backend, threads, workers in dict.fromkeys(settings):
            cmd = [sys.executable, "-m", "benchmarks.translation_speed", "--worker", backend, "--model",
                   built[backend], "--vocab", str(vocab), "--threads", str(threads), "--workers", str(workers),
                   "--input-tokens", str(args.input_tokens), "--output-tokens", str(args.output_tokens),
                   "--warmup", str(args.warmup), "--repeats", str(args.repeats),
                   "--batch-sizes", *map(str, args.batch_sizes)]
            env = dict(os.environ, OMP_NUM_THREADS=str(threads))
            print(f"running {backend}, {threads} threads, {workers} workers ...", file=sys.stderr)
            out = subprocess.run(cmd, cwd=HERE.parent, env=env, capture_output=True, text=True)
            if out.returncode != 0:
                print(out.stderr, file=sys.stderr)
                return out.returncode
            backends.append(json.loads(out.stdout.strip().splitlines()[-1]))
    hf_runs = [res["runs"] for res in backends if res["backend"] == "hf"]
    for res in backends:
        res["speedup"] = {str(run["batch"]): round(run["tokens_per_s"] / base["tokens_per_s"], 2)
                          for run, base in zip(res["runs"], hf_runs[0])}
        res["speedup_best_hf"] = {str(run["batch"]): round(run["tokens_per_s"] / max(h[i]["tokens_per_s"]
                                                                                   for h in hf_runs), 2)
                                  for i, run in enumerate(res["runs"])}

    report = {
        "model": "random-weight NLLB-200-distilled-600M architecture" if not args.tiny else "tiny M2M100 (smoke)",
        "dims": dict(dims, vocab_size=vocab),
        "config": {k: getattr(args, k) for k in ("threads", "batch_sizes", "input_tokens", "output_tokens",
                                                  "warmup", "repeats", "shortlist_size")},
        "build": {k: v for k, v in built.items() if k.endswith("_s")},
        "backends": backends,
        "signature": {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                      "git_commit": git_commit(), "python": platform.python_version(), "cpu": cpu_model(),
                      "cpu_count": os.cpu_count(), "platform": platform.platform(),
                      # other work on the machine skews absolute figures; the ratio suffers less
                      "loadavg_1min_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)]},
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
