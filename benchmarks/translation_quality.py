"""Translation quality on any source/reference pair of files (one sentence a line).

    python -m benchmarks.translation_quality --src FILE --ref FILE --src-lang en --tgt-lang km \\
        [--model NAME|PATH] [--baseline copy] [--limit N]

Scores: chrF++ (sacrebleu, word n-grams up to 2), BLEU on a Khmer-aware tokenization, and
sentence coverage (outputs that are empty). BLEU tokenization: sacrebleu's 13a splits on
spaces, and Khmer has none between words, so a Khmer sentence is one or two "words" and BLEU
is meaningless; its flores200 tokenizer downloads a model at run time. We split Khmer into
orthographic syllables (newsbrief.metrics.khmer_syllables, the units the ROUGE metric uses)
and other text with 13a, then run BLEU with tokenize="none". Baseline "copy" outputs the
source unchanged (what a system that does nothing scores).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from benchmarks.signature import signature

from newsbrief.metrics import khmer_syllables

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


def translate_lines(lines: list[str], src: str, tgt: str, model: str | None) -> list[str]:
    import newsbrief as nb

    result = nb.translate(nb.Article.from_sentences(lines), to=tgt, src=src, model=model, cache=None)
    return [pair.target for pair in result.sentences]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, required=True)
    parser.add_argument("--ref", type=Path, required=True)
    parser.add_argument("--src-lang", required=True, choices=("en", "km", "ms"))
    parser.add_argument("--tgt-lang", required=True, choices=("en", "km", "ms"))
    parser.add_argument("--model", default=None, help="translation model (registry name or folder)")
    parser.add_argument("--baseline", choices=("copy",), default=None, help="score a baseline instead of a model")
    parser.add_argument("--limit", type=int, default=None, help="first N lines only")
    parser.add_argument("--out", type=Path, default=None, help="write the result as JSON here too")
    args = parser.parse_args()
    sources = args.src.read_text("utf-8").splitlines()[: args.limit]
    references = args.ref.read_text("utf-8").splitlines()[: args.limit]
    if len(sources) != len(references):
        parser.error(f"{args.src} has {len(sources)} lines but {args.ref} has {len(references)}")
    start = time.perf_counter()
    if args.baseline == "copy":
        hypotheses, system = list(sources), "baseline:copy"
    else:
        hypotheses, system = translate_lines(sources, args.src_lang, args.tgt_lang, args.model), args.model
    seconds = time.perf_counter() - start
    result = {"system": system, "direction": f"{args.src_lang}->{args.tgt_lang}", "src": str(args.src),
              "ref": str(args.ref), **score(hypotheses, references),
              "sentences_per_s": round(len(sources) / seconds, 2) if args.baseline is None else None}
    print(json.dumps(result, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps({"signature": signature(("newsbrief", "sacrebleu")), "result": result},
                                       indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
