"""A training checkpoint as a model folder that newsbrief and the benchmarks load (`--model FOLDER`):
the checkpoint's adapter files beside a `newsbrief.json` that is the shipped translator's registry
entry under a new name, not embedded and without its quality warnings.

    python models/recipes/gemma_translation/as_model.py models/recipes/gemma_translation/news-run \\
        .work/eval/newsbrief-gemma-mt-news
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import replace
from pathlib import Path

from newsbrief.models import load_registry
from newsbrief.models.registry import write_spec

FILES = ("trained.safetensors", "adapter.json", "vocab_map.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=Path, help="train.py's --out folder")
    parser.add_argument("out", type=Path, help="the model folder to write (its name is the model's name)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy(args.checkpoint / name, args.out / name)
    shipped = load_registry()["newsbrief-gemma-mt"]
    write_spec(args.out, replace(shipped, name=args.out.name, path=None, embedded=False, quality_warnings={}))
    print(args.out)


if __name__ == "__main__":
    main()
