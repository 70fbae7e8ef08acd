"""End to end: brief() of the seed article into English, Khmer and Malay.

    python -m benchmarks brief [--to en km ms] [--article FILE] [--translation-model NAME] [--repeats 3]

Each target language runs in a fresh Python process, so its times and memory are its own:
`import newsbrief`; the first brief() (cold: it loads the language-identification data, any
summarization model and the translation model); then --repeats more brief() calls with
everything loaded (median). Model loading is estimated as first minus loaded. No result cache
(cache=None), default options otherwise: whatever translation model newsbrief uses by default
(NEWSBRIEF_TRANSLATION_MODEL, the registry's default_translation, an imported model) is the
one measured, and when there is none the error it raises is recorded as it is, not an output.
Memory: peak RSS (VmHWM) after the import, after the first brief and at the end. Writes
benchmarks/results/brief.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import report as rpt
from benchmarks.memory import peak_rss_mb
from benchmarks.signature import ROOT, signature

NAME = "brief"
DATA = Path(os.environ.get("NEWSBRIEF_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEED = DATA / "articles" / "seed-camboja-cambodia-malaysia-scams.txt"


def worker(article: Path, to: str, translation_model: str | None, repeats: int) -> dict:
    """One target language, in this (fresh) process."""
    text = article.read_text("utf-8")
    start = time.perf_counter()
    import newsbrief as nb
    from newsbrief.errors import NewsbriefError
    from newsbrief.models import default_model

    out: dict = {"to": to, "import_s": round(time.perf_counter() - start, 4),
                 "peak_rss_after_import_mb": peak_rss_mb()}
    try:
        out["default_translation_model"] = default_model("en", to)
    except NewsbriefError as exc:
        out["default_translation_model"] = None
        out["default_translation_model_error"] = f"{type(exc).__name__}: {exc}"
    options = {"to": to, "translation_model": translation_model, "cache": None}
    start = time.perf_counter()
    try:
        result = nb.brief(text, **options)
    except NewsbriefError as exc:
        return {**out, "status": "error", "error": {"type": type(exc).__name__, "message": str(exc)},
                "first_brief_s": round(time.perf_counter() - start, 4), "peak_rss_mb": peak_rss_mb()}
    out.update(first_brief_s=round(time.perf_counter() - start, 4), peak_rss_after_first_mb=peak_rss_mb())
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        again = nb.brief(text, **options)
        times.append(time.perf_counter() - start)
        if again.to_dict() != result.to_dict():
            out["note"] = "a repeated brief differed from the first"
    loaded = statistics.median(times) if times else None
    out.update(status="ok", brief_s=round(loaded, 4) if loaded is not None else None, repeats=repeats,
               load_s_estimate=round(out["first_brief_s"] - loaded, 4) if loaded is not None else None,
               peak_rss_mb=peak_rss_mb(), source_lang=result.source_lang, target_lang=result.target_lang,
               summary=result.summary, models=result.models, faithful=result.faithfulness["faithful"],
               notes=list(result.notes))
    return out


def run_worker(article: Path, to: str, translation_model: str | None, repeats: int) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.brief", "--worker", to, "--article", str(article), "--repeats",
           str(repeats)] + (["--translation-model", translation_model] if translation_model else [])
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
        return {"to": to, "status": "crashed", "error": {"type": "exit status " + str(done.returncode),
                                                          "message": tail[0]}}
    return json.loads(done.stdout.strip().splitlines()[-1])


def translation_model(row: dict) -> str:
    if row["status"] == "ok":
        return (row.get("models") or {}).get("translate") or "not used"
    return row.get("default_translation_model") or "none configured"


def markdown(rows: list[dict]) -> str:
    table = rpt.markdown_table(
        ["to", "status", "import newsbrief (s)", "first brief (s, loads models)", "brief, loaded (s)",
         "loading (s, ≈ first − loaded)", "peak RSS after import (MB)", "peak RSS (MB)", "translation model"],
        [[r["to"], r["status"], r.get("import_s"), r.get("first_brief_s"), r.get("brief_s"), r.get("load_s_estimate"),
          r.get("peak_rss_after_import_mb"), r.get("peak_rss_mb"),
          translation_model(r)] for r in rows],
        numeric=[False, False, True, True, True, True, True, True, False])
    parts = [table, "", "One fresh process per row; no result cache; \"loaded\" is the median of the repeats."]
    for r in rows:
        parts += ["", f"## to={r['to']}", ""]
        if r["status"] == "ok":
            parts += [(f"Summary ({r['source_lang']} -> {r['target_lang']}; models {json.dumps(r['models'])}; "
                      f"faithful: {r['faithful']}):"), "", "> " + r["summary"]]
        else:
            parts += [f"No brief: {r['error']['type']}: {r['error']['message']}"]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to", nargs="+", default=["en", "km", "ms"], choices=("en", "km", "ms"))
    parser.add_argument("--article", type=Path, default=SEED, help="the article (default: the seed article)")
    parser.add_argument("--translation-model", default=None, help="default: whatever newsbrief uses by default")
    parser.add_argument("--repeats", type=int, default=3, help="brief() calls after the first (median)")
    parser.add_argument("--out", type=Path, default=rpt.RESULTS / "brief",
                        help="write OUT.json and OUT.md (default benchmarks/results/brief)")
    parser.add_argument("--worker", choices=("en", "km", "ms"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.article, args.worker, args.translation_model, args.repeats), ensure_ascii=False))
        return 0
    rows = []
    for to in args.to:
        print(f"brief to={to} ...", file=sys.stderr)
        rows.append(run_worker(args.article, to, args.translation_model, args.repeats))
    cmd = rpt.command(NAME, argv)
    report = {"benchmark": "brief end to end", "command": cmd,
              "signature": signature(article=str(args.article), translation_model=args.translation_model,
                                     env_translation_model=os.environ.get("NEWSBRIEF_TRANSLATION_MODEL")),
              "results": rows}
    page = rpt.page(f"brief() end to end: {args.article.name}", report["signature"], cmd, markdown(rows))
    print(page)
    rpt.write(args.out.with_suffix(""), report, page)
    print(f"wrote {args.out.with_suffix('')}.json, .md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
