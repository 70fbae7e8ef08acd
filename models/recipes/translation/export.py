"""Step 4: export the trained checkpoint as a transformers Marian folder (fp16 safetensors).

    python models/recipes/translation/export.py --work .work/mt --out models/newsbrief-mt-en-km-ms

The folder loads with MarianMTModel / MarianTokenizer.from_pretrained(..., local_files_only=True),
which is exactly how newsbrief's Marian backend loads any Marian model.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from train import LANG_TOKENS, build_model


def export(work: Path, out: Path) -> None:
    import torch
    from transformers import MarianTokenizer

    saved = torch.load(work / "checkpoint.pt", weights_only=False, map_location="cpu")
    model = build_model()
    model.load_state_dict(saved["model"])
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    for name in ("source.spm", "target.spm"):
        shutil.copyfile(work / "spm.model", out / name)
    shutil.copyfile(work / "vocab.json", out / "vocab.json")
    tokenizer = MarianTokenizer(vocab=str(out / "vocab.json"), source_spm=str(out / "source.spm"),
                                target_spm=str(out / "target.spm"), separate_vocabs=False,
                                model_max_length=512)
    tokenizer.save_pretrained(out)
    model.half().save_pretrained(out, safe_serialization=True)
    (out / "training_state.json").write_text(json.dumps(
        {k: v for k, v in saved["state"].items()}, indent=2), encoding="utf-8")
    print(f"exported step {saved['state']['step']} to {out} (language tokens: {list(LANG_TOKENS.values())})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    export(args.work, args.out)
