"""Step 1b: back-translation. Real Khmer / Malaysian news sentences -> synthetic English, with
the shipped translator (km->en and ms->en beat the dictionary on NTREX-128), written as
training pairs English (synthetic) -> Khmer / Malay (real) for prepare.py's `bt_km` / `bt_ms`
pools. train.py tags their prompts (prompts.prompt(..., synthetic=True)) so that the model
can tell machine-made sources from human ones (tagged back-translation, Caswell et al. 2019).

The news sentences belong to their publishers: the output stays in WORK (never committed).
Deterministic: the sentences are filtered, shuffled with a fixed seed and taken in that
order; a rerun appends after what OUT already holds (time-boxed with --minutes).

    python models/recipes/gemma_translation/backtranslate.py --mono ../shared/data/mono/km_news.txt \\
        --lang km --out .work/gemma_mt/backtranslated_km.jsonl --minutes 60

Round 2 (issue 36) writes backtranslated_LANG.r2.jsonl with the current shipped model, from the
first sentence of the same order; prepare.py lets its pairs replace round 1's. --positions
records how far each run got in a small committed JSON (numbers only, never the text), so a
fresh machine knows where the last one stopped; --device cuda runs the same on a GPU, and
--threads 1 keeps it to one core (it runs niced beside other work).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import time
from datetime import datetime, timezone
from pathlib import Path

from prepare import clean, clean_khmer, held_out, lines

from newsbrief.translation import guards
from newsbrief.translation.api import get_translator
from newsbrief.translation.base import TranslateConfig

_KHMER = re.compile("[\u1780-\u17ff]")
# English characters per source character: FLORES dev has its 1st-99th percentiles at 0.59-1.42 (Khmer,
# median 0.91) and 0.65-1.22 (Malay, 0.90); outside this, words were dropped or invented
RATIO = {"km": (0.55, 1.5), "ms": (0.6, 1.3)}
SHIPPED_STATE = Path(__file__).resolve().parents[2] / "newsbrief-gemma-mt" / "state.json"


def record(path: Path, key: str, entry: dict) -> None:
    """Update one entry of the committed positions file (how far each run got; never the text)."""
    data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    data[key] = {**data.get(key, {}), **entry}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    tmp.replace(path)


def usable(sentence: str, lang: str) -> bool:
    """News prose a sentence long: not a caption, byline or fragment."""
    if lang == "km":
        khmer = len(_KHMER.findall(sentence))
        return 25 <= khmer <= 300 and khmer / len(sentence) > 0.6 and sentence.endswith(("។", "៕"))
    words = sentence.split()
    return 6 <= len(words) <= 45 and sentence[0].isupper() and sentence.endswith((".", "!", "?", '"'))


def candidates(path: Path, lang: str, seed: int = 0) -> list[str]:
    return select(path.read_text("utf-8").splitlines(), lang, seed)


# the Khmer side of the human parallel sets (prepare.py's files; FLORES dev, Wikipedia dev and devtest,
# TICO-19 dev), as (English file, Khmer file): their own English is trained on already, a second
# (synthetic) source for the same Khmer is what back-translation adds
PARALLEL_KM = [("flores200_dev/flores200_dev.eng", "flores200_dev/flores200_dev.khm"),
               ("wikipedia_dev_km-en/wikipedia_dev_km-en.eng", "wikipedia_dev_km-en/wikipedia_dev_km-en.khm"),
               ("wikipedia_devtest_km-en/wikipedia_devtest.eng", "wikipedia_devtest_km-en/wikipedia_devtest.khm"),
               ("tico19_dev/tico19_dev.eng", "tico19_dev/tico19_dev.khm")]


def parallel_khmer(data: Path) -> list[str]:
    """The Khmer lines of the parallel sets whose pair prepare.py trains on: a line it holds out
    for validation (held_out(English, 25), as prepare.py decides) stays out here too."""
    pairs = [(en, km) for en_file, km_file in PARALLEL_KM
             for en, km in zip(lines(data / en_file), lines(data / km_file))]
    kept_out = {clean_khmer(km) for en, km in pairs if held_out(clean(en), 25)}
    return [km for en, km in pairs if clean_khmer(km) not in kept_out]


def select(texts: list[str], lang: str, seed: int = 0) -> list[str]:
    """The usable sentences of texts, cleaned, each once, in a fixed shuffle."""
    tidy = clean_khmer if lang == "km" else clean
    seen: set[str] = set()
    out = []
    for line in texts:
        sentence = tidy(line)
        if sentence and sentence not in seen and usable(sentence, lang):
            seen.add(sentence)
            out.append(sentence)
    random.Random(seed).shuffle(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--mono", type=Path, help="one news sentence a line")
    source.add_argument("--parallel", type=Path, help="../shared/data/parallel: the Khmer side of its sets "
                                                      "(PARALLEL_KM; --lang km; origin bt_km_parallel)")
    parser.add_argument("--lang", choices=("km", "ms"), required=True)
    parser.add_argument("--out", type=Path, required=True, help="JSONL training pairs (appended)")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--limit", type=int, default=0, help="stop after this many sentences in OUT (0: all)")
    parser.add_argument("--chunk", type=int, default=48)
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="where CTranslate2 runs (same sentences, same order, same filters)")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: every usable core)")
    parser.add_argument("--positions", type=Path, help="committed JSON recording how far OUT got (no text)")
    parser.add_argument("--key", help="this run's entry in --positions (default: OUT's file name)")
    args = parser.parse_args()
    if args.parallel and args.lang != "km":
        parser.error("--parallel takes the Khmer side of the parallel sets: --lang km")

    pool = candidates(args.mono, args.lang) if args.mono else select(parallel_khmer(args.parallel), "km")
    origin = "bt_km_parallel" if args.parallel else f"bt_{args.lang}"
    # how many candidates OUT has seen (kept and dropped alike): a rerun continues there
    position_file = args.out.with_suffix(".position")
    position = int(position_file.read_text()) if position_file.is_file() else 0
    end = min(len(pool), args.limit or len(pool))
    translator = get_translator(args.lang, "en", config=TranslateConfig(batch_size=args.chunk, retry=False),
                               device=args.device, threads=args.threads or None)
    print(f"{len(pool)} usable {args.lang} sentences; starting at {position}; pid {os.getpid()}", flush=True)
    started, cpu_started = time.monotonic(), time.process_time()
    model_step = json.loads(SHIPPED_STATE.read_text("utf-8")).get("step") if SHIPPED_STATE.is_file() else None
    kept = dropped = 0
    before = sum(1 for _ in open(args.out, encoding="utf-8")) if args.out.is_file() else 0
    with open(args.out, "a", encoding="utf-8") as out:
        while position < end and time.monotonic() - started < args.minutes * 60:
            batch = pool[position:min(end, position + args.chunk)]
            english = translator.translate_sentences(batch, args.lang, "en")
            for source, target in zip(batch, english):
                # what the guards would retry is not worth learning from
                text, looped = guards.collapse_repetitions(target)
                if (looped or guards.suspicious(source, text, tgt="en") or not text[:1].isupper()
                        or not RATIO[args.lang][0] <= len(text) / len(source) <= RATIO[args.lang][1]):
                    dropped += 1
                    continue
                out.write(json.dumps({"src_lang": "en", "tgt_lang": args.lang, "src": text, "tgt": source,
                                      "origin": origin, "synthetic": True,
                                      "model_step": model_step}, ensure_ascii=False) + "\n")
                kept += 1
            out.flush()
            position += len(batch)
            position_file.write_text(str(position))
            elapsed = time.monotonic() - started
            print(f"{position}/{end} sentences; kept {kept}, dropped {dropped}; {(kept + dropped) / elapsed:.2f}/s",
                  flush=True)
            if args.positions:
                record(args.positions, args.key or args.out.name, {
                    "lang": args.lang, "mono": (args.mono or args.parallel).name, "position": position, "usable": len(pool),
                    "pairs_in_out": before + kept,
                    "model_step": model_step, "device": args.device,
                    "kept_this_run": kept, "dropped_this_run": dropped, "seconds_this_run": round(elapsed),
                    "cpu_seconds_this_run": round(time.process_time() - cpu_started),
                    "updated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")})


if __name__ == "__main__":
    main()
