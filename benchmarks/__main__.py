"""One entry point for every benchmark: python -m benchmarks <what> [options].

Each benchmark keeps its own options (python -m benchmarks <what> --help) and writes
benchmarks/results/<name>.json and .md (plus a .png where a picture helps), each with the
signature of the run (date, git commit, versions, CPU) and the command that produced it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

from benchmarks import report as rpt

# name -> (module, results file without suffix, what it measures)
BENCHMARKS = {
    "detection": ("benchmarks.detection", "detection",
                  "language identification: accuracy on held-out sets, sentence and document level; speed"),
    "translation-quality": ("benchmarks.translation_quality", "translation_quality",
                            "chrF++ and Khmer-aware BLEU of a model and the copy / dictionary baselines (NTREX-128)"),
    "translation-speed": ("benchmarks.translation_speed", "translation_speed",
                          "transformers fp32 vs CTranslate2 int8 on CPU (NLLB-600M dimensions; slow)"),
    "shortlist": ("benchmarks.shortlist", "shortlist",
                  "a real model on transformers fp32, CT2 int8 and CT2 int8 + shortlist: speed, identical outputs"),
    "summarization": ("benchmarks.summarization", "summarization",
                      "extractive summarizer vs lead-k: ROUGE on four sets"),
    "key-figures": ("benchmarks.key_figures", "key_figures",
                    "key-figure extraction: precision and recall on hand-checked development and held-out figures"),
    "cache": ("benchmarks.cache_speed", "cache_speed",
              "briefs from an empty vs a filled result cache; memory (--fresh-process: each brief a new process, en vs ms vs km)"),
    "embedded-speed": ("benchmarks.embedded_speed", "embedded_speed",
                       "the embedded translator on transformers fp32 vs CTranslate2 int8: tokens/s at batch 1 and 16"),
    "brief": ("benchmarks.brief", "brief",
              "brief() of the seed article to en, km, ms: time, memory, the summary (or the error)"),
    "facts": ("benchmarks.facts", "facts",
              "dates, weekdays, months, places, roles through translation (NTREX-128): accuracy, chrF++, the flag"),
    "serve-load": ("benchmarks.serve_load", "serve_load",
                   "newsbrief serve under 16 concurrent clients: requests/s, p50/p95 per endpoint, 5xx, memory, 429s"),
    "digest": ("benchmarks.digest", "digest",
               "digest: grouping F1/ARI and figure false alarms / flagged changes on NTREX-128; 100/1,000-article scale"),
    "ray": ("benchmarks.ray_scaling", "ray_scaling",
            "brief_many: articles per minute on the local engine vs Ray Data with 1 and 2 workers; memory per worker"),
}


def parser() -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<20} {text}" for name, (_, _, text) in BENCHMARKS.items())
    p = argparse.ArgumentParser(
        prog="python -m benchmarks", formatter_class=argparse.RawDescriptionHelpFormatter,
        usage=f"python -m benchmarks {{{','.join(BENCHMARKS)},all}} [options]",
        description=__doc__.split("\n\n")[0],
        epilog=f"benchmarks:\n{listing}\n  {'all':<20} every one of them in turn, each in its own process "
               f"(all --skip NAME [NAME ...] leaves some out)\n\n"
               "python -m benchmarks <what> --help shows that benchmark's options.")
    p.add_argument("what", choices=[*BENCHMARKS, "all"], metavar="what", help="the benchmark to run (below)")
    return p


def run_one(name: str, argv: list[str]) -> int:
    module_name = BENCHMARKS[name][0]
    sys.argv[0] = f"python -m benchmarks {name}"  # argparse's prog in the benchmark's own --help
    module = importlib.import_module(module_name)
    rc = module.main(argv) or 0
    if rc == 0 and name == "detection":
        detection_page(argv)
    elif rc == 0 and name == "translation-speed":
        translation_speed_extras(argv)
    return rc


def _option(argv: list[str], flag: str, default: Path) -> Path:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(flag, type=Path, default=default)
    return getattr(p.parse_known_args(argv)[0], flag.lstrip("-").replace("-", "_"))


def detection_page(argv: list[str], command: str | None = None) -> Path:
    """detection.md next to the JSON benchmarks/detection.py writes, from that JSON."""
    from benchmarks.detection import markdown

    path = _option(argv, "--json", rpt.RESULTS / "detection.json")
    data = json.loads(path.read_text("utf-8"))
    page = rpt.page("Language identification (newsbrief.lid.identify)", data["signature"],
                    command or rpt.command("detection", argv),
                    markdown(data["results"], data.get("timing_1m_chars")))
    path.with_suffix(".md").write_text(page, encoding="utf-8")
    return path.with_suffix(".md")


def translation_speed_extras(argv: list[str], command: str | None = None) -> Path | None:
    """translation_speed.png (tokens/s per engine and batch size) from the JSON, and the command
    noted in its .md."""
    from benchmarks.plots import bar_chart
    from benchmarks.translation_speed import setting

    out = _option(argv, "--out", rpt.RESULTS / "translation_speed").with_suffix("")
    data = json.loads(out.with_suffix(".json").read_text("utf-8"))
    md = out.with_suffix(".md")
    if md.is_file() and "Produced by:" not in (text := md.read_text("utf-8")):
        paragraphs = text.split("\n\n")  # the title, the signature, then the tables: the command goes after these two
        paragraphs.insert(2, f"Produced by: `{command or rpt.command('translation-speed', argv)}`")
        md.write_text("\n\n".join(paragraphs), encoding="utf-8")
    batches = [run["batch"] for run in data["backends"][0]["runs"]]
    series = {setting(b): [next((r["tokens_per_s"] for r in b["runs"] if r["batch"] == n), None)
                                               for n in batches] for b in data["backends"]}
    return bar_chart(out.with_suffix(".png"), [f"batch {n}" for n in batches], series, "output tokens / s",
                     f"Translation speed on CPU ({data['config']['threads']} threads): {data['model']}")


def run_all(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks all",
                                description="Every benchmark with its default options, each in its own process.")
    p.add_argument("--skip", nargs="+", default=[], choices=list(BENCHMARKS), help="benchmarks to leave out")
    args = p.parse_args(argv)
    failed = []
    for name in BENCHMARKS:
        if name in args.skip:
            continue
        print(f"== python -m benchmarks {name}", file=sys.stderr, flush=True)
        if subprocess.run([sys.executable, "-m", "benchmarks", name], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    p = parser()
    if not argv or argv[0] in ("-h", "--help"):
        p.print_help()
        return 0 if argv else 2
    what, rest = argv[0], argv[1:]
    if what == "all":
        return run_all(rest)
    if what not in BENCHMARKS:
        p.error(f"unknown benchmark {what!r} (choose from {', '.join([*BENCHMARKS, 'all'])})")
    return run_one(what, rest)


if __name__ == "__main__":
    sys.exit(main())
