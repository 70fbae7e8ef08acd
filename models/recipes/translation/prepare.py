"""Step 1: build the training and validation files of the embedded en/km/ms model.

Reads the harvested parallel corpora (training data only: never the evaluation sets)
and writes, under WORK:
  train.tsv   tgt_lang <TAB> source <TAB> target   (all four directions: en->km, km->en, en->ms, ms->en)
  valid.tsv   the same for a 0.5% hash-selected slice held out from training (for validation loss)
  spm_input.txt  unique sentences of each language, for the tokenizer

    python models/recipes/translation/prepare.py --data ../shared/data/parallel --work .work/mt
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sys
import unicodedata
from pathlib import Path

PAIRS = {"km": "en-km.tsv", "ms": "en-ms.tsv"}
MAX_CHARS = 400
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    return _SPACES.sub(" ", text).strip()


def keep(en: str, tgt: str, lang: str) -> bool:
    if not en or not tgt or len(en) > MAX_CHARS or len(tgt) > MAX_CHARS:
        return False
    if en == tgt and (lang == "km" or len(en) > 25):
        return False  # untranslated strings teach the model to copy
    ratio = len(tgt) / len(en)
    if not 0.25 <= ratio <= 4.0 and max(len(en), len(tgt)) > 12:
        return False
    if lang == "km" and not re.search("[\u1780-\u17ff]", tgt):
        return False
    return True


def is_valid_row(en: str) -> bool:
    """0.5% of distinct English strings, chosen by hash so reruns agree."""
    return int(hashlib.sha1(en.encode()).hexdigest()[:8], 16) % 200 == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="folder with en-km.tsv and en-ms.tsv")
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    csv.field_size_limit(sys.maxsize)
    rows = {"train": [], "valid": []}
    sentences = {"en": set(), "km": set(), "ms": set()}
    for lang, name in PAIRS.items():
        kept = 0
        with open(args.data / name, encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(reader)  # header
            for row in reader:
                if len(row) < 2:
                    continue
                en, tgt = clean(row[0]), clean(row[1])
                if not keep(en, tgt, lang):
                    continue
                kept += 1
                split = "valid" if is_valid_row(en) else "train"
                rows[split] += [(lang, en, tgt), ("en", tgt, en)]
                if split == "train":
                    sentences["en"].add(en)
                    sentences[lang].add(tgt)
        print(f"{name}: kept {kept} pairs", file=sys.stderr)
    rng = random.Random(0)
    for split, items in rows.items():
        rng.shuffle(items)
        with open(args.work / f"{split}.tsv", "w", encoding="utf-8") as f:
            for lang, src, tgt in items:
                f.write(f"{lang}\t{src}\t{tgt}\n")
        print(f"{split}.tsv: {len(items)} examples", file=sys.stderr)
    with open(args.work / "spm_input.txt", "w", encoding="utf-8") as f:
        for lang in sorted(sentences):
            for text in sorted(sentences[lang]):
                f.write(text + "\n")
    print({lang: len(s) for lang, s in sentences.items()}, file=sys.stderr)


if __name__ == "__main__":
    main()
