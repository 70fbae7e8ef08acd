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
The other signals of issue 34 are measured beside it (not used by the judgement unless they earn
it): the model's own mean token log-probability (CTranslate2 score_batch), the fact and name
checks' count, and the multilingual-e5 cosine of source and output (language-centred as the
digest does it); and the recall of the round trip together with each of them (flagged when either
is past its cut, the pair of cuts chosen under the same 10% of human translations flagged).
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
    # the other signals the issue names, each as "higher: worse"
    others = {"model_log_prob": ([-x for x in model_log_probs(sources, outputs, src, tgt)],
                                 [-x for x in model_log_probs(sources, refs, src, tgt)]),
              "facts_and_names": (fact_problems(sources, outputs, src, tgt), fact_problems(sources, refs, src, tgt)),
              "e5_cosine": ([-x for x in e5_cosines(sources, outputs, src, tgt)],
                            [-x for x in e5_cosines(sources, refs, src, tgt)])}
    out = {"lines": len(sources), "threshold": round(threshold, 1),
           "recall": round(caught / max(sum(bad), 1), 3), "outputs_flagged": round(sum(flagged) / len(flagged), 3),
           "references_flagged": round(sum(t < threshold for t in ref_trip) / len(ref_trip), 3),
           "auc_round_trip": round(roc_auc_score(bad, [-t for t in trip]), 3),
           "auc_length_ratio": round(roc_auc_score(bad, length), 3)}
    for name, (on_outputs, _) in others.items():
        out[f"auc_{name}"] = round(roc_auc_score(bad, on_outputs), 3)
    # the round trip with each other signal: flagged when either is past its cut, the pair of cuts
    # that catches most bad outputs while flagging at most FALSE_ALARMS of the human translations
    worse_trip = ([-t for t in trip], [-t for t in ref_trip])
    for name, pair in others.items():
        out[f"recall_round_trip_or_{name}"] = round(best_either(worse_trip, pair, bad), 3)
    return out


def best_either(first: tuple[list, list], second: tuple[list, list], bad: list[bool]) -> float:
    """The highest recall of 'first or second past its cut' with at most FALSE_ALARMS of the
    references flagged (each signal: (on outputs, on references), higher is worse)."""
    allowed = int(FALSE_ALARMS * len(first[1]))
    best = 0.0
    for a in sorted(set(first[0] + first[1])) + [float("inf")]:
        for b in sorted(set(second[0] + second[1])) + [float("inf")]:
            if sum(x >= a or y >= b for x, y in zip(*(first[1], second[1]))) > allowed:
                continue
            caught = sum(1 for x, y, is_bad in zip(first[0], second[0], bad) if is_bad and (x >= a or y >= b))
            best = max(best, caught / max(sum(bad), 1))
    return best


def model_log_probs(sources: list[str], outputs: list[str], src: str, tgt: str) -> list[float]:
    """The translator's mean log-probability per token of each output after its source's prompt
    (CTranslate2's score_batch on the built model), the end token included."""
    from newsbrief.translation.api import get_translator
    from newsbrief.translation.prompts import prompt, target

    backend = get_translator(src, tgt, cache=None).backend
    tokenizer, vocab = backend.tokenizer, backend.vocab
    rows, starts = [], []
    for source, output in zip(sources, outputs):
        head = prompt(source, src, tgt)
        ids = tokenizer([head, head + target(output)], add_special_tokens=False)["input_ids"]
        full = vocab.encode([tokenizer.bos_token_id] + ids[1] + [tokenizer.eos_token_id], tokenizer)
        starts.append(len(vocab.encode([tokenizer.bos_token_id] + ids[0], tokenizer)))
        rows.append([backend._tokens[i] for i in full])
    # one at a time: CTranslate2 4.8.5's score_batch fails on a Gemma 3 batch of unequal lengths
    # ("Length mask has size ... different than the current batch size")
    scored = [backend.generator.score_batch([row])[0] for row in rows]
    # log_probs[k] is the log-probability of token k + 1 given those before it
    return [sum(r.log_probs[start - 1:]) / max(len(r.log_probs) - start + 1, 1) for r, start in zip(scored, starts)]


def fact_problems(sources: list[str], outputs: list[str], src: str, tgt: str) -> list[int]:
    """How many facts and names the judgement's checks find wrong in each output."""
    from newsbrief.facts import compare
    from newsbrief.translation import names

    return [len(compare(s, o, src, tgt)) + len(names.invented(s, o, src, tgt)) for s, o in zip(sources, outputs)]


def e5_cosines(sources: list[str], outputs: list[str], src: str, tgt: str) -> list[float]:
    """The cosine of source and output in multilingual-e5, each centred on its language's mean as
    the digest compares texts (newsbrief.embedding)."""
    from newsbrief.embedding import centred, default_embedder

    embedder = default_embedder()
    a = centred(embedder.embed(sources), [src] * len(sources))  # unit vectors
    b = centred(embedder.embed(outputs), [tgt] * len(outputs))
    return [float(x) for x in (a * b).sum(axis=1)]


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
