"""Translation quality: chrF++ and Khmer-aware BLEU, of models and baselines.

    python -m benchmarks translation-quality        # NTREX-128, en->km km->en en->ms ms->en: copy + dictionary
    python -m benchmarks translation-quality --model default      # + the configured translation model
    python -m benchmarks translation-quality --src FILE --ref FILE --src-lang en --tgt-lang km \\
        [--model NAME|PATH|default] [--baseline copy|dictionary] [--limit N] [--out PATH]

Systems: --model (a registry name, a folder, or "default": whatever newsbrief uses when no
model is named) and --baseline, repeatable. Baseline "copy" outputs the source unchanged (what
a system that does nothing scores); "dictionary" translates word by word with a dictionary
built from the training data (benchmarks/dictionary_baseline.py; built once, then cached
under .work/benchmarks/). With no system named: the two baselines on NTREX-128, the default
model on your files.

Scores: chrF++ (sacrebleu, word n-grams up to 2), BLEU on a Khmer-aware tokenization, and
sentence coverage (outputs that are empty). Directions into Malay also report how newsbrief.detect
reads the Malay outputs and the reference translations: the share of the sentences it calls Malay or
Indonesian that it calls Malaysian Malay ("ms") rather than Indonesian ("id"). BLEU tokenization: sacrebleu's 13a splits on
spaces, and Khmer has none between words, so a Khmer sentence is one or two "words" and BLEU
is meaningless; its flores200 tokenizer downloads a model at run time. We split Khmer into
orthographic syllables (newsbrief.metrics.khmer_syllables, the units the ROUGE metric uses)
and other text with 13a, then run BLEU with tokenize="none".

NTREX-128 (evaluation only; its English is the original, Khmer and Malay are translations of
it, so km->en and ms->en translate translationese) writes benchmarks/results/translation_quality
.json, .md and .png (chrF++ per direction); --out PATH writes PATH.json and PATH.md instead.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from benchmarks import report as rpt
from benchmarks.signature import ROOT, signature
from newsbrief.metrics import khmer_syllables

NAME = "translation-quality"
DATA = Path(os.environ.get("NEWSBRIEF_SHARED_DATA", ROOT.parent / "shared" / "data"))
DICTIONARY_CACHE = ROOT / ".work" / "benchmarks"
NTREX_FILES = {"en": "newstest2019-src.eng.txt", "km": "newstest2019-ref.khm.txt", "ms": "newstest2019-ref.msa.txt"}
NTREX_DIRECTIONS = (("en", "km"), ("km", "en"), ("en", "ms"), ("ms", "en"))

_KHMER_RUN = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]+")


def khmer_aware_tokens(text: str) -> str:
    """Text with Khmer runs split into syllables, for BLEU with tokenize='none'."""
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    spaced = _KHMER_RUN.sub(lambda m: " " + " ".join(khmer_syllables(m.group())) + " ", text)
    return " ".join(Tokenizer13a()(spaced).split())


def score(hypotheses: list[str], references: list[str]) -> dict:
    import sacrebleu

    chrf = sacrebleu.corpus_chrf(hypotheses, [references], word_order=2)
    bleu = sacrebleu.corpus_bleu([khmer_aware_tokens(h) for h in hypotheses],
                                 [[khmer_aware_tokens(r) for r in references]], tokenize="none",
                                 force=True)  # tokenized on purpose: the Khmer-aware split above
    empty = sum(1 for h in hypotheses if not h.strip())
    return {"chrf++": round(chrf.score, 2), "bleu_khmer_aware": round(bleu.score, 2), "sentences": len(hypotheses),
            "empty_outputs": empty, "coverage": round(1 - empty / max(len(hypotheses), 1), 4)}


def malay_variety(lines: list[str]) -> dict:
    """How newsbrief.detect reads Malay output, sentence by sentence: counts of "ms", "id" and anything else
    (empty lines skipped), and share = ms / (ms + id), the part of the Malay-or-Indonesian sentences that read as
    Malaysian Malay rather than Indonesian (None when there are none)."""
    import newsbrief as nb

    counts = {"ms": 0, "id": 0, "other": 0}
    for line in lines:
        if line.strip():
            lang = nb.detect(line).lang
            counts[lang if lang in ("ms", "id") else "other"] += 1
    both = counts["ms"] + counts["id"]
    return {**counts, "share": round(counts["ms"] / both, 4) if both else None}


def invented_names(sources: list[str], hypotheses: list[str], src: str, tgt: str) -> dict | None:
    """Names the outputs have that their sources do not (newsbrief.translation.names.invented:
    capitalised words that are no common word of the language, not in the source, not a CLDR form of a
    source name), per 100 sentences, with the most frequent ones; None from Khmer, where capitals say nothing."""
    from collections import Counter

    from newsbrief.translation import names

    if src not in names.LATIN:
        return None
    found = Counter(name for source, hyp in zip(sources, hypotheses) for name in names.invented(source, hyp, src, tgt))
    return {"per_100_sentences": round(100 * sum(found.values()) / max(len(sources), 1), 2),
            "sentences": len(sources), "most_common": found.most_common(10)}


def translate_lines(lines: list[str], src: str, tgt: str, model: str | None,
                    beam_size: int = 1, candidates: int = 1, protect_names: bool = True,
                    malaysian_words: bool = True) -> tuple[list[str], str, dict[str, int]]:
    """The model's translations, the model that ran (model=None: the configured default), and
    how often each guard stepped in (numbers repaired, segments retried, sentences split, ...)."""
    import newsbrief as nb

    result = nb.translate(nb.Article.from_sentences(lines), to=tgt, src=src, model=model, cache=None,
                          beam_size=beam_size, candidates=candidates, protect_names=protect_names,
                          malaysian_words=malaysian_words)
    return [pair.target for pair in result.sentences], str(result.model), guard_counts(result.notes)


def guard_counts(notes) -> dict[str, int]:
    """Notes of a translation counted by what happened (see translation/base.py and protect.py)."""
    kinds = {"numbers repaired": "numbers_repaired", "model dropped": "terms_appended", "retried": "retried",
             "split into": "split", "kept the source text": "kept_source",
             "invented name": "invented_name_retried"}
    counts = {name: 0 for name in kinds.values()}
    for note in notes:
        for text, name in kinds.items():
            if text in note.lower():
                counts[name] += 1
    return counts


def dictionary_lines(lines: list[str], src: str, tgt: str, parallel: Path, cache_dir: Path | None) -> list[str]:
    from benchmarks.dictionary_baseline import load_or_build

    dictionary = load_or_build(tgt if src == "en" else src, parallel, cache_dir)
    return [dictionary.translate(line, src, tgt) for line in lines]


ROUND_TRIP = "+roundtrip"  # model:NAME+roundtrip4: NAME's greedy + 4-best, reranked by their round trip


def run_system(system: str, sources: list[str], references: list[str], src: str, tgt: str,
               args: argparse.Namespace) -> dict:
    """One row: the system's scores on one direction, or the error that stopped it."""
    from newsbrief.errors import NewsbriefError

    row = {"system": system, "direction": f"{src}->{tgt}"}
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        if system == "baseline:copy":
            hypotheses = list(sources)
        elif system == "baseline:dictionary":
            hypotheses = dictionary_lines(sources, src, tgt, args.parallel, args.dictionary_cache)
        else:
            name, _, candidates = system.removeprefix("model:").partition(ROUND_TRIP)
            hypotheses, row["model"], row["guards"] = translate_lines(
                sources, src, tgt, None if name == "default" else name, args.beam_size, int(candidates or 1),
                not args.no_protect_names, not args.no_malaysian_words)
    except NewsbriefError as exc:  # no model configured, a missing package: recorded, not faked
        return {**row, "error": f"{type(exc).__name__}: {exc}"}
    seconds = time.perf_counter() - start
    row["cpu_seconds"] = round(time.process_time() - cpu_start, 2)  # every thread of this process
    if tgt == "ms":
        row["malay_variety"] = malay_variety(hypotheses)
    row["invented_names"] = invented_names(sources, hypotheses, src, tgt)
    return {**row, **score(hypotheses, references), "seconds": round(seconds, 2),
            "sentences_per_s": round(len(sources) / seconds, 2) if system.startswith("model:") else None}


