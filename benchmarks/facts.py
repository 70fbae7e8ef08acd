"""Dates, weekdays, months, places and roles through translation, and the judgement's flag.

On the NTREX-128 sentences that name a weekday, month, date, country, province or role (the
English source, or the Khmer / Malay reference as the source into English), with the embedded
translator:
- fact accuracy per direction: the share of the source's facts (newsbrief.facts) that the output
  states, without and with their protection (TranslateConfig.protect_facts);
- chrF++ of those sentences without and with it (sentences naming none of these facts are masked
  the same either way, so the rest of NTREX-128 is unchanged);
- the flag (newsbrief.judgement, its meaning check included: each output read back) on the
  protected outputs: recall over the outputs that are wrong (a fact missing or changed, or
  sentence chrF++ under half the direction's median), the share of all outputs flagged, and false
  alarms: the human translations judged (and read back) as if they were outputs.

    python -m benchmarks facts --limit 150
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIRECTIONS = (("en", "km"), ("en", "ms"), ("km", "en"), ("ms", "en"))
FILES = {"en": "newstest2019-src.eng.txt", "km": "newstest2019-ref.khm.txt", "ms": "newstest2019-ref.msa.txt"}


def fact_lines(data: Path, limit: int | None) -> list[int]:
    """Line numbers of NTREX-128 whose English names a fact of the protected kinds."""
    from newsbrief.facts.check import facts

    lines = (data / "eval" / "ntrex128" / FILES["en"]).read_text("utf-8").splitlines()
    chosen = [i for i, line in enumerate(lines) if any(facts(line, "en").values())]
    return chosen[:limit] if limit else chosen


def fact_counts(source: str, output: str, src: str, tgt: str) -> tuple[int, int]:
    """(facts of the source, those of them the output gets wrong) over the protected kinds."""
    from newsbrief.facts.check import compare, facts

    total = sum(len(v) for v in facts(source, src).values())
    wrong = [p for p in compare(source, output, src, tgt) if p.kind != "number" and p.source is not None]
    return total, min(total, len(wrong))


def run(data: Path, limit: int | None, model: str | None) -> dict:
    import newsbrief as nb
    from sacrebleu.metrics import CHRF

    from newsbrief.judgement import Translated, judge, read_back

    chrf = CHRF(word_order=2)
    index = fact_lines(data, limit)
    text = {lang: (data / "eval" / "ntrex128" / name).read_text("utf-8").splitlines() for lang, name in FILES.items()}
    out = {"lines": len(index), "directions": {}}
    for src, tgt in DIRECTIONS:
        sources = [text[src][i] for i in index]
        refs = [text[tgt][i] for i in index]
        row = {}
        outputs = {}
        for protect in (False, True):
            started = time.process_time()
            result = nb.translate(nb.Article.from_sentences(sources), to=tgt, src=src, model=model, cache=None,
                                  protect_facts=protect)
            outputs[protect] = result
            hyps = [p.target for p in result.sentences]
            counted = [fact_counts(s, h, src, tgt) for s, h in zip(sources, hyps)]
            total, wrong = sum(c[0] for c in counted), sum(c[1] for c in counted)
            row["protected" if protect else "plain"] = {
                "facts": total, "right": total - wrong, "accuracy": round(100 * (total - wrong) / max(total, 1), 1),
                "chrf++": round(chrf.corpus_score(hyps, [refs]).score, 2),
                "cpu_s": round(time.process_time() - started, 1)}
        result = outputs[True]
        hyps = [p.target for p in result.sentences]
        scores = [chrf.sentence_score(h, [r]).score for h, r in zip(hyps, refs)]
        low = statistics.median(scores) / 2
        wrong = [fact_counts(s, h, src, tgt)[1] > 0 or score < low for s, h, score in zip(sources, hyps, scores)]
        # the meaning check as a brief makes it: each output (and each reference) read back
        outs = read_back([Translated(h, p.score, p.flags) for h, p in zip(hyps, result.sentences)], sources, src, tgt,
                         model, None, {})
        ref_outs = read_back([Translated(r) for r in refs], sources, src, tgt, model, None, {})
        flagged = [judge([(h, s, s)], src, tgt, [t]).sentences[0].flagged for s, h, t in zip(sources, hyps, outs)]
        ref_judged = [judge([(r, s, s)], src, tgt, [t]).sentences[0] for s, r, t in zip(sources, refs, ref_outs)]
        on_refs = [j.flagged for j in ref_judged]
        # which checks flag the human translations: the meaning check alone, or a fact or name check
        by_check = Counter(kind for j in ref_judged for kind in {p.kind for p in j.problems})
        only_meaning = sum(1 for j in ref_judged if j.flagged and {p.kind for p in j.problems} == {"meaning"})
        caught = sum(1 for w, f in zip(wrong, flagged) if w and f)
        row["flag"] = {"wrong_outputs": sum(wrong), "recall": round(100 * caught / max(sum(wrong), 1), 1),
                       "flagged_share": round(100 * sum(flagged) / len(flagged), 1),
                       "false_alarms_on_references": round(100 * sum(on_refs) / len(on_refs), 1),
                       "false_alarms_meaning_only": round(100 * only_meaning / len(on_refs), 1),
                       "references_flagged_by_check": dict(sorted(by_check.items()))}
        row["examples"] = [{"source": s, "output": h, "problems": [p.describe() for p in
                            judge([(h, s, s)], src, tgt).sentences[0].problems]}
                           for s, h in list(zip(sources, hyps))[:3]]
        out["directions"][f"{src}-{tgt}"] = row
        print(f"{src}->{tgt}: {row['plain']} -> {row['protected']}; flag {row['flag']}", flush=True)
    return out


def whole_corpus(data: Path, model: str | None) -> dict:
    """chrF++ of all of NTREX-128 per direction without and with the protection of facts. Only the
    lines whose source names a fact are translated twice: the others are masked alike either way,
    and the translator is deterministic."""
    import newsbrief as nb
    from sacrebleu.metrics import CHRF

    from newsbrief.facts.render import renderings

    chrf = CHRF(word_order=2)
    text = {lang: (data / "eval" / "ntrex128" / name).read_text("utf-8").splitlines() for lang, name in FILES.items()}
    out = {}
    for src, tgt in DIRECTIONS:
        sources, refs = text[src], text[tgt]
        started = time.process_time()
        protected = [p.target for p in nb.translate(nb.Article.from_sentences(sources), to=tgt, src=src, model=model,
                                                     cache=None, protect_facts=True).sentences]
        # the protected terms of the whole text (translate() protects them wherever they occur): a line
        # holding none of them, in any case, is masked alike either way
        terms = {term.lower() for term, _ in renderings(sources, src, tgt)}
        touched = [i for i, line in enumerate(sources) if any(term in line.lower() for term in terms)]
        plain = list(protected)
        again = nb.translate(nb.Article.from_sentences([sources[i] for i in touched]), to=tgt, src=src, model=model,
                             cache=None, protect_facts=False).sentences
        for i, pair in zip(touched, again):
            plain[i] = pair.target
        out[f"{src}-{tgt}"] = {"lines": len(sources), "lines_with_facts": len(touched),
                               "chrf++_plain": round(chrf.corpus_score(plain, [refs]).score, 2),
                               "chrf++_protected": round(chrf.corpus_score(protected, [refs]).score, 2),
                               "cpu_s": round(time.process_time() - started)}
        print(f"{src}->{tgt}: {out[f'{src}-{tgt}']}", flush=True)
    return out


def markdown(results: dict) -> str:
    rows = ["| direction | facts | right, plain | right, protected | chrF++ plain | chrF++ protected | "
            "wrong outputs | flagged of them (recall) | outputs flagged | references flagged (false alarms) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, row in results["directions"].items():
        plain, protected, flag = row["plain"], row["protected"], row["flag"]
        rows.append(f"| {name} | {plain['facts']} | {plain['accuracy']}% | {protected['accuracy']}% | "
                    f"{plain['chrf++']} | {protected['chrf++']} | {flag['wrong_outputs']} | {flag['recall']}% | "
                    f"{flag['flagged_share']}% | {flag['false_alarms_on_references']}% |")
    page = f"{results['lines']} NTREX-128 lines that name a weekday, month, date, place or role.\n\n" + "\n".join(rows)
    page += ("\n\nThe human translations flagged, by check (a translation may fail several); 'meaning only': "
             "flagged by the meaning check and nothing else:\n\n| direction | meaning only | by check |\n|---|---:|---|\n"
             + "\n".join(f"| {name} | {row['flag'].get('false_alarms_meaning_only', '')}% | "
                         f"{', '.join(f'{k} {v}' for k, v in row['flag'].get('references_flagged_by_check', {}).items())} |"
                         for name, row in results["directions"].items()))
    if results.get("whole"):
        page += ("\n\nAll of NTREX-128 (the lines whose source names no fact come out the same either way):\n\n"
                 "| direction | lines | lines with facts | chrF++ unprotected | chrF++ protected |\n|---|---:|---:|---:|---:|\n"
                 + "\n".join(f"| {name} | {row['lines']} | {row['lines_with_facts']} | {row['chrf++_plain']} | "
                             f"{row['chrf++_protected']} |" for name, row in results["whole"].items()))
    return page


def main(argv: list[str] | None = None) -> int:
    from benchmarks import report as rpt
    from benchmarks.signature import signature as base_signature

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NEWSBRIEF_SHARED_DATA",
                                                                    ROOT.parent / "shared" / "data")))
    ap.add_argument("--limit", type=int, default=None, help="the first N fact-naming lines (default: all)")
    ap.add_argument("--model", default=None, help="translation model (default: the configured default)")
    ap.add_argument("--whole", action="store_true", help="also chrF++ of all of NTREX-128, with and without")
    ap.add_argument("--out", type=Path, default=rpt.RESULTS / "facts")
    args = ap.parse_args(argv)
    results = run(args.data, args.limit, args.model)
    if args.whole:
        results["whole"] = whole_corpus(args.data, args.model)
    table = markdown(results)
    print(table)
    cmd = rpt.command("facts", argv or [])
    signature = base_signature(config={"limit": args.limit, "model": args.model or "default", "whole": args.whole})
    rpt.write(args.out, {"command": cmd, "signature": signature, "results": results},
              rpt.page("Facts through translation, and the flag", signature, cmd, table))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
