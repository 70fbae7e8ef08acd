"""Choose the round-trip threshold under which the judgement calls a translated sentence's
meaning into doubt (newsbrief.judgement.MEANING_THRESHOLDS), per direction, on sentences held out
of the translator's training.

    .venv/bin/python models/recipes/meaning_threshold/calibrate.py --data ../shared/data

The held-out lines are the recipe's dev sets (models/recipes/gemma_translation/dev_lines.json:
80 en-km and 80 en-ms lines of FLORES-200 dev, the Wikipedia devtest and TICO-19 dev, never
trained on), found again by the SHA-1 of their English. Per direction: the model's greedy output,
its round trip (translated back, chrF against the source), and the same round trip of the human
translation. A sentence is bad when its chrF++ against the reference is in the worst 30%. The
threshold is the highest one that flags at most 10% of the human translations (false alarms);
its recall over the bad outputs and each signal's ROC AUC are printed and written to results.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

HERE = Path(__file__).parent
DEV = HERE.parent / "gemma_translation" / "dev_lines.json"
SOURCES = {"km": [("flores200_dev", "flores200_dev", "khm"), ("wikipedia_devtest_km-en", "wikipedia_devtest", "khm")],
           "ms": [("flores200_dev", "flores200_dev", "zsm"), ("tico19_dev", "tico19_dev", "zsm")]}
FALSE_ALARMS = 0.10
BAD_SHARE = 0.30


def dev_pairs(data: Path, lang: str) -> list[tuple[str, str]]:
    want = json.loads(DEV.read_text("utf-8"))[f"en-{lang}"]
    found = {}
    for folder, stem, code in SOURCES[lang]:
        eng = (data / "parallel" / folder / f"{stem}.eng").read_text("utf-8").splitlines()
        other = (data / "parallel" / folder / f"{stem}.{code}").read_text("utf-8").splitlines()
        for e, o in zip(eng, other):
            found.setdefault(hashlib.sha1(e.strip().encode()).hexdigest(), (e.strip(), o.strip()))
    return [found[h] for h in want if h in found]


def translate(lines: list[str], src: str, tgt: str) -> list[str]:
    import newsbrief as nb

    result = nb.translate(nb.Article.from_sentences(lines), to=tgt, src=src, cache=None)
    return [p.target for p in result.sentences]


def direction(sources: list[str], refs: list[str], src: str, tgt: str) -> dict:
    from sacrebleu.metrics import CHRF
    from sklearn.metrics import roc_auc_score

    from newsbrief.translation.rerank import round_trip_chrf

    chrf = CHRF(word_order=2)
    outputs = translate(sources, src, tgt)
    back = translate(outputs, tgt, src)
    ref_back = translate(refs, tgt, src)
    trip = [round_trip_chrf(b, s) for b, s in zip(back, sources)]
    ref_trip = [round_trip_chrf(b, s) for b, s in zip(ref_back, sources)]
    quality = [chrf.sentence_score(o, [r]).score for o, r in zip(outputs, refs)]
    cut = sorted(quality)[int(BAD_SHARE * len(quality))]
    bad = [q < cut for q in quality]
    # the highest threshold that flags at most FALSE_ALARMS of the human translations
    allowed = int(FALSE_ALARMS * len(ref_trip))
    threshold = sorted(ref_trip)[allowed] if allowed < len(ref_trip) else max(ref_trip) + 1
    flagged = [t < threshold for t in trip]
    caught = sum(1 for b, f in zip(bad, flagged) if b and f)
    length = [abs(len(o) / max(len(s), 1) - 1) for o, s in zip(outputs, sources)]
    return {"lines": len(sources), "threshold": round(threshold, 1),
            "recall": round(caught / max(sum(bad), 1), 3), "outputs_flagged": round(sum(flagged) / len(flagged), 3),
            "references_flagged": round(sum(t < threshold for t in ref_trip) / len(ref_trip), 3),
            "auc_round_trip": round(roc_auc_score(bad, [-t for t in trip]), 3),
            "auc_length_ratio": round(roc_auc_score(bad, length), 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    results = {}
    for lang in ("km", "ms"):
        pairs = dev_pairs(args.data, lang)
        english, other = [e for e, _ in pairs], [o for _, o in pairs]
        for src, tgt, sources, refs in (("en", lang, english, other), (lang, "en", other, english)):
            results[f"{src}-{tgt}"] = direction(sources, refs, src, tgt)
            print(f"{src}-{tgt}", results[f"{src}-{tgt}"], flush=True)
    (HERE / "results.json").write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