def read_pair(src: Path, ref: Path, limit: int | None) -> tuple[list[str], list[str]]:
    sources = src.read_text("utf-8").splitlines()[:limit]
    references = ref.read_text("utf-8").splitlines()[:limit]
    if len(sources) != len(references):
        raise SystemExit(f"{src} has {len(sources)} lines but {ref} has {len(references)}")
    return sources, references


def _ms_share(variety: dict | None) -> str | None:
    if not variety or variety.get("share") is None:
        return None
    return f"{100 * variety['share']:.1f}% ({variety['ms']} ms, {variety['id']} id, {variety['other']} other)"


def markdown(results: list[dict], systems: list[str], references: dict | None = None,
             reference_names: dict | None = None) -> str:
    """references: direction -> malay_variety() of the reference translations (directions into ms);
    reference_names: direction -> invented_names() of the reference translations (what the check
    takes for invented in human translations: its false alarms)."""
    errors = any(r.get("error") for r in results)
    rows = [[r["direction"], r["system"] + (f" ({r['model']})" if r.get("model") else ""), r.get("chrf++"),
             r.get("bleu_khmer_aware"), r.get("coverage"), r.get("sentences"), r.get("cpu_seconds")]
            + ([r.get("error")] if errors else []) for r in results]
    body = rpt.markdown_table(["direction", "system", "chrF++", "BLEU (Khmer-aware)", "coverage", "sentences",
                               "CPU s"] + (["error"] if errors else []), rows,
                              numeric=[False, False, True, True, True, True, True] + ([False] if errors else []))
    directions = list(dict.fromkeys(r["direction"] for r in results))
    if len(directions) > 1:
        by = {(r["direction"], r["system"]): r.get("chrf++") for r in results}
        body = (rpt.markdown_table(["chrF++", *systems], [[d, *(by.get((d, s)) for s in systems)] for d in directions],
                                   numeric=[False] + [True] * len(systems)) + "\n\n" + body)
    guarded = [r for r in results if r.get("guards")]
    if guarded:
        names = list(guarded[0]["guards"])
        body += "\n\n" + rpt.markdown_table(
            ["direction", "system", *(n.replace("_", " ") for n in names)],
            [[r["direction"], r["system"], *(r["guards"][n] for n in names)] for r in guarded],
            numeric=[False, False] + [True] * len(names))
        body += ("\n\nGuards: how often newsbrief's checks repaired a model's output (numbers put back, dropped "
                 "protected terms appended, suspicious segments retried, long sentences split, source kept).")
    named = [r for r in results if r.get("invented_names")]
    if named:
        body += "\n\n" + rpt.markdown_table(
            ["direction", "system", "invented names per 100 sentences", "most frequent"],
            [[r["direction"], r["system"], r["invented_names"]["per_100_sentences"],
              ", ".join(f"{n} ({c})" for n, c in r["invented_names"]["most_common"][:5])] for r in named]
            + [[d, "reference translations", v["per_100_sentences"],
                ", ".join(f"{n} ({c})" for n, c in v["most_common"][:5])] for d, v in (reference_names or {}).items()
               if v],
            numeric=[False, False, True, False])
        body += ("\n\nInvented names: capitalised words of an output that are no common word of its language "
                 "(WordNet, Wordnet Bahasa), not in the source and not the CLDR form of a source name "
                 "(newsbrief.translation.names.invented); from Latin-script sources only. The reference translations' "
                 "row is the check's false alarms: names a human translator wrote that it cannot tie to the source.")
    into_ms = [r for r in results if r["direction"].endswith("->ms") and r.get("malay_variety")]
    if into_ms:
        body += "\n\n" + rpt.markdown_table(
            ["direction", "system", "Malay outputs read as ms (not id)"],
            [[r["direction"], r["system"], _ms_share(r["malay_variety"]) or "n/a (no ms/id output)"] for r in into_ms]
            + [[d, "reference translations", _ms_share(v)] for d, v in (references or {}).items()],
            numeric=[False, False, False])
        body += ("\n\nms (not id): of the output sentences newsbrief.detect calls Malay or Indonesian, the share it "
                 "calls Malaysian Malay (ms); other: English, und, ...")
    return body + ("\n\nchrF++: sacrebleu corpus chrF with word n-grams up to 2 (chrF++). BLEU: on Khmer "
                   "orthographic syllables and 13a tokens elsewhere. copy: the source unchanged; dictionary: "
                   "word by word with a dictionary built from the training data (benchmarks/"
                   "dictionary_baseline.py). CPU s: processor seconds of all the benchmark's threads for the row; "
                   f"NAME{ROUND_TRIP}N: the greedy translation and the beam's N best, the one whose back-"
                   "translation is closest to the source kept (translation/rerank.py)."
                   + (" A row with an error did not run." if errors else ""))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, help="source file, one sentence a line (default: NTREX-128)")
    parser.add_argument("--ref", type=Path, help="reference file, line by line with --src")
    parser.add_argument("--src-lang", choices=("en", "km", "ms"))
    parser.add_argument("--tgt-lang", choices=("en", "km", "ms"))
    parser.add_argument("--model", action="append", default=[],
                        help="translation model: registry name, folder, or 'default' (repeatable)")
    parser.add_argument("--baseline", action="append", default=[], choices=("copy", "dictionary"),
                        help="score a baseline (repeatable)")
    parser.add_argument("--limit", type=int, default=None, help="first N lines only")
    parser.add_argument("--beam-size", type=int, default=1, help="beam size for the models (default 1: greedy, "
                        "newsbrief's default)")
    parser.add_argument("--candidates", type=int, action="append", default=[],
                        help="also run each model with N candidates checked by their round trip "
                             "(TranslateConfig.candidates; repeatable; side by side with greedy)")
    parser.add_argument("--no-protect-names", action="store_true", help="let the model translate names (default: "
                        "each name protected and rendered one way, newsbrief.translation.names)")
    parser.add_argument("--no-malaysian-words", action="store_true",
                        help="keep the Indonesian words a model writes into Malay (default: their Malaysian "
                             "form, TranslateConfig.malaysian_words)")
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder (NTREX-128, parallel/)")
    parser.add_argument("--parallel", type=Path, default=None,
                        help="folder with en-km.tsv and en-ms.tsv for the dictionary (default: DATA/parallel)")
    parser.add_argument("--dictionary-cache", type=Path, default=DICTIONARY_CACHE,
                        help="where built dictionaries are kept (git-ignored)")
    parser.add_argument("--out", type=Path, default=None, help="write PATH.json and PATH.md (no suffix needed)")
    args = parser.parse_args(argv)
    args.parallel = args.parallel or args.data / "parallel"
    ntrex = args.src is None
    if ntrex and (args.ref or args.src_lang or args.tgt_lang):
        parser.error("--ref, --src-lang and --tgt-lang go with --src")
    if not ntrex and not (args.ref and args.src_lang and args.tgt_lang):
        parser.error("--src needs --ref, --src-lang and --tgt-lang")
    systems = [f"baseline:{b}" for b in dict.fromkeys(args.baseline)] + [f"model:{m}" for m in args.model]
    systems += [f"model:{m}{ROUND_TRIP}{n}" for m in args.model for n in args.candidates if n > 1]
    if not systems:
        systems = ["baseline:copy", "baseline:dictionary"] if ntrex else ["model:default"]

    if ntrex:
        folder = args.data / "eval" / "ntrex128"
        tasks = [(s, t, folder / NTREX_FILES[s], folder / NTREX_FILES[t]) for s, t in NTREX_DIRECTIONS]
    else:
        tasks = [(args.src_lang, args.tgt_lang, args.src, args.ref)]
    results = []
    reference_variety = {}
    reference_names = {}
    for src, tgt, src_path, ref_path in tasks:
        sources, references = read_pair(src_path, ref_path, args.limit)
        if tgt == "ms":
            reference_variety[f"{src}->{tgt}"] = malay_variety(references)
        reference_names[f"{src}->{tgt}"] = invented_names(sources, references, src, tgt)
        for system in systems:
            row = {**run_system(system, sources, references, src, tgt, args), "src": str(src_path),
                   "ref": str(ref_path)}
            print(" ".join(f"{k}={v}" for k, v in row.items() if k not in ("src", "ref")), file=sys.stderr)
            results.append(row)

    out = args.out.with_suffix("") if args.out else (rpt.RESULTS / "translation_quality" if ntrex else None)
    cmd = rpt.command(NAME, argv)
    title = "Translation quality" + (" on NTREX-128" if ntrex else f" on {args.src.name}")
    report = {"benchmark": "translation quality", "command": cmd,
              "signature": signature(("newsbrief", "sacrebleu"), set="NTREX-128" if ntrex else str(args.src),
                                     limit=args.limit, beam_size=args.beam_size,
                                     protect_names=not args.no_protect_names,
                                     malaysian_words=not args.no_malaysian_words),
              "results": results, "reference_malay_variety": reference_variety,
              "reference_invented_names": reference_names}
    page = rpt.page(title, report["signature"], cmd, markdown(results, systems, reference_variety, reference_names))
    print(page)
    if out:
        rpt.write(out, report, page)
        directions = list(dict.fromkeys(r["direction"] for r in results))
        from benchmarks.plots import bar_chart

        by = {(r["direction"], r["system"]): r.get("chrf++") for r in results}
        bar_chart(out.with_suffix(".png"), directions, {s: [by.get((d, s)) for d in directions] for s in systems},
                  "chrF++", title + ": chrF++ per direction")
        print(f"wrote {out}.json, .md, .png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
